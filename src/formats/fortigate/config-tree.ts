import { InputError } from '../../input/input-error.js';
import { KEPT_KEYS, READ_PATHS, type KeptKeys } from './read-keys.js';
import { Settings, VALUE_SEP, type Setting } from './settings.js';
import { tokenizePieces, type HeaderHook, type Statement, type Visit } from './tokenizer.js';

export type { Setting } from './settings.js';
export { READ_PATHS } from './read-keys.js';

type Keys = ReadonlyMap<string, string> | undefined;

const NO_BLOCKS: ReadonlyMap<string, Block> = new Map();

/** A table entry: `edit <name>` ... `next`. Its settings are stored in the entry itself. */
export class Entry extends Settings {
  private nested?: Map<string, Block> = undefined;
  /** What a NamedResolver (`memoBy`) made of the entry (references.ts). */
  memo: unknown = undefined;
  memoBy: object | undefined = undefined;
  constructor(
    public name: string,
    /** The line of the first `edit` of this entry. */
    readonly line: number,
    kept?: Keys,
  ) {
    super(kept);
  }

  /** The entry's settings: the entry itself. */
  get settings(): Settings {
    return this;
  }

  /** Blocks nested in the entry (`config ipv6` in an interface ...); most entries have none. */
  get blocks(): ReadonlyMap<string, Block> {
    return this.nested ?? NO_BLOCKS;
  }

  blockMap(): Map<string, Block> {
    return (this.nested ??= new Map());
  }
}

/**
 * A `config <path>` ... `end` block: a table of entries, plain settings (stored in the block itself), or
 * nested blocks. `kept`: the settings its entries keep (undefined: all).
 */
export class Block extends Settings {
  entries = new Map<string, Entry>();
  readonly blocks = new Map<string, Block>();
  constructor(
    /** The words after `config`, joined by one space: "firewall policy", "vdom", "global". */
    readonly path: string,
    /** The line of the first `config` of this path here. */
    readonly line: number,
    kept?: Keys,
  ) {
    super(kept);
  }

  /** The block's settings: the block itself. */
  get settings(): Settings {
    return this;
  }

  blockMap(): Map<string, Block> {
    return this.blocks;
  }
}

/**
 * Sees the tree as it is read, to build each policy as its entry closes (policy-stream.ts) rather than
 * after the whole file; it throws to stop the read where it can't follow.
 */
export interface TreeWatcher {
  /**
   * A block opened at a scope's top level: into `into`, the blocks of `owner` (a VDOM's entry, the
   * `config global` block, or undefined at the file's top level). True: the watcher takes the block's
   * entries (`entering`, `closed`), and the block keeps none of them.
   */
  opened(path: string, block: Block, into: Map<string, Block>, owner: Block | Entry | undefined): boolean;
  /** An entry of a block the watcher takes opens (`edit <name>`). */
  entering(table: Block, name: string): void;
  /** An entry of a block the watcher takes, closed; it is released after. */
  closed(table: Block, entry: Entry): void;
  /** A table changed by `verb` (delete, purge, move, rename). */
  changed(table: Block, verb: string): void;
}

/** What else sees the text as the tree is read: each statement first, as read, and the header line. */
export interface ReadHooks {
  statement: Visit;
  header?: HeaderHook;
}

/** Blocks that hold a scope: `config vdom` (whose entries are VDOMs) and `config global`. */
const SCOPE_PATHS = new Set(['vdom', 'global']);

const COMMANDS =
  'config, edit, set, unset, append, select, unselect, clear, next, end, delete, purge, move or rename';

const VALUE_VERBS = new Set(['set', 'select', 'append']);

/** Slots of TreeBuilder.recent (a power of two), and the shift that takes a 32-bit hash to a slot. */
const RECENT_SLOTS = 1 << 12;
const RECENT_SHIFT = 32 - 12;

interface Frame {
  kind: 'block' | 'entry';
  /** Undefined for content that is parsed for structure only. */
  node: Block | Entry | undefined;
  line: number;
  /** The block's path or the entry's name, for messages. */
  name: string;
  /** Whether blocks directly inside are a scope's top-level blocks (filtered by READ_PATHS). */
  scopeLevel: boolean;
  /** The settings kept here (undefined: all). */
  kept: Keys;
  /** A block whose entries the watcher takes, or (for an entry) the block it is taken from. */
  handed?: Block;
}

function quoteName(name: string): string {
  return JSON.stringify(name);
}

