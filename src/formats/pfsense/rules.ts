import { ipsExpr, minusExpr, notExpr, unknownExpr, listExpr, type AddressExpr } from '../../model/address.js';
import { FAMILY_RANGE } from '../../model/ip.js';
import type { SourceLocation, UnknownPart } from '../../model/location.js';
import type { Rule } from '../../model/policy.js';
import type { PortRange } from '../../model/service.js';
import { ZoneSet } from '../../model/zone-set.js';
import type { XmlDocument, XmlElement } from '../panos/xml-tree.js';
import type { FlavorRules } from './flavor.js';
import type { Networks } from './networks.js';
import { legacyEndpoint, portField, portProtocols, serviceOf, SkippedRule } from './rule-fields.js';

export type Direction = 'in' | 'out' | 'any';

/** Where a rule sits in pf's evaluation order: automatic rules, then floating, group and interface tabs. */
export const enum Category {
  System = 0,
  Floating = 1,
  Group = 2,
  Interface = 3,
}

/** A pf rule before it is placed in a stage: its interfaces and direction, and whether it is quick. */
export interface PfRule {
  rule: Omit<Rule, 'sourceZones' | 'destinationZones'>;
  /** The interfaces it is `on` (any when none). */
  interfaces: ZoneSet;
  direction: Direction;
  quick: boolean;
  category: Category;
  /** Sort key within the category (group order, MVC sequence, document order). */
  order: readonly number[];
  /** OPNsense's MVC rule (Firewall > Rules [new]) rather than a legacy `<filter><rule>`. */
  mvc?: boolean;
  /** The tab the rule is edited on (an interface or group key, or "Floating"). */
  tab: string;
}

export interface RuleContext {
  doc: XmlDocument;
  flavor: FlavorRules;
  networks: Networks;
  /** Interface keys rules may name (assigned and enabled), when the export holds `<interfaces>`. */
  interfaces?: ReadonlySet<string>;
  groups: ReadonlyMap<string, readonly string[]>;
  warnings: { message: string; location?: SourceLocation }[];
  notes: Set<string>;
}

/** pfSense/OPNsense tabs for VPN and PPP servers: interfaces that exist without an `<interfaces>` entry. */
const VPN_TABS = new Set(['openvpn', 'enc0', 'ipsec', 'l2tp', 'pppoe', 'wireguard', 'WireGuard']);

/** A rule's families: `inet` keeps IPv4 packets only, `inet6` IPv6 only (sources of the other family drop). */
function restrictFamily(sources: AddressExpr, ipprotocol: string): AddressExpr {
  if (ipprotocol === 'inet') return minusExpr(sources, ipsExpr(FAMILY_RANGE.ipv6));
  if (ipprotocol === 'inet6') return minusExpr(sources, ipsExpr(FAMILY_RANGE.ipv4));
  return sources;
}

function actionOf(
  type: string,
  ctx: RuleContext,
  at: XmlElement,
): { action: Rule['action']; vendor: string } | undefined {
  const t = type.toLowerCase();
  if (t === 'pass' || t === '') return { action: 'allow', vendor: 'pass' };
  if (t === 'block') return { action: 'deny', vendor: 'block' };
  if (t === 'reject') return { action: 'deny', vendor: 'reject' };
  if (t === 'match') return undefined;
  // pfSense's filter.inc: "default (for older rules) is pass"; OPNsense writes the word into pf.conf.
  if (ctx.flavor.flavor === 'pfsense') return { action: 'allow', vendor: type };
  throw ctx.doc.error(at, `rule type "${type}" is not pass, block, reject or match`);
}

/** Interface keys a rule's `<interface>` names, groups expanded; undefined parts make the rule skipped. */
function interfacesOf(names: readonly string[], ctx: RuleContext): { zones: ZoneSet; group?: string } {
  const out: string[] = [];
  let group: string | undefined;
  for (const n of names) {
    const members = ctx.groups.get(n);
    if (members) {
      out.push(...members);
      group = n;
    } else if (!ctx.interfaces || ctx.interfaces.has(n) || VPN_TABS.has(n)) out.push(n);
  }
  return { zones: ZoneSet.of(out), group };
}

