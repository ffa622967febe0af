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

/**
 * A report (or any JSON value) with the messages in it worded for action users. Parts with nothing to
 * reword are the input's own (a push run's report is walked at every start: copying all of it cost
 * ~1 ms); the input is never changed.
 */
export function reportInputWording<T>(value: T, key?: string): T {
  if (key !== undefined && DATA_KEYS.has(key)) return value;
  if (typeof value === 'string') return inputWording(value) as T;
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    value.forEach((v: unknown, i) => {
      const worded = reportInputWording(v);
      if (worded !== v) (copy ??= [...value])[i] = worded;
    });
    return (copy ?? value) as T;
  }
  const object = value as Record<string, unknown>;
  let copy: Record<string, unknown> | undefined;
  for (const [k, v] of Object.entries(object)) {
    const worded = reportInputWording(v, k);
    if (worded !== v) (copy ??= { ...object })[k] = worded;
  }
  return (copy ?? value) as T;
}
