import type { InputFile } from '../../input/input-file.js';
import { parseStructuredDocument } from '../../input/positioned.js';
import type { Policy } from '../../model/policy.js';
import type { FormatReader } from '../format-reader.js';
import { genericFormat } from './detect.js';
import { PolicyBuilder } from './policy-builder.js';
import { remediateGeneric } from './remediate.js';
import { checkGenericDocument } from './schema.js';

/** Reads one generic/v1 file (YAML or JSON) into one policy. Throws InputError naming file:line. */
export function readGenericFile(file: InputFile): Policy {
  const doc = parseStructuredDocument(file);
  const value = checkGenericDocument(doc);
  return new PolicyBuilder(doc, value).build();
}

/**
 * The project's own vendor-neutral format (docs/generic-format.md, schemas/generic-policy.schema.json):
 * an ordered first-match rule list for firewalls without a native reader. One file is one policy.
 */
export const genericReader: FormatReader = {
  ...genericFormat,
  read(files: readonly InputFile[]): Policy[] {
    return files.map(readGenericFile);
  },
  remediate: remediateGeneric,
};
