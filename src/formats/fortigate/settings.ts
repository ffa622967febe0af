/** One `set key value...` as it stands after every set/append/unset of the key. */
export interface Setting {
  key: string;
  values: string[];
  /** The line of the statement that last changed it. */
  line: number;
  /** Set when the value's quoting is broken: what was wrong (the values are then unreliable). */
  malformed?: string;
}

/** Slots per setting in `Settings`: key, line, values (see `store`), or the whole malformed Setting. */
const SLOTS = 3;

/** Joins the values of one setting in its stored form; no word can hold it (see `pack`). */
export const VALUE_SEP = '\u0000';

/**
 * The values as stored: one string for one value, the values joined by VALUE_SEP for several (one flat
 * string instead of an array and a string per value: a large export has millions), an array only when a
 * value holds VALUE_SEP itself or there is none.
 */
function pack(values: readonly string[]): string | string[] {
  if (values.length === 1) return packOne(values[0]!);
  for (const v of values) if (v.includes(VALUE_SEP)) return [...values];
  return values.length === 0 ? [] : values.join(VALUE_SEP);
}

/** pack of a single value, without a list made for it. */
function packOne(value: string): string | string[] {
  return value.includes(VALUE_SEP) ? [value] : value;
}

const NONE: readonly Setting[] = [];

export function unpack(v: string | string[]): string[] {
  if (typeof v !== 'string') return v;
  return v.includes(VALUE_SEP) ? v.split(VALUE_SEP) : [v];
}

/**
 * The settings of one table entry or block, stored flat in the node itself (a large export has millions
 * of them: a Setting object and a Map each would cost several times the text). Setting objects are made
 * when asked for. `kept` lists the keys the reader kept (the rest was skipped as it streamed by); asking
 * for another is a bug in the reader's key lists, so it throws rather than answering "not set".
 */
export class Settings {
  private d: unknown[] = [];

  /** Marks settings dropped by `release`: reading them is a bug in the reader. */
  private static readonly RELEASED: unknown[] = [];

  constructor(readonly kept?: ReadonlyMap<string, string>) {}

  private find(key: string): number {
    const d = this.d;
    for (let i = 0; i < d.length; i += SLOTS) if (d[i] === key) return i;
    // Only a kept key can be found: the checks cost nothing on a hit.
    if (d === Settings.RELEASED) {
      throw new Error(`FortiGate reader: setting "${key}" is read after the entry was released`);
    }
    if (this.kept !== undefined && !this.kept.has(key)) {
      throw new Error(
        `FortiGate reader: setting "${key}" is read but not kept (src/formats/fortigate/read-keys.ts)`,
      );
    }
    return -1;
  }

  private at(i: number): Setting {
    const v = this.d[i + 2];
    if (typeof v === 'string' || Array.isArray(v))
      return {
        key: this.d[i] as string,
        values: unpack(v as string | string[]),
        line: this.d[i + 1] as number,
      };
    return v as Setting;
  }

  /**
   * Where a setting is stored (-1 when absent), for reading it with packedAt, lineAt and settingAt
   * without the Setting object and value list `get` makes: the rule builder reads several settings of
   * every policy, and a large export has hundreds of thousands.
   */
  slot(key: string): number {
    return this.find(key);
  }

  /**
   * The values at a slot as one string, joined by VALUE_SEP (one value: itself); undefined when they are
   * not stored so (malformed, no value, or a value holding VALUE_SEP). A string always holds one value or
   * more. Undefined for -1.
   */
  packedAt(slot: number): string | undefined {
    const v = slot < 0 ? undefined : this.d[slot + 2];
    return typeof v === 'string' ? v : undefined;
  }

  /** The line of the statement that last changed the setting at a slot. */
  lineAt(slot: number): number {
    return this.d[slot + 1] as number;
  }

  /** The setting at a slot, as `get` gives it (undefined for -1). */
  settingAt(slot: number): Setting | undefined {
    return slot < 0 ? undefined : this.at(slot);
  }

  get(key: string): Setting | undefined {
    const i = this.find(key);
    return i < 0 ? undefined : this.at(i);
  }

  has(key: string): boolean {
    return this.find(key) >= 0;
  }

  /** The first value of a setting (undefined when it is absent or has none). */
  first(key: string): string | undefined {
    return this.firstAt(this.find(key));
  }

  /** The first value at a slot (undefined for -1 or when it has none). */
  firstAt(slot: number): string | undefined {
    if (slot < 0) return undefined;
    const v = this.d[slot + 2];
    if (typeof v === 'string') {
      const end = v.indexOf(VALUE_SEP);
      return end < 0 ? v : v.slice(0, end);
    }
    return Array.isArray(v) ? (v[0] as string | undefined) : (v as Setting).values[0];
  }

  /**
   * The values joined by VALUE_SEP (one value: itself), as a key for the list; undefined when the setting
   * is absent, malformed or a value holds VALUE_SEP.
   */
  joined(key: string): string | undefined {
    const i = this.find(key);
    const v = i < 0 ? undefined : this.d[i + 2];
    return typeof v === 'string' ? v : undefined;
  }

  /**
   * A setting's values as stored, without a copy: one string (several joined by VALUE_SEP), an array, or
   * the Setting when malformed; undefined when absent.
   */
  raw(key: string): string | string[] | Setting | undefined {
    const i = this.find(key);
    return i < 0 ? undefined : (this.d[i + 2] as string | string[] | Setting);
  }

  set(s: Setting): void {
    if (s.malformed !== undefined) this.store(s.key, s.line, { ...s, key: this.canonical(s.key) });
    else this.put(s.key, s.line, s.values);
  }

  /** `set key values...` (not malformed). */
  put(key: string, line: number, values: readonly string[]): void {
    this.store(key, line, pack(values));
  }

  /** `set key value` (one value, not malformed), without a list made for it. */
  putOne(key: string, line: number, value: string): void {
    this.store(key, line, packOne(value));
  }

  private canonical(key: string): string {
    return this.kept?.get(key) ?? key;
  }

  private store(key: string, line: number, value: unknown): void {
    const k = this.canonical(key);
    const i = this.find(k);
    if (i >= 0) {
      this.d[i + 1] = line;
      this.d[i + 2] = value;
    } else this.d.push(k, line, value);
  }

  delete(key: string): void {
    const i = this.find(key);
    if (i >= 0) this.d.splice(i, SLOTS);
  }

  values(): Setting[] {
    const out: Setting[] = [];
    for (let i = 0; i < this.d.length; i += SLOTS) out.push(this.at(i));
    return out;
  }

  /** The settings whose quoting is broken, in order (most entries have none: nothing is made then). */
  malformed(): readonly Setting[] {
    const d = this.d;
    if (d === Settings.RELEASED)
      throw new Error('FortiGate reader: settings read after the entry was released');
    let out: Setting[] | undefined;
    for (let i = 2; i < d.length; i += SLOTS) {
      const v = d[i];
      if (typeof v !== 'string' && !Array.isArray(v)) (out ??= []).push(v as Setting);
    }
    return out ?? NONE;
  }

  keys(): string[] {
    const out: string[] = [];
    for (let i = 0; i < this.d.length; i += SLOTS) out.push(this.d[i] as string);
    return out;
  }

  get size(): number {
    return this.d.length / SLOTS;
  }

  /**
   * Drops the settings once the reader has made of the entry all it needs (its rule, its object's
   * expression), so the tree doesn't stay alive beside the model it was read into.
   */
  release(): void {
    this.d = Settings.RELEASED;
  }

  /** Drops the spare room the list grew with, once the entry is closed. */
  compact(): void {
    this.d = this.d.slice();
  }
}
