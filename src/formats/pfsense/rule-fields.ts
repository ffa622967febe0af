import { ANY_ADDRESS, notExpr, type AddressExpr } from '../../model/address.js';
import type { SourceLocation, UnknownPart } from '../../model/location.js';
import { ANY_SERVICE, unionServiceExprs, type PortRange, type ServiceExpr } from '../../model/service.js';
import type { XmlDocument, XmlElement } from '../panos/xml-tree.js';
import type { Networks } from './networks.js';
import { parsePortSpec } from './ports.js';

/** A rule part that makes the firewall skip the whole rule (pfSense: "Rule skipped: Unresolvable ..."). */
export class SkippedRule extends Error {}

/** IP protocol numbers of names the GUI offers; a name not listed is unknown (never guessed). */
const PROTOCOLS: Record<string, number> = {
  icmp: 1,
  igmp: 2,
  gre: 47,
  esp: 50,
  ah: 51,
  'ipv6-icmp': 58,
  icmp6: 58,
  ospf: 89,
  pim: 103,
  carp: 112,
  sctp: 132,
  pfsync: 240,
};

/** The port-carrying protocols a rule's `<protocol>` may name; ports are ignored for any other. */
export function portProtocols(protocol: string): ('tcp' | 'udp')[] | undefined {
  const p = protocol.toLowerCase();
  if (p === 'tcp' || p === 'udp') return [p];
  if (p === 'tcp/udp') return ['tcp', 'udp'];
  return undefined;
}

/** A port field: a number, a range or a port alias; throws SkippedRule where the firewall skips the rule. */
export function portField(
  text: string,
  networks: Networks,
  what: string,
): readonly PortRange[] | UnknownPart | undefined {
  if (text === '' || text === 'any') return undefined;
  const range = parsePortSpec(text);
  if (range) return [range];
  const alias = networks.aliases.portRanges(text);
  if (alias !== undefined) {
    if (Array.isArray(alias) && alias.length === 0)
      throw new SkippedRule(`${what} port alias "${text}" is empty`);
    return alias;
  }
  throw new SkippedRule(`${what} port "${text}" is neither a port, a range nor a port alias`);
}

/** The service a rule matches: its protocol and, for TCP and UDP, its ports. */
export function serviceOf(
  protocol: string,
  dst: readonly PortRange[] | UnknownPart | undefined,
  src: readonly PortRange[] | UnknownPart | undefined,
  location: SourceLocation,
): ServiceExpr {
  const p = protocol.toLowerCase();
  if (p === '' || p === 'any') return ANY_SERVICE;
  const carriers = portProtocols(p);
  if (carriers) {
    if ((dst && !Array.isArray(dst)) || (src && !Array.isArray(src))) {
      const part = (dst && !Array.isArray(dst) ? dst : src) as UnknownPart;
      return { kind: 'unknown', part };
    }
    return unionServiceExprs(
      carriers.map((c) => ({
        kind: 'ports' as const,
        protocol: c,
        ports: (dst as PortRange[] | undefined) ?? [[0, 65535]],
        ...(src ? { sourcePorts: src as PortRange[] } : {}),
      })),
    );
  }
  const n = /^\d{1,3}$/.test(p) ? Number(p) : PROTOCOLS[p];
  if (n === undefined || n > 255)
    return {
      kind: 'unknown',
      part: { reason: `protocol "${protocol}" is not one the check knows`, location },
    };
  return { kind: 'protocol', number: n };
}

/**
 * A legacy `<source>` or `<destination>`: `<any/>`, `<network>` (an interface's subnet, `lanip`,
 * `(self)`) or `<address>` (address, network, range, alias), with `<not/>`. An address that names
 * nothing makes the firewall skip the rule.
 */
export function legacyEndpoint(
  doc: XmlDocument,
  el: XmlElement | undefined,
  networks: Networks,
  what: string,
  location: SourceLocation,
): AddressExpr {
  if (el === undefined) return ANY_ADDRESS;
  let expr: AddressExpr;
  const network = doc.childText(el, 'network');
  const address = doc.childText(el, 'address');
  if (doc.child(el, 'any') !== undefined) expr = ANY_ADDRESS;
  else if (network) {
    const n = networks.network(network);
    if (!n) throw new SkippedRule(`${what} network "${network}" names no interface`);
    expr = n;
  } else if (address) {
    const a = networks.address(address);
    if (!a) throw new SkippedRule(`${what} "${address}" is neither an address nor an alias`);
    expr = a;
  } else expr = networks.unknownName(`(empty ${what})`, location);
  return doc.child(el, 'not') !== undefined ? notExpr(expr) : expr;
}
