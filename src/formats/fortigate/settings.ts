/** One `set key value...` as it stands after every set/append/unset of the key. */
export interface Setting {
  key: string;
  values: string[];
  /** The line of the statement that last changed it. */
  line: number;
  /** Set when the value's quoting is broken: what was wrong (the values are then unreliable). */
  malformed?: string;
}

/** Slots per setting in `Settings`: key, line, values (one string, a list, or the whole malformed Setting). */
const SLOTS = 3;

/**
 * The settings of one table entry or block, stored flat (a large export has millions of them: a Setting
 * object and a Map each would cost several times the text). Setting objects are made when asked for.
 * `kept` lists the keys the reader kept (the rest was skipped as it streamed by); asking for another is a
 * bug in the reader's key lists, so it throws rather than answering "not set".
 */
export class Settings {
  private d: unknown[] = [];

  constructor(private readonly kept?: ReadonlyMap<string, string>) {}

  private find(key: string): number {
    const d = this.d;
    for (let i = 0; i < d.length; i += SLOTS) if (d[i] === key) return i;
    // Only a kept key can be found: the check costs nothing on a hit.
    if (this.kept !== undefined && !this.kept.has(key)) {
      throw new Error(
        `FortiGate reader: setting "${key}" is read but not kept (src/formats/fortigate/read-keys.ts)`,
      );
    }
    return -1;
  }

  private at(i: number): Setting {
    const v = this.d[i + 2];
    if (typeof v === 'string')
      return { key: this.d[i] as string, values: [v], line: this.d[i + 1] as number };
    if (Array.isArray(v))
      return { key: this.d[i] as string, values: v as string[], line: this.d[i + 1] as number };
    return v as Setting;
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
    const i = this.find(key);
    if (i < 0) return undefined;
    const v = this.d[i + 2];
    return typeof v === 'string'
      ? v
      : Array.isArray(v)
        ? (v[0] as string | undefined)
        : (v as Setting).values[0];
  }

  set(s: Setting): void {
    if (s.malformed !== undefined) this.store(s.key, s.line, { ...s, key: this.canonical(s.key) });
    else this.put(s.key, s.line, s.values);
  }

  /** `set key values...` (not malformed). */
  put(key: string, line: number, values: string[]): void {
    this.store(key, line, values.length === 1 ? values[0] : values);
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

  keys(): string[] {
    const out: string[] = [];
    for (let i = 0; i < this.d.length; i += SLOTS) out.push(this.d[i] as string);
    return out;
  }

  get size(): number {
    return this.d.length / SLOTS;
  }

  /** Drops the spare room the list grew with, once the entry is closed. */
  compact(): void {
    this.d = this.d.slice();
  }
}
