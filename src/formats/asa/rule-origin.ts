import type { Rule } from '../../model/policy.js';
import type { Ace } from './access-lists.js';

/**
 * Which access-list entry a policy rule stands for, so a fix can be placed in that ACL: an ACE, or the
 * implicit deny at the end of an ACL. Rules made from other things (security levels, same-security
 * traffic, ACLs the export doesn't hold) have none. Each rule stands for one entry: inbound and outbound
 * ACLs are separate stages of the policy, never merged.
 */
export type RuleOrigin = { kind: 'ace'; acl: string; ace: Ace } | { kind: 'implicit-deny'; acl: string };

const origins = new WeakMap<Rule, RuleOrigin>();

export function setOrigin<R extends Rule>(rule: R, origin: RuleOrigin | undefined): R {
  if (origin) origins.set(rule, origin);
  return rule;
}

export function originOf(rule: Rule): RuleOrigin | undefined {
  return origins.get(rule);
}
