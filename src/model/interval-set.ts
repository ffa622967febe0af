/**
 * The universe splits at 2^32 (see ip.ts): below it IPv4 addresses, at and above it IPv6 ones. Below,
 * bounds are plain numbers (exact up to 2^53), above they are bigints. Exports hold hundreds of thousands
 * of IPv4 sets, and a bigint is a heap object of its own: numbers keep them out of the heap.
 */
const SPLIT = 2 ** 32;
const SPLIT_BIG = 1n << 32n;

/** The lower part's bounds (numbers) or the upper part's (bigints); the algorithms below serve both. */
type Bound = number | bigint;
type Bounds<T extends Bound> = readonly T[];

const NO_SMALL: readonly number[] = [];
const NO_BIG: readonly bigint[] = [];

/** x + 1 in the bounds' own type (the casts only name the type; both operands are always of one kind). */
function next<T extends Bound>(x: T): T {
  return (typeof x === 'number' ? x + 1 : (x as bigint) + 1n) as T;
}

function prev<T extends Bound>(x: T): T {
  return (typeof x === 'number' ? x - 1 : (x as bigint) - 1n) as T;
}

/**
 * A short array built by push has room for 17 elements: a two-bound set kept that way takes ~180 bytes
 * instead of ~64, and readers keep hundreds of thousands of them. Short results are copied to their size.
 */
function fitted<T extends Bound>(out: T[]): T[] {
  return out.length <= 64 ? out.slice() : out;
}

/** Appends [lo, hi] to sorted bounds, merging it into the last interval when they overlap or touch. */
function appendMerged<T extends Bound>(out: T[], lo: T, hi: T): void {
  const n = out.length;
  if (n > 0 && lo <= next(out[n - 1]!)) {
    if (hi > out[n - 1]!) out[n - 1] = hi;
  } else {
    out.push(lo, hi);
  }
}

function sameBounds<T extends Bound>(a: Bounds<T>, b: Bounds<T>): boolean {
  if (a.length !== b.length) return false;
  for (let k = 0; k < a.length; k++) if (a[k] !== b[k]) return false;
  return true;
}

/** Sorted, merged bounds of intervals given in any order (each lo <= hi). */
function mergeRanges<T extends Bound>(list: (readonly [T, T])[]): T[] {
  list.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const out: T[] = [];
  for (const [lo, hi] of list) appendMerged(out, lo, hi);
  return fitted(out);
}

function unionBounds<T extends Bound>(a: Bounds<T>, b: Bounds<T>): Bounds<T> {
  if (b.length === 0) return a;
  if (a.length === 0) return b;
  const out: T[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (j >= b.length || (i < a.length && a[i]! <= b[j]!)) {
      appendMerged(out, a[i]!, a[i + 1]!);
      i += 2;
    } else {
      appendMerged(out, b[j]!, b[j + 1]!);
      j += 2;
    }
  }
  return fitted(out);
}

function intersectBounds<T extends Bound>(a: Bounds<T>, b: Bounds<T>): Bounds<T> {
  if (a.length === 0 || b.length === 0) return a.length === 0 ? a : b;
  const out: T[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const lo = a[i]! > b[j]! ? a[i]! : b[j]!;
    const hi = a[i + 1]! < b[j + 1]! ? a[i + 1]! : b[j + 1]!;
    if (lo <= hi) out.push(lo, hi);
    if (a[i + 1]! < b[j + 1]!) i += 2;
    else j += 2;
  }
  return sameBounds(out, a) ? a : fitted(out);
}

