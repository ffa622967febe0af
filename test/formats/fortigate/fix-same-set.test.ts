import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addressSet, plainlyOtherIpv4 } from '../../../src/formats/fortigate/fix-objects.js';
import { VALUE_SEP } from '../../../src/formats/fortigate/settings.js';
import { IntervalSet } from '../../../src/model/interval-set.js';

/** Dotted quads as an export may hold them: plain, with leading zeros, out of range, short, padded. */
const octet = fc.oneof(
  fc.integer({ min: 0, max: 255 }).map(String),
  fc.constantFrom('00', '01', '256', '007', ''),
);
const quad = fc.oneof(
  { weight: 4, arbitrary: fc.tuple(octet, octet, octet, octet).map((o) => o.join('.')) },
  { weight: 1, arbitrary: fc.constantFrom('10.0.0', ' 10.0.0.1', '10.0.0.1 ', '::1', '10.0.0.0/8', '') },
);
/** Masks: contiguous ones mostly, some not. */
const mask = fc
  .oneof(
    {
      weight: 4,
      arbitrary: fc.integer({ min: 0, max: 32 }).map((p) => (p === 0 ? 0 : (~0 << (32 - p)) >>> 0)),
    },
    { weight: 1, arbitrary: fc.integer({ min: 0, max: 2 ** 32 - 1 }) },
  )
  .map((m) => [m >>> 24, (m >>> 16) & 255, (m >>> 8) & 255, m & 255].join('.'));

/** An address-facts entry (fix-facts.ts: name, interface, kind, values). */
const entry = fc.oneof(
  fc.tuple(quad, mask).map(([a, m]) => ['n', undefined, 'm', `${a}${VALUE_SEP}${m}`, undefined]),
  fc.tuple(quad, quad).map(([a, b]) => ['n', undefined, 'r', a, b]),
  fc.tuple(quad, quad, quad).map(([a, b, c]) => ['n', undefined, 'm', [a, b, c].join(VALUE_SEP), undefined]),
  fc.constantFrom(
    ['n', undefined, 'm', ['10.0.0.0', '255.0.0.0'], undefined],
    ['n', undefined, 'm', '10.0.0.0/8', undefined],
  ),
);

describe("the fix writer's look-up of an existing address object", () => {
  it('passes over, in numbers, only objects whose set is another: never the one asked for', () => {
    fc.assert(
      fc.property(
        entry,
        fc.integer({ min: 0, max: 2 ** 32 - 1 }),
        fc.integer({ min: 0, max: 2 ** 32 - 1 }),
        fc.boolean(),
        (e, x, y, own) => {
          const list = e as (string | string[] | undefined)[];
          const exact = addressSet(list, 0);
          // Half the time the set asked for is the object's own (where it is one IPv4 range).
          const ranges = exact ? [...exact.ranges()] : [];
          const mine = own && ranges.length === 1 && ranges[0]![1] < 2n ** 32n;
          const [lo, hi] = mine ? ranges[0]!.map(Number) : [Math.min(x, y), Math.max(x, y)];
          const wanted = IntervalSet.smallRange(lo!, hi!);
          if (plainlyOtherIpv4(list, 0, lo!, hi!)) expect(exact?.equals(wanted) ?? false).toBe(false);
          // And where the object is plainly one range, it is passed over exactly when it is another.
          if (mine) expect(plainlyOtherIpv4(list, 0, lo!, hi!)).toBe(false);
        },
      ),
      { numRuns: 5000 },
    );
  });

  it('passes over the plain cases it is for', () => {
    const subnet = ['n', undefined, 'm', `10.1.2.3${VALUE_SEP}255.255.255.0`, undefined];
    expect(plainlyOtherIpv4(subnet, 0, 0x0a010200, 0x0a0102ff)).toBe(false);
    expect(plainlyOtherIpv4(subnet, 0, 0x0a010200, 0x0a0102fe)).toBe(true);
    const range = ['n', undefined, 'r', '10.0.0.1', '10.0.0.9'];
    expect(plainlyOtherIpv4(range, 0, 0x0a000001, 0x0a000009)).toBe(false);
    expect(plainlyOtherIpv4(range, 0, 0x0a000001, 0x0a00000a)).toBe(true);
  });
});
