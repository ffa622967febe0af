import type { IntervalSet } from '../../model/interval-set.js';
import { AddressSyntaxError, parseCidr } from '../../model/ip.js';
import type { ZoneSubnet } from '../../model/policy.js';
import { ZoneSet } from '../../model/zone-set.js';
import type { XmlDocument, XmlElement } from './xml-tree.js';

/** Interface types a zone lists its interfaces under ("Network > Zones"). */
const ZONE_NETWORK_TYPES = ['layer3', 'layer2', 'virtual-wire', 'tap', 'tunnel', 'external'];

/** Zone name by interface name, for the zones of one vsys. */
export function zonesByInterface(doc: XmlDocument, vsys: XmlElement): Map<string, string> {
  const out = new Map<string, string>();
  for (const zone of doc.entries(doc.child(vsys, 'zone'))) {
    const name = doc.attr(zone, 'name');
    const network = doc.child(zone, 'network');
    if (name === undefined || network === undefined) continue;
    for (const type of ZONE_NETWORK_TYPES) {
      for (const m of doc.members(doc.child(network, type))) out.set(doc.textOf(m), name);
    }
  }
  return out;
}

interface DefaultRoute {
  interface: string;
  how: string;
}

function isDefaultDestination(d: string | undefined): boolean {
  return d === '0.0.0.0/0' || d === '::/0' || d === '0::0/0';
}

interface InterfaceSubnet {
  name: string;
  net: IntervalSet;
  /** The address `<entry>`. */
  el: XmlElement;
}

/**
 * Every layer-3 interface's configured subnets ("Layer 3 Interface": IPv4 `<ip><entry name="a.b.c.d/n">`
 * and IPv6 `<ipv6><address><entry name="...">`), subinterfaces (`units`) included. Addresses given as an
 * address object or a template variable aren't read.
 */
function interfaceSubnets(doc: XmlDocument, network: XmlElement | undefined): InterfaceSubnet[] {
  const out: InterfaceSubnet[] = [];
  const add = (name: string, list: XmlElement | undefined) => {
    for (const ip of doc.entries(list)) {
      const cidr = doc.attr(ip, 'name');
      if (cidr === undefined) continue;
      try {
        out.push({ name, net: parseCidr(cidr), el: ip });
      } catch (e) {
        if (!(e instanceof AddressSyntaxError)) throw e;
      }
    }
  };
  const visit = (iface: XmlElement) => {
    const name = doc.attr(iface, 'name');
    if (name === undefined) return;
    for (const layer3 of [doc.child(iface, 'layer3'), iface]) {
      add(name, doc.child(layer3, 'ip'));
      add(name, doc.select(layer3, 'ipv6', 'address'));
      for (const unit of doc.entries(doc.select(layer3, 'units'))) visit(unit);
    }
  };
  const ifaces = doc.child(network, 'interface');
  for (const type of ['ethernet', 'aggregate-ethernet', 'vlan', 'loopback', 'tunnel']) {
    const t = doc.child(ifaces, type);
    for (const iface of doc.entries(t)) visit(iface);
    for (const unit of doc.entries(doc.child(t, 'units'))) visit(unit);
  }
  return out;
}

/** The connected subnets of the interfaces in the zones of `vsys`: which zone a client address arrives on. */
export function zoneSubnets(doc: XmlDocument, device: XmlElement, vsys: XmlElement): ZoneSubnet[] {
  const byInterface = zonesByInterface(doc, vsys);
  const out: ZoneSubnet[] = [];
  for (const s of interfaceSubnets(doc, doc.child(device, 'network'))) {
    const zone = byInterface.get(s.name);
    if (zone === undefined) continue;
    out.push({ zone, net: s.net, interface: s.name, location: { path: doc.path, line: doc.lineOf(s.el) } });
  }
  return out;
}

/**
 * The interfaces the firewall's default routes leave through: static routes to 0.0.0.0/0 or ::/0 in a
 * virtual router ("Network > Virtual Routers > Static Routes") or, with advanced routing, a logical
 * router's VRF; their `<interface>`, or else the interface whose subnet holds the next hop. Interfaces
 * that learn a default route by DHCP or PPPoE ("create default route", on by default) count too.
 */
