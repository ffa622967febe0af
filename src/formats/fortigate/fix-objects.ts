import type { FixGroup } from '../../remediate/types.js';
import { IntervalSet } from '../../model/interval-set.js';
import {
  AddressSyntaxError,
  formatAddress,
  netmaskToPrefix,
  parseAddress,
  parseCidr,
  prefixBlock,
  V6_BASE,
  type Family,
} from '../../model/ip.js';
import { normalizeHost } from '../../model/names.js';
import { CannotWrite, q } from './cli-quote.js';
import type { Entry } from './config-tree.js';
import { factoryDefaults } from './predefined.js';
import { valueOf, type Scope } from './scopes.js';

/** An object the fix creates: its table, its name and its `set` lines (values already quoted). */
export interface NewObject {
  table: string;
  name: string;
  sets: string[];
  /** Created by an earlier fix of the same policy: referenced, not written again. */
  shared?: boolean;
}

/** Addresses, groups and virtual IPs share one name space (FortiOS CLI Reference, firewall address). */
const ADDRESS_NAMESPACE = [
  'firewall address',
  'firewall address6',
  'firewall addrgrp',
  'firewall addrgrp6',
  'firewall vip',
  'firewall vip6',
  'firewall vipgrp',
  'firewall vipgrp6',
];
const SERVICE_NAMESPACE = ['firewall service custom', 'firewall service group'];

/** FortiOS 6.0 caps address and service names at 63 characters (79 from 6.2); stay within the smaller. */
const MAX_NAME = 63;

const addressTable = (family: Family) => (family === 'ipv4' ? 'firewall address' : 'firewall address6');

/** The exact address set of an `ipmask`/`ipprefix`/`iprange` object with explicit values; else undefined. */
function addressSet(entry: Entry, family: Family): IntervalSet | undefined {
  if (entry.settings.malformed().length > 0) return undefined;
  const type = valueOf(entry, 'type') ?? (family === 'ipv4' ? 'ipmask' : 'ipprefix');
  try {
    if (type === 'ipmask' && family === 'ipv4') {
      const v = entry.settings.get('subnet')?.values;
      if (v?.length === 2) return prefixBlock('ipv4', parseAddress(v[0]!).value, netmaskToPrefix(v[1]!));
      if (v?.length === 1) return parseCidr(v[0]!);
    }
    if (type === 'ipprefix' && family === 'ipv6') {
      const v = entry.settings.get('ip6')?.values;
      if (v?.length === 1) return parseCidr(v[0]!);
    }
    if (type === 'iprange') {
      const lo = valueOf(entry, 'start-ip');
      const hi = valueOf(entry, 'end-ip');
      if (lo && hi) return IntervalSet.range(parseAddress(lo).value, parseAddress(hi).value);
    }
  } catch (e) {
    if (!(e instanceof AddressSyntaxError)) throw e;
  }
  return undefined;
}

/** The `proto/port` pairs of a plain TCP/UDP/SCTP custom service; undefined when it has anything more. */
function servicePorts(entry: Entry): Set<string> | undefined {
  const plainKeys = new Set([
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
  for (const s of entry.settings.values()) {
    if (s.malformed || !plainKeys.has(s.key)) {
      // A key at its default (fqdn "", iprange 0.0.0.0, proxy disable ...) doesn't narrow the service.
      const v = s.values.join(' ');
      if (s.malformed || !['', '0.0.0.0', '0.0.0.0-0.0.0.0', 'disable'].includes(v)) return undefined;
    }
  }
  if ((valueOf(entry, 'protocol') ?? 'TCP/UDP/SCTP').toUpperCase() !== 'TCP/UDP/SCTP') return undefined;
  const out = new Set<string>();
  for (const [key, proto] of [
    ['tcp-portrange', 'tcp'],
    ['udp-portrange', 'udp'],
    ['sctp-portrange', 'sctp'],
  ] as const) {
    for (const text of entry.settings.get(key)?.values ?? []) {
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
  private readonly taken = { address: new Set<string>(), service: new Set<string>() };

  constructor(private readonly scope: Scope) {
    for (const [kind, tables] of [
      ['address', ADDRESS_NAMESPACE],
      ['service', SERVICE_NAMESPACE],
    ] as const) {
      for (const t of tables) {
        for (const block of [scope.blocks.get(t), scope.global?.get(t), factoryDefaults().get(t)]) {
          for (const name of block?.entries.keys() ?? []) this.taken[kind].add(name);
        }
      }
    }
  }

  private entries(table: string): Entry[] {
    return [...(this.scope.blocks.get(table)?.entries.values() ?? [])];
  }

  private fresh(kind: 'address' | 'service', base: string): string {
    let name = base;
    for (let i = 2; this.taken[kind].has(name); i++) name = `${base}-${i}`;
    if (name.length > MAX_NAME)
      throw new CannotWrite(
        `the object name ${name} would be longer than the ${MAX_NAME} characters FortiOS allows`,
      );
    this.taken[kind].add(name);
    return name;
  }

  /** An address object for exactly `set` (one range of one family); associated only with `intf` if at all. */
  address(
    set: IntervalSet,
    family: Family,
    purpose: string,
    intf: readonly string[],
    shared = false,
  ): string {
    const fits = (e: Entry) => {
      const assoc = valueOf(e, 'associated-interface');
      return assoc === undefined || assoc === '' || (intf.length === 1 && intf[0] === assoc);
    };
    const found = this.entries(addressTable(family)).find(
      (e) => fits(e) && addressSet(e, family)?.equals(set),
    );
    if (found) return found.name;
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
    const found = this.entries(addressTable(family)).find((e) => {
      const assoc = valueOf(e, 'associated-interface');
      const free = assoc === undefined || assoc === '' || (intf.length === 1 && intf[0] === assoc);
      const fqdn = valueOf(e, 'fqdn');
      return (
        free &&
        e.settings.malformed().length === 0 &&
        valueOf(e, 'type') === 'fqdn' &&
        fqdn !== undefined &&
        !fqdn.includes('*') &&
        normalizeHost(fqdn) === want
      );
    });
    if (found) return found.name;
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
    const want = new Set(services.map((s) => `${s.protocol}/${s.port}`));
    const same = (ports: Set<string> | undefined) =>
      ports !== undefined && ports.size === want.size && [...want].every((p) => ports.has(p));
    const own = this.scope.blocks.get('firewall service custom');
    const groups = this.scope.blocks.get('firewall service group');
    const candidates = [
      ...(own?.entries.values() ?? []),
      // A factory default is there unless the export defines the name otherwise.
      ...[...(factoryDefaults().get('firewall service custom')?.entries.values() ?? [])].filter(
        (e) => !own?.entries.has(e.name) && !groups?.entries.has(e.name),
      ),
    ];
    const found = candidates.find((e) => same(servicePorts(e)));
    if (found) return found.name;
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
