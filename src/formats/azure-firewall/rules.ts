import {
  ANY_ADDRESS,
  minusExpr,
  notExpr,
  unionExpr,
  unknownExpr,
  type AddressExpr,
} from '../../model/address.js';
import { InputError } from '../../input/input-error.js';
import type { UnknownPart } from '../../model/location.js';
import type { Action, Rule } from '../../model/policy.js';
import { ZoneSet } from '../../model/zone-set.js';
import {
  AddressEntries,
  applicationFqdn,
  locationOf,
  networkFqdn,
  unresolvedReason,
} from './address-entries.js';
import { preview, Unresolved } from './arm-values.js';
import type { IpGroups } from './ip-groups.js';
import { applicationServices, networkServices } from './service-entries.js';
import { View } from './view.js';

/** The three kinds of rules, in the order Azure Firewall processes them. */
export type Phase = 'dnat' | 'network' | 'application';
export const PHASES: readonly Phase[] = ['dnat', 'network', 'application'];

/** What building a rule needs from its policy or firewall. */
export interface RuleEnv {
  entries: AddressEntries;
  ipGroups: IpGroups;
  /** DNS proxy setting of the policy or firewall: network-rule FQDNs need it. */
  dnsProxy: boolean | Unresolved;
  /** `dependsOn` of the resource the rules are in (ARM templates). */
  dependsOn: ReadonlyMap<string, number>;
  /** Set when a network rule names destination FQDNs (for the DNS proxy note). */
  seen: { networkFqdns: boolean };
}

/** What a rule takes from its rule collection. */
export interface CollectionInfo {
  action: Action;
  vendorAction: string;
  section: string;
  id: string;
  conditions: readonly UnknownPart[];
}

function list(rule: View, key: string): View[] | Unresolved {
  const v = rule.get(key);
  if (!v || v.raw === null) return [];
  return v.items(key);
}

function unknownList(rule: View, key: string, u: Unresolved): AddressExpr {
  const v = rule.get(key)!;
  return unknownExpr({ reason: unresolvedReason(v, key, u), location: locationOf(v) });
}

function union(members: AddressExpr[]): AddressExpr {
  return members.length === 1 ? members[0]! : unionExpr(members);
}

/**
 * A Premium target URL (`www.contoso.com/path/*`): URL filtering matches the full URL after TLS inspection
 * ("Azure Firewall Premium features", https://learn.microsoft.com/azure/firewall/premium-features), so
 * whether it covers all of a flow's traffic to the host can't be told. It never matches another host:
 * the unknown part is confined to the URL's host name (wildcards as in target FQDNs).
 */
