import type { Flow } from '../model/flow.js';
import { IntervalSet } from '../model/interval-set.js';
import { formatAddressSet } from '../model/ip.js';
import type { NameMatchMethod, NamePattern } from '../model/names.js';
import type { Policy } from '../model/policy.js';
import { ZoneSet } from '../model/zone-set.js';
import { boxesIntersect, type Box } from './box.js';
import { ALLOW, DENY, type Decided } from './first-match.js';
import type { FamilyOutcome, PolicyFlowResult, Verdict } from './evaluate.js';

/** What an allow by host name rests on, per matching method (see names.ts). */
export const NAME_MATCH_CONDITION: Record<NameMatchMethod, string> = {
  resolve:
    "the firewall resolves the name itself: this holds while its DNS answers match the clients' (CDN and Traffic Manager names answer differently per resolver and change often)",
  'dns-snoop':
    'the firewall learns the name from DNS replies it forwards: clients must resolve through DNS that passes the firewall',
  sni: 'the firewall matches the TLS SNI or HTTP Host header: this covers TLS and HTTP over TCP only, never UDP',
};

export function ruleLabel(policy: Policy, index: number): string {
  if (index < 0) {
    const d = policy.default;
    return `${d.name}${d.location ? ` (${d.location.path}:${d.location.line})` : ''}`;
  }
  const r = policy.rules[index]!;
  return `rule "${r.name}" (${r.location.path}:${r.location.line})`;
}

function minDecider(indexes: number[]): number | undefined {
  const rules = indexes.filter((i) => i >= 0);
  if (rules.length) return Math.min(...rules);
  return indexes.length ? -1 : undefined;
}

/**
 * At most this many rules are named in one list of a detail; an adversarial rulebase can split a flow
 * among thousands of rules, and a detail is read by people (the biggest groups come first).
 */
const MAX_NAMED = 5;

/** The first MAX_NAMED items rendered and joined, then how many more there are. */
function listSome<T>(items: readonly T[], render: (item: T) => string, separator: string): string {
  const named = items.slice(0, MAX_NAMED).map(render).join(separator);
  const more = items.length - MAX_NAMED;
  return more > 0 ? `${named}, and ${more} more rule${more === 1 ? '' : 's'}` : named;
}

function distinct(indexes: number[]): number[] {
  return [...new Set(indexes)].sort((a, b) => (a < 0 ? 1 : b < 0 ? -1 : a - b));
}

function unionSources(boxes: Box[]): IntervalSet {
  return IntervalSet.unionAll(boxes.map((b) => b.s));
}

function unionZones(zones: ZoneSet[]): ZoneSet {
  return zones.reduce((a, b) => a.union(b), ZoneSet.NONE);
}

/** A sub-set of `whole` in the shorter of two forms: listed, or "whole except the rest". */
function formatPart(part: IntervalSet, whole: IntervalSet): string {
  const rest = whole.subtract(part);
  if (rest.intervalCount < part.intervalCount && !rest.isEmpty()) {
    return `${formatAddressSet(whole, 2)} except ${formatAddressSet(rest, 4)}`;
  }
  return formatAddressSet(part, 4);
}

/** "for sources 10.20.5.0/24, source zones guest": where the pieces lie within the query, in the user's terms. */
function describePart(pieces: Decided[], flow: Flow, families: FamilyOutcome[]): string {
  const boxes = pieces.map((p) => p.box);
  const queries = families.map((f) => f.query);
  const bits: string[] = [];
  const s = unionSources(boxes);
  const qs = unionSources(queries);
  if (!s.equals(qs)) bits.push(`sources ${formatPart(s, qs)}`);
  if (flow.host === '*' || flow.relays) {
    const d = IntervalSet.unionAll(boxes.map((b) => b.d));
    const qd = IntervalSet.unionAll(queries.map((q) => q.d));
    if (!d.equals(qd)) bits.push(`destinations ${formatPart(d, qd)}`);
  }
  const sz = unionZones(boxes.map((b) => b.sz));
  if (sz.toString() !== unionZones(queries.map((q) => q.sz)).toString()) bits.push(`source zones ${sz}`);
  const dz = unionZones(boxes.map((b) => b.dz));
  if (dz.toString() !== unionZones(queries.map((q) => q.dz)).toString()) bits.push(`destination zones ${dz}`);
  return bits.length ? ` for ${bits.join(', ')}` : '';
}

