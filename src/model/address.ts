import { IntervalSet } from './interval-set.js';
import { ALL_ADDRESSES, formatAddressSet, type Family } from './ip.js';
import type { UnknownPart } from './location.js';
import { namePatternMatches, type NamePattern } from './names.js';
import { PUBLIC_SPACE } from './public-space.js';

/**
 * An address set as a vendor writes it: exact IP intervals, names, "any", parts the config cannot tell,
 * and their unions, negations and differences. Readers build these; the evaluator asks what they match.
 */
export type AddressExpr =
  | { kind: 'ips'; set: IntervalSet }
  | { kind: 'any' }
  | { kind: 'name'; pattern: NamePattern }
  | { kind: 'unknown'; part: UnknownPart }
  | { kind: 'union'; members: readonly AddressExpr[] }
  | { kind: 'not'; of: AddressExpr }
  | { kind: 'minus'; from: AddressExpr; without: AddressExpr };

export const ANY_ADDRESS: AddressExpr = { kind: 'any' };
export const NO_ADDRESS: AddressExpr = { kind: 'ips', set: IntervalSet.EMPTY };

export function ipsExpr(set: IntervalSet): AddressExpr {
  return { kind: 'ips', set };
}

export function nameExpr(pattern: NamePattern): AddressExpr {
  return { kind: 'name', pattern };
}

export function unknownExpr(part: UnknownPart): AddressExpr {
  return { kind: 'unknown', part };
}

/**
 * A union, with its direct IP members merged into one set and "any" absorbing everything. Nested unions
 * (named groups) stay whole: readers share one object per group, and matching caches per object, so a
 * group used by thousands of rules is matched once rather than re-merged into every rule.
 */
export function unionExpr(members: readonly AddressExpr[]): AddressExpr {
  if (members.some((m) => m.kind === 'any')) return ANY_ADDRESS;
  const ips: (AddressExpr & { kind: 'ips' })[] = [];
  const rest: AddressExpr[] = [];
  for (const m of members) {
    if (m.kind === 'ips') ips.push(m);
    else rest.push(m);
  }
  // One IP member is kept as it is (its match results stay cached); several are merged.
  const merged: AddressExpr & { kind: 'ips' } =
    ips.length === 1 ? ips[0]! : { kind: 'ips', set: IntervalSet.unionAll(ips.map((m) => m.set)) };
  const out = merged.set.isEmpty() && rest.length > 0 ? rest : [merged, ...rest];
  return out.length === 1 ? out[0]! : { kind: 'union', members: out };
}

/**
 * A union kept as listed, members unmerged: for a rule's own list, built once and matched only if a
 * flow's zones and service reach the rule (merging every rule's addresses up front costs more than it
 * saves). Named groups should use unionExpr, whose merged set is matched once for every rule using it.
 */
export function listExpr(members: readonly AddressExpr[]): AddressExpr {
  if (members.length === 1) return members[0]!;
  for (const m of members) if (m.kind === 'any') return ANY_ADDRESS;
  return { kind: 'union', members };
}

export function notExpr(of: AddressExpr): AddressExpr {
  return of.kind === 'not' ? of.of : { kind: 'not', of };
}

export function minusExpr(from: AddressExpr, without: AddressExpr): AddressExpr {
  if (without.kind === 'ips' && without.set.isEmpty()) return from;
  return { kind: 'minus', from, without };
}

/**
 * What an expression is matched against:
 * - `addresses`: concrete addresses (the universe of both families);
 * - `host`: the one unknown public address a host name resolves to, in one family, for one protocol
 *   (the universe is the single point 0).
 */
export type MatchContext =
  { kind: 'addresses' } | { kind: 'host'; host: string; family: Family; protocol: 'tcp' | 'udp' };

export const HOST_POINT = IntervalSet.point(0n);

/**
 * A three-valued match: `yes` surely matches, `maybe` may or may not (the config can't tell), the rest
 * surely doesn't. `via` names the name pattern a host matched by; `why` the first reason for `maybe`.
 */
export interface Tri {
  yes: IntervalSet;
  maybe: IntervalSet;
  via?: NamePattern;
  why?: string;
  /** Cache for triPossible. */
  possible?: IntervalSet;
}

export function universeOf(ctx: MatchContext): IntervalSet {
  return ctx.kind === 'addresses' ? ALL_ADDRESSES : HOST_POINT;
}

function contextKey(ctx: MatchContext): string {
  return ctx.kind === 'addresses' ? 'a' : `h|${ctx.host}|${ctx.family}|${ctx.protocol}`;
}

/** Results per context, then per expression object: a rule list is matched in one context at a time. */
const cache = new Map<string, WeakMap<AddressExpr, Tri>>();

/** A matcher for one context, caching each expression's result (shared objects are computed once). */
export function addressMatcher(ctx: MatchContext): (expr: AddressExpr) => Tri {
  const key = contextKey(ctx);
  let results = cache.get(key);
  if (!results) {
    results = new WeakMap();
    cache.set(key, results);
  }
  const memo = results;
  const match = (expr: AddressExpr): Tri => {
    let tri = memo.get(expr);
    if (!tri) {
      tri = compute(expr, ctx, match);
      memo.set(expr, tri);
    }
    return tri;
  };
  return match;
}