function describe(frame: Frame): string {
  const label = frame.kind === 'block' ? `config ${frame.name}` : `edit ${quoteName(frame.name)}`;
  return `${label} (line ${frame.line})`;
}

/**
 * Parses a whole FortiOS configuration into its block/entry tree, keeping every setting of the tables
 * in READ_PATHS.
 */
export function parseConfigTree(path: string, text: string): Block {
  return readConfigTree(path, [text], null);
}

/**
 * Reads a FortiOS configuration, given as text pieces, into its block/entry tree. The structure follows
 * the CLI: `config` opens a block, `edit` an entry of the block's table, `next` closes the entry, `end`
 * closes the block (and an entry left open in it: "Entering end will save the table entry", FortiOS CLI
 * Reference, Subcommands, https://docs.fortinet.com/document/container-fortios/7.2.2/cli-reference/627485).
 * A block or entry opened again merges into the first one, keeping its position, as editing an existing
 * entry does on the FortiGate; `delete`, `purge`, `move` and `rename` change the table as they would there.
 *
 * With `keptKeys` (read-keys.ts), a scope-level table keeps only the settings listed for it (all where it
 * is not listed); the values of other `set` lines are skipped unread as they stream by. With null every
 * setting is kept. `also` sees each statement first, as read (what the fixes need, in the same pass).
 *
 * Throws InputError at the line for broken nesting (`next` without `edit`, `end` without `config`, `edit`
 * inside an `edit`), a file that ends inside a block (truncated), and unknown commands.
 */
export function readConfigTree(
  path: string,
  pieces: Iterable<string>,
  keptKeys: KeptKeys | null = KEPT_KEYS,
  also?: ReadHooks,
  watcher?: TreeWatcher,
): Block {
  const builder = new TreeBuilder(path, keptKeys, watcher);
  const seen = also?.statement;
  const last = tokenizePieces(
    path,
    pieces,
    seen
      ? (s, indent) => {
          seen(s, indent);
          builder.statement(s);
        }
      : (s) => builder.statement(s),
    (verb, key) => builder.skipsValues(verb, key),
    undefined,
    also?.header,
  );
  builder.finish(last);
  return builder.root;
}

class TreeBuilder {
  readonly root = new Block('', 0);
  private readonly stack: Frame[] = [];
  /** Recently kept words, by a hash of a few of their characters (see intern). */
  private readonly recent: string[] = new Array<string>(RECENT_SLOTS).fill('');

  constructor(
    private readonly path: string,
    private readonly keptKeys: KeptKeys | null,
    private readonly watcher?: TreeWatcher,
  ) {}

  private fail(line: number, message: string): never {
    throw new InputError(this.path, line, message);
  }

  private top(): Frame | undefined {
    return this.stack[this.stack.length - 1];
  }

  /**
   * The word to keep. Values recur across the file (every policy says accept, always, its interfaces and
   * common objects), so a word equal to one kept recently is shared: a small table indexed by a hash of
   * its length and a few characters, each slot holding the last word seen there. It catches the common
   * words at the cost of a few character reads (a map of every word cost more time than it saved memory).
   * A slice of 13 characters or more would keep the piece it comes from alive (V8), so such a word is copied.
   */
  private intern(word: string): string {
    const n = word.length;
    if (n === 0) return word;
    const h =
      (Math.imul(n, 0x9e3779b1) ^
        Math.imul(word.charCodeAt(0), 0x85ebca6b) ^
        Math.imul(word.charCodeAt(n - 1), 0xc2b2ae35) ^
        Math.imul(word.charCodeAt(n >> 1), 0x27d4eb2f)) >>>
      RECENT_SHIFT;
    const seen = this.recent[h]!;
    if (seen === word) return seen;
    const own = n < 13 ? word : (word + ' ').slice(0, -1);
    this.recent[h] = own;
    return own;
  }

  /** Whether the values of a `set`/`select`/`append` with this key are not kept, so need not be read. */
  skipsValues(verb: string, key: string): boolean {
    if (this.keptKeys === null || !VALUE_VERBS.has(verb)) return false;
    const t = this.top();
    if (!t) return false;
    return t.node === undefined || (t.kept !== undefined && !t.kept.has(key));
  }

  finish(lastLine: number): void {
    if (this.stack.length > 0) {
      const open = this.stack.map(describe).join(' > ');
      throw new InputError(
        this.path,
        lastLine,
        `the file ends inside ${open}; expected ${this.stack[this.stack.length - 1]!.kind === 'entry' ? '"next" and ' : ''}"end" — is the export truncated?`,
      );
    }
  }

