import type { AddressExpr } from '../../model/address.js';
import { IntervalSet } from '../../model/interval-set.js';
import { cidrBlocks, familyOf, formatAddress, type Family } from '../../model/ip.js';
import { isValidHostName, normalizeHost } from '../../model/names.js';
import type { ServiceExpr } from '../../model/service.js';
import type { AsaConfig } from './asa-reader.js';
import type { ConfigLine } from './config-lines.js';
import type { ObjectGroupDef } from './objects.js';

/**
 * The parts of a new ACE in the ASA's own syntax, reusing objects the configuration already has where
 * they match exactly, and the object definitions it needs otherwise. Syntax: "Cisco ASA Series Firewall
 * CLI Configuration Guide", "Objects for Access Control" (object network with host/subnet/fqdn,
 * object-group network with network-object, object-group service with service-object) and "Access
 * Control Lists" (access-list extended: `any4`, `host A`, `A MASK`, `A/len`, `object`, `object-group`).
 */
export interface AcePart {
  /** The words in the ACE: `object-group rs-web-clients`, `10.20.0.0 255.255.0.0`, `any4` ... */
  text: string;
  /** Object blocks to define first (top-level line, then members indented by one space), in order. */
  defs: string[][];
  /** What a reviewer should know (an object reused, one created). */
  notes: string[];
}

/** The ASA's limit on object and object-group names ("Objects for Access Control": up to 64 characters). */
const MAX_NAME = 64;

/** Names not yet used by any object or object-group (they share one name space). */
export class ObjectNames {
  private readonly taken: Set<string>;
  constructor(cfg: AsaConfig) {
    const t = cfg.tables;
    this.taken = new Set([...t.networkObjects.keys(), ...t.serviceObjects.keys(), ...t.groups.keys()]);
  }

  take(base: string): string {
    let name = base;
    for (let i = 2; this.taken.has(name); i++) name = `${base}-${i}`;
    this.taken.add(name);
    return name;
  }
}

/**
 * The first group of `kind` (in definition order) whose members' values, merged, are accepted: a member
 * whose value is undefined (not plain, or not wanted) rules its group out. Each group's value is kept for
 * the groups nesting it (the ASA lists inner groups first, so a chain of any depth is read once), never
 * built from the union of all a group nests; groups are walked with a stack of their own.
 */
function firstGroup<E, V>(
  cfg: AsaConfig,
  kind: ObjectGroupDef['kind'],
  membersOf: (name: string, at: ConfigLine) => readonly ({ expr: E } | { group: string })[],
  valueOf: (expr: E) => V | undefined,
  merge: (parts: V[]) => V,
  accept: (value: V) => boolean,
): ObjectGroupDef | undefined {
  const known = new Map<string, V | undefined>();
  const members = (name: string) =>
    membersOf(name, { line: cfg.tables.groups.get(name)!.line, indent: 0, words: [] });
  const read = (name: string): V | undefined => {
    const parts: V[] = [];
    const seen = new Set([name]);
    const stack = [members(name)];
    while (stack.length > 0) {
      for (const m of stack.pop()!) {
        if ('expr' in m) {
          const v = valueOf(m.expr);
          if (v === undefined) return undefined;
          parts.push(v);
        } else if (!seen.has(m.group)) {
          seen.add(m.group);
          if (!known.has(m.group)) stack.push(members(m.group));
          else {
            const v = known.get(m.group);
            if (v === undefined) return undefined;
            parts.push(v);
          }
        }
      }
    }
    return merge(parts);
  };
  for (const g of cfg.tables.groups.values()) {
    if (g.kind !== kind) continue;
    const v = read(g.name);
    known.set(g.name, v);
    if (v !== undefined && accept(v)) return g;
  }
  return undefined;
}

/** The set an address expression stands for, when it is plain addresses (no names, nothing unknown). */
function plainSet(expr: AddressExpr): IntervalSet | undefined {
  if (expr.kind === 'ips') return expr.set;
  if (expr.kind !== 'union') return undefined;
  const sets: IntervalSet[] = [];
  for (const m of expr.members) {
    const s = plainSet(m);
    if (!s) return undefined;
    sets.push(s);
  }
  return IntervalSet.unionAll(sets);
}

