import {
  addressMatcher,
  triPossible,
  type AddressExpr,
  type MatchContext,
  type Tri,
} from '../model/address.js';
import type { IntervalSet } from '../model/interval-set.js';
import type { NamePattern } from '../model/names.js';
import type { Action, Policy, Rule } from '../model/policy.js';
import { matchService, type Protocol, type ServiceExpr, type ServiceMatch } from '../model/service.js';
import type { Family } from '../model/ip.js';
import { ZoneSet } from '../model/zone-set.js';
import { boxesIntersect, boxIntersect, boxIsEmpty, boxSubtract, type Box } from './box.js';
import { SourceIndex } from './source-index.js';
import { ZoneIndex } from './zone-index.js';

/** Outcome bits: which actions a region may end with. 3 = either, so the config can't tell. */
export const ALLOW = 1;
export const DENY = 2;
export type Outcome = 1 | 2 | 3;

export const bitOf = (a: Action): 1 | 2 => (a === 'allow' ? ALLOW : DENY);

/** Index of the rule in the policy, or -1 for the policy's default. */
export type DeciderIndex = number;

/** The first rule that only may match a region, and why it can't be told. */
export interface Doubt {
  rule: DeciderIndex;
  why: string;
}

/** A region whose fate is settled. */
export interface Decided {
  box: Box;
  outcome: Outcome;
  by: DeciderIndex;
  /** Set when a rule decided it by matching a host name. */
  via?: NamePattern;
  doubt?: Doubt;
}

interface Pending {
  box: Box;
  /** Outcomes earlier "maybe" rules may already have produced. */
  tag: 0 | Outcome;
  doubt?: Doubt;
}

/** How the destination of a flow is matched: as concrete addresses, or as a host name's one address. */
export interface FlowTarget {
  /** The address family of the query (rules filtered once per family, port and protocol). */
  family: Family;
  dstContext: MatchContext;
  port: number;
  protocol: Protocol;
  /** The clients are taken to be outside the egress zone: same-zone rules can't match (see Rule.sameZone). */
  clientsOutside?: boolean;
  /**
   * Regions one flow may still split into, shared by every world, family and stage of one policy: past it
   * what is left is unknown (fails closed) instead of taking minutes.
   */
  budget?: RegionBudget;
}

export interface RegionBudget {
  left: number;
}

/**
 * Regions one policy and flow may walk. Rules of random source and destination blocks cut the packet
 * space into pieces that grow faster than the rules; naming the clients (--source) keeps it small.
 */
export const REGION_BUDGET = 100_000;

export const OVER_BUDGET =
  'too many distinct regions to decide exactly (rules of many different source and destination blocks); name the clients with --source to narrow it';

/** Past this many pending regions the evaluation stops and calls the rest unknown (fails closed). */
export const MAX_REGIONS = 20_000;

interface RuleRegion {
  /** Where the rule surely matches; undefined when nowhere. */
  yes?: Box;
  /** Where it may match (includes yes). */
  possible: Box;
  via?: NamePattern;
  why?: string;
}

type Matcher = (expr: AddressExpr) => Tri;

/** What a rule's sources match, which doesn't depend on the flow: worked out once per policy. */
interface SourceSide {
  index: number;
  rule: Rule;
  src: Tri;
  srcPossible: IntervalSet;
}

/**
 * Source sides by rule index, worked out on first need and kept per policy: most rules of a large
 * rulebase never meet a flow's zones or ports, so their sources are never matched at all.
 */
const sourceSides = new WeakMap<Policy, (SourceSide | null | undefined)[]>();

function sourceSideOf(policy: Policy, index: number): SourceSide | null {
  let sides = sourceSides.get(policy);
  if (!sides) {
    sides = new Array<SourceSide | null | undefined>(policy.rules.length);
    sourceSides.set(policy, sides);
  }
  let side = sides[index];
  if (side === undefined) {
    const rule = policy.rules[index]!;
    const src = matchSource(rule.sources);
    const srcPossible = triPossible(src);
    side = srcPossible.isEmpty() ? null : { index, rule, src, srcPossible };
    sides[index] = side;
  }
  return side;
}

