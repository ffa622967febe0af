import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IntervalSet } from '../../src/model/interval-set.js';

// Bounds are drawn from points around the places the set's storage treats apart: 0, the IPv4/IPv6 split at
// 2^32 (numbers below, bigints above), 2^53 (where numbers stop being exact) and the top of the universe.
const SPLIT = 1n << 32n;
const TOP = SPLIT + (1n << 128n) - 1n;
const CENTRES = [0n, 5n, SPLIT - 4n, SPLIT, SPLIT + 4n, 1n << 53n, TOP - 4n];
const POINTS = [...new Set(CENTRES.flatMap((c) => [-2n, -1n, 0n, 1n, 2n].map((d) => c + d)))]
  .filter((p) => p >= 0n && p <= TOP)
  .sort((a, b) => (a < b ? -1 : 1));
// Every result's bounds are a point, or one off a point: its members among these decide the whole set.
const PROBES = [...new Set(POINTS.flatMap((p) => [p - 1n, p, p + 1n]))].filter((p) => p >= 0n && p <= TOP);

type Member = (x: bigint) => boolean;

const arbRange = fc
  .tuple(fc.constantFrom(...POINTS), fc.constantFrom(...POINTS))
  .map(([a, b]): [bigint, bigint] => (a <= b ? [a, b] : [b, a]));

/** A set built one of the ways readers build them, with its members as a predicate. */
const arbSet: fc.Arbitrary<{ set: IntervalSet; has: Member }> = fc.oneof(
  fc.array(arbRange, { maxLength: 5 }).map((rs) => ({
    set: IntervalSet.fromRanges(rs),
    has: (x: bigint) => rs.some(([lo, hi]) => lo <= x && x <= hi),
  })),
  arbRange.map(([lo, hi]) => ({ set: IntervalSet.range(lo, hi), has: (x: bigint) => lo <= x && x <= hi })),
  fc.constantFrom(...POINTS).map((p) => ({ set: IntervalSet.point(p), has: (x: bigint) => x === p })),
  fc.array(fc.array(arbRange, { maxLength: 3 }), { maxLength: 3 }).map((lists) => ({
    set: IntervalSet.unionAll(lists.map((rs) => IntervalSet.fromRanges(rs))),
    has: (x: bigint) => lists.some((rs) => rs.some(([lo, hi]) => lo <= x && x <= hi)),
  })),
  fc.constant({ set: IntervalSet.EMPTY, has: () => false }),
);

/** The set's intervals hold exactly the predicate's members, in canonical form. */
function expectExactly(set: IntervalSet, has: Member): void {
  const ranges = [...set.ranges()];
  for (let k = 0; k < ranges.length; k++) {
    const [lo, hi] = ranges[k]!;
    expect(lo <= hi).toBe(true);
    // Sorted, disjoint and not adjacent: the form `equals` and `intervalCount` rely on.
    if (k > 0) expect(lo > ranges[k - 1]![1] + 1n).toBe(true);
    expect(has(lo) && has(hi)).toBe(true);
  }
  for (const x of PROBES) {
    const inside = ranges.some(([lo, hi]) => lo <= x && x <= hi);
    expect(inside, `${x}`).toBe(has(x));
    expect(set.has(x), `has(${x})`).toBe(has(x));
  }
  expect(set.intervalCount).toBe(ranges.length);
  expect(set.isEmpty()).toBe(ranges.length === 0);
  expect(set.min()).toBe(ranges[0]?.[0]);
  expect(set.max()).toBe(ranges[ranges.length - 1]?.[1]);
  expect(set.size()).toBe(ranges.reduce((n, [lo, hi]) => n + hi - lo + 1n, 0n));
}

describe('IntervalSet against member predicates', () => {
  it('builds exact, canonical sets', () => {
    fc.assert(
      fc.property(arbSet, ({ set, has }) => expectExactly(set, has)),
      { numRuns: 1000 },
    );
  });

  it('union, intersect, subtract, intersects, covers and equals agree with the members', () => {
    fc.assert(
      fc.property(arbSet, arbSet, (x, y) => {
        const before = [...x.set.ranges()];
        expectExactly(x.set.union(y.set), (v) => x.has(v) || y.has(v));
        expectExactly(x.set.intersect(y.set), (v) => x.has(v) && y.has(v));
        expectExactly(x.set.subtract(y.set), (v) => x.has(v) && !y.has(v));
        expect(x.set.intersects(y.set)).toBe(PROBES.some((v) => x.has(v) && y.has(v)));
        expect(x.set.covers(y.set)).toBe(PROBES.every((v) => !y.has(v) || x.has(v)));
        expect(x.set.equals(y.set)).toBe(PROBES.every((v) => x.has(v) === y.has(v)));
        // An operation returning an operand never changes it.
        expect([...x.set.ranges()]).toEqual(before);
      }),
      { numRuns: 1000 },
    );
  });

  it('keeps an interval across 2^32 one interval, however it was built', () => {
    const across = IntervalSet.range(SPLIT - 1n, SPLIT);
    const glued = IntervalSet.point(SPLIT - 1n).union(IntervalSet.point(SPLIT));
    for (const s of [
      across,
      glued,
      IntervalSet.fromRanges([
        [SPLIT, SPLIT],
        [SPLIT - 1n, SPLIT - 1n],
      ]),
    ]) {
      expect([...s.ranges()]).toEqual([[SPLIT - 1n, SPLIT]]);
      expect(s.intervalCount).toBe(1);
      expect(s.equals(across)).toBe(true);
    }
  });

  it('smallRange builds the same set as range, and refuses what is not below 2^32', () => {
    expect(IntervalSet.smallRange(10, 20).equals(IntervalSet.range(10n, 20n))).toBe(true);
    expect(IntervalSet.smallRange(5, 4).isEmpty()).toBe(true);
    expect(() => IntervalSet.smallRange(0, 2 ** 32)).toThrow(RangeError);
    expect(() => IntervalSet.smallRange(-1, 3)).toThrow(RangeError);
    expect(() => IntervalSet.smallRange(0.5, 3)).toThrow(RangeError);
  });
});