function v4Mask(prefix: number): string {
  const m = prefix === 0 ? 0n : ((1n << 32n) - 1n) ^ ((1n << BigInt(32 - prefix)) - 1n);
  return formatAddress(m);
}

/** One block as an ACE or network-object address: `host A`, `A MASK` (IPv4) or `A/len` (IPv6). */
function blockText([first, prefix]: [bigint, number]): string {
  const family = familyOf(first);
  if (prefix === (family === 'ipv4' ? 32 : 128)) return `host ${formatAddress(first)}`;
  return family === 'ipv4'
    ? `${formatAddress(first)} ${v4Mask(prefix)}`
    : `${formatAddress(first)}/${prefix}`;
}

const MAX_BLOCKS = 256;

/**
 * Addresses (the clients, the relays) as an ACE part: an existing object or group holding exactly them,
 * one inline block, or a new network group named `base`.
 */
export function addressPart(
  cfg: AsaConfig,
  set: IntervalSet,
  base: string,
  what: string,
  names: ObjectNames,
): AcePart | string {
  const at = (line: number) => ({ line, indent: 0, words: [] });
  for (const obj of cfg.tables.networkObjects.values()) {
    if (!obj.address) continue;
    const s = plainSet(cfg.addresses.networkObject(obj.name, at(obj.line)));
    if (s?.equals(set))
      return {
        text: `object ${obj.name}`,
        defs: [],
        notes: [`${what}: the existing network object "${obj.name}" (line ${obj.line})`],
      };
  }
  const group = firstGroup(
    cfg,
    'network',
    (name, at) => cfg.addresses.networkGroupMembers(name, at),
    (expr) => {
      const s = plainSet(expr);
      return s && set.covers(s) ? s : undefined;
    },
    (parts) => IntervalSet.unionAll(parts),
    (s) => s.equals(set),
  );
  if (group)
    return {
      text: `object-group ${group.name}`,
      defs: [],
      notes: [`${what}: the existing object-group "${group.name}" (line ${group.line})`],
    };
  const blocks = [...set.ranges()].flatMap(([lo, hi]) => cidrBlocks(lo, hi));
  if (blocks.length === 0) return `no ${what} addresses to allow`;
  if (blocks.length > MAX_BLOCKS)
    return `the ${what} are ${blocks.length} address blocks; name them in an object-group and give that`;
  if (blocks.length === 1) return { text: blockText(blocks[0]!), defs: [], notes: [] };
  const name = names.take(base);
  return {
    text: `object-group ${name}`,
    defs: [[`object-group network ${name}`, ...blocks.map((b) => ` network-object ${blockText(b)}`)]],
    notes: [`${what}: a new object-group "${name}"`],
  };
}

/** An existing `object network NAME` with exactly `fqdn v4|v6 HOST`. */
function fqdnObject(cfg: AsaConfig, host: string, family: Family): string | undefined {
  const word = family === 'ipv4' ? 'v4' : 'v6';
  for (const obj of cfg.tables.networkObjects.values()) {
    const w = obj.address?.words;
    if (
      w?.length === 3 &&
      w[0]!.toLowerCase() === 'fqdn' &&
      w[1]!.toLowerCase() === word &&
      normalizeHost(w[2]!) === host
    )
      return obj.name;
  }
  return undefined;
}

/**
 * Host names as an ACE destination: one `object network` with `fqdn v4 NAME` per name (and `fqdn v6`
 * where clients have IPv6 addresses), reusing existing ones, in a new group when there are several. The
 * ASA resolves them with its own DNS ("Objects for Access Control", "Configure a Network Object": fqdn).
 */