/** Conditions the config can't decide for a packet (tags, schedules, OS fingerprints, custom TCP flags). */
function conditionsOf(doc: XmlDocument, el: XmlElement, location: SourceLocation): UnknownPart[] {
  const out: UnknownPart[] = [];
  const text = (n: string) => doc.childText(el, n) ?? '';
  if (text('tagged'))
    out.push({ reason: `matches only packets tagged "${text('tagged')}" by another rule`, location });
  if (text('sched')) out.push({ reason: `active only while schedule "${text('sched')}" is`, location });
  if (text('os')) out.push({ reason: `matches only senders fingerprinted as "${text('os')}"`, location });
  if (text('dscp')) out.push({ reason: `matches only DSCP "${text('dscp')}"`, location });
  if (text('vlanprio')) out.push({ reason: `matches only VLAN priority "${text('vlanprio')}"`, location });
  const flags = text('tcpflags1') || text('tcpflags2');
  if (flags && doc.child(el, 'tcpflags_any') === undefined)
    out.push({ reason: `matches only TCP flags ${text('tcpflags1')}/${text('tcpflags2')}`, location });
  return out;
}

/** One legacy `<filter><rule>` (both products), or undefined for a `match` rule (no pass/block decision). */
export function readLegacyRule(el: XmlElement, index: number, ctx: RuleContext): PfRule | undefined {
  const { doc, flavor, networks } = ctx;
  const location: SourceLocation = { path: doc.path, line: doc.lineOf(el) };
  const descr = doc.childText(el, 'descr') ?? '';
  const name = descr || `rule ${index + 1}`;
  const act = actionOf(doc.childText(el, 'type') ?? '', ctx, el);
  if (!act) {
    ctx.notes.add(
      '"match" rules (traffic shaping) set options only and never pass or block: they are left out',
    );
    return undefined;
  }
  const floating = doc.child(el, 'floating') !== undefined;
  const ifText = doc.childText(el, 'interface') ?? '';
  const names =
    ifText === '' || ifText === 'any'
      ? []
      : ifText
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean);
  let enabled = !flavor.flag(doc, el, 'disabled');
  const skip = (why: string) => {
    if (enabled)
      ctx.warnings.push({ message: `rule "${name}": ${why}; ${flavor.product} skips the rule`, location });
    enabled = false;
  };

  let interfaces = ZoneSet.ANY;
  let category = floating ? Category.Floating : Category.Interface;
  let tab = floating ? 'Floating' : ifText;
  let order = [index];
  if (names.length > 0 || !floating) {
    const { zones, group } = interfacesOf(names, ctx);
    interfaces = zones;
    if (zones.isEmpty()) skip(`interface "${ifText}" is not assigned and enabled`);
    if (group && !floating) {
      category = Category.Group;
      order = [[...ctx.groups.keys()].indexOf(group), index];
      tab = group;
    }
  }

  let direction: Direction;
  let quick: boolean;
  const dir = doc.childText(el, 'direction') ?? '';
  if (flavor.flavor === 'pfsense') {
    direction = floating ? (dir === 'in' || dir === 'out' ? dir : 'any') : 'in';
    quick = !floating || doc.child(el, 'quick') !== undefined;
  } else {
    direction = dir === 'any' ? 'any' : dir === 'out' ? 'out' : 'in';
    quick = doc.child(el, 'quick') !== undefined ? flavor.flag(doc, el, 'quick') : !floating;
  }

  const ipprotocol = doc.childText(el, 'ipprotocol') || flavor.defaultFamilies;
  if (!['inet', 'inet6', 'inet46'].includes(ipprotocol))
    throw doc.error(
      doc.child(el, 'ipprotocol')!,
      `<ipprotocol> "${ipprotocol}" is not inet, inet6 or inet46`,
    );
  const protocol = doc.childText(el, 'protocol') ?? '';
  let sources: AddressExpr;
  let destinations: AddressExpr;
  let services;
  try {
    const srcEl = doc.child(el, 'source');
    const dstEl = doc.child(el, 'destination');
    sources = legacyEndpoint(doc, srcEl, networks, 'source', location);
    destinations = legacyEndpoint(doc, dstEl, networks, 'destination', location);
    const carriers = portProtocols(protocol);
    const port = (e: XmlElement | undefined, what: string) =>
      carriers && e !== undefined ? portField(doc.childText(e, 'port') ?? '', networks, what) : undefined;
    services = serviceOf(protocol, port(dstEl, 'destination'), port(srcEl, 'source'), location);
  } catch (e) {
    if (!(e instanceof SkippedRule)) throw e;
    skip(e.message);
    sources = unknownExpr({ reason: e.message, location });
    destinations = sources;
    services = { kind: 'unknown' as const, part: { reason: e.message, location } };
  }
  if (doc.childText(el, 'gateway'))
    ctx.notes.add(
      'rules with a gateway (policy routing) send traffic out another interface than the routing table would; outbound floating rules are evaluated on the egress interface the check is given',
    );
  const conditions = conditionsOf(doc, el, location);
  const tracker = doc.childText(el, 'tracker') || doc.attr(el, 'uuid');
  return {
    rule: {
      name,
      ...(tracker ? { id: tracker } : {}),
      enabled,
      action: act.action,
      vendorAction: act.vendor,
      sources: restrictFamily(sources, ipprotocol),
      destinations,
      services,
      ...(conditions.length ? { conditions } : {}),
      location,
      section: floating
        ? 'floating'
        : category === Category.Group
          ? `interface group ${tab}`
          : `interface ${tab}`,
    },
    interfaces,
    direction,
    quick,
    category,
    order,
    tab,
  };
}