/** Forgets the source sides worked out for a policy (its rules' match data is being released). */
export function forgetSourceSides(policy: Policy): void {
  sourceSides.delete(policy);
}

/** Sources are always matched as concrete addresses; one matcher (and its cache) for every policy. */
const matchSource = addressMatcher({ kind: 'addresses' });

/** A rule whose sources, zones and service can touch queries of one family, port and protocol. */
interface Touching {
  side: SourceSide;
  svc: ServiceMatch;
}

/**
 * Flows that share family, port and protocol (and the scope) see the same rules pass the source, zone and
 * service tests: the filtered lists are worked out once and reused (one cache per policy per evaluation).
 */
export interface TouchingCache {
  /** Rules whose zones meet the query, per family. */
  byFamily: Map<string, ZonedRules>;
  /** Those whose service may match and whose sources meet the query, per family, port and protocol. */
  byTarget: Map<string, Touching[]>;
}

/**
 * The enabled rules whose zones meet a query, in order, each with the number of its service expression
 * among `services` (rules share service objects: a service, a group, an application's defaults).
 */
interface ZonedRules {
  index: number[];
  serviceId: number[];
  services: ServiceExpr[];
}

export function newTouchingCache(): TouchingCache {
  return { byFamily: new Map(), byTarget: new Map() };
}

function zonedRules(policy: Policy, query: Box, target: FlowTarget): ZonedRules {
  const zoned: ZonedRules = { index: [], serviceId: [], services: [] };
  const idOf = new Map<ServiceExpr, number>();
  const rules = policy.rules;
  for (let index = 0; index < rules.length; index++) {
    const rule = rules[index]!;
    // Zones first: they are cheap to test and rule most rules out.
    if (!rule.enabled || !rule.sourceZones.intersects(query.sz)) continue;
    if (!rule.destinationZones.intersects(query.dz)) continue;
    if (rule.sameZone && (target.clientsOutside || query.sz.intersect(query.dz).isEmpty())) continue;
    let id = idOf.get(rule.services);
    if (id === undefined) {
      id = zoned.services.push(rule.services) - 1;
      idOf.set(rule.services, id);
    }
    zoned.index.push(index);
    zoned.serviceId.push(id);
  }
  return zoned;
}

function touchingRules(policy: Policy, query: Box, target: FlowTarget, cache: TouchingCache): Touching[] {
  const key = `${target.family}|${target.port}|${target.protocol}`;
  const known = cache.byTarget.get(key);
  if (known) return known;
  let zoned = cache.byFamily.get(target.family);
  if (!zoned) cache.byFamily.set(target.family, (zoned = zonedRules(policy, query, target)));
  const list: Touching[] = [];
  // Each service is matched once; a rule's sources are matched only once its service may match (most
  // rules of a large rulebase carry other ports), and then once per policy (sourceSideOf).
  const matched = new Array<ServiceMatch | undefined>(zoned.services.length);
  for (let k = 0; k < zoned.index.length; k++) {
    const id = zoned.serviceId[k]!;
    let svc = matched[id];
    if (svc === undefined)
      matched[id] = svc = matchService(zoned.services[id]!, target.port, target.protocol);
    if (svc.result === 'no') continue;
    const side = sourceSideOf(policy, zoned.index[k]!);
    if (side && side.srcPossible.intersects(query.s)) list.push({ side, svc });
  }
  cache.byTarget.set(key, list);
  return list;
}