export function defaultRoutes(
  doc: XmlDocument,
  device: XmlElement,
  routers: ReadonlySet<string> | undefined,
): DefaultRoute[] {
  const network = doc.child(device, 'network');
  const out: DefaultRoute[] = [];
  let subnets: InterfaceSubnet[] | undefined;
  const tables: { router: string; table: XmlElement | undefined }[] = [];
  for (const vr of doc.entries(doc.child(network, 'virtual-router'))) {
    const name = doc.attr(vr, 'name') ?? '';
    if (!routers || routers.has(name))
      tables.push({ router: `virtual router "${name}"`, table: doc.child(vr, 'routing-table') });
  }
  for (const lr of doc.entries(doc.child(network, 'logical-router'))) {
    const name = doc.attr(lr, 'name') ?? '';
    for (const vrf of doc.entries(doc.child(lr, 'vrf'))) {
      tables.push({
        router: `logical router "${name}" VRF "${doc.attr(vrf, 'name') ?? ''}"`,
        table: doc.child(vrf, 'routing-table'),
      });
    }
  }
  for (const { router, table } of tables) {
    for (const family of ['ip', 'ipv6']) {
      for (const route of doc.entries(doc.select(table, family, 'static-route'))) {
        if (!isDefaultDestination(doc.childText(route, 'destination'))) continue;
        const label = `the default route "${doc.attr(route, 'name') ?? ''}" (${doc.childText(route, 'destination')}) of ${router}, line ${doc.lineOf(route)}`;
        const iface = doc.childText(route, 'interface');
        if (iface) {
          out.push({ interface: iface, how: label });
          continue;
        }
        const hop = doc.childText(
          doc.child(route, 'nexthop') ?? route,
          family === 'ip' ? 'ip-address' : 'ipv6-address',
        );
        if (!hop) continue;
        let hopSet: IntervalSet;
        try {
          hopSet = parseCidr(hop);
        } catch (e) {
          if (e instanceof AddressSyntaxError) continue;
          throw e;
        }
        subnets ??= interfaceSubnets(doc, network);
        const on = subnets.find((s) => s.net.covers(hopSet));
        if (on) out.push({ interface: on.name, how: `${label}, whose next hop ${hop} is on it` });
      }
    }
  }
  const ifaces = doc.child(network, 'interface');
  for (const type of ['ethernet', 'aggregate-ethernet']) {
    for (const iface of doc.entries(doc.child(ifaces, type))) {
      const name = doc.attr(iface, 'name');
      const layer3 = doc.child(iface, 'layer3');
      if (name === undefined || layer3 === undefined) continue;
      const dhcp = doc.child(layer3, 'dhcp-client');
      if (
        dhcp !== undefined &&
        doc.childText(dhcp, 'enable') !== 'no' &&
        doc.childText(dhcp, 'create-default-route') !== 'no'
      ) {
        out.push({ interface: name, how: `the default route it learns by DHCP (line ${doc.lineOf(dhcp)})` });
      }
      const pppoe = doc.child(layer3, 'pppoe');
      if (pppoe !== undefined && doc.childText(pppoe, 'enable') === 'yes') {
        out.push({
          interface: name,
          how: `the default route it learns by PPPoE (line ${doc.lineOf(pppoe)})`,
        });
      }
    }
  }
  return out;
}

/**
 * The zones of `vsys` the internet is reached through: the zones of the default routes' interfaces.
 * Returns 'unknown' (with the reason) when there is no default route or its interface is in no zone of
 * this vsys.
 */
export function egressZones(
  doc: XmlDocument,
  device: XmlElement,
  vsys: XmlElement,
): { zones: ZoneSet | 'unknown'; note: string } {
  const imported = doc
    .members(doc.select(vsys, 'import', 'network', 'virtual-router'))
    .map((m) => doc.textOf(m));
  const routes = defaultRoutes(doc, device, imported.length > 0 ? new Set(imported) : undefined);
  const byInterface = zonesByInterface(doc, vsys);
  const zones = new Set<string>();
  const how: string[] = [];
  const outside: string[] = [];
  for (const r of routes) {
    const zone = byInterface.get(r.interface);
    if (zone) {
      zones.add(zone);
      how.push(`zone "${zone}", which holds ${r.interface}, the interface of ${r.how}`);
    } else outside.push(r.interface);
  }
  if (zones.size > 0) {
    return {
      zones: ZoneSet.of(zones),
      note: `the internet is reached through ${how.join('; ')}; clients are taken to be in any other zone unless --source-zone says otherwise`,
    };
  }
  const reason =
    routes.length === 0
      ? 'the config has no default route (0.0.0.0/0 or ::/0)'
      : `the default route leaves through ${outside.join(', ')}, which is in no zone of this vsys`;
  return {
    zones: 'unknown',
    note: `${reason}, so the zone that reaches the internet is unknown: each zone it could be is tried, and a verdict holds when they all agree (--destination-zone names the zone)`,
  };
}