/** Turns raw per-family outcomes into the verdict's deciding rule, its other rules and a human detail. */
export function describeResult(
  policy: Policy,
  flow: Flow,
  families: FamilyOutcome[],
  sourcesOpen: boolean,
  verdict: Verdict,
): PolicyFlowResult {
  const pieces = families.flatMap((f) => f.pieces);
  // A rule's weight is the share of its family's sources it decides: IPv6 space must not outweigh IPv4.
  const share = new Map<Decided, bigint>();
  for (const f of families) {
    const whole = f.query.s.size();
    for (const p of f.pieces) share.set(p, (p.box.s.size() * SHARE_SCALE) / whole);
  }
  const byDecider = (list: Decided[]) => groupByDecider(list, (p) => share.get(p) ?? 0n);
  const allows = pieces.filter((p) => p.outcome === ALLOW);
  const denies = pieces.filter((p) => p.outcome === DENY);
  const unknowns = pieces.filter((p) => p.outcome === 3);
  const base = { policy, verdict, families, alsoBy: [] as number[] };

  if (families.length === 0) {
    return {
      ...base,
      detail: "no destination of the clients' address family: check the relay addresses and --source",
    };
  }

  if (verdict === 'allowed') {
    const used = families.flatMap((f) =>
      f.pieces.filter((p) => p.outcome === ALLOW && f.okRegion.some((ok) => boxesIntersect(ok, p.box))),
    );
    const deciders = distinct(used.map((p) => p.by));
    const decidedBy = minDecider(deciders);
    const via = used.find((p) => p.by === decidedBy)?.via ?? used.find((p) => p.via)?.via;
    const okBoxes = families.flatMap((f) => f.okRegion);
    const allowedFrom = describeOk(okBoxes, families, sourcesOpen);
    let detail = `allowed by ${listSome(deciders, (i) => ruleLabel(policy, i), ', ')}`;
    if (allowedFrom) detail += ` from ${allowedFrom.text}`;
    const nameMatch = via ? nameMatchInfo(via) : undefined;
    if (nameMatch) detail += `; matched by name ${nameMatch.text}: ${nameMatch.condition}`;
    return {
      ...base,
      decidedBy,
      alsoBy: deciders.filter((i) => i !== decidedBy),
      detail,
      nameMatch,
      allowedFrom: allowedFrom?.parts,
    };
  }

  if (verdict === 'blocked') {
    const groups = byDecider(denies);
    const decidedBy = groups[0]!.by;
    const detail =
      groups.length === 1 && decidedBy === -1
        ? `no rule allows it; ${ruleLabel(policy, -1)} denies it`
        : `denied by ${listSome(groups, (g) => ruleLabel(policy, g.by), ', ')}`;
    return { ...base, decidedBy, alsoBy: groups.slice(1).map((g) => g.by), detail };
  }

  if (verdict === 'partial') {
    // Only denials where the flow is allowed for someone else matter: with zones left open, the default
    // denying every zone no rule names is noise.
    const relevant = denies.filter((d) => allows.some((a) => zonesOverlap(a.box, d.box)));
    const denyGroups = byDecider(relevant.length ? relevant : denies);
    const allowGroups = byDecider(allows);
    const decidedBy = denyGroups[0]!.by;
    const part = (g: Group) => `${describePart(g.pieces, flow, families)} by ${ruleLabel(policy, g.by)}`;
    let detail = `denied${listSome(denyGroups, part, '; denied')}; allowed${listSome(allowGroups, part, '; allowed')}`;
    if (unknowns.length) detail += `; undecidable elsewhere: ${doubtText(policy, unknowns[0]!)}`;
    return {
      ...base,
      decidedBy,
      alsoBy: [...denyGroups, ...allowGroups].map((g) => g.by).filter((i) => i !== decidedBy),
      detail,
    };
  }

  const doubtful = [...unknowns, ...pieces.filter((p) => p.doubt)];
  const first = doubtful.reduce<Decided | undefined>(
    (a, p) => (a === undefined || (p.doubt?.rule ?? p.by) < (a.doubt?.rule ?? a.by) ? p : a),
    undefined,
  );
  const decidedBy = first ? (first.doubt?.rule ?? first.by) : undefined;
  let detail = first ? `can't be decided: ${doubtText(policy, first)}` : "can't be decided";
  if (allows.length)
    detail += `; allowed elsewhere by ${listSome(distinct(allows.map((p) => p.by)), (i) => ruleLabel(policy, i), ', ')}`;
  if (denies.length)
    detail += `; denied elsewhere by ${listSome(distinct(denies.map((p) => p.by)), (i) => ruleLabel(policy, i), ', ')}`;
  return { ...base, decidedBy, detail };
}

