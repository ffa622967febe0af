import type { InputFile } from '../../input/input-file.js';
import type { Policy } from '../../model/policy.js';
import type { FormatReader } from '../format-reader.js';
import type { ReadOptions } from '../read-options.js';
import { fortigateFormat } from './detect.js';
import { readFortigateFile } from './read-file.js';
import { releaseFortigate, remediateFortigate } from './remediate.js';

export { readFortigateFile } from './read-file.js';

/**
 * Fortinet FortiGate (FortiOS): configuration backups (`.conf`, with or without VDOMs) and CLI `show` /
 * `show full-configuration` output. See docs/formats/fortigate.md.
 */
export const fortigateReader: FormatReader = {
  ...fortigateFormat,
  read(files: readonly InputFile[], options: ReadOptions = {}): Policy[] {
    return files.flatMap((f) => readFortigateFile(f, options.forFixes !== false));
  },
  remediate: remediateFortigate,
  release: releaseFortigate,
};