/** Whether any of the flat [lo, hi, ...] intervals meets the bounds `b` (binary search per interval). */
function overlapsAny<T extends Bound>(b: Bounds<T>, flat: Bounds<T>): boolean {
  for (let k = 0; k < flat.length; k += 2) {
    const lo = flat[k]!;
    const hi = flat[k + 1]!;
    // The first interval of b that ends at or after lo.
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

function boundsIntersect<T extends Bound>(a: Bounds<T>, b: Bounds<T>): boolean {
  if (a.length === 0 || b.length === 0) return false;
  if (a[a.length - 1]! < b[0]! || b[b.length - 1]! < a[0]!) return false;
  // Few intervals against many: look each one up instead of walking both lists.
  if (a.length <= 4 && b.length > 16) return overlapsAny(b, a);
  if (b.length <= 4 && a.length > 16) return overlapsAny(a, b);
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i + 1]! < b[j]!) i += 2;
    else if (b[j + 1]! < a[i]!) j += 2;
    else return true;
  }
  return false;
}

function subtractBounds<T extends Bound>(a: Bounds<T>, b: Bounds<T>): Bounds<T> {
  if (!boundsIntersect(a, b)) return a;
  const out: T[] = [];
  let j = 0;
  for (let i = 0; i < a.length; i += 2) {
    let lo = a[i]!;
    const hi = a[i + 1]!;
    while (j < b.length && b[j + 1]! < lo) j += 2;
    let k = j;
    while (k < b.length && b[k]! <= hi) {
      if (b[k]! > lo) out.push(lo, prev(b[k]!));
      if (b[k + 1]! >= hi) {
        lo = next(hi);
        break;
      }
      lo = next(b[k + 1]!);
      k += 2;
    }
    if (lo <= hi) out.push(lo, hi);
  }
  return fitted(out);
}

