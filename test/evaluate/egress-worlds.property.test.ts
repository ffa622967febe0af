import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluateFlow, type Verdict } from '../../src/evaluate/evaluate.js';
import type { Flow } from '../../src/model/flow.js';
import { IntervalSet } from '../../src/model/interval-set.js';
import type { Action, Policy, Rule } from '../../src/model/policy.js';
import type { Protocol } from '../../src/model/service.js';
import { ZoneSet } from '../../src/model/zone-set.js';
import { arbRule, at, intervalsOf, NAMED_ZONES, oracle, SPACE, type Packet } from './oracle.js';

/*
 * Whole-flow verdicts against the brute-force oracle when the config doesn't tell which zone reaches the
 * internet. The oracle enumerates the candidate egress zones itself (every zone the config defines or its
 * rules name, plus "another zone" where the export may not show them all; never the clients' own zone),
 * works out each candidate's verdict packet by packet, and takes the verdict they all agree on, else
 * unknown. Zone options only apply where the config knows the name (or may have zones it doesn't show).
 */

const RUNS = Number(process.env.ORACLE_WORLD_RUNS ?? 10_000);
/** y and z are zones no rule names: the "other" zones. */
const UNIVERSE = ['a', 'b', 'c', 'y', 'z'];
/** Sources left open range over every address: point SPACE stands for all the ones no rule lists. */
const OPEN_SPACE = SPACE + 1;

const arbCase = fc.record({
  rules: fc.array(arbRule, { maxLength: 7 }),
  defaultAction: fc.constantFrom<Action>('allow', 'deny'),
  port: fc.integer({ min: 1, max: 6 }),
  protocol: fc.constantFrom<Protocol>('tcp', 'udp'),
  known: fc.subarray(NAMED_ZONES),
  incomplete: fc.boolean(),
  sources: fc.option(intervalsOf(1), { nil: undefined }),
  relays: intervalsOf(1),
  sourceZones: fc.option(fc.subarray(['a', 'b', 'c', 'y'], { minLength: 1, maxLength: 2 }), {
    nil: undefined,
  }),
  destinationZones: fc.option(fc.subarray(['a', 'b', 'c', 'y'], { minLength: 1, maxLength: 2 }), {
    nil: undefined,
  }),
});

type Case = typeof arbCase extends fc.Arbitrary<infer V> ? V : never;

interface World {
  sz: string[];
  dz: string[];
  szOpen: boolean;
  clientsOutside: boolean;
}

/** The verdict of one world, from every packet in it (the definitions in evaluate.ts's verdictOf). */
function worldVerdict(
  rules: Rule[],
  def: Action,
  w: World,
  sources: IntervalSet | undefined,
  relays: IntervalSet,
  port: number,
  protocol: Protocol,
): Verdict {
  const all: Packet[] = [];
  for (const sz of w.sz)
    for (const dz of w.dz)
      for (let s = 0; s < OPEN_SPACE; s++) {
        if (sources ? !sources.has(at(s)) : false) continue;
        for (let d = 0; d < SPACE; d++) if (relays.has(at(d))) all.push({ sz, dz, s, d });
      }
  if (all.length === 0) return 'unknown';
  const outcomes = all.map((pk) => oracle(rules, def, pk, port, protocol, w.clientsOutside).outcome);
  // Open dimensions (sources, source zone) are "there exists"; destinations and egress zones "for all".
  const key = (pk: Packet) => `${w.szOpen ? pk.sz : ''}|${sources ? '' : pk.s}`;
  const bad = new Set(all.filter((_, i) => outcomes[i] !== 1).map(key));
  if (all.some((pk) => !bad.has(key(pk)))) return 'allowed';
  const has = (o: number) => outcomes.includes(o);
  if (has(1) && has(2)) return 'partial';
  if (!has(1) && !has(3)) return 'blocked';
  return 'unknown';
}

function oracleVerdict(c: Case): Verdict {
  const named = new Set<string>(c.known);
  for (const r of c.rules) {
    for (const n of r.sourceZones.names) named.add(n);
    for (const n of r.destinationZones.names) named.add(n);
  }
  const known = [...named];
  const applies = (given: string[] | undefined) => {
    if (!given) return undefined;
    const mine = c.incomplete ? given : given.filter((z) => named.has(z));
    return mine.length ? mine : undefined;
  };
  const sz = applies(c.sourceZones);
  const dz = applies(c.destinationZones);
  const worlds: World[] = [];
  // A complete export shows every zone: clients arrive on one of those it names.
  const clientZones = !c.incomplete && known.length > 0 ? known : UNIVERSE;
  const outside = (zones: string[]) => clientZones.filter((z) => !zones.includes(z));
  if (dz) {
    const clients = sz ?? outside(dz);
    if (clients.length)
      worlds.push({ sz: clients, dz, szOpen: !sz, clientsOutside: !clients.some((z) => dz.includes(z)) });
  } else {
    for (const z of known) {
      if (sz?.includes(z)) continue;
      worlds.push({ sz: sz ?? outside([z]), dz: [z], szOpen: !sz, clientsOutside: true });
    }
    if (c.incomplete || known.length === 0)
      worlds.push({
        sz: sz ?? UNIVERSE,
        dz: UNIVERSE.filter((z) => !known.includes(z)),
        szOpen: !sz,
        clientsOutside: true,
      });
  }
  if (worlds.length === 0) return 'unknown';
  const verdicts = new Set(
    worlds.map((w) => worldVerdict(c.rules, c.defaultAction, w, c.sources, c.relays, c.port, c.protocol)),
  );
  return verdicts.size === 1 ? [...verdicts][0]! : 'unknown';
}

describe('candidate egress zones vs brute-force oracle', () => {
  it(`gives the verdict every candidate zone agrees on, for ${RUNS} random policies`, () => {
    const seen = new Set<Verdict>();
    fc.assert(
      fc.property(arbCase, (c) => {
        const policy: Policy = {
          format: 'test',
          paths: ['p'],
          rules: c.rules,
          default: { action: c.defaultAction, name: 'default' },
          egressZones: 'unknown',
          zones: { known: c.known, incomplete: c.incomplete },
          notes: [],
        };
        const flow: Flow = {
          role: 'test',
          roleLabel: 'test',
          host: '*',
          port: c.port,
          protocol: c.protocol,
          severity: 'required',
          provenance: { source: 'test', verified: true },
          relays: { set: c.relays, text: [] },
        };
        const r = evaluateFlow(policy, flow, {
          sources: c.sources,
          sourceZones: c.sourceZones ? ZoneSet.of(c.sourceZones) : undefined,
          destinationZones: c.destinationZones ? ZoneSet.of(c.destinationZones) : undefined,
        });
        const want = oracleVerdict(c);
        seen.add(want);
        expect(r.verdict).toBe(want);
      }),
      { numRuns: RUNS },
    );
    // Every verdict occurs, so the comparison is not trivially of one kind.
    expect([...seen].sort()).toEqual(['allowed', 'blocked', 'partial', 'unknown']);
  });
});
