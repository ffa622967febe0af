import { HOST_POINT, type MatchContext } from '../model/address.js';
import type { Flow } from '../model/flow.js';
import { IntervalSet } from '../model/interval-set.js';
import { ALL_ADDRESSES, FAMILY_RANGE, type Family } from '../model/ip.js';
import type { Policy } from '../model/policy.js';
import { PUBLIC_SPACE } from '../model/public-space.js';
import { ZoneSet } from '../model/zone-set.js';
import { boxSubtract, type Box } from './box.js';
import {
  ALLOW,
  DENY,
  stagedMatch,
  MAX_REGIONS,
  OVER_BUDGET,
  type Decided,
  type FlowTarget,
  REGION_BUDGET,
  type RegionBudget,
  newTouchingCache,
  type TouchingCache,
} from './first-match.js';
import { describeResult } from './describe.js';
import { policyScope, type EgressWorld, type PolicyScope, type Scope } from './zone-scope.js';

export type Verdict = 'allowed' | 'partial' | 'blocked' | 'unknown';

export type { Scope } from './zone-scope.js';

/** The per-family raw outcome of one flow against one policy. */
export interface FamilyOutcome {
  family: Family;
  query: Box;
  pieces: Decided[];
  /** The part of the open dimensions (as a box list) for which the flow is wholly allowed. */
  okRegion: Box[];
}

export interface PolicyFlowResult {
  policy: Policy;
  verdict: Verdict;
  families: FamilyOutcome[];
  /** Index of the rule that decides the verdict (-1 = the default), undefined when nothing was evaluated. */
  decidedBy?: number;
  /** Other rules that decided part of the flow (allow rules of a partial verdict, say). */
  alsoBy: number[];
  detail: string;
  /** For a flow allowed by a host name: the name pattern and how the firewall matches it. */
  nameMatch?: { text: string; method: string; condition: string };
  /** For verdicts with open dimensions: the sources/zones the flow works from. */
  allowedFrom?: { sources?: string; sourceZones?: string; destinationZones?: string };
  /** What the verdict rests on: the candidate egress zones it holds for, an inferred client zone ... */
  assumptions?: string[];
  /** Where several candidate egress zones were checked: each one's own result, in candidate order. */
  worlds?: PolicyFlowResult[];
}

const FAMILIES: Family[] = ['ipv4', 'ipv6'];

/** The destination set of a flow in one family, and how rules' destinations are matched against it. */
function destination(flow: Flow, family: Family): { d: IntervalSet; ctx: MatchContext } {
  if (flow.relays) return { d: flow.relays.set.intersect(FAMILY_RANGE[family]), ctx: { kind: 'addresses' } };
  if (flow.host === '*') return { d: PUBLIC_SPACE[family], ctx: { kind: 'addresses' } };
  return { d: HOST_POINT, ctx: { kind: 'host', host: flow.host, family, protocol: flow.protocol } };
}

export interface OpenDims {
  s: boolean;
  sz: boolean;
  dz: boolean;
}

/** Copies the pinned dimensions of `q` onto `b`, so subtracting it only cuts along the open ones. */
function projectOpen(b: Box, q: Box, open: OpenDims): Box {
  return { sz: open.sz ? b.sz : q.sz, dz: open.dz ? b.dz : q.dz, s: open.s ? b.s : q.s, d: q.d };
}

const zoneKeys = new WeakMap<ZoneSet, string>();

/** A string equal for equal zone sets, worked out once per set. */
function zoneKey(z: ZoneSet): string {
  let key = zoneKeys.get(z);
  if (key === undefined) zoneKeys.set(z, (key = z.toString()));
  return key;
}

export function okRegion(query: Box, pieces: Decided[], open: OpenDims): Box[] {
  // Cuts that differ only in their source set are merged first: one subtraction per zone pair.
  const cuts = new Map<string, { box: Box; sources: IntervalSet[] }>();
  for (const p of pieces) {
    if (p.outcome === ALLOW) continue;
    const cut = projectOpen(p.box, query, open);
    const key = `${zoneKey(cut.sz)}\u0000${zoneKey(cut.dz)}`;
    const group = cuts.get(key);
    if (group) group.sources.push(cut.s);
    else cuts.set(key, { box: cut, sources: [cut.s] });
  }
  let ok: Box[] = [query];
  for (const { box, sources } of cuts.values()) {
    const cut = { ...box, s: IntervalSet.unionAll(sources) };
    ok = ok.flatMap((b) => boxSubtract(b, cut));
    if (ok.length === 0 || ok.length > MAX_REGIONS) return [];
  }
  return ok;
}

/** Touching-rule caches of one policy, one per egress world (the query's zones differ between them). */
export type PolicyCache = Map<string, TouchingCache>;

