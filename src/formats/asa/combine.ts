import { ipsExpr, minusExpr, notExpr, type AddressExpr } from '../../model/address.js';
import type { Rule } from '../../model/policy.js';
import type { PortRange, ServiceExpr } from '../../model/service.js';
import { ZoneSet } from '../../model/zone-set.js';
import { intersectServiceExprs, IP_PROTOCOL_NUMBER } from '../../model/service.js';

/**
 * Intersections of rule parts, for combining an inbound rule with an outbound ACE into one rule that
 * matches where both do. `undefined` means the intersection is surely empty.
 */
export function intersectAddresses(a: AddressExpr, b: AddressExpr): AddressExpr | undefined {
  if (a.kind === 'any') return b;
  if (b.kind === 'any') return a;
  if (a.kind === 'ips' && b.kind === 'ips') {
    const set = a.set.intersect(b.set);
    return set.isEmpty() ? undefined : ipsExpr(set);
  }
  // a AND b = a minus (not b).
  return minusExpr(a, notExpr(b));
}

function intersectRanges(a: readonly PortRange[], b: readonly PortRange[]): PortRange[] {
  const out: PortRange[] = [];
  for (const [alo, ahi] of a) {
    for (const [blo, bhi] of b) {
      const lo = Math.max(alo, blo);
      const hi = Math.min(ahi, bhi);
      if (lo <= hi) out.push([lo, hi]);
    }
  }
  return out;
}

function protocolNumber(name: string): number | undefined {
  const lower = name.toLowerCase();
  if (lower === 'tcp' || lower === 'udp') return IP_PROTOCOL_NUMBER[lower];
  return lower === 'sctp' ? 132 : undefined;
}

export function intersectServices(a: ServiceExpr, b: ServiceExpr): ServiceExpr | undefined {
  if (a.kind === 'any') return b;
  if (b.kind === 'any') return a;
  if (a.kind === 'protocol' && b.kind === 'protocol') return a.number === b.number ? a : undefined;
  if (a.kind === 'ports' && b.kind === 'protocol')
    return protocolNumber(a.protocol) === b.number ? a : undefined;
  if (a.kind === 'protocol' && b.kind === 'ports')
    return protocolNumber(b.protocol) === a.number ? b : undefined;
  if (a.kind === 'ports' && b.kind === 'ports' && !a.sourcePorts && !b.sourcePorts) {
    if (a.protocol.toLowerCase() !== b.protocol.toLowerCase()) return undefined;
    const ports = intersectRanges(a.ports, b.ports);
    return ports.length === 0 ? undefined : { kind: 'ports', protocol: a.protocol, ports };
  }
  return intersectServiceExprs(a, b);
}

/**
 * The rule matching where `inbound` matches and `outbound` matches traffic leaving through `egress`: it
 * keeps the inbound rule's action, name and location (the inbound decision is what it reports) and says
 * in its section which outbound ACE let the traffic through.
 */
export function combineRules(inbound: Rule, outbound: Rule, egress: ZoneSet): Rule | undefined {
  const sourceZones = inbound.sourceZones.intersect(outbound.sourceZones);
  const destinationZones = inbound.destinationZones.intersect(outbound.destinationZones).intersect(egress);
  if (sourceZones.isEmpty() || destinationZones.isEmpty()) return undefined;
  const sources = intersectAddresses(inbound.sources, outbound.sources);
  const destinations = intersectAddresses(inbound.destinations, outbound.destinations);
  const services = intersectServices(inbound.services, outbound.services);
  if (!sources || !destinations || !services) return undefined;
  const conditions = [...(inbound.conditions ?? []), ...(outbound.conditions ?? [])];
  const where = `${outbound.section ?? 'outbound'}: ${outbound.name} (line ${outbound.location.line})`;
  return {
    ...inbound,
    sourceZones,
    destinationZones,
    sources,
    destinations,
    services,
    ...(conditions.length > 0 ? { conditions } : {}),
    section: inbound.section ? `${inbound.section}; leaving through ${where}` : `leaving through ${where}`,
  };
}
