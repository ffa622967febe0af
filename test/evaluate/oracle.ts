import fc from 'fast-check';
import type { AddressExpr } from '../../src/model/address.js';
import { IntervalSet } from '../../src/model/interval-set.js';
import type { Action, Rule } from '../../src/model/policy.js';
import type { Protocol, ServiceExpr } from '../../src/model/service.js';
import { ZoneSet } from '../../src/model/zone-set.js';
import type { Box } from '../../src/evaluate/box.js';

/*
 * Generators and the brute-force oracle for the evaluator's property tests: small address spaces (0-11 for
 * sources and destinations, each point a block of addresses), zones a, b, c plus z (and y) standing for
 * zones no rule names, ports 1-6 over tcp and udp. The oracle walks every concrete packet through the rules
 * one by one with three-valued matching, so it shares no set algebra with the evaluator.
 */

export const SPACE = 12;
/**
 * Each of the 12 points stands for a block of 97 addresses, so the sets straddle /24 boundaries and the
 * evaluator's source buckets get exercised; a block's first address represents it.
 */
const BLOCK = 97n;
export const at = (x: number) => BigInt(x) * BLOCK;
export const ZONES = ['a', 'b', 'c', 'z'];
/** The zone names rules may name; 'y' and 'z' stand for zones the config never names. */
export const NAMED_ZONES = ['a', 'b', 'c'];
export type T = 'yes' | 'no' | 'maybe';

export const intervalsOf = (minLength: number) =>
  fc
    .array(fc.tuple(fc.integer({ min: 0, max: SPACE - 1 }), fc.integer({ min: 0, max: 3 })), {
      minLength,
      maxLength: 3,
    })
    .map((xs) =>
      IntervalSet.fromRanges(xs.map(([lo, len]) => [at(lo), at(Math.min(SPACE - 1, lo + len)) + BLOCK - 1n])),
    );
const arbIntervals = intervalsOf(0);

export const arbAddress: fc.Arbitrary<AddressExpr> = fc.letrec<{ expr: AddressExpr }>((tie) => ({
  expr: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    { arbitrary: arbIntervals.map((set): AddressExpr => ({ kind: 'ips', set })), weight: 6 },
    { arbitrary: fc.constant<AddressExpr>({ kind: 'any' }), weight: 1 },
    {
      arbitrary: fc.constant<AddressExpr>({ kind: 'unknown', part: { reason: 'dynamic group' } }),
      weight: 1,
    },
    {
      arbitrary: fc
        .array(tie('expr'), { minLength: 1, maxLength: 3 })
        .map((members): AddressExpr => ({ kind: 'union', members })),
      weight: 1,
    },
    { arbitrary: tie('expr').map((of): AddressExpr => ({ kind: 'not', of })), weight: 1 },
    {
      arbitrary: fc
        .tuple(tie('expr'), tie('expr'))
        .map(([from, without]): AddressExpr => ({ kind: 'minus', from, without })),
      weight: 1,
    },
  ),
})).expr;

const arbPorts = fc
  .array(fc.tuple(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 0, max: 2 })), {
    minLength: 1,
    maxLength: 2,
  })
  .map((xs) => xs.map(([lo, len]) => [lo, Math.min(6, lo + len)] as const));

export const arbService: fc.Arbitrary<ServiceExpr> = fc.oneof(
  fc.constant<ServiceExpr>({ kind: 'any' }),
  fc
    .tuple(fc.constantFrom('tcp', 'udp'), arbPorts)
    .map(([protocol, ports]): ServiceExpr => ({ kind: 'ports', protocol, ports })),
  fc.constantFrom(6, 17, 1).map((number): ServiceExpr => ({ kind: 'protocol', number })),
  fc.constant<ServiceExpr>({ kind: 'unknown', part: { reason: 'App-ID' } }),
  fc
    .array(fc.tuple(fc.constantFrom('tcp', 'udp'), arbPorts), { minLength: 1, maxLength: 2 })
    .map(([...xs]): ServiceExpr => ({
      kind: 'not',
      of: { kind: 'union', members: xs.map(([protocol, ports]) => ({ kind: 'ports', protocol, ports })) },
    })),
);

export const arbZones: fc.Arbitrary<ZoneSet> = fc.oneof(
  fc.constant(ZoneSet.ANY),
  fc.subarray(['a', 'b', 'c'], { minLength: 1 }).map((n) => ZoneSet.of(n)),
  fc.subarray(['a', 'b', 'c'], { minLength: 1 }).map((n) => ZoneSet.allBut(n)),
);

