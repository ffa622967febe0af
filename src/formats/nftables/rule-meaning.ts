import { IntervalSet } from '../../model/interval-set.js';
import type { UnknownPart } from '../../model/location.js';
import { andAlternatives, type Cond } from './condition.js';
import { matchAlternatives, selectorText, vmapEntries, type MatchScope } from './matches.js';
import type { RuleDef, Verdict } from './ruleset.js';

/** What a rule does to the packets it matches. */
export type Effect =
  | { kind: 'verdict'; verdict: Verdict }
  /** snat / masquerade: the NAT statement ends the rule and the chain with an accept. */
  | { kind: 'nat-accept'; text: string }
  /** A verdict the ruleset can't tell (dnat rewrites what later chains see, queue hands it to userspace). */
  | { kind: 'unknown'; reason: string }
  | { kind: 'vmap'; entries: { alts: Cond[]; verdict: Verdict }[] }
  | { kind: 'none' };

export interface RuleMeaning {
  alts: Cond[];
  effect: Effect;
}

/**
 * A rule's matches as alternatives (exact where modelled, unknown conditions elsewhere) and what it does.
 * Expressions are evaluated left to right and the first verdict ends the rule (nft(8), "RULES",
 * "STATEMENTS": "a verdict statement by its nature ends the rule").
 */
export function ruleMeaning(rule: RuleDef, base: Cond, scope: MatchScope): RuleMeaning {
  let alts: Cond[] | undefined = [base];
  const tooMany = (): RuleMeaning => ({
    alts: [
      {
        ...base,
        unknown: [...base.unknown, unknownPart('the rule has too many combinations to model', scope)],
      },
    ],
    effect: { kind: 'unknown', reason: 'the rule has too many combinations to model' },
  });
  for (const item of rule.items) {
    if (!alts || alts.length === 0) break;
    switch (item.kind) {
      case 'match':
        alts = andAlternatives(alts, matchAlternatives(item.match, scope), scope.knownIfs, scope.limit);
        if (!alts) return tooMany();
        continue;
      case 'unknown-match':
        alts = alts.map((c) => ({
          ...c,
          unknown: [...c.unknown, unknownPart(`"${item.text}" is not modelled`, scope)],
        }));
        continue;
      case 'verdict':
        if (item.verdict.kind === 'reject') alts = rejectDependencies(alts, item.verdict.with, scope);
        return { alts, effect: { kind: 'verdict', verdict: item.verdict } };
      case 'nat':
        if (item.type === 'snat' || item.type === 'masquerade')
          return { alts, effect: { kind: 'nat-accept', text: item.type } };
        return {
          alts,
          effect: {
            kind: 'unknown',
            reason: `${item.type} changes the packet's destination, so what later rules and chains decide can't be told`,
          },
        };
      case 'vmap': {
        const entries = vmapEntries(item.selector, item.map, scope);
        if (typeof entries === 'string') {
          return {
            alts,
            effect: { kind: 'unknown', reason: `${selectorText(item.selector)} vmap: ${entries}` },
          };
        }
        return { alts, effect: { kind: 'vmap', entries } };
      }
      case 'notrack':
      case 'set-update':
      case 'statement':
        continue;
    }
  }
  return { alts: alts ?? [], effect: { kind: 'none' } };
}

/**
 * `reject with icmp` only answers IPv4 and `icmpv6` IPv6, `tcp reset` only TCP: nft adds those matches to
 * the rule (`nft --debug=netlink` shows them). A listing prints no `meta nfproto` in front of `reject with
 * tcp reset` in an inet table even where the rule has one, so there its family can't be told.
 */
function rejectDependencies(alts: Cond[], kind: string | undefined, scope: MatchScope): Cond[] {
  const out: Cond[] = [];
  for (const c of alts) {
    let d: Cond | undefined = c;
    if (kind === 'icmp') d = c.v4 ? { ...c, v6: false } : undefined;
    else if (kind === 'icmpv6') d = c.v6 ? { ...c, v4: false } : undefined;
    else if (kind === 'tcp reset') {
      d = c.proto.has(6n) ? { ...c, proto: c.proto.intersect(TCP) } : undefined;
      if (d && scope.listing && scope.table.family === 'inet' && d.v4 && d.v6) {
        d = {
          ...d,
          unknown: [
            ...d.unknown,
            unknownPart(
              'a listing shows no "meta nfproto" before "reject with tcp reset" even where the rule has one, so whether it rejects IPv4, IPv6 or both can\'t be told',
              scope,
            ),
          ],
        };
      }
    }
    if (d) out.push(d);
  }
  return out;
}

const TCP = IntervalSet.point(6n);

function unknownPart(reason: string, scope: MatchScope): UnknownPart {
  return { reason, location: { path: scope.path, line: scope.line } };
}
