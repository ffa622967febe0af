import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  InterfaceZones,
  OTHER_INTERFACE,
  prefixZone,
} from '../../../src/formats/iptables/interface-zones.js';
import { ZoneSet } from '../../../src/model/zone-set.js';

/** A name no partition holds: how the evaluator sees "another zone" (the complement part of a ZoneSet). */
const ELSEWHERE = '\u0000elsewhere';

const word = (max: number) =>
  fc
    .array(fc.constantFrom('e', 't', 'h', '0', '1', '.'), { minLength: 1, maxLength: max })
    .map((a) => a.join(''));

/** A rule's interface pattern: a name the ruleset spells, or a wildcard for a prefix it uses. */
type Pattern = { wildcard: boolean; text: string };

/** What the kernel does: a wildcard matches names starting with its prefix, a name only itself. */
const kernelMatches = (p: Pattern, iface: string) =>
  p.wildcard ? iface.startsWith(p.text) : iface === p.text;

describe('interface wildcards as zones (the partition by longest wildcard prefix)', () => {
  it('agrees with the kernel on every interface name, for names, wildcards, negations and conjunctions', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(word(4), { maxLength: 6 }),
        fc.uniqueArray(fc.oneof(word(3), fc.constant('')), { maxLength: 4 }),
        fc.array(word(5), { minLength: 1, maxLength: 12 }),
        fc.nat(),
        (names, prefixes, interfaces, seed) => {
          const zones = new InterfaceZones(names, prefixes);
          const patterns: Pattern[] = [
            ...names.map((text) => ({ wildcard: false, text })),
            ...prefixes.map((text) => ({ wildcard: true, text })),
          ];
          if (patterns.length === 0) return;
          const setOf = (p: Pattern) => (p.wildcard ? zones.wildcard(p.text) : ZoneSet.of([p.text]));
          // The rules' names are the zones spelled; every interface falls in exactly one part.
          for (const n of names) expect(zones.zoneOf(n)).toBe(n);
          for (const iface of [...interfaces, ...names, ...prefixes.filter((p) => p !== '')]) {
            const zone = zones.zoneOf(iface) ?? ELSEWHERE;
            if (zones.complete) expect(zones.zones).toContain(zone);
            else expect(zone === ELSEWHERE || names.includes(zone)).toBe(true);
            for (const p of patterns) {
              const truth = kernelMatches(p, iface);
              expect(setOf(p).has(zone), `${JSON.stringify(p)} on ${iface}`).toBe(truth);
              expect(setOf(p).negate().has(zone)).toBe(!truth);
            }
            const a = patterns[seed % patterns.length]!;
            const b = patterns[(seed >> 3) % patterns.length]!;
            expect(setOf(a).intersect(setOf(b)).has(zone)).toBe(
              kernelMatches(a, iface) && kernelMatches(b, iface),
            );
            expect(setOf(a).subtract(setOf(b)).has(zone)).toBe(
              kernelMatches(a, iface) && !kernelMatches(b, iface),
            );
          }
        },
      ),
      { numRuns: Number(process.env.INTERFACE_ZONES_RUNS ?? 1000) },
    );
  });

  it('names the parts plainly, longest prefix first', () => {
    const z = new InterfaceZones(['eth0', 'br0'], ['eth', 'eth0.', '']);
    expect(z.zones).toEqual(['br0', 'eth0', prefixZone('eth'), prefixZone('eth0.'), OTHER_INTERFACE]);
    expect(z.zoneOf('eth0.100')).toBe('another interface named eth0.…');
    expect(z.zoneOf('eth1')).toBe('another interface named eth…');
    expect(z.zoneOf('ppp0')).toBe(OTHER_INTERFACE);
    expect(z.wildcard('eth').toString()).toBe(
      'another interface named eth0.…, another interface named eth…, eth0',
    );
    expect(new InterfaceZones(['eth0'], ['']).complete).toBe(false);
  });
});
