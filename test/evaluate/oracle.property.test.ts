import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Action, Policy, PolicyStage, Rule } from '../../src/model/policy.js';
import type { Protocol } from '../../src/model/service.js';
import { ZoneSet } from '../../src/model/zone-set.js';
import { newTouchingCache, stagedMatch, type Decided } from '../../src/evaluate/first-match.js';
import { okRegion, type OpenDims } from '../../src/evaluate/evaluate.js';
import type { Box } from '../../src/evaluate/box.js';
import { arbRule, arbService, inBox, intervalsOf, oracle, packets, ZONES, type Packet } from './oracle.js';

/*
 * The evaluator's first-match partition and quantification against the brute-force oracle (oracle.ts):
 * every concrete packet of a random query region walked through random rules one by one.
 */

const RUNS = Number(process.env.ORACLE_RUNS ?? 10_000);

/** Stage ranges from cut points (undefined: no stages). */
function stagesOf(n: number, cuts: number[]): PolicyStage[] | undefined {
  if (cuts.length === 0) return undefined;
  const points = [...new Set([0, ...cuts.map((x) => Math.min(x, n)), n])].sort((a, b) => a - b);
  const stages: PolicyStage[] = [];
  for (let i = 0; i + 1 < points.length; i++)
    stages.push({ name: `s${i}`, start: points[i]!, end: points[i + 1]! });
  return stages.length ? stages : [{ name: 's0', start: 0, end: n }];
}

/**
 * The packet through every stage, each a first-match list with the policy's default: a deny anywhere is
 * final; an allow goes on; what passes them all is allowed by the last stage's decider (maybe, where some
 * stage could not tell).
 */
function stagedOracle(
  rules: Rule[],
  stages: PolicyStage[] | undefined,
  def: Action,
  pk: Packet,
  port: number,
  proto: Protocol,
): { outcome: number; by: number } {
  if (!stages) return oracle(rules, def, pk, port, proto);
  let maybe = false;
  let by = -1;
  for (const st of stages) {
    // Rules outside the stage are switched off, so indices stay the policy's.
    const only = rules.map((r, i) => (i >= st.start && i < st.end ? r : { ...r, enabled: false }));
    const r = oracle(only, def, pk, port, proto);
    if (r.outcome === 2) return r;
    if (r.outcome === 3) maybe = true;
    by = r.by;
  }
  return { outcome: maybe ? 3 : 1, by };
}

const arbCase = fc.record({
  rules: fc.array(arbRule, { maxLength: 8 }),
  /** Where stages split the rule list (none: one list, the single-stage model). */
  cuts: fc.oneof(
    fc.constant([] as number[]),
    fc.uniqueArray(fc.integer({ min: 0, max: 8 }), { minLength: 1, maxLength: 2 }),
  ),
  defaultAction: fc.constantFrom<Action>('allow', 'deny'),
  port: fc.integer({ min: 1, max: 6 }),
  protocol: fc.constantFrom<Protocol>('tcp', 'udp'),
  qs: intervalsOf(1),
  qd: intervalsOf(1),
  qsz: fc.subarray(ZONES, { minLength: 1 }),
  qdz: fc.subarray(ZONES, { minLength: 1 }),
  open: fc.record({ s: fc.boolean(), sz: fc.boolean(), dz: fc.boolean() }),
});

