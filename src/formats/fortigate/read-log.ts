import type { PolicyWarning } from '../../model/policy.js';

/** What kind of factory-default object was assumed, for the note. */
export type AssumedKind = 'address' | 'IPv6 address' | 'service' | 'service group';

/**
 * What reading one scope had to work around: stale references (warnings at the line of the reference)
 * and factory-default objects the export uses without defining them.
 */
export class ReadLog {
  private readonly list: (PolicyWarning & { location: { line: number } })[] = [];
  private readonly seen = new Set<string>();
  private readonly assumedNames = new Map<AssumedKind, Set<string>>();
  /** Undefined names by reference (kind, where, line), so one list gets one warning. */
  private readonly undefinedRefs = new Map<
    string,
    { kind: string; where: string; line: number; names: string[] }
  >();

  constructor(private readonly path: string) {}

  warn(message: string, line: number): void {
    const key = `${line}\u0000${message}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.list.push({ message, location: { path: this.path, line } });
  }

  /**
   * A name the export doesn't define, referenced at `line` by `where` ("in srcaddr of policy 3"); `name`
   * may carry a hint after it.
   */
  undefinedName(kind: 'address' | 'service', name: string, where: string, line: number): void {
    const key = `${kind}\u0000${where}\u0000${line}`;
    const ref = this.undefinedRefs.get(key);
    if (ref) {
      if (!ref.names.includes(name)) ref.names.push(name);
    } else this.undefinedRefs.set(key, { kind, where, line, names: [name] });
  }

  assume(kind: AssumedKind, name: string): void {
    let names = this.assumedNames.get(kind);
    if (!names) this.assumedNames.set(kind, (names = new Set()));
    names.add(name);
  }

  /** Warnings in file order. */
  warnings(): PolicyWarning[] {
    const undefinedRefs = [...this.undefinedRefs.values()].map(({ kind, where, line, names }) => {
      const many = names.length > 1;
      return {
        message: `undefined ${kind}${many ? (kind === 'address' ? 'es' : 's') : ''} ${names.join(', ')} ${where}: not defined in this export, so ${many ? 'they are unknown wherever they are' : 'it is unknown wherever it is'} used`,
        location: { path: this.path, line },
      };
    });
    return [...this.list, ...undefinedRefs].sort((a, b) => a.location.line - b.location.line);
  }

  /** The note naming the assumed objects, or undefined when there are none. */
  assumedNote(): string | undefined {
    if (this.assumedNames.size === 0) return undefined;
    const order: AssumedKind[] = ['address', 'IPv6 address', 'service', 'service group'];
    const parts = order
      .filter((k) => this.assumedNames.has(k))
      .map((k) => {
        const names = [...this.assumedNames.get(k)!].map((n) => JSON.stringify(n));
        return `${k}${names.length > 1 ? (k.endsWith('s') ? 'es' : 's') : ''} ${names.join(', ')}`;
      });
    return `the export uses FortiOS factory-default objects it does not define, taken as FortiOS defines them by default (a device where they were edited may differ): ${parts.join('; ')}`;
  }
}