function targetUrl(view: View, entries: AddressEntries): AddressExpr {
  const location = locationOf(view);
  const text = view.text('targetUrls');
  if (text instanceof Unresolved)
    return unknownExpr({ reason: unresolvedReason(view, 'target URL', text), location });
  const part: AddressExpr = unknownExpr({
    reason: `target URL ${preview(text)}: URL filtering needs TLS inspection and matches paths, not whole hosts`,
    location,
  });
  const host = text
    .trim()
    .replace(/^https?:\/\//i, '')
    .split(/[/?#]/)[0]!;
  if (host === '' || host.includes(':')) return part;
  const hostView = new View(host, view.site, null, view.trace);
  let name: AddressExpr;
  try {
    name = applicationFqdn(hostView, entries);
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    return part;
  }
  if (name.kind !== 'name') return part;
  return minusExpr(name, notExpr(part));
}

/** A rule's name: required, a string. */
export function ruleName(rule: View, what: string): string {
  const v = rule.get('name');
  if (!v) throw rule.error(`${what}: missing "name"`);
  const t = v.text('name');
  return t instanceof Unresolved ? String(v.raw) : t;
}

/** `sourceAddresses` and `sourceIpGroups`: Azure requires at least one entry between them. */
function sources(rule: View, name: string, env: RuleEnv): AddressExpr {
  const members: AddressExpr[] = [];
  const addresses = list(rule, 'sourceAddresses');
  if (addresses instanceof Unresolved) members.push(unknownList(rule, 'sourceAddresses', addresses));
  else for (const a of addresses) members.push(env.entries.address(a, 'sourceAddresses', false));
  const groups = list(rule, 'sourceIpGroups');
  if (groups instanceof Unresolved) members.push(unknownList(rule, 'sourceIpGroups', groups));
  else for (const g of groups) members.push(env.ipGroups.reference(g, 'sourceIpGroups', env.dependsOn, name));
  if (members.length === 0) {
    throw rule.error(
      `rule "${name}": no sourceAddresses or sourceIpGroups; expected at least one source (* for any)`,
    );
  }
  return union(members);
}

function protocolsOf(
  rule: View,
  name: string,
  keys: readonly string[],
): { list: View[] | Unresolved; view: View } {
  for (const key of keys) {
    const v = rule.get(key);
    if (v && v.raw !== null) return { list: v.items(key), view: v };
  }
  throw rule.error(`rule "${name}": missing "${keys[0]}"; expected a list such as ["TCP", "UDP"]`);
}

function base(
  rule: View,
  name: string,
  c: CollectionInfo,
): Omit<Rule, 'sources' | 'destinations' | 'services'> {
  return {
    name,
    id: c.id,
    enabled: true,
    action: c.action,
    vendorAction: c.vendorAction,
    sourceZones: ZoneSet.ANY,
    destinationZones: ZoneSet.ANY,
    ...(c.conditions.length ? { conditions: c.conditions } : {}),
    location: locationOf(rule),
    section: c.section,
  };
}

/** `ipProtocols` (Firewall Policy) or `protocols` (classic) x `destinationPorts`. */
function l4Services(rule: View, name: string): Rule['services'] {
  const protocols = protocolsOf(rule, name, ['ipProtocols', 'protocols']);
  const portsView = rule.get('destinationPorts');
  // An ICMP-only rule needs no ports; networkServices refuses TCP/UDP without them.
  const ports = portsView && portsView.raw !== null ? portsView.items('destinationPorts') : [];
  if (protocols.list instanceof Unresolved || ports instanceof Unresolved) {
    const u = protocols.list instanceof Unresolved ? protocols.list : (ports as Unresolved);
    const at = protocols.list instanceof Unresolved ? protocols.view : portsView!;
    return {
      kind: 'unknown',
      part: { reason: unresolvedReason(at, "the rule's protocols or ports", u), location: locationOf(at) },
    };
  }
  if (protocols.list.length === 0)
    throw protocols.view.error(`rule "${name}": ipProtocols is empty; expected TCP, UDP, ICMP or Any`);
  return networkServices(protocols.list, ports, portsView ?? rule, name);
}

/**
 * A network rule: sources x (destination addresses, service tags, IP groups, FQDNs) x protocols/ports.
 * "Network rules allow or deny inbound, outbound, and east-west traffic based on the network layer (L3) and
 * transport layer (L4)" ("Azure Firewall policy rule sets").
 */
export function networkRule(rule: View, c: CollectionInfo, env: RuleEnv): Rule {
  const name = ruleName(rule, 'network rule');
  const members: AddressExpr[] = [];
  const addresses = list(rule, 'destinationAddresses');
  if (addresses instanceof Unresolved) members.push(unknownList(rule, 'destinationAddresses', addresses));
  else for (const a of addresses) members.push(env.entries.address(a, 'destinationAddresses', true));
  const groups = list(rule, 'destinationIpGroups');
  if (groups instanceof Unresolved) members.push(unknownList(rule, 'destinationIpGroups', groups));
  else {
    for (const g of groups)
      members.push(env.ipGroups.reference(g, 'destinationIpGroups', env.dependsOn, name));
  }
  const fqdns = list(rule, 'destinationFqdns');
  if (fqdns instanceof Unresolved) members.push(unknownList(rule, 'destinationFqdns', fqdns));
  else {
    for (const f of fqdns) members.push(networkFqdn(f, env.entries, env.dnsProxy));
    if (fqdns.length) env.seen.networkFqdns = true;
  }
  if (members.length === 0) {
    throw rule.error(
      `network rule "${name}": no destinationAddresses, destinationIpGroups or destinationFqdns; expected at least one destination`,
    );
  }
  return {
    ...base(rule, name, c),
    sources: sources(rule, name, env),
    destinations: union(members),
    services: l4Services(rule, name),
  };
}

/**
 * A DNAT rule: "DNAT rules allow or deny inbound traffic through the firewall public IP address(es)"; a
 * match is translated and allowed ("Azure Firewall rule processing logic": "NAT rules are applied in
 * priority before network rules. If a match is found, the traffic is translated according to the DNAT rule
 * and allowed by the firewall"). Its destination is the firewall's own address.
 */
export function natRule(rule: View, c: CollectionInfo, env: RuleEnv): Rule {
  const name = ruleName(rule, 'NAT rule');
  const members: AddressExpr[] = [];
  const addresses = list(rule, 'destinationAddresses');
  if (addresses instanceof Unresolved) members.push(unknownList(rule, 'destinationAddresses', addresses));
  else for (const a of addresses) members.push(env.entries.address(a, 'destinationAddresses', false));
  if (members.length === 0) {
    throw rule.error(
      `NAT rule "${name}": no destinationAddresses; expected the firewall's public IP address`,
    );
  }
  return {
    ...base(rule, name, c),
    sources: sources(rule, name, env),
    destinations: union(members),
    services: l4Services(rule, name),
  };
}

/**
 * An application rule: matched by the TLS SNI or HTTP Host header of TCP connections ("Use FQDN filtering
 * in network rules": application-rule FQDN filtering "relies on an application-level transparent proxy and
 * the SNI header"). Target FQDNs become `sni` name patterns; FQDN tags, web categories and target URLs
 * are lists the config doesn't hold, so they are unknown parts.
 */
export function applicationRule(rule: View, c: CollectionInfo, env: RuleEnv): Rule {
  const name = ruleName(rule, 'application rule');
  const members: AddressExpr[] = [];
  const fqdns = list(rule, 'targetFqdns');
  if (fqdns instanceof Unresolved) members.push(unknownList(rule, 'targetFqdns', fqdns));
  else for (const f of fqdns) members.push(applicationFqdn(f, env.entries));
  const tags = list(rule, 'fqdnTags');
  if (tags instanceof Unresolved) members.push(unknownList(rule, 'fqdnTags', tags));
  else {
    for (const t of tags) {
      // "FQDN tags overview", https://learn.microsoft.com/azure/firewall/fqdn-tags: Microsoft maintains the lists.
      members.push(
        unknownExpr({
          reason: `FQDN tag ${preview(t.value())}: its FQDNs are maintained by Microsoft and not in the config`,
          location: locationOf(t),
        }),
      );
    }
  }
  const categories = list(rule, 'webCategories');
  if (categories instanceof Unresolved) members.push(unknownList(rule, 'webCategories', categories));
  else {
    for (const w of categories) {
      // "Azure Firewall web categories", https://learn.microsoft.com/azure/firewall/web-categories.
      members.push(
        unknownExpr({
          reason: `web category ${preview(w.value())}: which sites it holds is decided by Microsoft's classification service`,
          location: locationOf(w),
        }),
      );
    }
  }
  const urls = list(rule, 'targetUrls');
  if (urls instanceof Unresolved) members.push(unknownList(rule, 'targetUrls', urls));
  else {
    for (const u of urls) members.push(targetUrl(u, env.entries));
  }
  if (members.length === 0) {
    throw rule.error(
      `application rule "${name}": no targetFqdns, targetUrls, fqdnTags or webCategories; expected at least one destination`,
    );
  }
  let destinations = union(members);
  const addresses = list(rule, 'destinationAddresses');
  const addressMembers: AddressExpr[] = [];
  if (addresses instanceof Unresolved)
    addressMembers.push(unknownList(rule, 'destinationAddresses', addresses));
  else for (const a of addresses) addressMembers.push(env.entries.address(a, 'destinationAddresses', true));
  // Destination addresses on an application rule restrict it further: both must match.
  if (addressMembers.length) destinations = minusExpr(destinations, notExpr(union(addressMembers)));

  const conditions = [...c.conditions];
  const tls = rule.get('terminateTLS')?.boolean('terminateTLS');
  if (tls instanceof Unresolved) {
    conditions.push({
      reason: unresolvedReason(rule.get('terminateTLS')!, 'terminateTLS', tls),
      location: locationOf(rule),
    });
  } else if (tls === true && c.action === 'allow') {
    // TLS inspection re-signs the server certificate with the policy's CA ("Azure Firewall Premium
    // certificates", https://learn.microsoft.com/azure/firewall/premium-certificates).
    conditions.push({
      reason: `rule "${name}" terminates TLS (TLS inspection): clients must trust the firewall's intermediate CA, which the config can't tell for RemoteSpark devices`,
      location: locationOf(rule.get('terminateTLS')!),
    });
  }

  const protocols = rule.get('protocols');
  let services: Rule['services'];
  const protocolList = protocols && protocols.raw !== null ? protocols.items('protocols') : [];
  if (protocolList instanceof Unresolved) {
    services = {
      kind: 'unknown',
      part: {
        reason: unresolvedReason(protocols!, 'protocols', protocolList),
        location: locationOf(protocols!),
      },
    };
  } else if (protocolList.length === 0) {
    const onlyTags =
      !(fqdns instanceof Unresolved) &&
      fqdns.length === 0 &&
      !(tags instanceof Unresolved) &&
      tags.length > 0;
    if (!onlyTags)
      throw rule.error(
        `application rule "${name}": no protocols; expected e.g. [{"protocolType": "Https", "port": 443}]`,
      );
    // FQDN tags carry their own protocols (HTTP/HTTPS).
    services = {
      kind: 'ports',
      protocol: 'tcp',
      ports: [
        [80, 80],
        [443, 443],
      ],
    };
  } else {
    services = applicationServices(protocolList);
  }
  return {
    ...base(rule, name, c),
    ...(conditions.length ? { conditions } : {}),
    sources: sources(rule, name, env),
    destinations,
    services,
  };
}

export function buildRule(phase: Phase, rule: View, c: CollectionInfo, env: RuleEnv): Rule {
  switch (phase) {
    case 'dnat':
      return natRule(rule, c, env);
    case 'network':
      return networkRule(rule, c, env);
    case 'application':
      return applicationRule(rule, c, env);
  }
}

/**
 * Two rules that together make whatever they touch undecidable: one may allow, the next may deny. Used where
 * rules exist but can't be read (a parent policy not in the input, a copy loop over deployment-time data):
 * they could allow or deny anything, so flows they may touch come out unknown, never allowed.
 */
export function opaqueRules(name: string, reason: string, at: View, section: string): Rule[] {
  const part: UnknownPart = { reason, location: locationOf(at) };
  return (['allow', 'deny'] as const).map((action) => ({
    name,
    enabled: true,
    action,
    vendorAction: action === 'allow' ? 'unknown rules (may allow)' : 'unknown rules (may deny)',
    sourceZones: ZoneSet.ANY,
    destinationZones: ZoneSet.ANY,
    sources: ANY_ADDRESS,
    destinations: ANY_ADDRESS,
    services: { kind: 'any' },
    conditions: [part],
    location: locationOf(at),
    section,
  }));
}