/** The rule's regions for this flow, or undefined when its destinations can't touch the query. */
function ruleRegion(t: Touching, query: Box, matchDestination: Matcher): RuleRegion | undefined {
  const { side, svc } = t;
  const { rule, src, srcPossible } = side;
  const dst = matchDestination(rule.destinations);
  const dstPossible = triPossible(dst);
  if (!dstPossible.intersects(query.d)) return undefined;
  const possible: Box = { sz: rule.sourceZones, dz: rule.destinationZones, s: srcPossible, d: dstPossible };
  const condition = rule.conditions?.[0];
  const sure = svc.result === 'yes' && !condition;
  const yes: Box | undefined =
    sure && !src.yes.isEmpty() && !dst.yes.isEmpty() ? { ...possible, s: src.yes, d: dst.yes } : undefined;
  const why = svc.result === 'maybe' ? svc.why : (condition?.reason ?? src.why ?? dst.why);
  return { yes, possible, via: dst.via, why };
}

/** Whether the box's source and destination zone are one and the same zone. */
function onDiagonal(b: Box): boolean {
  if (b.sz.complement || b.dz.complement || b.sz.names.size !== 1 || b.dz.names.size !== 1) return false;
  const [z] = b.sz.names;
  return b.dz.names.has(z!);
}

/**
 * Splits a box into the part where source and destination zone differ (`off`) and one box per zone where
 * they are the same (`on`), when that diagonal is finite; undefined when it isn't.
 */
function splitDiagonal(b: Box): { off: Box[]; on: Box[] } | undefined {
  const diag = b.sz.intersect(b.dz);
  if (diag.complement) return undefined;
  const off: Box[] = [];
  const on: Box[] = [];
  const rest = b.sz.subtract(diag);
  if (!rest.isEmpty()) off.push({ ...b, sz: rest });
  for (const z of diag.names) {
    const one = ZoneSet.of([z]);
    const other = b.dz.subtract(one);
    if (!other.isEmpty()) off.push({ ...b, sz: one, dz: other });
    on.push({ ...b, sz: one, dz: one });
  }
  return { off, on };
}

/**
 * Ordered first-match over the enabled rules, exactly: the query region is split by every rule that
 * touches it into the part it surely decides, the part it may decide (the config can't tell) and the
 * rest, which goes on to the next rule; what no rule takes falls to the policy's default.
 */