/** A comma-separated MVC network field: each an interface network, alias or address. */
function mvcEndpoint(text: string, negate: boolean, ctx: RuleContext, what: string): AddressExpr {
  const parts = (text || 'any')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const members = parts.map((p) => {
    const e = ctx.networks.any(p);
    if (!e) throw new SkippedRule(`${what} "${p}" names no interface, alias or address`);
    return e;
  });
  const expr = listExpr(members);
  return negate ? notExpr(expr) : expr;
}

/** One OPNsense MVC rule (`<OPNsense><Firewall><Filter><rules><rule>`, Firewall > Rules [new]). */
export function readMvcRule(el: XmlElement, index: number, ctx: RuleContext): PfRule {
  const { doc } = ctx;
  const location: SourceLocation = { path: doc.path, line: doc.lineOf(el) };
  const field = (n: string, d = '') => doc.childText(el, n) ?? d;
  const bool = (n: string, d: boolean) => (doc.child(el, n) === undefined ? d : field(n) === '1');
  const uuid = doc.attr(el, 'uuid');
  const name = field('description') || `rule ${uuid ?? index + 1}`;
  const act = actionOf(field('action', 'pass'), ctx, el)!;
  let enabled = bool('enabled', true);
  const skip = (why: string) => {
    if (enabled) ctx.warnings.push({ message: `rule "${name}": ${why}; OPNsense skips the rule`, location });
    enabled = false;
  };
  const names = field('interface')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  // FilterRuleField::getPriority: not exactly one interface is floating; a group's rules come next.
  const floating = names.length !== 1;
  const { zones, group } = interfacesOf(names, ctx);
  let interfaces = names.length === 0 ? ZoneSet.ANY : zones;
  if (bool('interfacenot', false)) interfaces = interfaces.negate();
  if (names.length > 0 && zones.isEmpty()) skip(`interface "${names.join(',')}" is not assigned and enabled`);
  const category = floating ? Category.Floating : group ? Category.Group : Category.Interface;
  const dir = field('direction', 'in');
  const ipprotocol = field('ipprotocol', 'inet');
  const protocol = field('protocol', 'any');
  let sources: AddressExpr;
  let destinations: AddressExpr;
  let services;
  try {
    sources = mvcEndpoint(field('source_net', 'any'), bool('source_not', false), ctx, 'source');
    destinations = mvcEndpoint(
      field('destination_net', 'any'),
      bool('destination_not', false),
      ctx,
      'destination',
    );
    const carriers = portProtocols(protocol);
    const port = (n: string, what: string): readonly PortRange[] | UnknownPart | undefined =>
      carriers ? portField(field(n), ctx.networks, what) : undefined;
    services = serviceOf(
      protocol,
      port('destination_port', 'destination'),
      port('source_port', 'source'),
      location,
    );
  } catch (e) {
    if (!(e instanceof SkippedRule)) throw e;
    skip(e.message);
    sources = unknownExpr({ reason: e.message, location });
    destinations = sources;
    services = { kind: 'unknown' as const, part: { reason: e.message, location } };
  }
  const conditions = conditionsOf(doc, el, location);
  const sequence = Number(field('sequence', '1')) || 1;
  return {
    rule: {
      name,
      ...(uuid ? { id: uuid } : {}),
      enabled,
      action: act.action,
      vendorAction: act.vendor,
      sources: restrictFamily(sources, ipprotocol),
      destinations,
      services,
      ...(conditions.length ? { conditions } : {}),
      location,
      section: floating
        ? 'floating (new rules)'
        : `${group ? 'interface group' : 'interface'} ${names[0]} (new rules)`,
    },
    interfaces,
    direction: dir === 'any' ? 'any' : dir === 'out' ? 'out' : 'in',
    quick: bool('quick', true),
    category,
    order: [group ? [...ctx.groups.keys()].indexOf(group) : 0, sequence, index],
    mvc: true,
    tab: floating ? 'Floating' : names[0]!,
  };
}
