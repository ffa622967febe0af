import type { Family } from '../../model/ip.js';
import type { Rule } from '../../model/policy.js';

/**
 * Where a policy rule comes from in the save, so a fix can go in front of it: the built-in chain it was
 * flattened from, and the rule of that chain that leads to it (itself, or the jump to its user chain);
 * none for the chain's policy (a fix is then appended to the chain, before the table's COMMIT).
 */
export interface RuleOrigin {
  path: string;
  family: Family;
  /** The host's OUTPUT path (no input interface), not a router's FORWARD path. */
  host: boolean;
  table: string;
  chain: string;
  top?: { line: number; index: number };
  /** The line of the chain's first rule, where a rule inserted at its head goes. */
  first?: number;
  commitLine: number;
}

const origins = new WeakMap<Rule, RuleOrigin>();

export function setOrigin(rule: Rule, origin: RuleOrigin): Rule {
  origins.set(rule, origin);
  return rule;
}

export function originOf(rule: Rule): RuleOrigin | undefined {
  return origins.get(rule);
}
