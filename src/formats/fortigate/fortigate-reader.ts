import { InputError } from '../../input/input-error.js';
import { textChunks, type InputFile } from '../../input/input-file.js';
import type { Policy } from '../../model/policy.js';
import type { FormatReader } from '../format-reader.js';
import { readConfigTree } from './config-tree.js';
import { detectFortigate, ENCRYPTED_REASON, fortigateFormat } from './detect.js';
import { buildScopePolicy } from './policy-builder.js';
import { releaseFortigate, remediateFortigate } from './remediate.js';
import { splitScopes } from './scopes.js';

/**
 * Reads one FortiOS configuration: one policy, or one per VDOM (named after it). The text is read in
 * pieces as it is decoded, keeping only the tables and settings the check uses.
 */
export function readFortigateFile(file: InputFile): Policy[] {
  const detection = detectFortigate(file);
  if (detection.kind === 'near-miss' && detection.reason === ENCRYPTED_REASON) {
    throw new InputError(file.path, 1, ENCRYPTED_REASON);
  }
  const root = readConfigTree(file.path, textChunks(file));
  return splitScopes(file.path, root).map(buildScopePolicy);
}

/**
 * Fortinet FortiGate (FortiOS): configuration backups (`.conf`, with or without VDOMs) and CLI `show` /
 * `show full-configuration` output. See docs/formats/fortigate.md.
 */
export const fortigateReader: FormatReader = {
  ...fortigateFormat,
  read(files: readonly InputFile[]): Policy[] {
    return files.flatMap(readFortigateFile);
  },
  remediate: remediateFortigate,
  release: releaseFortigate,
};
