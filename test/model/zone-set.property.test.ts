import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ZoneSet } from '../../src/model/zone-set.js';

// Names sets may list, and one ("other") no set lists: it stands for every unnamed zone.
const NAMES = ['a', 'b', 'c', 'd'];
const UNIVERSE = [...NAMES, 'other'];

const arbZoneSet = fc
  .tuple(fc.subarray(NAMES), fc.boolean())
  .map(([names, complement]) => (complement ? ZoneSet.allBut(names) : ZoneSet.of(names)));
// The shared constants too, since the operations return them or their operands as they are.
const arbAnySet = fc.oneof(arbZoneSet, fc.constantFrom(ZoneSet.ANY, ZoneSet.NONE));

const members = (z: ZoneSet) => UNIVERSE.filter((n) => z.has(n));

describe('ZoneSet algebra against explicit sets', () => {
  it('intersect, subtract, union, negate, intersects and isEmpty agree with member lists', () => {
    fc.assert(
      fc.property(arbAnySet, arbAnySet, (x, y) => {
        const mx = members(x);
        const my = members(y);
        expect(members(x.intersect(y))).toEqual(mx.filter((n) => my.includes(n)));
        expect(members(x.subtract(y))).toEqual(mx.filter((n) => !my.includes(n)));
        expect(members(x.union(y))).toEqual(UNIVERSE.filter((n) => mx.includes(n) || my.includes(n)));
        expect(members(x.negate())).toEqual(UNIVERSE.filter((n) => !mx.includes(n)));
        expect(x.intersects(y)).toBe(mx.some((n) => my.includes(n)));
        expect(x.isEmpty()).toBe(mx.length === 0);
        // The operands' values are never changed by an operation returning one of them.
        expect(members(x)).toEqual(mx);
        expect(members(y)).toEqual(my);
      }),
      { numRuns: 5000 },
    );
  });
});