export const arbRule: fc.Arbitrary<Rule> = fc
  .record({
    enabled: fc.integer({ min: 0, max: 9 }).map((n) => n < 8),
    action: fc.constantFrom<Action>('allow', 'deny'),
    sourceZones: arbZones,
    destinationZones: arbZones,
    sources: arbAddress,
    destinations: arbAddress,
    services: arbService,
    condition: fc.integer({ min: 0, max: 9 }).map((n) => n === 0),
    sameZone: fc.integer({ min: 0, max: 9 }).map((n) => n === 0),
  })
  .map((r): Rule => ({
    name: 'r',
    enabled: r.enabled,
    action: r.action,
    sourceZones: r.sourceZones,
    destinationZones: r.destinationZones,
    sources: r.sources,
    destinations: r.destinations,
    services: r.services,
    conditions: r.condition ? [{ reason: 'user-id' }] : undefined,
    location: { path: 'p', line: 1 },
    ...(r.sameZone ? { sameZone: true } : {}),
  }));

// ---- the oracle: one packet at a time, no set algebra ----

const or3 = (a: T, b: T): T =>
  a === 'yes' || b === 'yes' ? 'yes' : a === 'maybe' || b === 'maybe' ? 'maybe' : 'no';
const and3 = (a: T, b: T): T =>
  a === 'no' || b === 'no' ? 'no' : a === 'maybe' || b === 'maybe' ? 'maybe' : 'yes';
const not3 = (a: T): T => (a === 'yes' ? 'no' : a === 'no' ? 'yes' : 'maybe');

/** How a packet's address index maps to an address: the evaluator tests use blocks of 97 (`at`). */
export type AddressOf = (x: number) => bigint;

function addrMatch(e: AddressExpr, x: number, addr: AddressOf = at): T {
  switch (e.kind) {
    case 'ips':
      return e.set.has(addr(x)) ? 'yes' : 'no';
    case 'any':
      return 'yes';
    case 'unknown':
    case 'name':
      return 'maybe';
    case 'union':
      return e.members.reduce<T>((acc, m) => or3(acc, addrMatch(m, x, addr)), 'no');
    case 'not':
      return not3(addrMatch(e.of, x, addr));
    case 'minus':
      return and3(addrMatch(e.from, x, addr), not3(addrMatch(e.without, x, addr)));
  }
}

function svcMatch(e: ServiceExpr, port: number, proto: Protocol): T {
  switch (e.kind) {
    case 'any':
      return 'yes';
    case 'ports':
      return e.protocol === proto && e.ports.some(([lo, hi]) => port >= lo && port <= hi) ? 'yes' : 'no';
    case 'protocol':
      return e.number === (proto === 'tcp' ? 6 : 17) ? 'yes' : 'no';
    case 'unknown':
      return 'maybe';
    case 'union':
      return e.members.reduce<T>((acc, m) => or3(acc, svcMatch(m, port, proto)), 'no');
    case 'not':
      return not3(svcMatch(e.of, port, proto));
  }
}

export interface Packet {
  sz: string;
  dz: string;
  s: number;
  d: number;
}

/** Possible outcomes (1 allow, 2 deny, 3 either) and the rule that settles them (-1 default). */
export function oracle(
  rules: Rule[],
  def: Action,
  pk: Packet,
  port: number,
  proto: Protocol,
  clientsOutside = false,
  addr: AddressOf = at,
): { outcome: number; by: number } {
  let possible = 0;
  for (let i = 0; i < rules.length; i++) {
    const r = rules[i]!;
    if (!r.enabled) continue;
    let m: T = and3(r.sourceZones.has(pk.sz) ? 'yes' : 'no', r.destinationZones.has(pk.dz) ? 'yes' : 'no');
    // A same-zone rule matches a packet that enters and leaves by one zone; never clients outside it.
    if (r.sameZone) m = and3(m, !clientsOutside && pk.sz === pk.dz ? 'yes' : 'no');
    m = and3(m, addrMatch(r.sources, pk.s, addr));
    m = and3(m, addrMatch(r.destinations, pk.d, addr));
    m = and3(m, svcMatch(r.services, port, proto));
    if (r.conditions?.length) m = and3(m, 'maybe');
    const bit = r.action === 'allow' ? 1 : 2;
    if (m === 'yes') return { outcome: possible | bit, by: i };
    if (m === 'maybe') {
      possible |= bit;
      if (possible === 3) return { outcome: 3, by: i };
    }
  }
  return { outcome: possible | (def === 'allow' ? 1 : 2), by: -1 };
}

export function inBox(b: Box, pk: Packet): boolean {
  return b.sz.has(pk.sz) && b.dz.has(pk.dz) && b.s.has(at(pk.s)) && b.d.has(at(pk.d));
}

export function packets(q: Box, zones: readonly string[] = ZONES, space = SPACE): Packet[] {
  const out: Packet[] = [];
  for (const sz of zones) {
    if (!q.sz.has(sz)) continue;
    for (const dz of zones) {
      if (!q.dz.has(dz)) continue;
      for (let s = 0; s < space; s++) {
        if (!q.s.has(at(s))) continue;
        for (let d = 0; d < SPACE; d++) if (q.d.has(at(d))) out.push({ sz, dz, s, d });
      }
    }
  }
  return out;
}
