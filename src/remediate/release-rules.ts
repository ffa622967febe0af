import { forgetSourceSides } from '../evaluate/first-match.js';
import type { PolicyFlowResult } from '../evaluate/evaluate.js';
import type { CheckResult } from '../check/run-check.js';
import { unknownExpr } from '../model/address.js';
import type { Policy, Rule } from '../model/policy.js';
import type { ServiceExpr } from '../model/service.js';
import type { FixRequest } from './types.js';
import { ZoneSet } from '../model/zone-set.js';

const RELEASED = { reason: 'the rule was released after the check (its fixes are being proven)' };
const RELEASED_ADDRESSES = unknownExpr(RELEASED);
const RELEASED_SERVICES: ServiceExpr = { kind: 'unknown', part: RELEASED };

/** What reports read of a rule; a rule nothing names any more has none of it. */
const NAMING_FIELDS = ['name', 'id', 'key', 'vendorAction', 'location', 'section'] as const;

/**
 * What stands in for a rule that no result and no fix names, once the fixes are written. Evaluated, it
 * may deny anything and allows nothing; a report reading its name or place is a bug, so that throws
 * rather than naming the wrong rule.
 */
export const RELEASED_RULE: Rule = (() => {
  const stub = {
    enabled: true,
    action: 'deny',
    sourceZones: ZoneSet.ANY,
    destinationZones: ZoneSet.ANY,
    sources: RELEASED_ADDRESSES,
    destinations: RELEASED_ADDRESSES,
    services: RELEASED_SERVICES,
  };
  for (const field of NAMING_FIELDS) {
    Object.defineProperty(stub, field, {
      enumerable: true,
      get() {
        throw new Error(`a released rule's ${field} was read: nothing names it after the check`);
      },
    });
  }
  return Object.freeze(stub) as unknown as Rule;
})();

/** The rule indexes a result names: the deciding rule, the others that decided part, every piece's. */
function namedBy(r: PolicyFlowResult, into: Set<number>): void {
  const stack = [r];
  for (let next = stack.pop(); next; next = stack.pop()) {
    if (next.decidedBy !== undefined) into.add(next.decidedBy);
    for (const i of next.alsoBy) into.add(i);
    for (const family of next.families) {
      for (const piece of family.pieces) {
        into.add(piece.by);
        if (piece.doubt) into.add(piece.doubt.rule);
      }
    }
    if (next.worlds) stack.push(...next.worlds);
  }
}

const released = new WeakSet<CheckResult>();

/** Whether a check's rules were released (its fixes were written and proven once already). */
export function wasReleased(check: CheckResult): boolean {
  return released.has(check);
}

/**
 * Drops what the checked policies' rules match on (address and service expressions, conditions) and the
 * evaluator's per-policy sides. A rule that a result or a fix names (the rule a fix is placed before)
 * keeps what reports name of it (name, id, action, zones, location); every other rule becomes
 * RELEASED_RULE. The proof of a fix reads the export again and builds a second model;
 * the first one's expressions were the bulk of what it still held (428 MiB PAN-OS export, failing: peak
 * 859 → 783 MB), and its rules' names and places the rest (100 MiB FortiGate export: ~45 MB live during
 * the proof). Nothing after the fixes are written evaluates the first model; were something to, it
 * would get no "allowed": a released rule matches "unknown", and naming a stand-in throws.
 */
export function releaseRules(check: CheckResult, fixes: readonly FixRequest[]): void {
  released.add(check);
  const named = new Map<Policy, Set<number>>(check.policies.map((p) => [p, new Set()]));
  for (const fix of fixes) named.get(fix.policy)?.add(fix.before);
  for (const result of check.results) {
    for (const r of [result.primary, ...result.perPolicy]) {
      const into = named.get(r.policy);
      if (into) namedBy(r, into);
    }
  }
  for (const policy of check.policies) {
    forgetSourceSides(policy);
    const keep = named.get(policy)!;
    // The rule list stays as long and in order: results and fixes name rules by index.
    const rules = policy.rules as Rule[];
    for (let i = 0; i < rules.length; i++) {
      if (!keep.has(i)) {
        rules[i] = RELEASED_RULE;
        continue;
      }
      const rule = rules[i]!;
      rule.sources = RELEASED_ADDRESSES;
      rule.destinations = RELEASED_ADDRESSES;
      rule.services = RELEASED_SERVICES;
      if (rule.conditions) rule.conditions = undefined;
    }
  }
}
