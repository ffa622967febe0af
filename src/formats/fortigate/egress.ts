import { ZoneSet } from '../../model/zone-set.js';
import type { Block } from './config-tree.js';
import { enabled, tableOf, valueOf, type Scope } from './scopes.js';

/** The interface-to-zone map of a scope (`config system zone` / `set interface ...`). */
export function zoneOfInterface(scope: Scope): Map<string, string> {
  const map = new Map<string, string>();
  for (const zone of tableOf(scope, 'system zone')?.entries.values() ?? []) {
    for (const iface of zone.settings.get('interface')?.values ?? []) map.set(iface, zone.name);
  }
  return map;
}

/** The SD-WAN zones of FortiOS 6.4+ (`config system sdwan` / `config zone`); "virtual-wan-link" by default. */
function sdwanZones(scope: Scope): string[] {
  const zones = tableOf(scope, 'system sdwan')?.blocks.get('zone');
  const names = zones ? [...zones.entries.keys()] : [];
  return names.length ? names : ['virtual-wan-link'];
}

interface DefaultRoute {
  line: number;
  via: string[];
}

function isDefaultDestination(values: readonly string[] | undefined, v6: boolean): boolean {
  if (values === undefined) return true;
  const text = values.join(' ');
  return v6 ? text === '::/0' : text === '0.0.0.0 0.0.0.0' || text === '0.0.0.0/0';
}

/**
 * The default routes of a static route table: `dst` omitted (its default is 0.0.0.0 0.0.0.0, or ::/0 for
 * `router static6`) or written as the default, not disabled, not a blackhole, not matching an address object
 * or Internet Service instead. They leave through `device`, or through SD-WAN (`virtual-wan-link enable`
 * up to 6.2; `sdwan enable` / `sdwan-zone` from 6.4). ("config router static", FortiOS 7.0 CLI Reference,
 * https://docs.fortinet.com/document/fortigate/7.0.8/cli-reference/556620: dst defaults to 0.0.0.0 0.0.0.0;
 * FortiOS 6.2 CLI Reference, https://docs.fortinet.com/document/fortigate/6.2.11/cli-reference/515620.)
 */
function defaultRoutes(table: Block | undefined, v6: boolean, scope: Scope): DefaultRoute[] {
  const out: DefaultRoute[] = [];
  for (const route of table?.entries.values() ?? []) {
    if (valueOf(route, 'status') === 'disable' || enabled(route, 'blackhole')) continue;
    if (route.settings.has('dstaddr') || enabled(route, 'internet-service')) continue;
    if (!isDefaultDestination(route.settings.get('dst')?.values, v6)) continue;
    const via: string[] = [];
    const device = valueOf(route, 'device');
    if (device) via.push(device);
    if (enabled(route, 'virtual-wan-link')) via.push('virtual-wan-link');
    const sdwanZone = route.settings.get('sdwan-zone')?.values;
    // Loops, not push(...list): a list can be as long as the input (a spread that long overflows the stack).
    if (sdwanZone?.length) for (const z of sdwanZone) via.push(z);
    else if (enabled(route, 'sdwan')) for (const z of sdwanZones(scope)) via.push(z);
    if (via.length) out.push({ line: route.line, via });
  }
  return out;
}

/**
 * Which zones or interfaces reach the internet: those of the static default routes (IPv4 and IPv6), each
 * interface replaced by the zone it belongs to (policies name the zone then). Returns `unknown` when the
 * configuration has no static default route (a DHCP, PPPoE or dynamic-routing default isn't in the file);
 * the evaluator then tries each zone the policy's `zones` lists.
 */
export function egressOf(scope: Scope): { egress: ZoneSet | 'unknown'; note: string } {
  const zoneOf = zoneOfInterface(scope);
  const routes = [
    ...defaultRoutes(tableOf(scope, 'router static'), false, scope),
    ...defaultRoutes(tableOf(scope, 'router static6'), true, scope),
  ];
  if (routes.length === 0) {
    return {
      egress: 'unknown',
      note: 'the configuration has no static default route (one learnt by DHCP, PPPoE or dynamic routing is not in the file), so the internet-facing interface is not known: verdicts consider every interface or zone it could be, and --destination-zone can name it',
    };
  }
  const names = new Set<string>();
  for (const r of routes) for (const v of r.via) names.add(zoneOf.get(v) ?? v);
  const lines = routes.map((r) => r.line).join(', ');
  return {
    egress: ZoneSet.of(names),
    note: `internet traffic is taken to leave through ${[...names].map((n) => JSON.stringify(n)).join(', ')}: the interface or zone of the static default route${routes.length > 1 ? 's' : ''} at line${routes.length > 1 ? 's' : ''} ${lines}`,
  };
}
