import { InputError } from '../../input/input-error.js';
import type { Block, Entry } from './config-tree.js';

/** Where a name is referenced from: the line, and what refers to it ("srcaddr of policy 3"). */
export interface Reference {
  line: number;
  what: string;
}

/**
 * Checks every entry of a table, as references would find it: `find` says what the entry's name finds (for
 * a name an earlier table also holds, that table's object), `resolve` what was made of that. A scope's own
 * table (`own`) then gives way to the map returned, of each name it defines and what was made of it: an
 * entry held only for its name and expression cost ~80 bytes, 9% of a large export's read at its end
 * (docs/performance.md, session 11). Its entries are released and the table emptied. Undefined for a table
 * that stays as it is (`config global`'s, which other VDOMs' books resolve again).
 */
export function checkTable<F, T>(
  table: Block | undefined,
  own: boolean,
  find: (entry: Entry) => F,
  resolve: (found: F, entry: Entry) => T,
): Map<string, T> | undefined {
  const settled = own ? new Map<string, T>() : undefined;
  for (const entry of table?.entries.values() ?? []) {
    const found = find(entry);
    const value = resolve(found, entry);
    if (!settled) continue;
    // A name an earlier table also holds is looked up there: this entry is only checked.
    if (found === entry) settled.set(entry.name, value);
    entry.release();
  }
  if (settled) table?.entries.clear();
  return settled;
}

/** Group nesting deeper than this is refused rather than risking the call stack. */
const MAX_DEPTH = 500;

/** Marks an entry being resolved (its members are being resolved): meeting it again is a cycle. */
const OPEN = Symbol('open');

/**
 * Resolves named objects that may contain each other (address and service groups) once each, in any order
 * of definition, and refuses a group that contains itself, naming the cycle at the member that closes it.
 * The value is kept on the entry itself (tagged with the resolver, as a `config global` object may be
 * resolved by several VDOMs' books), so a large export's objects cost no name-keyed map; FortiOS's
 * factory defaults, shared by every read, keep theirs here instead (so no read's objects outlive it).
 */
export class NamedResolver<T> {
  private readonly open: Entry[] = [];
  private readonly defaults = new Map<Entry, T | typeof OPEN>();

  constructor(
    private readonly path: string,
    /** "address group", "service group": for the cycle message. */
    private readonly kind: string,
    private readonly build: (entry: Entry) => T,
  ) {}

  private memo(entry: Entry, shared: boolean): T | typeof OPEN | undefined {
    if (shared) return this.defaults.get(entry);
    return entry.memoBy === this ? (entry.memo as T | typeof OPEN) : undefined;
  }

  private keep(entry: Entry, shared: boolean, value: T | typeof OPEN | undefined): void {
    if (shared) {
      if (value === undefined) this.defaults.delete(entry);
      else this.defaults.set(entry, value);
    } else {
      entry.memoBy = value === undefined ? undefined : this;
      entry.memo = value;
    }
  }

  /** The value of an entry already resolved here. `shared`: a factory default. */
  cached(entry: Entry, shared = false): T | undefined {
    const v = this.memo(entry, shared);
    return v === OPEN ? undefined : v;
  }

  resolve(entry: Entry, ref: Reference, shared = false): T {
    const known = this.memo(entry, shared);
    if (known !== undefined) {
      if (known !== OPEN) return known;
      const names = this.open.slice(this.open.indexOf(entry)).map((e) => e.name);
      const cycle = [...names, entry.name];
      throw new InputError(
        this.path,
        ref.line,
        `${this.kind} ${JSON.stringify(cycle[0])} contains itself (${cycle.map((c) => JSON.stringify(c)).join(' -> ')}); groups may nest but not in a cycle`,
      );
    }
    if (this.open.length >= MAX_DEPTH) {
      throw new InputError(this.path, ref.line, `${this.kind}s nest deeper than ${MAX_DEPTH} levels`);
    }
    this.open.push(entry);
    this.keep(entry, shared, OPEN);
    let value: T;
    try {
      value = this.build(entry);
    } catch (e) {
      this.keep(entry, shared, undefined);
      throw e;
    } finally {
      this.open.pop();
    }
    this.keep(entry, shared, value);
    return value;
  }
}