/** What `expr` matches in `ctx` (see addressMatcher for matching many expressions). */
export function matchAddress(expr: AddressExpr, ctx: MatchContext): Tri {
  return addressMatcher(ctx)(expr);
}

/**
 * Every Tri has all five fields from the start: `possible` added later would put it (and every field after
 * the literal's own) in a separate property store, ~200k of them on a 100k-rule check.
 */
function tri(yes: IntervalSet, maybe: IntervalSet, via?: NamePattern, why?: string): Tri {
  return { yes, maybe, via, why, possible: undefined };
}

/** yes and maybe together: everything the expression may match (kept on the Tri, computed once). */
export function triPossible(t: Tri): IntervalSet {
  return (t.possible ??= t.maybe.isEmpty() ? t.yes : t.yes.union(t.maybe));
}

const NONE: Tri = tri(IntervalSet.EMPTY, IntervalSet.EMPTY);

function compute(expr: AddressExpr, ctx: MatchContext, match: (e: AddressExpr) => Tri): Tri {
  const universe = universeOf(ctx);
  switch (expr.kind) {
    case 'any':
      return tri(universe, IntervalSet.EMPTY);
    case 'ips':
      if (ctx.kind === 'addresses') return tri(expr.set, IntervalSet.EMPTY);
      return hostAgainstIps(expr.set, ctx.family, ctx.host);
    case 'name':
      if (ctx.kind === 'addresses') {
        return tri(
          IntervalSet.EMPTY,
          universe,
          undefined,
          `${expr.pattern.text}: its addresses come from DNS`,
        );
      }
      if (!namePatternMatches(expr.pattern, ctx.host)) return NONE;
      // TLS SNI / HTTP Host inspection sees only TCP connections.
      if (expr.pattern.method === 'sni' && ctx.protocol === 'udp') return NONE;
      return tri(universe, IntervalSet.EMPTY, expr.pattern);
    case 'unknown':
      return tri(IntervalSet.EMPTY, universe, undefined, expr.part.reason);
    case 'union': {
      let acc = NONE;
      for (const m of expr.members) acc = triUnion(acc, match(m));
      return acc;
    }
    case 'not':
      return triNot(match(expr.of), universe);
    case 'minus':
      return triIntersect(match(expr.from), triNot(match(expr.without), universe));
  }
}

/**
 * How a set stands to a family's public space: covers it all, misses it, or holds the part written out.
 * It doesn't depend on the host, so it is worked out once per set and family, not once per host.
 */
const publicOverlap: Record<Family, WeakMap<IntervalSet, string | boolean>> = {
  ipv4: new WeakMap(),
  ipv6: new WeakMap(),
};

/** A host's address is some public address of its family: decided only if the set covers all or none. */
function hostAgainstIps(set: IntervalSet, family: Family, host: string): Tri {
  const known = publicOverlap[family];
  let overlap = known.get(set);
  if (overlap === undefined) {
    const pub = PUBLIC_SPACE[family];
    if (set.covers(pub)) overlap = true;
    else {
      const part = set.intersect(pub);
      overlap = part.isEmpty() ? false : formatAddressSet(part, 4);
    }
    known.set(set, overlap);
  }
  if (overlap === true) return tri(HOST_POINT, IntervalSet.EMPTY);
  if (overlap === false) return NONE;
  return tri(
    IntervalSet.EMPTY,
    HOST_POINT,
    undefined,
    `whether ${host} resolves into ${overlap} can't be known without DNS`,
  );
}

/** A result that matches nothing and says nothing. */
function isVoid(t: Tri): boolean {
  return t.yes.isEmpty() && t.maybe.isEmpty() && t.via === undefined && t.why === undefined;
}

export function triUnion(a: Tri, b: Tri): Tri {
  // Most members of a list match nothing in a given context: then the union is the other side, as is
  // (the same result as below, since yes and maybe never overlap).
  if (isVoid(b) && (!a.yes.isEmpty() || a.via === undefined) && (!a.maybe.isEmpty() || a.why === undefined))
    return a;
  if (isVoid(a) && (!b.maybe.isEmpty() || b.why === undefined)) return b;
  const yes = a.yes.union(b.yes);
  const maybe = a.maybe.union(b.maybe).subtract(yes);
  return tri(
    yes,
    maybe,
    a.yes.isEmpty() ? b.via : (a.via ?? b.via),
    maybe.isEmpty() ? undefined : (a.why ?? b.why),
  );
}

export function triIntersect(a: Tri, b: Tri): Tri {
  const yes = a.yes.intersect(b.yes);
  const maybe = a.yes.union(a.maybe).intersect(b.yes.union(b.maybe)).subtract(yes);
  return tri(
    yes,
    maybe,
    yes.isEmpty() ? undefined : (a.via ?? b.via),
    maybe.isEmpty() ? undefined : (a.why ?? b.why),
  );
}

export function triNot(a: Tri, universe: IntervalSet): Tri {
  return tri(universe.subtract(a.yes).subtract(a.maybe), a.maybe, undefined, a.why);
}
