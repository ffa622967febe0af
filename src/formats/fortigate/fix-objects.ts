import type { FixGroup } from '../../remediate/types.js';
import { IntervalSet } from '../../model/interval-set.js';
import {
  AddressSyntaxError,
  formatAddress,
  parseAddress,
  ipv4SubnetFirst,
  parseCidr,
  scanDottedQuad,
  V6_BASE,
  type Family,
} from '../../model/ip.js';
import { normalizeHost } from '../../model/names.js';
import { ipv4SubnetBlock } from './address-objects.js';
import { CannotWrite, q } from './cli-quote.js';
import type { Entry } from './config-tree.js';
import { factoryDefaults } from './predefined.js';
import { ADDRESS_SLOTS, mayCollide, type Names, type ScopeFacts } from './fix-facts.js';
import { unpack, VALUE_SEP } from './settings.js';

/** An object the fix creates: its table, its name and its `set` lines (values already quoted). */
export interface NewObject {
  table: string;
  name: string;
  sets: string[];
  /** Created by an earlier fix of the same policy: referenced, not written again. */
  shared?: boolean;
}

/** Addresses, groups and virtual IPs share one name space (FortiOS CLI Reference, firewall address). */
export const ADDRESS_NAMESPACE = [
  'firewall address',
  'firewall address6',
  'firewall addrgrp',
  'firewall addrgrp6',
  'firewall vip',
  'firewall vip6',
  'firewall vipgrp',
  'firewall vipgrp6',
];
export const SERVICE_NAMESPACE = ['firewall service custom', 'firewall service group'];

/** FortiOS 6.0 caps address and service names at 63 characters (79 from 6.2); stay within the smaller. */
const MAX_NAME = 63;

const addressTable = (family: Family) => (family === 'ipv4' ? 'firewall address' : 'firewall address6');

/**
 * The exact address set of a stored `ipmask`/`ipprefix`/`iprange` object (fix-facts.ts, from slot `at`)
 * with explicit values; else undefined.
 */
export function addressSet(list: readonly (Names | string)[], at: number): IntervalSet | undefined {
  const kind = list[at + 2];
  try {
    if (kind === 'm' || kind === 'p') {
      const stored = list[at + 3];
      const v = stored === undefined ? undefined : unpack(stored);
      if (kind === 'm' && v?.length === 2) return ipv4SubnetBlock(v[0]!, v[1]!);
      if (v?.length === 1) return parseCidr(v[0]!);
    }
    if (kind === 'r') {
      const lo = list[at + 3] as string | undefined;
      const hi = list[at + 4] as string | undefined;
      if (lo && hi) return IntervalSet.range(parseAddress(lo).value, parseAddress(hi).value);
    }
  } catch (e) {
    if (!(e instanceof AddressSyntaxError)) throw e;
  }
  return undefined;
}

/**
 * Whether a stored IPv4 object (fix-facts.ts, slot `at`) is plainly some other range than [lo, hi]:
 * a subnet of two dotted quads with a contiguous mask, or a range of two dotted quads, read in numbers as
 * address-objects.ts reads them (ip.ts plainIpv4Subnet, ipv4SubnetFirst). False where it can't say without the
 * general reading. sameSet asks this of every object at each look-up: a large export has hundreds of
 * thousands, and reading each into a set left ~250 MB of garbage behind the 400 MiB export's fixes.
 */
export function plainlyOtherIpv4(
  list: readonly (Names | string)[],
  at: number,
  lo: number,
  hi: number,
): boolean {
  const kind = list[at + 2];
  if (kind === 'm') {
    const stored = list[at + 3];
    if (typeof stored !== 'string') return false;
    const sep = stored.indexOf(VALUE_SEP);
    if (sep < 0 || stored.indexOf(VALUE_SEP, sep + 1) >= 0) return false;
    const value = scanDottedQuad(stored, 0, sep);
    const mask = value < 0 ? -1 : scanDottedQuad(stored, sep + 1);
    const first = mask < 0 ? -1 : ipv4SubnetFirst(value, mask);
    return first >= 0 && (first !== lo || first + (~mask >>> 0) !== hi);
  }
  if (kind === 'r') {
    const start = list[at + 3];
    const end = list[at + 4];
    if (typeof start !== 'string' || typeof end !== 'string') return false;
    const a = scanDottedQuad(start);
    const b = a < 0 ? -1 : scanDottedQuad(end);
    return a >= 0 && b >= a && (a !== lo || b !== hi);
  }
  return false;
}

/** Settings of a custom service that don't narrow what it matches beyond its port ranges. */
const PLAIN_KEYS = new Set([
  'tcp-portrange',
  'udp-portrange',
  'sctp-portrange',
  'protocol',
  'category',
  'comment',
  'uuid',
  'color',
  'visibility',
]);