  private settingsOf(s: Statement, verb: string): Frame {
    const t = this.top();
    if (!t) return this.fail(s.line, `"${verb}" outside any config block; expected "config <path>" first`);
    return t;
  }

  private tableOf(s: Statement, verb: string): Block | undefined {
    const t = this.top();
    if (!t) return this.fail(s.line, `"${verb}" outside any config block; expected "config <path>" first`);
    if (t.kind === 'entry') {
      return this.fail(s.line, `"${verb}" inside ${describe(t)}; expected "next" to close the entry first`);
    }
    return t.node as Block | undefined;
  }

  private pop(): void {
    const f = this.stack.pop()!;
    if (f.kind !== 'entry' || !f.node) return;
    const entry = f.node as Entry;
    if (f.handed) {
      this.watcher!.closed(f.handed, entry);
      entry.release();
    } else entry.settings.compact();
  }

  statement(s: Statement): void {
    // A pager prompt left in pasted `show` output: the statement goes on after it.
    while (s.words[0] === '--More--') {
      s.words.shift();
      if (s.malformed) s.malformed.at--;
    }
    const verb = s.words[0];
    if (s.malformed && (verb === undefined || s.malformed.at <= 1 || !VALUE_VERBS.has(verb))) {
      this.fail(s.line, `malformed quoting: ${s.malformed.reason}`);
    }
    if (verb === undefined) return;
    switch (verb) {
      case 'config':
        return this.config(s);
      case 'edit':
        return this.edit(s);
      case 'next': {
        const t = this.top();
        if (!t || t.kind !== 'entry') {
          this.fail(
            s.line,
            `"next" without an open "edit"${t ? ` in ${describe(t)}` : ''}; expected "end" or an "edit"`,
          );
        }
        this.pop();
        return;
      }
      case 'end': {
        if (!this.top()) this.fail(s.line, '"end" without an open "config" block');
        if (this.top()!.kind === 'entry') this.pop();
        this.pop();
        return;
      }
      case 'set':
      case 'select':
      case 'append':
      case 'unset':
      case 'clear':
      case 'unselect':
        return this.setting(s, verb);
      case 'delete':
      case 'purge':
      case 'move':
      case 'rename':
        return this.tableCommand(s, verb, this.tableOf(s, verb));
      default:
        if (!this.top() && isPromptLine(s.words)) return;
        this.fail(s.line, `unknown command ${quoteName(verb)}; expected ${COMMANDS}`);
    }
  }

  private config(s: Statement): void {
    const words = s.words.slice(1);
    if (words.length === 0)
      this.fail(s.line, '"config" without a path; expected e.g. "config firewall policy"');
    const blockPath = words.join(' ');
    const t = this.top();
    const blocks = t ? t.node?.blockMap() : this.root.blocks;
    const scopeLevel = t ? t.scopeLevel : true;
    const scope = !t && SCOPE_PATHS.has(blockPath);
    const read = blocks !== undefined && (!scopeLevel || scope || READ_PATHS.has(blockPath));
    // A scope-level table keeps the settings the reader uses; nested blocks and scopes keep all.
    const kept = this.keptKeys !== null && scopeLevel && !scope ? this.keptKeys.get(blockPath) : undefined;
    let node: Block | undefined;
    if (read) {
      node = blocks.get(blockPath);
      if (!node) {
        node = new Block(blockPath, s.line, kept);
        blocks.set(blockPath, node);
      }
    }
    const handed =
      node && scopeLevel && this.watcher?.opened(blockPath, node, blocks!, t?.node) ? node : undefined;
    this.stack.push({
      kind: 'block',
      node,
      line: s.line,
      name: blockPath,
      scopeLevel: scope && blockPath === 'global',
      kept: node?.kept,
      handed,
    });
  }

  private edit(s: Statement): void {
    const table = this.tableOf(s, 'edit');
    if (s.words.length !== 2) {
      this.fail(
        s.line,
        `"edit" takes one entry name or id; got ${s.words.length - 1} words (quote names with spaces)`,
      );
    }
    const name = s.words[1]!;
    let entry: Entry | undefined;
    const parent = this.top()!;
    if (table && parent.handed) {
      this.watcher!.entering(table, name);
      entry = new Entry(this.intern(name), s.line, table.kept);
    } else if (table) {
      entry = table.entries.get(name);
      if (!entry) {
        const own = this.intern(name);
        entry = new Entry(own, s.line, table.kept);
        table.entries.set(own, entry);
      }
    }
    this.stack.push({
      kind: 'entry',
      node: entry,
      line: s.line,
      name,
      // The entries of the top-level "config vdom" are VDOMs: their blocks are scope-level.
      scopeLevel: this.stack.length === 1 && parent.kind === 'block' && parent.name === 'vdom',
      kept: table?.kept,
      handed: parent.handed,
    });
  }

