import { ZoneSet } from '../../model/zone-set.js';
import type { XmlDocument, XmlElement } from '../panos/xml-tree.js';
import type { Interface } from './interfaces.js';

/**
 * The interface of the IPv4 default gateway (System > Routing > Gateways): `<gateways><defaultgw4>` names
 * it (pfSense 2.4.5 on), or a `<gateway_item>` carries `<defaultgw>`. A dynamic gateway (WAN_DHCP,
 * WAN_PPPOE) has no item: its name is the interface's name in capitals and the type.
 */
export function defaultGatewayInterface(
  doc: XmlDocument,
  root: XmlElement,
  interfaces: readonly Interface[],
): { zones: ZoneSet; why: string } | undefined {
  const gws = doc.child(root, 'gateways');
  if (gws === undefined) return wanType(interfaces);
  const items = doc.childrenNamed(gws, 'gateway_item');
  const named = doc.childText(gws, 'defaultgw4');
  const item =
    named !== undefined && named !== ''
      ? items.find((i) => doc.childText(i, 'name') === named)
      : items.find((i) => {
          const d = doc.child(i, 'defaultgw');
          return d !== undefined && doc.textOf(d) !== '0';
        });
  const at = (el: XmlElement) => `${doc.path}:${doc.lineOf(el)}`;
  if (item !== undefined) {
    const iface = doc.childText(item, 'interface');
    if (iface && interfaces.some((i) => i.key === iface))
      return {
        zones: ZoneSet.of([iface]),
        why: `the default gateway "${doc.childText(item, 'name')}" is on interface ${iface} (${at(item)})`,
      };
    return undefined;
  }
  const m = named ? /^(.+)_(DHCP|PPPOE|PPTP|L2TP)$/.exec(named) : null;
  const iface = m && interfaces.find((i) => i.key.toUpperCase() === m[1] || i.descr?.toUpperCase() === m[1]);
  if (iface)
    return {
      zones: ZoneSet.of([iface.key]),
      why: `the default gateway "${named}" is interface ${iface.key}'s dynamic gateway (${at(doc.child(gws, 'defaultgw4')!)})`,
    };
  return named ? undefined : wanType(interfaces);
}

/**
 * Without a default gateway chosen, the firewall picks one of its WAN-type interfaces' gateways (those
 * with an IPv4 gateway or a dynamic IPv4 address): when exactly one interface is WAN-type, it is that one.
 */
function wanType(interfaces: readonly Interface[]): { zones: ZoneSet; why: string } | undefined {
  const wans = interfaces.filter((i) => i.enabled && (i.gateway || i.ipv4.kind === 'dynamic'));
  if (wans.length !== 1) return undefined;
  const w = wans[0]!;
  const how = w.gateway
    ? `has gateway "${w.gateway}"`
    : `gets its IPv4 address by ${w.ipv4.kind === 'dynamic' ? w.ipv4.how : ''}`;
  return {
    zones: ZoneSet.of([w.key]),
    why: `interface ${w.key} (${w.location.path}:${w.location.line}) is the only WAN-type interface (it ${how}), so the default route leaves by it`,
  };
}
