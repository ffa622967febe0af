import type { ReadOptions } from './read-options.js';
import { InputError } from '../input/input-error.js';
import type { BinaryInputError, InputFile } from '../input/input-file.js';
import type { Policy } from '../model/policy.js';
import { asaFormat } from './asa/detect.js';
import { azureFirewallFormat } from './azure-firewall/detect.js';
import type { FormatDescriptor, FormatReader } from './format-reader.js';
import { fortigateFormat } from './fortigate/detect.js';
import { genericFormat } from './generic/detect.js';
import { iptablesFormat } from './iptables/detect.js';
import { nftablesFormat } from './nftables/detect.js';
import { panosFormat } from './panos/detect.js';
import { opnsenseFormat, pfsenseFormat } from './pfsense/detect.js';
import { recogniseUnsupported } from './unsupported-formats.js';

/** A format as registered: its descriptor (id, name, detection) and how to load its reader. */
export interface RegisteredFormat extends FormatDescriptor {
  load(): Promise<FormatReader>;
}

function register(format: FormatDescriptor, load: () => Promise<FormatReader>): RegisteredFormat {
  return { ...format, load };
}

/**
 * Every format, in the order detection tries them. Adding a vendor adds one line here. Readers are
 * imported on first use, so start-up costs only the small detect modules.
 */
export const FORMATS: readonly RegisteredFormat[] = [
  register(genericFormat, async () => (await import('./generic/generic-reader.js')).genericReader),
  register(asaFormat, async () => (await import('./asa/asa-reader.js')).asaReader),
  register(fortigateFormat, async () => (await import('./fortigate/fortigate-reader.js')).fortigateReader),
  register(panosFormat, async () => (await import('./panos/panos-reader.js')).panosReader),
  register(iptablesFormat, async () => (await import('./iptables/iptables-reader.js')).iptablesReader),
  register(nftablesFormat, async () => (await import('./nftables/nftables-reader.js')).nftablesReader),
  register(pfsenseFormat, async () => (await import('./pfsense/pfsense-reader.js')).pfsenseReader),
  register(opnsenseFormat, async () => (await import('./pfsense/pfsense-reader.js')).opnsenseReader),
  register(
    azureFirewallFormat,
    async () => (await import('./azure-firewall/azure-firewall-reader.js')).azureFirewallReader,
  ),
];

export function formatById(id: string): RegisteredFormat | undefined {
  return FORMATS.find((r) => r.id === id);
}

export function formatIds(): string[] {
  return FORMATS.map((r) => r.id);
}

/** Finds the one format that recognises a file, or says why none does and which formats were tried. */
export function detectFormat(file: InputFile): RegisteredFormat {
  const nearMisses: string[] = [];
  for (const format of FORMATS) {
    const d = format.detect(file);
    if (d.kind === 'yes') return format;
    if (d.kind === 'near-miss') nearMisses.push(`${format.name}: ${d.reason}`);
  }
  const tried = FORMATS.map((r) => `${r.id} (${r.name})`).join(', ');
  const other = recogniseUnsupported(file);
  if (other !== undefined) {
    // The readers' near misses (a nested "rules" list, say) would suggest a change that can't work.
    throw new InputError(
      file.path,
      1,
      `not a recognised firewall export: this looks like ${other}, a format not read yet (describe its policy in the generic format to check it: docs/generic-format.md). Formats tried: ${tried}`,
    );
  }
  const hint = nearMisses.length ? `; ${nearMisses.join('; ')}` : '';
  throw new InputError(file.path, 1, `not a recognised firewall export${hint}. Formats tried: ${tried}`);
}

/**
 * A binary file may still be a known vendor's near miss (an encrypted backup keeps a readable header):
 * formats look at its head, and the first near-miss reason replaces the plain "binary content" message.
 */
export function explainBinary(error: BinaryInputError): InputError {
  for (const format of FORMATS) {
    const d = format.detect({ path: error.path, text: error.head });
    if (d.kind === 'near-miss') return new InputError(error.path, 1, `${format.name}: ${d.reason}`);
  }
  return error;
}

export interface ReadInput {
  file: InputFile;
  format: RegisteredFormat;
}

/** Groups files by format and reads each group at once; returns the policies in input order. */
export async function readPolicies(
  inputs: readonly ReadInput[],
  options: ReadOptions = {},
): Promise<Policy[]> {
  const groups = new Map<RegisteredFormat, InputFile[]>();
  for (const { file, format } of inputs) {
    const list = groups.get(format) ?? [];
    list.push(file);
    groups.set(format, list);
  }
  const policies: Policy[] = [];
  for (const [format, files] of groups) policies.push(...(await format.load()).read(files, options));
  const order = new Map(inputs.map((x, i) => [x.file.path, i]));
  return policies.sort((a, b) => (order.get(a.paths[0]!) ?? 0) - (order.get(b.paths[0]!) ?? 0));
}
