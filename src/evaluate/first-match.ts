import {
  addressMatcher,
  triPossible,
  type AddressExpr,
  type MatchContext,
  type Tri,
} from '../model/address.js';
import type { NamePattern } from '../model/names.js';
import type { Action, Policy, Rule } from '../model/policy.js';
import { matchService, type Protocol } from '../model/service.js';
import { boxesIntersect, boxIntersect, boxIsEmpty, boxSubtract, type Box } from './box.js';

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
  dstContext: MatchContext;
  port: number;
  protocol: Protocol;
}

/** Past this many pending regions the evaluation stops and calls the rest unknown (fails closed). */
export const MAX_REGIONS = 20_000;

interface RuleRegion {
  /** Where the rule surely matches; undefined when nowhere. */
  yes?: Box;
  /** Where it may match (includes yes); undefined when nowhere. */
  possible?: Box;
  via?: NamePattern;
  why?: string;
}

type Matcher = (expr: AddressExpr) => Tri;

function ruleRegion(
  rule: Rule,
  target: FlowTarget,
  matchSource: Matcher,
  matchDestination: Matcher,
): RuleRegion {
  const svc = matchService(rule.services, target.port, target.protocol);
  if (svc.result === 'no') return {};
  const src = matchSource(rule.sources);
  const dst = matchDestination(rule.destinations);
  const possible: Box = {
    sz: rule.sourceZones,
    dz: rule.destinationZones,
    s: triPossible(src),
    d: triPossible(dst),
  };
  if (possible.s.isEmpty() || possible.d.isEmpty()) return {};
  const condition = rule.conditions?.[0];
  const sure = svc.result === 'yes' && !condition;
  const yes: Box | undefined =
    sure && !src.yes.isEmpty() && !dst.yes.isEmpty() ? { ...possible, s: src.yes, d: dst.yes } : undefined;
  const why = svc.result === 'maybe' ? svc.why : (condition?.reason ?? src.why ?? dst.why);
  return { yes, possible, via: dst.via, why };
}

/**
 * Ordered first-match over the enabled rules, exactly: the query region is split by every rule that
 * touches it into the part it surely decides, the part it may decide (the config can't tell) and the
 * rest, which goes on to the next rule; what no rule takes falls to the policy's default.
 */
export function firstMatch(policy: Policy, query: Box, target: FlowTarget): Decided[] {
  const decided: Decided[] = [];
  if (boxIsEmpty(query)) return decided;
  let pending: Pending[] = [{ box: query, tag: 0 }];
  const rules = policy.rules;
  const matchSource = addressMatcher({ kind: 'addresses' });
  const matchDestination = addressMatcher(target.dstContext);
  for (let i = 0; i < rules.length && pending.length > 0; i++) {
    const rule = rules[i]!;
    if (!rule.enabled) continue;
    const region = ruleRegion(rule, target, matchSource, matchDestination);
    const possible = region.possible;
    // Every pending region lies in the query: a rule outside it touches none of them.
    if (!possible || !boxesIntersect(query, possible)) continue;
    const bit = bitOf(rule.action);
    const next: Pending[] = [];
    for (const p of pending) {
      if (!boxesIntersect(p.box, possible)) {
        next.push(p);
        continue;
      }
      let outside: Box[] = [p.box];
      if (region.yes) {
        const hit = boxIntersect(p.box, region.yes);
        if (hit) {
          decided.push({
            box: hit,
            outcome: (p.tag | bit) as Outcome,
            by: i,
            via: region.via,
            doubt: p.doubt,
          });
          outside = boxSubtract(p.box, region.yes);
        }
      }
      for (const b of outside) {
        const maybe = boxIntersect(b, possible);
        if (!maybe) {
          next.push({ ...p, box: b });
          continue;
        }
        const tag = (p.tag | bit) as Outcome;
        const doubt = p.doubt ?? {
          rule: i,
          why: region.why ?? 'the config does not tell whether it matches',
        };
        if (tag === 3) decided.push({ box: maybe, outcome: 3, by: i, doubt });
        else next.push({ box: maybe, tag, doubt });
        for (const rest of boxSubtract(b, possible)) next.push({ ...p, box: rest });
      }
    }
    pending = next;
    if (pending.length > MAX_REGIONS) {
      for (const p of pending) {
        decided.push({
          box: p.box,
          outcome: 3,
          by: i,
          doubt: { rule: i, why: 'too many distinct regions to decide exactly' },
        });
      }
      return decided;
    }
  }
  const bit = bitOf(policy.default.action);
  for (const p of pending)
    decided.push({ box: p.box, outcome: (p.tag | bit) as Outcome, by: -1, doubt: p.doubt });
  return decided;
}
