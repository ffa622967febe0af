import type { IntervalSet } from '../../model/interval-set.js';
import { AddressSyntaxError, netmaskToPrefix, parseAddress, parseCidr, prefixBlock } from '../../model/ip.js';
import { lineError, type ConfigCommand, type ConfigLine } from './config-lines.js';

/**
 * A data interface: one with a `nameif` ("Cisco ASA Series General Operations CLI Configuration Guide",
 * "Routed and Transparent Mode Interfaces": an interface passes traffic only once it has a name). Zones in
 * the policy are these names.
 */
export interface AsaInterface {
  /** The `nameif`. */
  name: string;
  /** The hardware name (GigabitEthernet0/1, Vlan100 ...). */
  hardware: string;
  line: number;
  nameifLine: number;
  /** 0-100; unset when the config has no `security-level` line. */
  securityLevel?: number;
  securityLevelLine?: number;
  /** Static IPv4 and IPv6 addresses of the interface itself. */
  addresses: string[];
  /** The connected subnets those addresses are in (`ip address A MASK`, `ipv6 address A/LEN`). */
  subnets: { net: IntervalSet; line: number }[];
  /** `ip address dhcp` / `pppoe`: assigned at run time. */
  dynamicAddress?: 'dhcp' | 'pppoe';
  /** `ip address dhcp setroute` / `pppoe setroute`: a default route is learned on this interface. */
  setrouteLine?: number;
  managementOnly: boolean;
}

/** `access-group ACL in|out interface NAME` or `access-group ACL global`. */
export interface AccessGroup {
  acl: string;
  direction: 'in' | 'out' | 'global';
  interface?: string;
  line: number;
}

export interface DefaultRoute {
  interface: string;
  line: number;
  family: 'ipv4' | 'ipv6';
}

/** Device-level settings the policy depends on. */
export interface DeviceSettings {
  hostname?: string;
  /** `ASA Version 9.8(2)`: major and minor. */
  version?: { major: number; minor: number; line: number };
  interfaces: Map<string, AsaInterface>;
  /** Whether the file has any `interface` section (an ACL-only fragment has none). */
  anyInterface: boolean;
  accessGroups: AccessGroup[];
  defaultRoutes: DefaultRoute[];
  /** `same-security-traffic permit inter-interface` / `intra-interface`, with their lines. */
  sameSecurityInter?: number;
  sameSecurityIntra?: number;
  /** `dns domain-lookup IF` lines and DNS server lines (`name-server` in `dns server-group`). */
  dnsLookup: boolean;
  dnsServer: boolean;
  transparent?: number;
}

export function emptySettings(): DeviceSettings {
  return {
    interfaces: new Map(),
    anyInterface: false,
    accessGroups: [],
    defaultRoutes: [],
    dnsLookup: false,
    dnsServer: false,
  };
}

/**
 * Reads an `interface HW` block. Sub-commands other than those below (speed, duplex, mtu, vlan, ...)
 * don't affect access control and are skipped.
 */
export function readInterface(path: string, cmd: ConfigCommand, settings: DeviceSettings): void {
  const hardware = cmd.words[1];
  if (hardware === undefined)
    throw lineError(path, cmd, 'incomplete "interface" line; expected "interface NAME"');
  let name: string | undefined;
  let nameifLine = 0;
  let securityLevel: number | undefined;
  let securityLevelLine: number | undefined;
  const addresses: string[] = [];
  const subnets: AsaInterface['subnets'] = [];
  let dynamicAddress: AsaInterface['dynamicAddress'];
  let setrouteLine: number | undefined;
  let managementOnly = false;
  for (const child of cmd.children) {
    const w = child.words.map((x) => x.toLowerCase());
    if (w[0] === 'nameif') {
      if (child.words[1] === undefined) throw lineError(path, child, 'expected "nameif NAME"');
      name = child.words[1];
      nameifLine = child.line;
    } else if (w[0] === 'security-level') {
      securityLevel = parseLevel(path, child);
      securityLevelLine = child.line;
    } else if (w[0] === 'ip' && w[1] === 'address') {
      if (w[2] === 'dhcp' || w[2] === 'pppoe') {
        dynamicAddress = w[2];
        if (w.includes('setroute')) setrouteLine = child.line;
      } else if (child.words[2] !== undefined) {
        addresses.push(child.words[2]);
        subnets.push({ net: connectedSubnet(path, child), line: child.line });
      }
    } else if (w[0] === 'ipv6' && w[1] === 'address' && child.words[2]?.includes('/')) {
      addresses.push(child.words[2].split('/')[0]!);
      subnets.push({ net: connectedSubnet(path, child), line: child.line });
    } else if (w[0] === 'management-only') {
      managementOnly = true;
    }
  }
  if (name === undefined) return;
  const existing = settings.interfaces.get(name);
  if (existing) {
    throw lineError(
      path,
      { line: nameifLine },
      `interface name "${name}" is already used by ${existing.hardware} (line ${existing.nameifLine}); each nameif must be unique`,
    );
  }
  settings.interfaces.set(name, {
    name,
    hardware,
    line: cmd.line,
    nameifLine,
    addresses,
    subnets,
    managementOnly,
    ...(securityLevel !== undefined ? { securityLevel, securityLevelLine } : {}),
    ...(dynamicAddress ? { dynamicAddress } : {}),
    ...(setrouteLine !== undefined ? { setrouteLine } : {}),
  });
}

