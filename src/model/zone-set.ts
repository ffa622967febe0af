/**
 * A set of zone or interface names: either the listed names, or every name except the listed ones.
 * Zone names are compared exactly (vendors treat them as case-sensitive identifiers).
 */
export class ZoneSet {
  private constructor(
    readonly names: ReadonlySet<string>,
    /** When true the set is every name except `names`. */
    readonly complement: boolean,
  ) {}

  static readonly ANY = new ZoneSet(new Set(), true);
  static readonly NONE = new ZoneSet(new Set(), false);

  static of(names: Iterable<string>): ZoneSet {
    return new ZoneSet(new Set(names), false);
  }

  static allBut(names: Iterable<string>): ZoneSet {
    return new ZoneSet(new Set(names), true);
  }

  isAny(): boolean {
    return this.complement && this.names.size === 0;
  }

  isEmpty(): boolean {
    return !this.complement && this.names.size === 0;
  }

  has(name: string): boolean {
    return this.names.has(name) !== this.complement;
  }

  /** Whether the sets share a name (cheap for the common "any" case). */
  intersects(other: ZoneSet): boolean {
    if (this.complement && other.complement) return true;
    if (this.complement) {
      for (const n of other.names) if (!this.names.has(n)) return true;
      return false;
    }
    if (other.complement) {
      for (const n of this.names) if (!other.names.has(n)) return true;
      return false;
    }
    for (const n of this.names) if (other.names.has(n)) return true;
    return false;
  }

  /** The common names; one of the two sets itself where it is the answer (evaluation splits regions often). */
  intersect(other: ZoneSet): ZoneSet {
    if (other.isAny() || other === this) return this;
    if (this.isAny()) return other;
    if (!this.complement && !other.complement) return this.keep((n) => other.names.has(n));
    if (!this.complement) return this.keep((n) => !other.names.has(n));
    if (!other.complement) return other.keep((n) => !this.names.has(n));
    if (subsetOf(other.names, this.names)) return this;
    if (subsetOf(this.names, other.names)) return other;
    return ZoneSet.allBut([...this.names, ...other.names]);
  }

  /** This finite set's names that pass `test`: itself when all do. */
  private keep(test: (name: string) => boolean): ZoneSet {
    const kept: string[] = [];
    for (const n of this.names) if (test(n)) kept.push(n);
    if (kept.length === this.names.size) return this;
    return kept.length === 0 ? ZoneSet.NONE : ZoneSet.of(kept);
  }

  subtract(other: ZoneSet): ZoneSet {
    return this.intersect(other.negate());
  }

  union(other: ZoneSet): ZoneSet {
    return this.negate().intersect(other.negate()).negate();
  }

  negate(): ZoneSet {
    if (this === ZoneSet.ANY) return ZoneSet.NONE;
    if (this === ZoneSet.NONE) return ZoneSet.ANY;
    return new ZoneSet(this.names, !this.complement);
  }

  toString(): string {
    if (this.isAny()) return 'any';
    const list = [...this.names].sort().join(', ');
    return this.complement ? `any except ${list}` : list;
  }
}

function subsetOf(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  if (a.size > b.size) return false;
  for (const n of a) if (!b.has(n)) return false;
  return true;
}
