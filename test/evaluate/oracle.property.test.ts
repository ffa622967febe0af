import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AddressExpr } from '../../src/model/address.js';
import { IntervalSet } from '../../src/model/interval-set.js';
import type { Action, Policy, Rule } from '../../src/model/policy.js';
import type { Protocol, ServiceExpr } from '../../src/model/service.js';
import { ZoneSet } from '../../src/model/zone-set.js';
import { firstMatch, type Decided } from '../../src/evaluate/first-match.js';
import { okRegion, type OpenDims } from '../../src/evaluate/evaluate.js';
import type { Box } from '../../src/evaluate/box.js';

/*
 * The evaluator against a brute-force oracle: small address spaces (0-11 for sources and destinations),
 * zones a, b, c plus z standing for "any other zone", ports 1-6 over tcp and udp. The oracle walks every
 * concrete packet through the rules one by one with three-valued matching, so it shares no set algebra
 * with the evaluator.
 */

const RUNS = Number(process.env.ORACLE_RUNS ?? 10_000);
const SPACE = 12;
/**
 * Each of the 12 points stands for a block of 97 addresses, so the sets straddle /24 boundaries and the
 * evaluator's source buckets get exercised; a block's first address represents it.
 */
const BLOCK = 97n;
const at = (x: number) => BigInt(x) * BLOCK;
const ZONES = ['a', 'b', 'c', 'z'];
type T = 'yes' | 'no' | 'maybe';

const intervalsOf = (minLength: number) =>
  fc
    .array(fc.tuple(fc.integer({ min: 0, max: SPACE - 1 }), fc.integer({ min: 0, max: 3 })), {
      minLength,
      maxLength: 3,
    })
    .map((xs) =>
      IntervalSet.fromRanges(xs.map(([lo, len]) => [at(lo), at(Math.min(SPACE - 1, lo + len)) + BLOCK - 1n])),
    );
const arbIntervals = intervalsOf(0);