describe('evaluator vs brute-force oracle', () => {
  it(`agrees on every packet of ${RUNS} random policies`, () => {
    let nonTrivial = 0;
    fc.assert(
      fc.property(arbCase, (c) => {
        const stages = stagesOf(c.rules.length, c.cuts);
        const policy: Policy = {
          format: 'test',
          paths: ['p'],
          rules: c.rules,
          ...(stages ? { stages } : {}),
          default: { action: c.defaultAction, name: 'default' },
          notes: [],
        };
        const query: Box = { sz: ZoneSet.of(c.qsz), dz: ZoneSet.of(c.qdz), s: c.qs, d: c.qd };
        const pieces: Decided[] = stagedMatch(policy, query, {
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
          const want = stagedOracle(c.rules, stages, c.defaultAction, pk, c.port, c.protocol);
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
    // 10,000 policies take ~40 s alone, minutes on a shared, loaded machine.
  }, 600_000);
});

describe('one evaluation cache across ports and protocols', () => {
  it('agrees with the oracle on every target when rules share service objects', () => {
    // A policy's rules are filtered by zones once per family, then by service once per port and protocol
    // (each shared service object matched once), and only then matched on their sources.
    fc.assert(
      fc.property(
        fc.array(arbService, { minLength: 1, maxLength: 3 }),
        fc.array(fc.tuple(arbRule, fc.nat()), { maxLength: 8 }),
        fc.constantFrom<Action>('allow', 'deny'),
        fc.record({
          s: intervalsOf(1),
          d: intervalsOf(1),
          sz: fc.subarray(ZONES, { minLength: 1 }),
          dz: fc.subarray(ZONES, { minLength: 1 }),
        }),
        (pool, pairs, defaultAction, q) => {
          const rules = pairs.map(([r, k]) => ({ ...r, services: pool[k % pool.length]! }));
          const policy: Policy = {
            format: 'test',
            paths: ['p'],
            rules,
            default: { action: defaultAction, name: 'default' },
            notes: [],
          };
          const query: Box = { sz: ZoneSet.of(q.sz), dz: ZoneSet.of(q.dz), s: q.s, d: q.d };
          const cache = newTouchingCache();
          const all = packets(query);
          for (const protocol of ['tcp', 'udp'] as Protocol[]) {
            for (let port = 1; port <= 6; port++) {
              const target = {
                family: 'ipv4' as const,
                dstContext: { kind: 'addresses' as const },
                port,
                protocol,
              };
              const pieces = stagedMatch(policy, query, target, cache);
              for (const pk of all) {
                const holders = pieces.filter((p) => inBox(p.box, pk));
                expect(holders.length).toBe(1);
                const want = oracle(rules, defaultAction, pk, port, protocol);
                expect([holders[0]!.outcome, holders[0]!.by]).toEqual([want.outcome, want.by]);
              }
            }
          }
        },
      ),
      { numRuns: 500 },
    );
  }, 600_000);
});

describe('a region budget fails closed', () => {
  it('past the budget every region left is unknown, and what was decided agrees with the oracle', () => {
    let ranOut = 0;
    fc.assert(
      fc.property(arbCase, fc.integer({ min: 0, max: 6 }), (c, left) => {
        const stages = stagesOf(c.rules.length, c.cuts);
        const policy: Policy = {
          format: 'test',
          paths: ['p'],
          rules: c.rules,
          ...(stages ? { stages } : {}),
          default: { action: c.defaultAction, name: 'default' },
          notes: [],
        };
        const query: Box = { sz: ZoneSet.of(c.qsz), dz: ZoneSet.of(c.qdz), s: c.qs, d: c.qd };
        const budget = { left };
        const pieces = stagedMatch(policy, query, {
          family: 'ipv4',
          dstContext: { kind: 'addresses' },
          port: c.port,
          protocol: c.protocol,
          budget,
        });
        if (budget.left < 0) ranOut++;
        for (const pk of packets(query)) {
          const holders = pieces.filter((p) => inBox(p.box, pk));
          expect(holders.length).toBe(1);
          const piece = holders[0]!;
          const want = stagedOracle(c.rules, stages, c.defaultAction, pk, c.port, c.protocol);
          if (piece.doubt?.why.startsWith('too many distinct regions')) expect(piece.outcome).toBe(3);
          // Decided before the budget ran out: exact, or unknown where the oracle is too.
          else expect(piece.outcome === want.outcome || piece.outcome === 3).toBe(true);
          // Never allowed where the oracle says anything else.
          if (piece.outcome === 1) expect(want.outcome).toBe(1);
        }
      }),
      { numRuns: Math.min(RUNS, 3000) },
    );
    expect(ranOut).toBeGreaterThan(100);
  }, 600_000);
});