export function evaluateFlow(
  policy: Policy,
  flow: Flow,
  scope: Scope,
  cache: PolicyCache = new Map(),
  /** The policy's worlds, when the caller worked them out once for many flows. */
  ps: PolicyScope = policyScope(policy, scope),
): PolicyFlowResult {
  if (ps.worlds.length === 0) return describeUndecided(policy, ps.empty ?? 'no zone to evaluate');
  // One budget for the flow in every world: a policy's check stays bounded however its rules cut.
  const budget: RegionBudget = { left: REGION_BUDGET };
  const joint = jointWorlds(ps.worlds);
  const results = joint
    ? evaluateJointly(policy, flow, ps.sources, ps.worlds, joint, cacheOf(cache, joint.key), budget)
    : ps.worlds.map((world) =>
        evaluateWorld(policy, flow, ps.sources, world, cacheOf(cache, world.label), budget),
      );
  return combineWorlds(policy, ps, results);
}

function cacheOf(cache: PolicyCache, key: string): TouchingCache {
  let c = cache.get(key);
  if (!c) cache.set(key, (c = newTouchingCache()));
  return c;
}

/** The worlds' egress and client zones, where they can be partitioned as one: see evaluateJointly. */
interface JointWorlds {
  sz: ZoneSet;
  dz: ZoneSet;
  clientsOutside: boolean;
  /** Its touching-rule cache's key (world labels never start with a NUL). */
  key: string;
}

/**
 * Several candidate egress worlds that may be evaluated in one first-match pass: each pins its egress
 * zones and they agree on whether same-zone rules can match. A packet's fate depends only on the packet,
 * so the partition of a box containing every world's query, restricted to one world's query, is that
 * world's partition: one pass instead of one per world (40 interfaces and no --source made 42 passes).
 */
function jointWorlds(worlds: readonly EgressWorld[]): JointWorlds | undefined {
  if (worlds.length < 2) return undefined;
  let sz = ZoneSet.NONE;
  let dz = ZoneSet.NONE;
  const clientsOutside = worlds[0]!.clientsOutside;
  for (const w of worlds) {
    if (!w.dz || w.clientsOutside !== clientsOutside) return undefined;
    sz = sz.union(w.sz);
    dz = dz.union(w.dz);
  }
  return { sz, dz, clientsOutside, key: `\u0000joint ${zoneKey(sz)} ${zoneKey(dz)} ${clientsOutside}` };
}

/** Every world of `joint` from one first-match pass per family over the box holding them all. */
function evaluateJointly(
  policy: Policy,
  flow: Flow,
  sources: IntervalSet | undefined,
  worlds: readonly EgressWorld[],
  joint: JointWorlds,
  cache: TouchingCache,
  budget: RegionBudget,
): PolicyFlowResult[] {
  const passes = matchFamilies(
    policy,
    flow,
    sources,
    joint.sz,
    joint.dz,
    joint.clientsOutside,
    cache,
    budget,
  );
  // Each world walks every piece once more: that is charged to the flow's budget too, and a world past it
  // is unknown (fails closed), as a region past it is.
  const cost = passes.reduce((n, p) => n + p.pieces.length, 0);
  return worlds.map((world) => {
    if (budget.left < cost) return describeUndecided(policy, OVER_BUDGET);
    budget.left -= cost;
    const open: OpenDims = { s: sources === undefined, sz: !world.szPinned, dz: false };
    const families = passes.map(({ family, s, d, pieces }) => {
      const query: Box = { sz: world.sz, dz: world.dz!, s, d };
      return outcome(family, query, restrictZones(pieces, query.sz, query.dz), open);
    });
    return describeResult(policy, flow, families, open.s, verdictOf(families, open.s));
  });
}

/** One first-match pass per address family of the flow over zones `sz` x `dz`. */
function matchFamilies(
  policy: Policy,
  flow: Flow,
  sources: IntervalSet | undefined,
  sz: ZoneSet,
  dz: ZoneSet,
  clientsOutside: boolean,
  cache: TouchingCache,
  budget: RegionBudget,
): { family: Family; s: IntervalSet; d: IntervalSet; pieces: Decided[] }[] {
  const passes = [];
  for (const family of FAMILIES) {
    const s = (sources ?? ALL_ADDRESSES).intersect(FAMILY_RANGE[family]);
    const { d, ctx } = destination(flow, family);
    if (s.isEmpty() || d.isEmpty()) continue;
    const target: FlowTarget = {
      family,
      dstContext: ctx,
      port: flow.port,
      protocol: flow.protocol,
      clientsOutside,
      budget,
    };
    passes.push({ family, s, d, pieces: stagedMatch(policy, { sz, dz, s, d }, target, cache) });
  }
  return passes;
}

function outcome(family: Family, query: Box, pieces: Decided[], open: OpenDims): FamilyOutcome {
  return { family, query, pieces, okRegion: okRegion(query, pieces, open) };
}

/**
 * The pieces within the zones `sz` x `dz`, in order. Pieces share their zone sets (a rule that cuts no
 * zone leaves them as they were), so each distinct set is intersected once and the results are shared
 * too, which keeps okRegion's per-set keys cached.
 */
