import { ANY_ADDRESS, ipsExpr, nameExpr, unknownExpr, type AddressExpr } from '../../model/address.js';
import type { IntervalSet } from '../../model/interval-set.js';
import { AddressSyntaxError, parseIpSpec } from '../../model/ip.js';
import type { SourceLocation } from '../../model/location.js';
import { isValidHostName, normalizeHost, type NamePattern } from '../../model/names.js';
import { preview, Unresolved } from './arm-values.js';
import type { View } from './view.js';

/**
 * One source or destination address entry of an Azure Firewall rule or IP group: `*`, an IP address, a
 * CIDR, a first-last range, or (destinations of network rules) a service tag such as `AzureCloud` or
 * `Storage.WestEurope` ("Azure Firewall service tags", https://learn.microsoft.com/azure/firewall/service-tags).
 */
export type AddressEntry =
  | { kind: 'any' }
  | { kind: 'ips'; set: IntervalSet }
  | { kind: 'tag'; name: string }
  | { kind: 'bad'; message: string };

const ADDRESS_FORMS =
  'expected *, an IP address, a CIDR (10.0.0.0/8), a range (10.0.0.1-10.0.0.9) or a service tag';

/** Service tag names: a word, optionally with one `.Region` suffix. */
const SERVICE_TAG = /^[A-Za-z][A-Za-z0-9]*(?:\.[A-Za-z][A-Za-z0-9]*)?$/;

export function classifyAddress(raw: string): AddressEntry {
  const text = raw.trim();
  if (text === '*') return { kind: 'any' };
  if (text.includes(':') || text.includes('/') || /^[\d.-]+$/.test(text)) {
    try {
      return { kind: 'ips', set: parseIpSpec(text) };
    } catch (e) {
      if (!(e instanceof AddressSyntaxError)) throw e;
      return { kind: 'bad', message: `bad address ${preview(text)}: ${e.message}; ${ADDRESS_FORMS}` };
    }
  }
  if (SERVICE_TAG.test(text)) return { kind: 'tag', name: text };
  return { kind: 'bad', message: `${preview(text)} is not an address; ${ADDRESS_FORMS}` };
}

export function locationOf(view: View): SourceLocation {
  return { path: view.path, line: view.line };
}

/** What an unresolved template value stands for, for unknown parts. */
export function unresolvedReason(view: View, what: string, u: Unresolved): string {
  const expr = typeof view.raw === 'string' ? ` ${preview(view.raw, 80)}` : '';
  return `${what}${expr} is known only at deployment (${u.reason})`;
}

/**
 * Where a bad value came from a parameter's default, the default is taken to be a placeholder a deployment
 * replaces (templates ship `xx.xx.xx.xx`-style defaults): the value is unknown, not an error. A bad value
 * written in the template or export itself is an error.
 */
export function badValue(view: View, message: string): AddressExpr {
  const params = [...view.parameters()];
  if (params.length === 0) throw view.error(message);
  return unknownExpr({
    reason: `${message} (from the default of parameter ${params.map((p) => `'${p}'`).join(', ')}; a deployment supplies the real value)`,
    location: locationOf(view),
  });
}

/**
 * Builds address expressions for entries, sharing one expression per distinct IP text and per service tag
 * (the evaluator caches per expression object).
 */
export class AddressEntries {
  private readonly ips = new Map<string, AddressExpr>();
  private readonly tags = new Map<string, AddressExpr>();
  private readonly names = new Map<string, AddressExpr>();

  /** An address entry of a rule (`role` says which list, for messages). */
  address(view: View, role: string, allowTags: boolean): AddressExpr {
    const text = view.text(role);
    if (text instanceof Unresolved) {
      return unknownExpr({ reason: unresolvedReason(view, role, text), location: locationOf(view) });
    }
    const entry = classifyAddress(text);
    switch (entry.kind) {
      case 'any':
        return ANY_ADDRESS;
      case 'ips': {
        const key = text.trim();
        let expr = this.ips.get(key);
        if (!expr) {
          expr = ipsExpr(entry.set);
          this.ips.set(key, expr);
        }
        return expr;
      }
      case 'tag': {
        if (!allowTags) {
          return badValue(
            view,
            `${role}: service tag ${preview(text)} is not allowed here; expected an IP address, CIDR or range`,
          );
        }
        const key = entry.name.toLowerCase();
        let expr = this.tags.get(key);
        if (!expr) {
          expr = unknownExpr({
            reason: `service tag "${entry.name}": its address ranges are published by Microsoft and change over time`,
            location: locationOf(view),
          });
          this.tags.set(key, expr);
        }
        return expr;
      }
      case 'bad':
        return badValue(view, `${role}: ${entry.message}`);
    }
  }

