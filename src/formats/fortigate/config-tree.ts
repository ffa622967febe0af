import { InputError } from '../../input/input-error.js';
import { tokenize, type Statement } from './tokenizer.js';

/** One `set key value...` as it stands after every set/append/unset of the key. */
export interface Setting {
  key: string;
  values: string[];
  /** The line of the statement that last changed it. */
  line: number;
  /** Set when the value's quoting is broken: what was wrong (the values are then unreliable). */
  malformed?: string;
}

/** A table entry: `edit <name>` ... `next`. */
export class Entry {
  readonly settings = new Map<string, Setting>();
  readonly blocks = new Map<string, Block>();
  constructor(
    public name: string,
    /** The line of the first `edit` of this entry. */
    readonly line: number,
  ) {}
}

/** A `config <path>` ... `end` block: a table of entries, plain settings, or nested blocks. */
export class Block {
  readonly settings = new Map<string, Setting>();
  entries = new Map<string, Entry>();
  readonly blocks = new Map<string, Block>();
  constructor(
    /** The words after `config`, joined by one space: "firewall policy", "vdom", "global". */
    readonly path: string,
    /** The line of the first `config` of this path here. */
    readonly line: number,
  ) {}
}

/**
 * The tables this reader interprets. Blocks at a scope's top level (the file, `config global`, or a VDOM's
 * `edit`) are stored only when listed here; the rest (profiles, certificates, logging ...) is parsed for
 * its structure and dropped, which keeps a large backup's memory in check.
 */
export const READ_PATHS: ReadonlySet<string> = new Set([
  'system global',
  'system settings',
  'system interface',
  'system zone',
  'system virtual-wan-link',
  'system sdwan',
  'router static',
  'router static6',
  'firewall address',
  'firewall address6',
  'firewall addrgrp',
  'firewall addrgrp6',
  'firewall vip',
  'firewall vip6',
  'firewall vipgrp',
  'firewall vipgrp6',
  'firewall service custom',
  'firewall service group',
  'firewall policy',
  'firewall policy6',
  'firewall consolidated policy',
  'firewall security-policy',
  'firewall proxy-policy',
  'firewall acl',
  'firewall acl6',
]);

/** Blocks that hold a scope: `config vdom` (whose entries are VDOMs) and `config global`. */
const SCOPE_PATHS = new Set(['vdom', 'global']);

const COMMANDS =
  'config, edit, set, unset, append, select, unselect, clear, next, end, delete, purge, move or rename';

interface Frame {
  kind: 'block' | 'entry';
  /** Undefined for content that is parsed for structure only. */
  node: Block | Entry | undefined;
  line: number;
  label: string;
  /** Whether blocks directly inside are a scope's top-level blocks (filtered by READ_PATHS). */
  scopeLevel: boolean;
}

function quoteName(name: string): string {
  return JSON.stringify(name);
}

function describe(frame: Frame): string {
  return `${frame.label} (line ${frame.line})`;
}

/**
 * Parses a FortiOS configuration into its block/entry tree. The structure follows the CLI: `config` opens
 * a block, `edit` an entry of the block's table, `next` closes the entry, `end` closes the block (and an
 * entry left open in it: "Entering end will save the table entry", FortiOS CLI Reference, Subcommands,
 * https://docs.fortinet.com/document/container-fortios/7.2.2/cli-reference/627485). A block or entry
 * opened again merges into the first one, keeping its position, as editing an existing entry does on the
 * FortiGate; `delete`, `purge`, `move` and `rename` change the table as they would there.
 *
 * Throws InputError at the line for broken nesting (`next` without `edit`, `end` without `config`, `edit`
 * inside an `edit`), a file that ends inside a block (truncated), and unknown commands.
 */
