import { InputError } from '../input/input-error.js';
import type { BinaryInputError, InputFile } from '../input/input-file.js';
import type { Policy } from '../model/policy.js';
import type { FormatReader } from './format-reader.js';
import { asaReader } from './asa/asa-reader.js';
import { azureFirewallReader } from './azure-firewall/azure-firewall-reader.js';
import { fortigateReader } from './fortigate/fortigate-reader.js';
import { genericReader } from './generic/generic-reader.js';

/** Every reader, in the order detection tries them. Adding a vendor adds one line here. */
export const READERS: readonly FormatReader[] = [
  genericReader,
  asaReader,
  fortigateReader,
  azureFirewallReader,
];

export function readerById(id: string): FormatReader | undefined {
  return READERS.find((r) => r.id === id);
}

export function formatIds(): string[] {
  return READERS.map((r) => r.id);
}

/** Finds the one reader that recognises a file, or says why none does and which formats were tried. */
export function detectReader(file: InputFile): FormatReader {
  const nearMisses: string[] = [];
  for (const reader of READERS) {
    const d = reader.detect(file);
    if (d.kind === 'yes') return reader;
    if (d.kind === 'near-miss') nearMisses.push(`${reader.name}: ${d.reason}`);
  }
  const tried = READERS.map((r) => `${r.id} (${r.name})`).join(', ');
  const hint = nearMisses.length ? `; ${nearMisses.join('; ')}` : '';
  throw new InputError(file.path, 1, `not a recognised firewall export${hint}. Formats tried: ${tried}`);
}

/**
 * A binary file may still be a known vendor's near miss (an encrypted backup keeps a readable header):
 * readers look at its head, and the first near-miss reason replaces the plain "binary content" message.
 */
export function explainBinary(error: BinaryInputError): InputError {
  for (const reader of READERS) {
    const d = reader.detect({ path: error.path, text: error.head });
    if (d.kind === 'near-miss') return new InputError(error.path, 1, `${reader.name}: ${d.reason}`);
  }
  return error;
}

export interface ReadInput {
  file: InputFile;
  reader: FormatReader;
}

/** Groups files by reader and reads each group at once; returns the policies in input order. */
export function readPolicies(inputs: readonly ReadInput[]): Policy[] {
  const groups = new Map<FormatReader, InputFile[]>();
  for (const { file, reader } of inputs) {
    const list = groups.get(reader) ?? [];
    list.push(file);
    groups.set(reader, list);
  }
  const policies: Policy[] = [];
  for (const [reader, files] of groups) policies.push(...reader.read(files));
  const order = new Map(inputs.map((x, i) => [x.file.path, i]));
  return policies.sort((a, b) => (order.get(a.paths[0]!) ?? 0) - (order.get(b.paths[0]!) ?? 0));
}