export function hostsPart(
  cfg: AsaConfig,
  hosts: readonly string[],
  families: readonly Family[],
  groupBase: string,
  names: ObjectNames,
): AcePart | string {
  const defs: string[][] = [];
  const notes: string[] = [];
  const members: string[] = [];
  for (const raw of hosts) {
    const host = normalizeHost(raw);
    if (!isValidHostName(host) || host.includes('*'))
      return `"${raw}" is not a host name an FQDN object can hold`;
    for (const family of families) {
      const existing = fqdnObject(cfg, host, family);
      if (existing) {
        members.push(existing);
        notes.push(`${host}: the existing FQDN object "${existing}"`);
        continue;
      }
      const suffix = family === 'ipv6' ? '-v6' : '';
      const wanted = `rs-${host}${suffix}`;
      const name = names.take(wanted.length <= MAX_NAME - 3 ? wanted : `rs-host${suffix}`);
      defs.push([`object network ${name}`, ` fqdn ${family === 'ipv4' ? 'v4' : 'v6'} ${host}`]);
      members.push(name);
      notes.push(`${host}: a new FQDN object "${name}"`);
    }
  }
  if (members.length === 1) return { text: `object ${members[0]}`, defs, notes };
  const group = names.take(groupBase);
  defs.push([`object-group network ${group}`, ...members.map((m) => ` network-object object ${m}`)]);
  notes.push(`the host names: a new object-group "${group}"`);
  return { text: `object-group ${group}`, defs, notes };
}

type Service = { protocol: 'tcp' | 'udp'; port: number };

/**
 * Adds the `protocol/port` items a service expression matches to `out`; false (and out partly filled)
 * when it is anything but plain destination ports, or matches an item not wanted.
 */
function wantedItems(expr: ServiceExpr, wanted: ReadonlySet<string>, out: Set<string>): boolean {
  if (expr.kind === 'union') return expr.members.every((m) => wantedItems(m, wanted, out));
  if (expr.kind !== 'ports' || expr.sourcePorts) return false;
  const protocol = expr.protocol.toLowerCase();
  if (protocol !== 'tcp' && protocol !== 'udp') return false;
  for (const [lo, hi] of expr.ports) {
    if (hi - lo >= wanted.size) return false;
    for (let p = lo; p <= hi; p++) {
      const item = `${protocol}/${p}`;
      if (!wanted.has(item)) return false;
      out.add(item);
    }
  }
  return true;
}

function sameItems(expr: ServiceExpr, wanted: ReadonlySet<string>): boolean {
  const items = new Set<string>();
  return wantedItems(expr, wanted, items) && items.size === wanted.size;
}

/**
 * The ACE's protocol and port words: an existing service object or group matching exactly (`object X`,
 * `object-group X` in the protocol position), one inline `tcp ... eq 443`, or a new service group.
 * Returns the protocol part and the destination port part (empty with an object or group).
 */
export function servicePart(
  cfg: AsaConfig,
  services: readonly Service[],
  base: string,
  names: ObjectNames,
): { protocol: string; port: string; defs: string[][]; notes: string[] } {
  const wanted = new Set(services.map((s) => `${s.protocol}/${s.port}`));
  const at = (line: number) => ({ line, indent: 0, words: [] });
  for (const obj of cfg.tables.serviceObjects.values()) {
    if (obj.service && sameItems(cfg.services.serviceObject(obj.name, at(obj.line)), wanted))
      return {
        protocol: `object ${obj.name}`,
        port: '',
        defs: [],
        notes: [`ports: the existing service object "${obj.name}" (line ${obj.line})`],
      };
  }
  const g = firstGroup(
    cfg,
    'service',
    (name, at) => cfg.services.serviceGroupMembers(name, at),
    (expr) => {
      const items = new Set<string>();
      return wantedItems(expr, wanted, items) ? items : undefined;
    },
    (parts) => new Set(parts.flatMap((p) => [...p])),
    (items) => items.size === wanted.size,
  );
  if (g)
    return {
      protocol: `object-group ${g.name}`,
      port: '',
      defs: [],
      notes: [`ports: the existing service group "${g.name}" (line ${g.line})`],
    };
  if (services.length === 1) {
    const s = services[0]!;
    return { protocol: s.protocol, port: ` eq ${s.port}`, defs: [], notes: [] };
  }
  const name = names.take(base);
  return {
    protocol: `object-group ${name}`,
    port: '',
    defs: [
      [
        `object-group service ${name}`,
        ...services.map((s) => ` service-object ${s.protocol} destination eq ${s.port}`),
      ],
    ],
    notes: [`ports: a new service group "${name}"`],
  };
}