function restrictZones(pieces: readonly Decided[], sz: ZoneSet, dz: ZoneSet): Decided[] {
  const szOf = new Map<ZoneSet, ZoneSet>();
  const dzOf = new Map<ZoneSet, ZoneSet>();
  const out: Decided[] = [];
  for (const p of pieces) {
    let psz = szOf.get(p.box.sz);
    if (psz === undefined) szOf.set(p.box.sz, (psz = p.box.sz.intersect(sz)));
    if (psz.isEmpty()) continue;
    let pdz = dzOf.get(p.box.dz);
    if (pdz === undefined) dzOf.set(p.box.dz, (pdz = p.box.dz.intersect(dz)));
    if (pdz.isEmpty()) continue;
    out.push(psz === p.box.sz && pdz === p.box.dz ? p : { ...p, box: { ...p.box, sz: psz, dz: pdz } });
  }
  return out;
}

function evaluateWorld(
  policy: Policy,
  flow: Flow,
  sources: IntervalSet | undefined,
  world: EgressWorld,
  cache: TouchingCache,
  budget: RegionBudget,
): PolicyFlowResult {
  const open: OpenDims = { s: sources === undefined, sz: !world.szPinned, dz: !world.dz };
  const dz = world.dz ?? ZoneSet.ANY;
  const passes = matchFamilies(policy, flow, sources, world.sz, dz, world.clientsOutside, cache, budget);
  const families = passes.map(({ family, s, d, pieces }) =>
    outcome(family, { sz: world.sz, dz, s, d }, pieces, open),
  );
  return describeResult(policy, flow, families, open.s, verdictOf(families, open.s));
}

/**
 * One world: its result. Several (the config doesn't tell the egress zone): the verdict every candidate
 * agrees on, or `unknown` naming the zones that disagree.
 */
function combineWorlds(policy: Policy, ps: PolicyScope, results: PolicyFlowResult[]): PolicyFlowResult {
  const assumptions = [...ps.assumptions];
  if (results.length === 1) {
    if (ps.quantified) assumptions.push(ps.quantified);
    const r = results[0]!;
    return assumptions.length ? { ...r, assumptions } : r;
  }
  const verdicts = new Set(results.map((r) => r.verdict));
  if (verdicts.size === 1) {
    assumptions.push(`${ps.quantified}: every one gives the same verdict`);
    return { ...results[0]!, assumptions, worlds: results };
  }
  const worst = results.reduce((a, b) => (RANK[b.verdict] > RANK[a.verdict] ? b : a));
  const byVerdict = new Map<Verdict, string[]>();
  ps.worlds.forEach((w, i) => {
    const v = results[i]!.verdict;
    byVerdict.set(v, [...(byVerdict.get(v) ?? []), w.label]);
  });
  const parts = [...byVerdict].map(([v, labels]) => `${v} if it is ${labels.join(' or ')}`);
  assumptions.push(ps.quantified!);
  return {
    ...worst,
    verdict: 'unknown',
    detail: `depends on which zone reaches the internet, which the config doesn't tell: ${parts.join('; ')}; name it with --destination-zone. Where it is ${ps.worlds[results.indexOf(worst)]!.label}: ${worst.detail}`,
    assumptions,
    worlds: results,
  };
}

function describeUndecided(policy: Policy, detail: string): PolicyFlowResult {
  return { policy, verdict: 'unknown', families: [], alsoBy: [], detail };
}

export function verdictOf(families: FamilyOutcome[], sourcesOpen: boolean): Verdict {
  if (families.length === 0) return 'unknown';
  const ok = families.map((f) => f.okRegion.length > 0);
  if (sourcesOpen ? ok.some(Boolean) : ok.every(Boolean)) return 'allowed';
  const all = families.flatMap((f) => f.pieces);
  const hasAllow = all.some((p) => p.outcome === ALLOW);
  const hasDeny = all.some((p) => p.outcome === DENY);
  const hasUnknown = all.some((p) => p.outcome === 3);
  if (hasAllow && hasDeny) return 'partial';
  if (!hasAllow && !hasUnknown) return 'blocked';
  return 'unknown';
}

/** Evaluates every flow against every policy; a flow's overall verdict is its worst over the policies. */
export interface FlowResult {
  flow: Flow;
  verdict: Verdict;
  /** The result that sets the verdict (the worst policy's). */
  primary: PolicyFlowResult;
  perPolicy: PolicyFlowResult[];
}

const RANK: Record<Verdict, number> = { allowed: 0, unknown: 1, partial: 2, blocked: 3 };

export function evaluateAll(policies: readonly Policy[], flows: readonly Flow[], scope: Scope): FlowResult[] {
  // One cache per policy: flows of one family, port and protocol share the rules that can touch them.
  const caches = policies.map((): PolicyCache => new Map());
  // What the config and the options say of zones doesn't depend on the flow: worked out once per policy.
  const scopes = policies.map((p) => policyScope(p, scope));
  return flows.map((flow) => {
    const perPolicy = policies.map((p, i) => evaluateFlow(p, flow, scope, caches[i], scopes[i]));
    const primary = perPolicy.reduce((a, b) => (RANK[b.verdict] > RANK[a.verdict] ? b : a));
    return { flow, verdict: primary.verdict, primary, perPolicy };
  });
}
