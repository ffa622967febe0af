import { forgetSourceSides } from '../evaluate/first-match.js';
import { unknownExpr } from '../model/address.js';
import type { Policy } from '../model/policy.js';
import type { ServiceExpr } from '../model/service.js';

const RELEASED = { reason: 'the rule was released after the check (its fixes are being proven)' };
const RELEASED_ADDRESSES = unknownExpr(RELEASED);
const RELEASED_SERVICES: ServiceExpr = { kind: 'unknown', part: RELEASED };

/**
 * Drops what the checked policies' rules match on (address and service expressions, conditions) and the
 * evaluator's per-policy sides, keeping what reports name (name, id, action, zones, location). The proof
 * of a fix reads the export again and builds a second model; the first one's expressions were the bulk of
 * what it still held (428 MiB PAN-OS export, failing: peak 859 → 783 MB). Nothing after the fixes are
 * written evaluates the first model; were something to, a released rule matches "unknown", never allowed.
 */
export function releaseRuleMatches(policies: readonly Policy[]): void {
  for (const policy of policies) {
    forgetSourceSides(policy);
    for (const rule of policy.rules) {
      rule.sources = RELEASED_ADDRESSES;
      rule.destinations = RELEASED_ADDRESSES;
      rule.services = RELEASED_SERVICES;
      if (rule.conditions) rule.conditions = undefined;
    }
  }
}
