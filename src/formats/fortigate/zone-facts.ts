import { InputError } from '../../input/input-error.js';
import type { IntervalSet } from '../../model/interval-set.js';
import { AddressSyntaxError, netmaskToPrefix, parseAddress, prefixBlock, V6_BASE } from '../../model/ip.js';
import type { ZoneSubnet } from '../../model/policy.js';
import type { Entry, Setting } from './config-tree.js';
import { zoneOfInterface } from './egress.js';
import { enabled, tableOf, valueOf, whereIn, type Scope } from './scopes.js';

function q(s: string): string {
  return JSON.stringify(s);
}

/** What a scope's configuration says about the interfaces and zones its policies may name. */
export interface ScopeZones {
  /** Names policies can use: zones, SD-WAN zones, and the scope's interfaces that are in neither. */
  known: Set<string>;
  /** No `config system interface` in the export (a trimmed one): names it doesn't show may exist. */
  incomplete: boolean;
  subnets: ZoneSubnet[];
  /** Why policies can't name `name` here; undefined when they can, or when the export can't tell. */
  problem(name: string): string | undefined;
}

/**
 * SD-WAN zone of each member interface, and the zone names. Up to 6.2 the one zone is "virtual-wan-link"
 * (`config system virtual-wan-link`); from 6.4 `config system sdwan` has `config zone` entries and members
 * name theirs (default "virtual-wan-link"). Policies name the SD-WAN zone, not its members ("Specify SD-WAN
 * zones in some policies", FortiOS 7.6 New Features,
 * https://docs.fortinet.com/document/fortigate/7.6.0/new-features/602963).
 */
function sdwan(scope: Scope): { zones: string[]; memberZone: Map<string, string> } {
  const memberZone = new Map<string, string>();
  const legacy = tableOf(scope, 'system virtual-wan-link');
  const modern = tableOf(scope, 'system sdwan');
  const zones: string[] = [];
  for (const block of [legacy, modern]) {
    if (!block || !enabled(block, 'status')) continue;
    const named = block === modern ? [...(block.blocks.get('zone')?.entries.keys() ?? [])] : [];
    // A loop, not push(...named): a table as long as the input would overflow the stack.
    for (const z of named.length ? named : ['virtual-wan-link']) zones.push(z);
    for (const m of block.blocks.get('members')?.entries.values() ?? []) {
      const iface = valueOf(m, 'interface');
      if (iface) memberZone.set(iface, (block === modern && valueOf(m, 'zone')) || 'virtual-wan-link');
    }
  }
  return { zones, memberZone };
}

/** The interface's VDOM: `set vdom`, "root" when absent (the only VDOM without VDOMs enabled). */
function vdomOf(entry: Entry): string {
  return valueOf(entry, 'vdom') ?? 'root';
}

/**
 * Reads `config system interface` (in `config global` with VDOMs), `config system zone` and SD-WAN: which
 * names the scope's policies can use as srcintf/dstintf ("firewall policy": srcintf/dstintf take
 * interface, zone and SD-WAN zone names, CLI Reference,
 * https://docs.fortinet.com/document/fortigate/6.4.3/cli-reference/311620), and each interface's
 * connected subnets (`set ip A.B.C.D M.M.M.M`, secondary IPs, `config ipv6` / `set ip6-address`) under
 * the zone that contains it. Interfaces in a zone, in SD-WAN, in an aggregate or redundant interface, or
 * dedicated to management can't be named by policies themselves.
 */
export function scopeZones(scope: Scope): ScopeZones {
  const where = whereIn(scope);
  const interfaces = tableOf(scope, 'system interface');
  const zoneOf = zoneOfInterface(scope);
  const { zones: sdwanZones, memberZone } = sdwan(scope);
  const known = new Set<string>([...(tableOf(scope, 'system zone')?.entries.keys() ?? []), ...sdwanZones]);
  const reasons = new Map<string, string>();
  const subnets: ZoneSubnet[] = [];

  const entries = [...(interfaces?.entries.values() ?? [])];
  const bundled = new Map<string, string>();
  for (const e of entries) {
    const type = valueOf(e, 'type');
    if (type !== 'aggregate' && type !== 'redundant') continue;
    for (const m of e.settings.get('member')?.values ?? []) bundled.set(m, e.name);
  }
  for (const e of entries) {
    if (scope.vdom !== undefined && vdomOf(e) !== scope.vdom) {
      reasons.set(e.name, `interface ${q(e.name)} belongs to VDOM ${q(vdomOf(e))}`);
      continue;
    }
    const zone = zoneOf.get(e.name) ?? memberZone.get(e.name);
    if (zone !== undefined) {
      reasons.set(
        e.name,
        `interface ${q(e.name)} is a member of zone ${q(zone)}, which policies name instead`,
      );
    } else if (bundled.has(e.name)) {
      reasons.set(e.name, `interface ${q(e.name)} is a member of interface ${q(bundled.get(e.name)!)}`);
    } else if (valueOf(e, 'dedicated-to') === 'management') {
      reasons.set(e.name, `interface ${q(e.name)} is dedicated to management`);
    } else {
      known.add(e.name);
    }
    for (const s of ipSettings(e)) {
      const net = connectedNet(scope.path, where, e.name, s);
      if (net) {
        subnets.push({
          zone: zone ?? e.name,
          net,
          interface: e.name,
          location: { path: scope.path, line: s.line },
        });
      }
    }
  }
  const incomplete = interfaces === undefined;
  return {
    known,
    incomplete,
    subnets,
    problem(name) {
      if (incomplete || known.has(name)) return undefined;
      return reasons.get(name) ?? `interface or zone ${q(name)} is not defined in this export`;
    },
  };
}

/** The interface's address settings: `set ip`, secondary IPs, and `config ipv6` / `set ip6-address`. */
function ipSettings(e: Entry): Setting[] {
  const out: Setting[] = [];
  const ip = e.settings.get('ip');
  if (ip) out.push(ip);
  for (const sec of e.blocks.get('secondaryip')?.entries.values() ?? []) {
    const s = sec.settings.get('ip');
    if (s) out.push(s);
  }
  const ip6 = e.blocks.get('ipv6')?.settings.get('ip6-address');
  if (ip6) out.push(ip6);
  return out;
}

/** The subnet an interface address is on; undefined for an unset address (0.0.0.0, ::). */
function connectedNet(path: string, where: string, iface: string, s: Setting): IntervalSet | undefined {
  if (s.malformed) return undefined;
  const v = s.values;
  try {
    const [addr, mask] = v.length === 2 ? v : v.length === 1 && v[0]!.includes('/') ? v[0]!.split('/') : [];
    if (addr === undefined || mask === undefined) throw new AddressSyntaxError(`${v.length} values`);
    const a = parseAddress(addr);
    if (a.value === (a.family === 'ipv4' ? 0n : V6_BASE)) return undefined;
    const prefix = /^\d{1,3}$/.test(mask) ? Number(mask) : a.family === 'ipv4' ? netmaskToPrefix(mask) : NaN;
    return prefixBlock(a.family, a.value, prefix);
  } catch (e) {
    const why = e instanceof AddressSyntaxError ? e.message : String(e);
    const expected =
      s.key === 'ip6-address' ? 'an IPv6 address/prefix length' : 'an IPv4 address and netmask';
    throw new InputError(
      path,
      s.line,
      `bad ${s.key} ${q(v.join(' '))} of interface ${q(iface)}${where}: ${why}; expected ${expected}`,
    );
  }
}