  /** A shared name expression per pattern text and match method. */
  name(pattern: NamePattern): AddressExpr {
    const key = `${pattern.method}\u0000${pattern.kind}\u0000${pattern.apex}\u0000${pattern.text}`;
    let expr = this.names.get(key);
    if (!expr) {
      expr = nameExpr(pattern);
      this.names.set(key, expr);
    }
    return expr;
  }
}

/**
 * A network rule's destination FQDN. The firewall resolves it with its DNS settings and matches the
 * addresses it gets ("Use FQDN filtering in network rules",
 * https://learn.microsoft.com/azure/firewall/fqdn-filtering-network-rules): method `resolve`. Wildcards are
 * not supported there "by design".
 */
export function networkFqdn(
  view: View,
  entries: AddressEntries,
  dnsProxy: boolean | Unresolved,
): AddressExpr {
  const text = view.text('destinationFqdns');
  const location = locationOf(view);
  if (text instanceof Unresolved) {
    return unknownExpr({ reason: unresolvedReason(view, 'destination FQDN', text), location });
  }
  const host = normalizeHost(text);
  if (host.includes('*')) {
    return badValue(
      view,
      `destinationFqdns: ${preview(text)}: network rules don't support wildcard FQDNs (use an application rule)`,
    );
  }
  if (!isValidHostName(host)) {
    return badValue(view, `destinationFqdns: ${preview(text)} is not a valid host name`);
  }
  if (dnsProxy !== true) {
    // "To use FQDNs in your network rules, you must enable DNS Proxy" (same page).
    const why =
      dnsProxy instanceof Unresolved
        ? `whether DNS proxy is enabled is known only at deployment (${dnsProxy.reason})`
        : 'DNS proxy is not enabled, and Azure Firewall needs it for FQDNs in network rules';
    return unknownExpr({ reason: `network rule FQDN "${host}": ${why}`, location });
  }
  return entries.name({
    kind: 'fqdn',
    domain: host,
    apex: false,
    depth: 'any',
    method: 'resolve',
    text,
    location,
  });
}

/**
 * An application rule's target FQDN, matched against the TLS SNI or HTTP Host header (method `sni`, TCP
 * only). Azure Firewall FAQ, "How do wildcards work in target URLs and target FQDNs in application rules?"
 * (https://learn.microsoft.com/azure/firewall/firewall-faq): an asterisk works only at the left; `*.contoso.com`
 * matches `any.contoso.com` and deeper names ("anything to the left will match, meaning multiple
 * subdomains") but not `contoso.com` itself; `*contoso.com` matches any name ending in `contoso.com`,
 * `contoso.com` included; `*` alone matches every name.
 */
export function applicationFqdn(view: View, entries: AddressEntries): AddressExpr {
  const text = view.text('targetFqdns');
  const location = locationOf(view);
  if (text instanceof Unresolved) {
    return unknownExpr({ reason: unresolvedReason(view, 'target FQDN', text), location });
  }
  const t = normalizeHost(text);
  if (t === '*') return ANY_ADDRESS;
  const star = t.lastIndexOf('*');
  if (star > 0 || (star === 0 && t.indexOf('*', 1) >= 0)) {
    return badValue(
      view,
      `targetFqdns: ${preview(text)}: an asterisk works only at the left of a target FQDN`,
    );
  }
  if (star < 0) {
    if (!isValidHostName(t)) return badValue(view, `targetFqdns: ${preview(text)} is not a valid host name`);
    return entries.name({
      kind: 'fqdn',
      domain: t,
      apex: false,
      depth: 'any',
      method: 'sni',
      text,
      location,
    });
  }
  if (t.startsWith('*.')) {
    const domain = t.slice(2);
    if (!isValidHostName(`x.${domain}`)) {
      return badValue(view, `targetFqdns: ${preview(text)} is not a valid wildcard; expected *.example.com`);
    }
    return entries.name({
      kind: 'wildcard',
      domain,
      apex: false,
      depth: 'any',
      method: 'sni',
      text,
      location,
    });
  }
  // `*suffix` without a dot: every name ending in the suffix, on a label boundary or not.
  const suffix = t.slice(1);
  if (!suffix.includes('.') || !isValidHostName(`x${suffix}`)) {
    return badValue(view, `targetFqdns: ${preview(text)} is not a valid wildcard`);
  }
  return entries.name({
    kind: 'suffix',
    domain: suffix,
    apex: true,
    depth: 'any',
    method: 'sni',
    text,
    location,
  });
}
