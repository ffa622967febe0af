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

/** At most this many lines make one rule's text (a rule with a huge inline list is still compared). */
const MAX_RULE_LINES = 2000;

const indentOf = (l: string) => l.length - l.trimStart().length;

/**
 * The rule's own text, trimmed line by line: its first line and the more deeply indented lines under it
 * (a YAML entry, an XML element, a FortiGate `edit`, a JSON object), never past the next rule of the same
 * file. A rule is "edited" when this changed; one whose meaning changed under the same text changed
 * through an object it uses.
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
  const first = lines[line - 1];
  if (first === undefined) return undefined;
  const base = indentOf(first);
  const out = [first.trim()];
  for (let i = line; i < lines.length && i + 1 < next && out.length < MAX_RULE_LINES; i++) {
    const l = lines[i]!;
    if (l.trim() !== '' && indentOf(l) <= base) break;
    out.push(l.trim());
  }
  return out.join('\n');
}