const arbAddress: fc.Arbitrary<AddressExpr> = fc.letrec<{ expr: AddressExpr }>((tie) => ({
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

const arbService: fc.Arbitrary<ServiceExpr> = fc.oneof(
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

const arbZones: fc.Arbitrary<ZoneSet> = fc.oneof(
  fc.constant(ZoneSet.ANY),
  fc.subarray(['a', 'b', 'c'], { minLength: 1 }).map((n) => ZoneSet.of(n)),
  fc.subarray(['a', 'b', 'c'], { minLength: 1 }).map((n) => ZoneSet.allBut(n)),
);

const arbRule: fc.Arbitrary<Rule> = fc
  .record({
    enabled: fc.integer({ min: 0, max: 9 }).map((n) => n < 8),
    action: fc.constantFrom<Action>('allow', 'deny'),
    sourceZones: arbZones,
    destinationZones: arbZones,
    sources: arbAddress,
    destinations: arbAddress,
    services: arbService,
    condition: fc.integer({ min: 0, max: 9 }).map((n) => n === 0),
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
  }));

const arbCase = fc.record({
  rules: fc.array(arbRule, { maxLength: 8 }),
  defaultAction: fc.constantFrom<Action>('allow', 'deny'),
  port: fc.integer({ min: 1, max: 6 }),
  protocol: fc.constantFrom<Protocol>('tcp', 'udp'),
  qs: intervalsOf(1),
  qd: intervalsOf(1),
  qsz: fc.subarray(ZONES, { minLength: 1 }),
  qdz: fc.subarray(ZONES, { minLength: 1 }),
  open: fc.record({ s: fc.boolean(), sz: fc.boolean(), dz: fc.boolean() }),
});

// ---- the oracle: one packet at a time, no set algebra ----

const or3 = (a: T, b: T): T =>
  a === 'yes' || b === 'yes' ? 'yes' : a === 'maybe' || b === 'maybe' ? 'maybe' : 'no';
const and3 = (a: T, b: T): T =>
  a === 'no' || b === 'no' ? 'no' : a === 'maybe' || b === 'maybe' ? 'maybe' : 'yes';
const not3 = (a: T): T => (a === 'yes' ? 'no' : a === 'no' ? 'yes' : 'maybe');

function addrMatch(e: AddressExpr, x: number): T {
  switch (e.kind) {
    case 'ips':
      return e.set.has(at(x)) ? 'yes' : 'no';
    case 'any':
      return 'yes';
    case 'unknown':
    case 'name':
      return 'maybe';
    case 'union':
      return e.members.reduce<T>((acc, m) => or3(acc, addrMatch(m, x)), 'no');
    case 'not':
      return not3(addrMatch(e.of, x));
    case 'minus':
      return and3(addrMatch(e.from, x), not3(addrMatch(e.without, x)));
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

interface Packet {
  sz: string;
  dz: string;
  s: number;
  d: number;
}

/** Possible outcomes (1 allow, 2 deny, 3 either) and the rule that settles them (-1 default). */
function oracle(
  rules: Rule[],
  def: Action,
  pk: Packet,
  port: number,
  proto: Protocol,
): { outcome: number; by: number } {
  let possible = 0;
  for (let i = 0; i < rules.length; i++) {
    const r = rules[i]!;
    if (!r.enabled) continue;
    let m: T = and3(r.sourceZones.has(pk.sz) ? 'yes' : 'no', r.destinationZones.has(pk.dz) ? 'yes' : 'no');
    m = and3(m, addrMatch(r.sources, pk.s));
    m = and3(m, addrMatch(r.destinations, pk.d));
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

function inBox(b: Box, pk: Packet): boolean {
  return b.sz.has(pk.sz) && b.dz.has(pk.dz) && b.s.has(at(pk.s)) && b.d.has(at(pk.d));
}

function packets(q: Box): Packet[] {
  const out: Packet[] = [];
  for (const sz of ZONES) {
    if (!q.sz.has(sz)) continue;
    for (const dz of ZONES) {
      if (!q.dz.has(dz)) continue;
      for (let s = 0; s < SPACE; s++) {
        if (!q.s.has(at(s))) continue;
        for (let d = 0; d < SPACE; d++) if (q.d.has(at(d))) out.push({ sz, dz, s, d });
      }
    }
  }
  return out;
}

describe('evaluator vs brute-force oracle', () => {
  it(`agrees on every packet of ${RUNS} random policies`, () => {
    let nonTrivial = 0;
    fc.assert(
      fc.property(arbCase, (c) => {
        const policy: Policy = {
          format: 'test',
          paths: ['p'],
          rules: c.rules,
          default: { action: c.defaultAction, name: 'default' },
          notes: [],
        };
        const query: Box = { sz: ZoneSet.of(c.qsz), dz: ZoneSet.of(c.qdz), s: c.qs, d: c.qd };
        const pieces: Decided[] = firstMatch(policy, query, {
          family: 'ipv4',
          dstContext: { kind: 'addresses' },
          port: c.port,
          protocol: c.protocol,
        });
        const all = packets(query);
        if (all.length > 0 && c.rules.length > 0) nonTrivial++;
        const outcomeOf = new Map<Packet, number>();
        for (const pk of all) {
          const holders = pieces.filter((p) => inBox(p.box, pk));
          expect(holders.length).toBe(1);
          const want = oracle(c.rules, c.defaultAction, pk, c.port, c.protocol);
          expect(holders[0]!.outcome).toBe(want.outcome);
          expect(holders[0]!.by).toBe(want.by);
          outcomeOf.set(pk, want.outcome);
        }
        for (const p of pieces) expect(all.some((pk) => inBox(p.box, pk))).toBe(true);

        // Open dimensions are "there exists", pinned ones and the destination "for all".
        const open: OpenDims = c.open;
        const ok = okRegion(query, pieces, open);
        const key = (pk: Packet) => `${open.sz ? pk.sz : ''}|${open.dz ? pk.dz : ''}|${open.s ? pk.s : ''}`;
        const bad = new Set(all.filter((pk) => outcomeOf.get(pk) !== 1).map(key));
        for (const pk of all) {
          expect(ok.some((b) => inBox({ ...b, d: query.d }, pk))).toBe(!bad.has(key(pk)));
        }
      }),
      { numRuns: RUNS },
    );
    expect(nonTrivial).toBeGreaterThan(RUNS * 0.8);
  });
});