/** `ip address A MASK [standby S]` or `ipv6 address A/LEN [standby S]`: the subnet the interface is on. */
function connectedSubnet(path: string, at: ConfigLine): IntervalSet {
  const [, , address, mask] = at.words;
  try {
    if (at.words[0]!.toLowerCase() === 'ipv6') return parseCidr(address!);
    if (mask === undefined) throw new AddressSyntaxError('the netmask is missing');
    const a = parseAddress(address!);
    if (a.family !== 'ipv4') throw new AddressSyntaxError(`"${address}" is not an IPv4 address`);
    return prefixBlock('ipv4', a.value, netmaskToPrefix(mask));
  } catch (e) {
    if (!(e instanceof AddressSyntaxError)) throw e;
    const expected =
      at.words[0]!.toLowerCase() === 'ipv6' ? 'ipv6 address ADDRESS/LENGTH' : 'ip address ADDRESS MASK';
    throw lineError(path, at, `bad interface address: ${e.message}; expected "${expected}"`);
  }
}

function parseLevel(path: string, at: ConfigLine): number {
  const text = at.words[1];
  if (text === undefined || !/^\d{1,3}$/.test(text) || Number(text) > 100) {
    throw lineError(path, at, `bad security level "${text ?? ''}"; expected a number 0-100`);
  }
  return Number(text);
}

/**
 * The security level an interface has: the configured one, else 100 for an interface named `inside` and
 * 0 for any other ("Cisco ASA Series General Operations CLI Configuration Guide", "Routed and Transparent
 * Mode Interfaces": "If you name an interface 'inside' and you do not set the security level explicitly,
 * then the ASA sets the security level to 100").
 */
export function securityLevelOf(intf: AsaInterface): number {
  if (intf.securityLevel !== undefined) return intf.securityLevel;
  return intf.name.toLowerCase() === 'inside' ? 100 : 0;
}

/** `access-group ACL {in | out} interface NAME [per-user-override | control-plane]` or `access-group ACL global`. */
export function readAccessGroup(path: string, cmd: ConfigCommand, settings: DeviceSettings): void {
  const [, acl, dir, kw, intf, ...rest] = cmd.words;
  if (acl === undefined || dir === undefined) {
    throw lineError(
      path,
      cmd,
      'incomplete "access-group" line; expected "access-group ACL in|out interface NAME" or "access-group ACL global"',
    );
  }
  const direction = dir.toLowerCase();
  if (direction === 'global') {
    if (kw !== undefined) throw lineError(path, cmd, `unexpected "${kw}" after "access-group ${acl} global"`);
    settings.accessGroups.push({ acl, direction: 'global', line: cmd.line });
    return;
  }
  if (
    (direction !== 'in' && direction !== 'out') ||
    kw?.toLowerCase() !== 'interface' ||
    intf === undefined
  ) {
    throw lineError(
      path,
      cmd,
      'expected "access-group ACL in|out interface NAME" or "access-group ACL global"',
    );
  }
  const options = rest.map((r) => r.toLowerCase());
  // Control-plane ACLs filter traffic to the ASA itself, not traffic through it.
  if (options.includes('control-plane')) return;
  const unknown = options.find((o) => o !== 'per-user-override');
  if (unknown !== undefined)
    throw lineError(
      path,
      cmd,
      `unexpected "${unknown}" in access-group; expected per-user-override or control-plane`,
    );
  settings.accessGroups.push({ acl, direction, interface: intf, line: cmd.line });
}

/** `route IF 0.0.0.0 0.0.0.0 GATEWAY ...` and `ipv6 route IF ::/0 GATEWAY`: default routes. */
export function readRoute(cmd: ConfigCommand, settings: DeviceSettings): void {
  const w = cmd.words;
  const lower = w.map((x) => x.toLowerCase());
  // A "tunneled" default route only carries VPN traffic.
  if (lower.includes('tunneled')) return;
  if (lower[0] === 'route' && w[1] !== undefined) {
    const net = w[2];
    const mask = w[3];
    if ((net === '0.0.0.0' || net === '0') && (mask === '0.0.0.0' || mask === '0')) {
      settings.defaultRoutes.push({ interface: w[1], line: cmd.line, family: 'ipv4' });
    }
  } else if (lower[0] === 'ipv6' && lower[1] === 'route' && w[2] !== undefined && w[3] === '::/0') {
    settings.defaultRoutes.push({ interface: w[2], line: cmd.line, family: 'ipv6' });
  }
}