export function parseConfigTree(path: string, text: string): Block {
  const root = new Block('', 0);
  const stack: Frame[] = [];

  const fail = (line: number, message: string): never => {
    throw new InputError(path, line, message);
  };

  const top = (): Frame | undefined => stack[stack.length - 1];

  const container = (): { blocks: Map<string, Block> | undefined; scopeLevel: boolean } => {
    const t = top();
    if (!t) return { blocks: root.blocks, scopeLevel: true };
    return { blocks: t.node?.blocks, scopeLevel: t.scopeLevel };
  };

  const settingsOf = (s: Statement, verb: string): Map<string, Setting> | undefined => {
    const t = top();
    if (!t) return fail(s.line, `"${verb}" outside any config block; expected "config <path>" first`);
    return t.node?.settings;
  };

  const tableOf = (s: Statement, verb: string): Block | undefined => {
    const t = top();
    if (!t) return fail(s.line, `"${verb}" outside any config block; expected "config <path>" first`);
    if (t.kind === 'entry') {
      return fail(s.line, `"${verb}" inside ${describe(t)}; expected "next" to close the entry first`);
    }
    return t.node as Block | undefined;
  };

  const onStatement = (s: Statement): void => {
    // A pager prompt left in pasted `show` output: the statement goes on after it.
    while (s.words[0] === '--More--') {
      s.words.shift();
      if (s.malformed) s.malformed.at--;
    }
    const verb = s.words[0];
    if (s.malformed && (verb === undefined || s.malformed.at <= 1 || !VALUE_VERBS.has(verb))) {
      fail(s.line, `malformed quoting: ${s.malformed.reason}`);
    }
    if (verb === undefined) return;
    switch (verb) {
      case 'config': {
        const words = s.words.slice(1);
        if (words.length === 0)
          fail(s.line, '"config" without a path; expected e.g. "config firewall policy"');
        const blockPath = words.join(' ');
        const { blocks, scopeLevel } = container();
        const scope = !top() && SCOPE_PATHS.has(blockPath);
        const read = blocks !== undefined && (!scopeLevel || scope || READ_PATHS.has(blockPath));
        let node: Block | undefined;
        if (read) {
          node = blocks.get(blockPath);
          if (!node) {
            node = new Block(blockPath, s.line);
            blocks.set(blockPath, node);
          }
        }
        stack.push({
          kind: 'block',
          node,
          line: s.line,
          label: `config ${blockPath}`,
          scopeLevel: scope && blockPath === 'global',
        });
        return;
      }
      case 'edit': {
        const table = tableOf(s, 'edit');
        if (s.words.length !== 2) {
          fail(
            s.line,
            `"edit" takes one entry name or id; got ${s.words.length - 1} words (quote names with spaces)`,
          );
        }
        const name = s.words[1]!;
        let entry: Entry | undefined;
        if (table) {
          entry = table.entries.get(name);
          if (!entry) {
            entry = new Entry(name, s.line);
            table.entries.set(name, entry);
          }
        }
        const parent = top()!;
        stack.push({
          kind: 'entry',
          node: entry,
          line: s.line,
          label: `edit ${quoteName(name)}`,
          // The entries of the top-level "config vdom" are VDOMs: their blocks are scope-level.
          scopeLevel: stack.length === 1 && parent.label === 'config vdom',
        });
        return;
      }
      case 'next': {
        const t = top();
        if (!t || t.kind !== 'entry') {
          fail(
            s.line,
            `"next" without an open "edit"${t ? ` in ${describe(t)}` : ''}; expected "end" or an "edit"`,
          );
        }
        stack.pop();
        return;
      }
      case 'end': {
        if (!top()) fail(s.line, '"end" without an open "config" block');
        if (top()!.kind === 'entry') stack.pop();
        stack.pop();
        return;
      }
      case 'set':
      case 'select':
      case 'append':
      case 'unset':
      case 'clear':
      case 'unselect': {
        const settings = settingsOf(s, verb);
        const key = s.words[1];
        if (key === undefined) fail(s.line, `"${verb}" without a setting name`);
        if (!settings) return;
        const values = s.words.slice(2);
        const malformed = s.malformed?.reason;
        const old = settings.get(key!);
        if (verb === 'unset' || verb === 'clear') settings.delete(key!);
        else if (verb === 'unselect') {
          if (old) {
            const drop = new Set(values);
            settings.set(key!, { ...old, values: old.values.filter((v) => !drop.has(v)), line: s.line });
          }
        } else if (verb === 'append' && old) {
          const merged: Setting = { key: key!, values: [...old.values, ...values], line: s.line };
          if (old.malformed ?? malformed) merged.malformed = old.malformed ?? malformed;
          settings.set(key!, merged);
        } else {
          settings.set(
            key!,
            malformed ? { key: key!, values, line: s.line, malformed } : { key: key!, values, line: s.line },
          );
        }
        return;
      }
      case 'delete':
      case 'purge':
      case 'move':
      case 'rename':
        tableCommand(s, verb, tableOf(s, verb));
        return;
      default:
        if (!top() && isPromptLine(s.words)) return;
        fail(s.line, `unknown command ${quoteName(verb)}; expected ${COMMANDS}`);
    }
  };

  const tableCommand = (s: Statement, verb: string, table: Block | undefined): void => {
    const w = s.words;
    if (verb === 'purge') {
      if (table) table.entries = new Map();
      return;
    }
    if (verb === 'delete') {
      if (w.length !== 2) fail(s.line, '"delete" takes one entry name');
      table?.entries.delete(w[1]!);
      return;
    }
    if (verb === 'rename') {
      if (w.length !== 4 || w[2] !== 'to') fail(s.line, 'expected "rename <entry> to <new name>"');
      if (!table) return;
      const entry = table.entries.get(w[1]!);
      if (!entry) fail(s.line, `"rename": no entry ${quoteName(w[1]!)} in ${table.path}`);
      if (table.entries.has(w[3]!)) fail(s.line, `"rename": entry ${quoteName(w[3]!)} already exists`);
      entry!.name = w[3]!;
      table.entries = new Map([...table.entries].map(([k, v]) => (k === w[1] ? [w[3]!, v] : [k, v])));
      return;
    }
    // move <entry> before|after <entry>
    if (w.length !== 4 || (w[2] !== 'before' && w[2] !== 'after')) {
      fail(s.line, 'expected "move <entry> before|after <entry>"');
    }
    if (!table) return;
    const moving = table.entries.get(w[1]!);
    const anchor = table.entries.get(w[3]!);
    if (!moving || !anchor) {
      fail(s.line, `"move": no entry ${quoteName(moving ? w[3]! : w[1]!)} in config ${table.path}`);
    }
    const order = [...table.entries].filter(([k]) => k !== w[1]);
    const at = order.findIndex(([k]) => k === w[3]) + (w[2] === 'after' ? 1 : 0);
    order.splice(at, 0, [w[1]!, moving!]);
    table.entries = new Map(order);
  };

  tokenize(path, text, onStatement);
  if (stack.length > 0) {
    const open = stack.map(describe).join(' > ');
    const last = countLines(text);
    throw new InputError(
      path,
      last,
      `the file ends inside ${open}; expected ${stack[stack.length - 1]!.kind === 'entry' ? '"next" and ' : ''}"end" — is the export truncated?`,
    );
  }
  return root;
}

const VALUE_VERBS = new Set(['set', 'select', 'append']);

/** `FGT # show`, `FG_VM-Demo $ show full-configuration`, `FGT (root) #`: a CLI prompt pasted with the output. */
function isPromptLine(words: readonly string[]): boolean {
  return words.length >= 2 && words.slice(1, 3).some((w) => w === '#' || w === '$');
}

function countLines(text: string): number {
  let lines = 1;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lines++;
  if (text.endsWith('\n')) lines--;
  return Math.max(lines, 1);
}
