import type { InputFile } from '../../input/input-file.js';
import { parseJson } from './json-parser.js';
import type { Ruleset } from './ruleset.js';
import { parseText } from './text-parser.js';

/** Reads one file, text or JSON, into its ruleset. Throws InputError naming file:line. */
export function readRuleset(file: InputFile): Ruleset {
  return /^\s*\{/.test(file.text) ? parseJson(file) : parseText(file);
}
