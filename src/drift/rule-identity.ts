import type { AddressExpr } from '../model/address.js';
import { formatAddressSet } from '../model/ip.js';
import type { Policy, Rule } from '../model/policy.js';
import type { ServiceExpr } from '../model/service.js';

/**
 * A rule's identity across revisions: the vendor's own (a rule name, a FortiGate policy id, an ACE's
 * text), never its line, so a rule that moves or whose neighbours change is still the same rule.
 */
export function ruleKey(rule: Rule): string {
  return rule.key ?? `${rule.section ?? ''}\u0000${rule.id ?? rule.name}`;
}

/** A policy's identity across revisions: its file and its name in it (vsys, VDOM, firewall ...). */
export function policyKey(policy: Policy): string {
  return `${policy.paths[0]}\u0000${policy.name ?? ''}`;
}

function addressText(e: AddressExpr): string {
  switch (e.kind) {
    case 'ips':
      return formatAddressSet(e.set, Number.MAX_SAFE_INTEGER);
    case 'any':
      return 'any';
    case 'name':
      return `name(${e.pattern.kind} ${e.pattern.domain} ${e.pattern.apex} ${e.pattern.depth} ${e.pattern.method})`;
    case 'unknown':
      return `unknown(${e.part.reason})`;
    case 'union':
      return `(${e.members.map(addressText).sort().join(' | ')})`;
    case 'not':
      return `not ${addressText(e.of)}`;
    case 'minus':
      return `(${addressText(e.from)} - ${addressText(e.without)})`;
  }
}

function serviceText(e: ServiceExpr): string {
  switch (e.kind) {
    case 'any':
      return 'any';
    case 'ports':
      return `${e.protocol}/${e.ports.map(([a, b]) => `${a}-${b}`).join(',')}${e.sourcePorts ? ` from ${e.sourcePorts.map(([a, b]) => `${a}-${b}`).join(',')}` : ''}`;
    case 'protocol':
      return `ip proto ${e.number}`;
    case 'unknown':
      return `unknown(${e.part.reason})`;
    case 'union':
      return `(${e.members.map(serviceText).sort().join(' | ')})`;
    case 'not':
      return `not ${serviceText(e.of)}`;
  }
}

/** What a rule matches and does, part by part, as canonical text: equal parts mean the same meaning. */
export function ruleMeaning(rule: Rule): Record<string, string> {
  return {
    action: rule.action,
    'source zones': rule.sourceZones.toString(),
    'destination zones': rule.destinationZones.toString(),
    sources: addressText(rule.sources),
    destinations: addressText(rule.destinations),
    services: serviceText(rule.services),
    conditions: (rule.conditions ?? []).map((c) => c.reason).join('; '),
    scope: rule.sameZone ? 'same zone' : '',
  };
}

/** The parts whose meaning differs between two versions of a rule. */
export function changedParts(before: Rule, after: Rule): string[] {
  const a = ruleMeaning(before);
  const b = ruleMeaning(after);
  return Object.keys(a).filter((k) => a[k] !== b[k]);
}

/**
 * The rule's own text: its lines up to the next rule of the same file (just its first line for the last
 * one), trimmed, so a rule is "edited" only when what is written in it changed; one whose meaning changed
 * with the same text changed through an object it uses.
 */
export function ruleText(
  rule: Rule,
  policy: Policy,
  lines: readonly string[] | undefined,
): string | undefined {
  if (lines === undefined) return undefined;
  const { path, line } = rule.location;
  let next = Infinity;
  for (const r of policy.rules) {
    const l = r.location.line;
    if (r.location.path === path && l > line && l < next) next = l;
  }
  const end = next === Infinity ? line : Math.min(next - 1, lines.length);
  return lines
    .slice(line - 1, end)
    .map((l) => l.trim())
    .join('\n');
}