  private setting(s: Statement, verb: string): void {
    const t = this.settingsOf(s, verb);
    const key = s.words[1];
    if (key === undefined) this.fail(s.line, `"${verb}" without a setting name`);
    const settings = t.node?.settings;
    if (!settings || s.skipped || (t.kept !== undefined && !t.kept.has(key!))) return;
    if (verb === 'unset' || verb === 'clear') {
      settings.delete(key!);
      return;
    }
    const malformed = s.malformed?.reason;
    const n = s.words.length;
    if (!malformed && verb === 'set' && (n === 3 || !s.words.some((w) => w.includes(VALUE_SEP)))) {
      // Several values are stored joined (settings.ts), a copy of their own; one is shared with recent
      // equal ones.
      const own = t.kept === undefined ? this.intern(key!) : key!;
      if (n === 3) settings.putOne(own, s.line, this.intern(s.words[2]!));
      else settings.put(own, s.line, s.words.slice(2));
      return;
    }
    const values = s.words.slice(2);
    for (let k = 0; k < values.length; k++) values[k] = this.intern(values[k]!);
    const old = verb === 'unselect' || verb === 'append' ? settings.get(key!) : undefined;
    if (verb === 'unselect') {
      if (old) {
        const drop = new Set(values);
        settings.set({ ...old, values: old.values.filter((v) => !drop.has(v)), line: s.line });
      }
    } else if (verb === 'append' && old) {
      const merged: Setting = { key: key!, values: [...old.values, ...values], line: s.line };
      if (old.malformed ?? malformed) merged.malformed = old.malformed ?? malformed;
      settings.set(merged);
    } else if (malformed) settings.set({ key: this.intern(key!), values, line: s.line, malformed });
    else settings.put(this.intern(key!), s.line, values);
  }

  private tableCommand(s: Statement, verb: string, table: Block | undefined): void {
    const w = s.words;
    if (table) this.watcher?.changed(table, verb);
    if (verb === 'purge') {
      if (table) table.entries = new Map();
      return;
    }
    if (verb === 'delete') {
      if (w.length !== 2) this.fail(s.line, '"delete" takes one entry name');
      table?.entries.delete(w[1]!);
      return;
    }
    if (verb === 'rename') {
      if (w.length !== 4 || w[2] !== 'to') this.fail(s.line, 'expected "rename <entry> to <new name>"');
      if (!table) return;
      const entry = table.entries.get(w[1]!);
      if (!entry) this.fail(s.line, `"rename": no entry ${quoteName(w[1]!)} in ${table.path}`);
      if (table.entries.has(w[3]!)) this.fail(s.line, `"rename": entry ${quoteName(w[3]!)} already exists`);
      entry!.name = this.intern(w[3]!);
      table.entries = new Map([...table.entries].map(([k, v]) => (k === w[1] ? [entry!.name, v] : [k, v])));
      return;
    }
    // move <entry> before|after <entry>
    if (w.length !== 4 || (w[2] !== 'before' && w[2] !== 'after')) {
      this.fail(s.line, 'expected "move <entry> before|after <entry>"');
    }
    if (!table) return;
    const moving = table.entries.get(w[1]!);
    const anchor = table.entries.get(w[3]!);
    if (!moving || !anchor) {
      this.fail(s.line, `"move": no entry ${quoteName(moving ? w[3]! : w[1]!)} in config ${table.path}`);
    }
    const order = [...table.entries].filter(([k]) => k !== w[1]);
    const at = order.findIndex(([k]) => k === w[3]) + (w[2] === 'after' ? 1 : 0);
    order.splice(at, 0, [moving!.name, moving!]);
    table.entries = new Map(order);
  }
}

/** `FGT # show`, `FG_VM-Demo $ show full-configuration`, `FGT (root) #`: a CLI prompt pasted with the output. */
function isPromptLine(words: readonly string[]): boolean {
  return words.length >= 2 && words.slice(1, 3).some((w) => w === '#' || w === '$');
}
