import type { InputFile } from '../../input/input-file.js';
import type { Policy } from '../../model/policy.js';
import type { FormatReader } from '../format-reader.js';
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
  read(files: readonly InputFile[]): Policy[] {
    return files.flatMap(readFortigateFile);
  },
  remediate: remediateFortigate,
  release: releaseFortigate,
};
