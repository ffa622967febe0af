import { ipsExpr, type AddressExpr } from '../../model/address.js';
import type { IntervalSet } from '../../model/interval-set.js';
import type { Rule } from '../../model/policy.js';
import { ANY_SERVICE, type PortRange, type ServiceExpr } from '../../model/service.js';
import { ZoneSet } from '../../model/zone-set.js';
import { ALL_PORTS, ALL_PROTOS, ANY_IF, familyRange, type Cond, type IfSet } from './condition.js';
import type { Emitted } from './inline.js';

/** An interface condition as a zone set (empty: the condition matches no interface). */
function zonesOf(s: IfSet, known: readonly string[]): ZoneSet[] {
  if (s === ANY_IF) return [ZoneSet.ANY];
  if (s.others === 'none') return s.known.size ? [ZoneSet.of(s.known)] : [];
  return [ZoneSet.allBut(known.filter((n) => !s.known.has(n)))];
}

function ranges(set: IntervalSet): PortRange[] {
  return [...set.ranges()].map(([lo, hi]) => [Number(lo), Number(hi)] as const);
}

/** TCP and UDP are the only protocols flows use: the service is exact for them. */
function servicesOf(c: Cond): ServiceExpr {
  if (c.proto === ALL_PROTOS && c.dport === ALL_PORTS && c.sport === ALL_PORTS) return ANY_SERVICE;
  const members: ServiceExpr[] = [];
  for (const [name, n] of [
    ['tcp', 6n],
    ['udp', 17n],
  ] as const) {
    if (!c.proto.has(n)) continue;
    if (c.dport === ALL_PORTS && c.sport === ALL_PORTS) members.push({ kind: 'protocol', number: Number(n) });
    else {
      members.push({
        kind: 'ports',
        protocol: name,
        ports: ranges(c.dport),
        ...(c.sport !== ALL_PORTS ? { sourcePorts: ranges(c.sport) } : {}),
      });
    }
  }
  return members.length === 1 ? members[0]! : { kind: 'union', members };
}

/** Names and sections of the policy's rules, by where they come from. */
export function ruleName(e: Emitted): { name: string; section: string; id?: string } {
  const { table, chain } = e.origin;
  const section = `${table.family} ${table.name} ${chain.name}`;
  if (e.origin.kind === 'policy') return { name: `${section} policy ${chain.base!.policy}`, section };
  const rule = chain.rules[e.origin.index]!;
  return {
    name: `${section} #${e.origin.index + 1}`,
    section,
    ...(rule.handle !== undefined ? { id: `handle ${rule.handle}` } : {}),
  };
}

/**
 * The policy rules for one emitted first-match rule: one per combination of interface zone sets (a
 * wildcard's unnamed interfaces carry an unknown condition), each with the family's addresses only, so an
 * IPv4 rule never matches IPv6 traffic.
 */
export function toRules(e: Emitted, known: readonly string[], host: boolean): Rule[] {
  const fam = familyRange(e.cond);
  const sources: AddressExpr = ipsExpr(e.cond.src.intersect(fam));
  const destinations: AddressExpr = ipsExpr(e.cond.dst.intersect(fam));
  const services = servicesOf(e.cond);
  const { name, section, id } = ruleName(e);
  const out: Rule[] = [];
  const iifs = host ? [ZoneSet.ANY] : zonesOf(e.cond.iif, known);
  for (const i of iifs) {
    for (const o of zonesOf(e.cond.oif, known)) {
      const conditions = e.cond.unknown;
      out.push({
        name,
        ...(id !== undefined ? { id } : {}),
        enabled: true,
        action: e.action,
        vendorAction: e.vendorAction,
        sourceZones: i,
        destinationZones: o,
        sources,
        destinations,
        services,
        ...(conditions.length ? { conditions } : {}),
        location: e.location,
        section,
      });
    }
  }
  return out;
}