/** Values that leave a setting at its default (fqdn "", iprange 0.0.0.0, proxy disable ...). */
const DEFAULT_VALUES = new Set(['', '0.0.0.0', '0.0.0.0-0.0.0.0', 'disable']);

/** Slots of a plain custom service in ScopeFacts.services: name, tcp, udp and sctp port ranges. */
export const SERVICE_SLOTS = 4;

/**
 * The stored tcp, udp and sctp port ranges of a plain TCP/UDP/SCTP custom service (nothing else narrows
 * it); undefined when it has anything more. The ports themselves are read by the fix that asks (portsOf).
 */
export function plainServicePorts(entry: Entry): Names[] | undefined {
  // Read as stored (no Setting made for each): a Setting is stored only for a malformed value.
  for (const key of entry.keys()) {
    const raw = entry.raw(key)!;
    if (typeof raw !== 'string' && !Array.isArray(raw)) return undefined;
    if (!PLAIN_KEYS.has(key) && !DEFAULT_VALUES.has(unpack(raw).join(' '))) return undefined;
  }
  if ((entry.first('protocol') ?? 'TCP/UDP/SCTP').toUpperCase() !== 'TCP/UDP/SCTP') return undefined;
  const ranges = (key: string) => entry.raw(key) as Names;
  return [ranges('tcp-portrange'), ranges('udp-portrange'), ranges('sctp-portrange')];
}

/** The `proto/port` pairs of a plain service's stored port ranges; undefined when one can't be read. */
function portsOf(list: readonly (Names | string)[], at: number): Set<string> | undefined {
  const out = new Set<string>();
  for (const [k, proto] of [
    [1, 'tcp'],
    [2, 'udp'],
    [3, 'sctp'],
  ] as const) {
    const stored = list[at + k];
    for (const text of stored === undefined ? [] : unpack(stored)) {
      const m = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(text);
      if (!m) return undefined;
      const lo = Number(m[1]);
      const hi = Number(m[2] ?? m[1]);
      if (hi < lo || hi - lo > 16) return undefined;
      for (let p = lo; p <= hi; p++) out.add(`${proto}/${p}`);
    }
  }
  return out.size ? out : undefined;
}

function portsKey(ports: Iterable<string>): string {
  return [...ports].sort().join(',');
}

/** Whether an object with this associated interface may be used by a rule on these interfaces. */
function fits(assoc: string | undefined, intf: readonly string[]): boolean {
  return assoc === undefined || assoc === '' || (intf.length === 1 && intf[0] === assoc);
}

/** `a.b.c.d/len`-like text for a name: the set as one CIDR where it is one, else first-last. */
function setLabel(set: IntervalSet): string {
  const [[lo, hi]] = [...set.ranges()] as [[bigint, bigint]];
  const size = hi - lo + 1n;
  const bits = lo < V6_BASE ? 32 : 128;
  const prefix = bits - (size.toString(2).length - 1);
  const aligned = (size & (size - 1n)) === 0n && ((lo - (lo < V6_BASE ? 0n : V6_BASE)) & (size - 1n)) === 0n;
  return aligned ? `${formatAddress(lo)}/${prefix}` : `${formatAddress(lo)}-${formatAddress(hi)}`;
}

/**
 * The objects one fix uses in one scope: existing ones reused where they mean exactly what is needed,
 * new ones named for what they are for where none does.
 */
export class ObjectPlanner {
  readonly created: NewObject[] = [];
  private readonly added = { address: new Set<string>(), service: new Set<string>() };

  constructor(private readonly facts: ScopeFacts) {}

  private taken(kind: 'address' | 'service', name: string): boolean {
    if (this.added[kind].has(name) || this.facts.taken[kind].has(name)) return true;
    for (const t of kind === 'address' ? ADDRESS_NAMESPACE : SERVICE_NAMESPACE) {
      if (factoryDefaults().get(t)?.entries.has(name)) return true;
    }
    return false;
  }

  private fresh(kind: 'address' | 'service', base: string): string {
    // Only such names were noted as taken (fix-facts.ts).
    if (!mayCollide(base)) throw new CannotWrite(`the object name ${base} is not one this tool writes`);
    let name = base;
    for (let i = 2; this.taken(kind, name); i++) name = `${base}-${i}`;
    if (name.length > MAX_NAME)
      throw new CannotWrite(
        `the object name ${name} would be longer than the ${MAX_NAME} characters FortiOS allows`,
      );
    this.added[kind].add(name);
    return name;
  }

