/** Appends [lo, hi] to sorted bounds, merging it into the last interval when they overlap or touch. */
function appendMerged(out: bigint[], lo: bigint, hi: bigint): void {
  const n = out.length;
  if (n > 0 && lo <= out[n - 1]! + 1n) {
    if (hi > out[n - 1]!) out[n - 1] = hi;
  } else {
    out.push(lo, hi);
  }
}

/**
 * An exact, immutable set of integers stored as sorted, disjoint, non-adjacent closed intervals.
 * Addresses of both IP families live in one bigint universe (see ip.ts), so one set type serves all.
 */
export class IntervalSet {
  /** Flat bounds: [lo0, hi0, lo1, hi1, ...], each interval closed, sorted, with gaps between them. */
  private constructor(private readonly bounds: readonly bigint[]) {}

  static readonly EMPTY = new IntervalSet([]);

  static range(lo: bigint, hi: bigint): IntervalSet {
    return lo > hi ? IntervalSet.EMPTY : new IntervalSet([lo, hi]);
  }

  static point(value: bigint): IntervalSet {
    return new IntervalSet([value, value]);
  }

  /** Builds a set from intervals in any order, overlapping or not. */
  static fromRanges(ranges: Iterable<readonly [bigint, bigint]>): IntervalSet {
    const list = [...ranges].filter(([lo, hi]) => lo <= hi);
    list.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    const out: bigint[] = [];
    for (const [lo, hi] of list) appendMerged(out, lo, hi);
    return new IntervalSet(out);
  }

  /** Unions many sets at once (cheaper than folding `union` over a long list). */
  static unionAll(sets: Iterable<IntervalSet>): IntervalSet {
    const ranges: [bigint, bigint][] = [];
    for (const s of sets)
      for (let i = 0; i < s.bounds.length; i += 2) ranges.push([s.bounds[i]!, s.bounds[i + 1]!]);
    return IntervalSet.fromRanges(ranges);
  }

  isEmpty(): boolean {
    return this.bounds.length === 0;
  }

  get intervalCount(): number {
    return this.bounds.length / 2;
  }

  *ranges(): Generator<[bigint, bigint]> {
    for (let i = 0; i < this.bounds.length; i += 2) yield [this.bounds[i]!, this.bounds[i + 1]!];
  }

  min(): bigint | undefined {
    return this.bounds[0];
  }

  max(): bigint | undefined {
    return this.bounds[this.bounds.length - 1];
  }

  /** Number of integers in the set. */
  size(): bigint {
    let n = 0n;
    for (let i = 0; i < this.bounds.length; i += 2) n += this.bounds[i + 1]! - this.bounds[i]! + 1n;
    return n;
  }

  has(value: bigint): boolean {
    const b = this.bounds;
    let lo = 0;
    let hi = b.length / 2 - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (value < b[2 * mid]!) hi = mid - 1;
      else if (value > b[2 * mid + 1]!) lo = mid + 1;
      else return true;
    }
    return false;
  }

  union(other: IntervalSet): IntervalSet {
    if (other.bounds.length === 0) return this;
    if (this.bounds.length === 0) return other;
    const a = this.bounds;
    const b = other.bounds;
    const out: bigint[] = [];
    let i = 0;
    let j = 0;
    while (i < a.length || j < b.length) {
      let lo: bigint;
      let hi: bigint;
      if (j >= b.length || (i < a.length && a[i]! <= b[j]!)) {
        lo = a[i]!;
        hi = a[i + 1]!;
        i += 2;
      } else {
        lo = b[j]!;
        hi = b[j + 1]!;
        j += 2;
      }
      appendMerged(out, lo, hi);
    }
    return new IntervalSet(out);
  }

  intersect(other: IntervalSet): IntervalSet {
    const a = this.bounds;
    const b = other.bounds;
    if (a.length === 0 || b.length === 0) return IntervalSet.EMPTY;
    const out: bigint[] = [];
    let i = 0;
    let j = 0;
    while (i < a.length && j < b.length) {
      const lo = a[i]! > b[j]! ? a[i]! : b[j]!;
      const hi = a[i + 1]! < b[j + 1]! ? a[i + 1]! : b[j + 1]!;
      if (lo <= hi) out.push(lo, hi);
      if (a[i + 1]! < b[j + 1]!) i += 2;
      else j += 2;
    }
    return out.length === a.length && out.every((v, k) => v === a[k]) ? this : new IntervalSet(out);
  }

  intersects(other: IntervalSet): boolean {
    const a = this.bounds;
    const b = other.bounds;
    if (a.length === 0 || b.length === 0) return false;
    if (a[a.length - 1]! < b[0]! || b[b.length - 1]! < a[0]!) return false;
    // Few intervals against many: look each one up instead of walking both lists.
    if (a.length <= 4 && b.length > 16) return other.overlapsAny(a);
    if (b.length <= 4 && a.length > 16) return this.overlapsAny(b);
    let i = 0;
    let j = 0;
    while (i < a.length && j < b.length) {
      if (a[i + 1]! < b[j]!) i += 2;
      else if (b[j + 1]! < a[i]!) j += 2;
      else return true;
    }
    return false;
  }

  /** Whether any of the flat [lo, hi, ...] intervals meets this set (binary search per interval). */
  private overlapsAny(flat: readonly bigint[]): boolean {
    const b = this.bounds;
    for (let k = 0; k < flat.length; k += 2) {
      const lo = flat[k]!;
      const hi = flat[k + 1]!;
      // The first interval of this set that ends at or after lo.
      let l = 0;
      let h = b.length / 2;
      while (l < h) {
        const mid = (l + h) >> 1;
        if (b[2 * mid + 1]! < lo) l = mid + 1;
        else h = mid;
      }
      if (l < b.length / 2 && b[2 * l]! <= hi) return true;
    }
    return false;
  }

  subtract(other: IntervalSet): IntervalSet {
    const a = this.bounds;
    const b = other.bounds;
    if (a.length === 0 || b.length === 0 || !this.intersects(other)) return this;
    const out: bigint[] = [];
    let j = 0;
    for (let i = 0; i < a.length; i += 2) {
      let lo = a[i]!;
      const hi = a[i + 1]!;
      while (j < b.length && b[j + 1]! < lo) j += 2;
      let k = j;
      while (k < b.length && b[k]! <= hi) {
        if (b[k]! > lo) out.push(lo, b[k]! - 1n);
        if (b[k + 1]! >= hi) {
          lo = hi + 1n;
          break;
        }
        lo = b[k + 1]! + 1n;
        k += 2;
      }
      if (lo <= hi) out.push(lo, hi);
    }
    return new IntervalSet(out);
  }

  /** True when every member of `other` is in this set. */
  covers(other: IntervalSet): boolean {
    return other.subtract(this).isEmpty();
  }

  equals(other: IntervalSet): boolean {
    return this.bounds.length === other.bounds.length && this.bounds.every((v, k) => v === other.bounds[k]);
  }
}
