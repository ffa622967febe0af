import { IntervalSet } from '../../model/interval-set.js';
import { ALL_ADDRESSES, FAMILY_RANGE } from '../../model/ip.js';
import type { UnknownPart } from '../../model/location.js';

/** Which interfaces a condition lets through: the zones that match (interface-zones.ts), and the rest. */
export interface IfSet {
  /** Zones (names from the ruleset, parts of the others where it has wildcards) that match. */
  known: ReadonlySet<string>;
  /** Interfaces outside those zones (only where the ruleset has no wildcards): all match, or none. */
  others: 'all' | 'none';
}

/** Every interface: conjunction's identity, told apart by identity (its `known` is not filled in). */
export const ANY_IF: IfSet = { known: new Set(), others: 'all' };

/**
 * What a packet must be for a rule (or part of one) to match: a product of one set per packet field the
 * reader models, plus the conditions it can't decide. Conjunction is exact (field by field).
 */
export interface Cond {
  v4: boolean;
  v6: boolean;
  src: IntervalSet;
  dst: IntervalSet;
  /** IP protocol numbers. */
  proto: IntervalSet;
  dport: IntervalSet;
  sport: IntervalSet;
  iif: IfSet;
  oif: IfSet;
  /** Conditions the reader can't decide (rate limits, unmodelled expressions, dynamic sets). */
  unknown: readonly UnknownPart[];
}

export const ALL_PROTOS = IntervalSet.range(0n, 255n);
export const ALL_PORTS = IntervalSet.range(0n, 65535n);

export function trueCond(v4: boolean, v6: boolean): Cond {
  return {
    v4,
    v6,
    src: ALL_ADDRESSES,
    dst: ALL_ADDRESSES,
    proto: ALL_PROTOS,
    dport: ALL_PORTS,
    sport: ALL_PORTS,
    iif: ANY_IF,
    oif: ANY_IF,
    unknown: [],
  };
}

/** A condition with every field open: conjunction's identity. */
export const TRUE: Cond = trueCond(true, true);

function ifAnd(a: IfSet, b: IfSet, allKnown: readonly string[]): IfSet {
  if (a === ANY_IF) return b;
  if (b === ANY_IF) return a;
  const known = new Set<string>();
  for (const n of allKnown) if (a.known.has(n) && b.known.has(n)) known.add(n);
  return { known, others: a.others === 'all' && b.others === 'all' ? 'all' : 'none' };
}

/** Both conditions at once, or undefined where no packet meets both. */
export function andCond(a: Cond, b: Cond, allIfs: readonly string[]): Cond | undefined {
  const c: Cond = {
    v4: a.v4 && b.v4,
    v6: a.v6 && b.v6,
    src: a.src === ALL_ADDRESSES ? b.src : b.src === ALL_ADDRESSES ? a.src : a.src.intersect(b.src),
    dst: a.dst === ALL_ADDRESSES ? b.dst : b.dst === ALL_ADDRESSES ? a.dst : a.dst.intersect(b.dst),
    proto: a.proto === ALL_PROTOS ? b.proto : b.proto === ALL_PROTOS ? a.proto : a.proto.intersect(b.proto),
    dport: a.dport === ALL_PORTS ? b.dport : b.dport === ALL_PORTS ? a.dport : a.dport.intersect(b.dport),
    sport: a.sport === ALL_PORTS ? b.sport : b.sport === ALL_PORTS ? a.sport : a.sport.intersect(b.sport),
    iif: ifAnd(a.iif, b.iif, allIfs),
    oif: ifAnd(a.oif, b.oif, allIfs),
    unknown:
      a.unknown.length === 0 ? b.unknown : b.unknown.length === 0 ? a.unknown : [...a.unknown, ...b.unknown],
  };
  return isEmpty(c) ? undefined : c;
}

function ifEmpty(s: IfSet): boolean {
  return s !== ANY_IF && s.known.size === 0 && s.others === 'none';
}

/** Whether no packet (of the flows checked: TCP and UDP) can meet the condition. */
export function isEmpty(c: Cond): boolean {
  if (!c.v4 && !c.v6) return true;
  const fam = familyRange(c);
  if (!c.src.intersects(fam) || !c.dst.intersects(fam)) return true;
  // Only TCP and UDP flows are checked: a condition on other protocols alone can't match one.
  if (!c.proto.has(6n) && !c.proto.has(17n)) return true;
  return c.dport.isEmpty() || c.sport.isEmpty() || ifEmpty(c.iif) || ifEmpty(c.oif);
}

export function familyRange(c: Pick<Cond, 'v4' | 'v6'>): IntervalSet {
  if (c.v4 && c.v6) return ALL_ADDRESSES;
  return c.v4 ? FAMILY_RANGE.ipv4 : c.v6 ? FAMILY_RANGE.ipv6 : IntervalSet.EMPTY;
}

/** Every combination of one alternative from each list, conjoined (empty combinations dropped). */
export function andAlternatives(
  a: readonly Cond[],
  b: readonly Cond[],
  allIfs: readonly string[],
  limit: number,
): Cond[] | undefined {
  const out: Cond[] = [];
  for (const x of a) {
    for (const y of b) {
      const c = andCond(x, y, allIfs);
      if (c) {
        out.push(c);
        if (out.length > limit) return undefined;
      }
    }
  }
  return out;
}