function hasIn<T extends Bound>(b: Bounds<T>, value: T): boolean {
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

/**
 * An exact, immutable set of integers stored as sorted, disjoint, non-adjacent closed intervals.
 * Addresses of both IP families live in one bigint universe (see ip.ts), so one set type serves all.
 * Stored as two parts split at 2^32 (numbers below, bigints above); the parts are an implementation
 * detail: every method sees one sorted list of intervals, an interval across 2^32 being one interval.
 */
export class IntervalSet {
  /**
   * Flat bounds [lo0, hi0, lo1, hi1, ...] of the part below 2^32 (`small`) and of the part at or above it
   * (`big`), each interval closed, sorted, with gaps between them within a part.
   */
  private constructor(
    private readonly small: Bounds<number>,
    private readonly big: Bounds<bigint>,
  ) {}

  static readonly EMPTY = new IntervalSet(NO_SMALL, NO_BIG);

  private static of(small: Bounds<number>, big: Bounds<bigint>): IntervalSet {
    return small.length === 0 && big.length === 0 ? IntervalSet.EMPTY : new IntervalSet(small, big);
  }

  static range(lo: bigint, hi: bigint): IntervalSet {
    if (lo > hi) return IntervalSet.EMPTY;
    if (hi < SPLIT_BIG) return new IntervalSet([Number(lo), Number(hi)], NO_BIG);
    if (lo >= SPLIT_BIG) return new IntervalSet(NO_SMALL, [lo, hi]);
    return new IntervalSet([Number(lo), SPLIT - 1], [SPLIT_BIG, hi]);
  }

  static point(value: bigint): IntervalSet {
    return IntervalSet.range(value, value);
  }

  /** [lo, hi] of numbers below 2^32 (an IPv4 range), without a bigint on the way. */
  static smallRange(lo: number, hi: number): IntervalSet {
    if (!(Number.isInteger(lo) && Number.isInteger(hi) && lo >= 0 && hi < SPLIT))
      throw new RangeError(`${lo}-${hi} is not a range below 2^32`);
    return lo > hi ? IntervalSet.EMPTY : new IntervalSet([lo, hi], NO_BIG);
  }

  /** Builds a set from intervals in any order, overlapping or not. */
  static fromRanges(ranges: Iterable<readonly [bigint, bigint]>): IntervalSet {
    const small: [number, number][] = [];
    const big: [bigint, bigint][] = [];
    for (const [lo, hi] of ranges) {
      if (lo > hi) continue;
      if (lo < SPLIT_BIG) small.push([Number(lo), hi < SPLIT_BIG ? Number(hi) : SPLIT - 1]);
      if (hi >= SPLIT_BIG) big.push([lo >= SPLIT_BIG ? lo : SPLIT_BIG, hi]);
    }
    return IntervalSet.of(mergeRanges(small), mergeRanges(big));
  }

  /** Unions many sets at once (cheaper than folding `union` over a long list). */
  static unionAll(sets: Iterable<IntervalSet>): IntervalSet {
    const small: [number, number][] = [];
    const big: [bigint, bigint][] = [];
    for (const s of sets) {
      for (let i = 0; i < s.small.length; i += 2) small.push([s.small[i]!, s.small[i + 1]!]);
      for (let i = 0; i < s.big.length; i += 2) big.push([s.big[i]!, s.big[i + 1]!]);
    }
    return IntervalSet.of(mergeRanges(small), mergeRanges(big));
  }

  isEmpty(): boolean {
    return this.small.length === 0 && this.big.length === 0;
  }

  /** Whether the last interval below 2^32 and the first above it touch (shown as one interval). */
  private joined(): boolean {
    return (
      this.small.length > 0 &&
      this.big.length > 0 &&
      this.small[this.small.length - 1] === SPLIT - 1 &&
      this.big[0] === SPLIT_BIG
    );
  }

  get intervalCount(): number {
    return (this.small.length + this.big.length) / 2 - (this.joined() ? 1 : 0);
  }

  *ranges(): Generator<[bigint, bigint]> {
    const s = this.small;
    const b = this.big;
    const joined = this.joined();
    const lastSmall = joined ? s.length - 2 : s.length;
    for (let i = 0; i < lastSmall; i += 2) yield [BigInt(s[i]!), BigInt(s[i + 1]!)];
    if (joined) yield [BigInt(s[lastSmall]!), b[1]!];
    for (let i = joined ? 2 : 0; i < b.length; i += 2) yield [b[i]!, b[i + 1]!];
  }

  min(): bigint | undefined {
    return this.small.length > 0 ? BigInt(this.small[0]!) : this.big[0];
  }

  max(): bigint | undefined {
    return this.big.length > 0
      ? this.big[this.big.length - 1]
      : this.small.length > 0
        ? BigInt(this.small[this.small.length - 1]!)
        : undefined;
  }

  /** Number of integers in the set. */
  size(): bigint {
    let n = 0;
    for (let i = 0; i < this.small.length; i += 2) n += this.small[i + 1]! - this.small[i]! + 1;
    let big = BigInt(n);
    for (let i = 0; i < this.big.length; i += 2) big += this.big[i + 1]! - this.big[i]! + 1n;
    return big;
  }

  has(value: bigint): boolean {
    return value < SPLIT_BIG ? hasIn(this.small, Number(value)) : hasIn(this.big, value);
  }

  union(other: IntervalSet): IntervalSet {
    if (other.isEmpty()) return this;
    if (this.isEmpty()) return other;
    return new IntervalSet(unionBounds(this.small, other.small), unionBounds(this.big, other.big));
  }

  intersect(other: IntervalSet): IntervalSet {
    const small = intersectBounds(this.small, other.small);
    const big = intersectBounds(this.big, other.big);
    if (small === this.small && big === this.big) return this;
    return IntervalSet.of(small, big);
  }

  intersects(other: IntervalSet): boolean {
    return boundsIntersect(this.small, other.small) || boundsIntersect(this.big, other.big);
  }

  subtract(other: IntervalSet): IntervalSet {
    const small = subtractBounds(this.small, other.small);
    const big = subtractBounds(this.big, other.big);
    if (small === this.small && big === this.big) return this;
    return IntervalSet.of(small, big);
  }

  /** True when every member of `other` is in this set. */
  covers(other: IntervalSet): boolean {
    return other.subtract(this).isEmpty();
  }

  equals(other: IntervalSet): boolean {
    return sameBounds(this.small, other.small) && sameBounds(this.big, other.big);
  }
}