  /**
   * The first address object of a family, in table order, for exactly `set` and associated only with
   * `intf` if at all. A scan per fix: an index of every object by its set held ~20 MB of a 100 MiB export's
   * fix writing beside the check's model (docs/performance.md), for the few look-ups a run makes.
   */
  private sameSet(set: IntervalSet, family: Family, intf: readonly string[]): string | undefined {
    const list = this.facts.addresses[family];
    // One IPv4 range (a fix's sets are): objects plainly of another are passed over in numbers.
    const [first, more] = set.ranges();
    const plain = family === 'ipv4' && first !== undefined && more === undefined && first[1] < V6_BASE;
    const lo = plain ? Number(first[0]) : -1;
    const hi = plain ? Number(first[1]) : -1;
    for (let at = 0; at < list.length; at += ADDRESS_SLOTS) {
      if (!fits(list[at + 1] as string | undefined, intf)) continue;
      if (plain && plainlyOtherIpv4(list, at, lo, hi)) continue;
      if (addressSet(list, at)?.equals(set)) return list[at] as string;
    }
    return undefined;
  }

  /** The first plain custom service per exact port set. Made at the first fix that asks. */
  private byPorts(): Map<string, string> {
    if (this.facts.serviceIndex) return this.facts.serviceIndex;
    const list = this.facts.services;
    const index = new Map<string, string>();
    for (let at = 0; at < list.length; at += SERVICE_SLOTS) {
      const ports = portsOf(list, at);
      const key = ports && portsKey(ports);
      if (key !== undefined && !index.has(key)) index.set(key, list[at] as string);
    }
    return (this.facts.serviceIndex = index);
  }

  /** An address object for exactly `set` (one range of one family); associated only with `intf` if at all. */
  address(
    set: IntervalSet,
    family: Family,
    purpose: string,
    intf: readonly string[],
    shared = false,
  ): string {
    const found = this.sameSet(set, family, intf);
    if (found !== undefined) return found;
    const label = setLabel(set);
    const name = this.fresh('address', `remotespark-${purpose}-${label.replace('/', '_')}`);
    const [[lo, hi]] = [...set.ranges()] as [[bigint, bigint]];
    const sets = label.includes('/')
      ? family === 'ipv4'
        ? [`set subnet ${label.split('/')[0]} ${formatAddress(prefixMask(Number(label.split('/')[1])))}`]
        : [`set ip6 ${label}`]
      : ['set type iprange', `set start-ip ${formatAddress(lo)}`, `set end-ip ${formatAddress(hi)}`];
    sets.push(`set comment ${q(`RemoteSpark ${purpose} (remotespark-firewall-check)`)}`);
    this.created.push({ table: addressTable(family), name, sets, ...(shared ? { shared } : {}) });
    return name;
  }

  /** An FQDN address for the host, reusing one whose fqdn is exactly it. */
  fqdn(host: string, family: Family, intf: readonly string[]): string {
    const want = normalizeHost(host);
    const list = this.facts.addresses[family];
    for (let at = 0; at < list.length; at += ADDRESS_SLOTS) {
      if (list[at + 2] !== 'f') continue;
      const fqdn = list[at + 3] as string | undefined;
      if (
        fits(list[at + 1] as string | undefined, intf) &&
        fqdn !== undefined &&
        !fqdn.includes('*') &&
        normalizeHost(fqdn) === want
      )
        return list[at] as string;
    }
    const name = this.fresh('address', family === 'ipv4' ? want : `${want}-v6`);
    this.created.push({
      table: addressTable(family),
      name,
      sets: [
        'set type fqdn',
        `set fqdn ${q(want)}`,
        `set comment ${q('RemoteSpark (remotespark-firewall-check)')}`,
      ],
    });
    return name;
  }

  /** A custom service allowing exactly the group's ports, reusing one that does. */
  service(kind: FixGroup['kind'], services: FixGroup['services']): string {
    const found = this.byPorts().get(portsKey(new Set(services.map((s) => `${s.protocol}/${s.port}`))));
    if (found !== undefined) return found;
    const name = this.fresh('service', `remotespark-${kind}`);
    const ports = (proto: string) => services.filter((s) => s.protocol === proto).map((s) => String(s.port));
    const sets = (['tcp', 'udp'] as const)
      .filter((p) => ports(p).length)
      .map((p) => `set ${p}-portrange ${ports(p).join(' ')}`);
    sets.push(`set comment ${q(`RemoteSpark ${kind} (remotespark-firewall-check)`)}`);
    this.created.push({ table: 'firewall service custom', name, sets });
    return name;
  }
}

function prefixMask(prefix: number): bigint {
  return prefix === 0 ? 0n : ((1n << 32n) - 1n) ^ ((1n << BigInt(32 - prefix)) - 1n);
}