export function firstMatch(
  policy: Policy,
  query: Box,
  target: FlowTarget,
  cache: TouchingCache = newTouchingCache(),
  /** Only the rules with an index in [start, end): one stage of a staged policy. */
  range?: readonly [number, number],
): Decided[] {
  const decided: Decided[] = [];
  if (boxIsEmpty(query)) return decided;
  const matchDestination = addressMatcher(target.dstContext);

  // The rules that can touch the query at all, in order; every region below lies inside the query.
  const candidates: { index: number; region: RuleRegion; bit: 1 | 2; sameZone: boolean }[] = [];
  for (const t of touchingRules(policy, query, target, cache)) {
    if (range && (t.side.index < range[0] || t.side.index >= range[1])) continue;
    const region = ruleRegion(t, query, matchDestination);
    const rule = t.side.rule;
    if (region)
      candidates.push({
        index: t.side.index,
        region,
        bit: bitOf(rule.action),
        sameZone: rule.sameZone === true,
      });
  }
  const sources = new SourceIndex(candidates.length, (k) => candidates[k]!.region.possible.s);
  const sourceZones = new ZoneIndex(candidates.length, (k) => candidates[k]!.region.possible.sz);
  const destinationZones = new ZoneIndex(candidates.length, (k) => candidates[k]!.region.possible.dz);
  // The next candidate at or after `from` that every index lets through, then checked exactly.
  const nextCandidate = (box: Box, key: string | undefined, from: number): number => {
    let k = from;
    for (;;) {
      let at = sources.next(key, k);
      at = sourceZones.next(box.sz, at);
      at = destinationZones.next(box.dz, at);
      if (at >= candidates.length) return candidates.length;
      if (at === k) {
        if (boxesIntersect(box, candidates[k]!.region.possible)) return k;
        k++;
      } else k = at;
    }
  };

  // Each region walks the rules from where it was split off; regions are disjoint, so order among them
  // doesn't matter.
  const work: (Pending & { from: number })[] = [{ box: query, tag: 0, from: 0 }];
  const budget = target.budget;
  while (work.length > 0) {
    const over = budget !== undefined && budget.left-- <= 0;
    if (over || work.length > MAX_REGIONS) {
      for (const p of work) {
        const by = candidates[p.from]?.index ?? -1;
        decided.push({
          box: p.box,
          outcome: 3,
          by,
          doubt: { rule: by, why: over ? OVER_BUDGET : 'too many distinct regions to decide exactly' },
        });
      }
      break;
    }
    const p = work.pop()!;
    const k = nextCandidate(p.box, SourceIndex.keyOf(p.box.s), p.from);
    if (k >= candidates.length) {
      decided.push({
        box: p.box,
        outcome: (p.tag | bitOf(policy.default.action)) as Outcome,
        by: -1,
        doubt: p.doubt,
      });
      continue;
    }
    const { index: i, bit, sameZone } = candidates[k]!;
    let region = candidates[k]!.region;
    if (sameZone && !onDiagonal(p.box)) {
      const split = splitDiagonal(p.box);
      if (split) {
        // Off the diagonal the rule can't match; on it (one zone each) it is an ordinary rule.
        for (const b of split.off) work.push({ ...p, box: b, from: k + 1 });
        for (const b of split.on) work.push({ ...p, box: b, from: k });
        continue;
      }
      // Both zone sets are "every zone but ...": which packets stay in one zone can't be boxed.
      region = {
        possible: region.possible,
        via: region.via,
        why: 'it applies only when source and destination zone are the same, which these zones leave open',
      };
    }
    let outside: Box[] = [p.box];
    if (region.yes) {
      const hit = boxIntersect(p.box, region.yes);
      if (hit) {
        decided.push({ box: hit, outcome: (p.tag | bit) as Outcome, by: i, via: region.via, doubt: p.doubt });
        outside = boxSubtract(p.box, region.yes);
      }
    }
    for (const b of outside) {
      const maybe = boxIntersect(b, region.possible);
      if (!maybe) {
        work.push({ ...p, box: b, from: k + 1 });
        continue;
      }
      const tag = (p.tag | bit) as Outcome;
      const doubt = p.doubt ?? { rule: i, why: region.why ?? 'the config does not tell whether it matches' };
      if (tag === 3) decided.push({ box: maybe, outcome: 3, by: i, doubt });
      else work.push({ box: maybe, tag, doubt, from: k + 1 });
      for (const rest of boxSubtract(b, region.possible)) work.push({ ...p, box: rest, from: k + 1 });
    }
  }
  return decided;
}

/**
 * A staged policy (Policy.stages): the query goes through each stage's first-match in turn. What a stage
 * surely denies is final; what it allows, or may, goes on to the next stage; what passes every stage is
 * allowed (or may be, where some stage could not tell), decided by the last stage's rule. The touching
 * cache is built from the full query by the first stage, so later stages' smaller boxes can share it.
 */
export function stagedMatch(
  policy: Policy,
  query: Box,
  target: FlowTarget,
  cache: TouchingCache = newTouchingCache(),
): Decided[] {
  const stages = policy.stages;
  if (!stages?.length) return firstMatch(policy, query, target, cache);
  const final: Decided[] = [];
  // Each region still going, as the last stage decided it, and whether an earlier stage may have denied it.
  let pending: { piece: Decided; maybe: boolean }[] = [
    { piece: { box: query, outcome: ALLOW, by: -1 }, maybe: false },
  ];
  for (const stage of stages) {
    const next: typeof pending = [];
    for (const { piece: before, maybe } of pending) {
      for (const piece of firstMatch(policy, before.box, target, cache, [stage.start, stage.end])) {
        if (piece.outcome === DENY) final.push(piece);
        else {
          const doubt = before.doubt ?? piece.doubt;
          next.push({
            piece: { ...piece, ...(doubt ? { doubt } : {}) },
            maybe: maybe || piece.outcome === 3,
          });
        }
      }
    }
    pending = next;
  }
  for (const { piece, maybe } of pending) final.push({ ...piece, outcome: maybe ? 3 : ALLOW });
  return final;
}