interface Group {
  by: number;
  pieces: Decided[];
  weight: bigint;
}

const SHARE_SCALE = 1n << 64n;

/**
 * Pieces grouped by deciding rule, the one deciding for the largest share of the sources first (the
 * earliest rule on a tie, the default last).
 */
function groupByDecider(pieces: Decided[], weight: (p: Decided) => bigint): Group[] {
  const groups = new Map<number, Group>();
  for (const p of pieces) {
    const g = groups.get(p.by) ?? { by: p.by, pieces: [], weight: 0n };
    g.pieces.push(p);
    g.weight += weight(p);
    groups.set(p.by, g);
  }
  return [...groups.values()].sort((a, b) =>
    a.weight !== b.weight ? (a.weight > b.weight ? -1 : 1) : a.by < 0 ? 1 : b.by < 0 ? -1 : a.by - b.by,
  );
}

function zonesOverlap(a: Box, b: Box): boolean {
  return !a.sz.intersect(b.sz).isEmpty() && !a.dz.intersect(b.dz).isEmpty();
}

function doubtText(policy: Policy, p: Decided): string {
  const idx = p.doubt?.rule ?? p.by;
  return `${ruleLabel(policy, idx)} may or may not match (${p.doubt?.why ?? 'the config does not tell'})`;
}

function nameMatchInfo(via: NamePattern): { text: string; method: string; condition: string } {
  return { text: via.text, method: via.method, condition: NAME_MATCH_CONDITION[via.method] };
}

function describeOk(
  ok: Box[],
  families: FamilyOutcome[],
  sourcesOpen: boolean,
):
  { text: string; parts: { sources?: string; sourceZones?: string; destinationZones?: string } } | undefined {
  const parts: { sources?: string; sourceZones?: string; destinationZones?: string } = {};
  if (sourcesOpen) {
    const s = unionSources(ok);
    if (!s.equals(unionSources(families.map((f) => f.query)))) parts.sources = formatAddressSet(s, 6);
  }
  // A zone dimension is named only where the flow works for part of what was asked about.
  const queries = families.map((f) => f.query);
  const sz = unionZones(ok.map((b) => b.sz));
  if (sz.toString() !== unionZones(queries.map((q) => q.sz)).toString()) parts.sourceZones = sz.toString();
  const dz = unionZones(ok.map((b) => b.dz));
  if (dz.toString() !== unionZones(queries.map((q) => q.dz)).toString())
    parts.destinationZones = dz.toString();
  const text = [
    parts.sources && `sources ${parts.sources}`,
    parts.sourceZones && `zones ${parts.sourceZones}`,
    parts.destinationZones && `to zones ${parts.destinationZones}`,
  ]
    .filter(Boolean)
    .join(', ');
  return text ? { text, parts } : undefined;
}
