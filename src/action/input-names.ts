import { formatIds } from '../formats/registry.js';

/**
 * The engine's messages name CLI flags; action users set inputs (or the same keys in
 * .github/remotespark-firewall.yml). Every text the action shows passes through `inputWording`, so the
 * engine's messages stay as they are and this map is the one place that knows both spellings. Flags with
 * no input (--flow, --policy, --max-input-mb) are left alone.
 */
const FLAG_TO_INPUT: Readonly<Record<string, string>> = {
  'destination-zone': 'the "destination-zone" input',
  'destination-zone-override': 'the "destination-zone-override" input',
  // The source input holds zones too; a zone name there is what --source-zone gives.
  'source-zone': 'the "source" input',
  source: 'the "source" input',
  relay: 'the "relay" input',
  format: 'the "format" input',
  catalog: 'the "catalog" input',
  'catalog-sha256': 'the "catalog-sha256" input',
  version: 'the "remotespark-version" input',
  mode: 'the "mode" input',
  'require-backups': 'the "require-backups" input',
  chain: 'the "chain" input',
};

// A flag as a word of its own: not inside a longer flag (--source in --source-zone) or another word.
const FLAG = new RegExp(`(?<![\\w-])--(${Object.keys(FLAG_TO_INPUT).join('|')})(?![\\w-])`, 'g');

let formatValue: RegExp | undefined;

/** Text for action users: CLI flag names replaced by the inputs that set the same thing. */
export function inputWording(text: string): string {
  if (!text.includes('--')) return text;
  // "--format generic" reads as a command line; say which value the input takes.
  formatValue ??= new RegExp(`(?<![\\w-])--format (auto|${formatIds().join('|')})(?![\\w/-])`, 'g');
  return text
    .replace(formatValue, (_, id: string) => `the "format" input set to ${id}`)
    .replace(FLAG, (_, flag: string) => FLAG_TO_INPUT[flag]!);
}

/** Keys of the JSON report whose strings are config text or data, never a message: kept as they are. */
const DATA_KEYS = new Set([
  'name',
  'path',
  'host',
  'policy',
  'policies',
  'relays',
  'sources',
  'sourceZones',
  'destinationZones',
  'catalogPath',
  'overlay',
]);

/** A copy of a report (or any JSON value) with the messages in it worded for action users. */
export function reportInputWording<T>(value: T, key?: string): T {
  if (key !== undefined && DATA_KEYS.has(key)) return value;
  if (typeof value === 'string') return inputWording(value) as T;
  if (Array.isArray(value)) return value.map((v) => reportInputWording(v)) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, reportInputWording(v, k)])) as T;
  }
  return value;
}
