import { InputError } from '../../input/input-error.js';
import { ipsExpr, nameExpr, unknownExpr, type AddressExpr } from '../../model/address.js';
import { IntervalSet } from '../../model/interval-set.js';
import {
  AddressSyntaxError,
  maskedAddressSet,
  netmaskToPrefix,
  parseAddress,
  parseCidr,
  plainIpv4Subnet,
  prefixBlock,
  V6_BASE,
  type Family,
} from '../../model/ip.js';
import type { SourceLocation } from '../../model/location.js';
import { isValidHostName, normalizeHost, type NameMatchMethod } from '../../model/names.js';
import type { Entry, Setting } from './config-tree.js';
import { ADDRESS_VALUE_KEYS } from './read-keys.js';
import { enabled, valueOf } from './scopes.js';

/** What the object builders need to know about where they are. */
export interface ObjectContext {
  path: string;
  /** ` in VDOM "root"` or nothing. */
  where: string;
}

function q(s: string): string {
  return JSON.stringify(s);
}

export function malformedPart(ctx: ObjectContext, s: Setting, what: string): AddressExpr {
  return unknownExpr({
    reason: `${what}: its "${s.key}" value at line ${s.line} has malformed quoting (${s.malformed}), so what it names can't be read`,
    location: { path: ctx.path, line: s.line },
  });
}

/** Objects whose addresses FortiOS fills in itself; their `show` form looks like "all" (no subnet). */
const RUNTIME_OBJECTS = new Set(['FABRIC_DEVICE', 'FIREWALL_AUTH_PORTAL_ADDRESS']);

function addressError(ctx: ObjectContext, s: Setting, object: string, e: unknown, expected: string): never {
  const why = e instanceof AddressSyntaxError ? e.message : String(e);
  throw new InputError(
    ctx.path,
    s.line,
    `bad ${s.key} ${q(s.values.join(' '))} in ${object}${ctx.where}: ${why}; expected ${expected}`,
  );
}

function familyAddress(text: string, family: Family): bigint {
  const a = parseAddress(text);
  if (a.family !== family) {
    throw new AddressSyntaxError(`${q(text)} is an ${a.family === 'ipv4' ? 'IPv4' : 'IPv6'} address`);
  }
  return a.value;
}

/**
 * An IPv4 address and its dotted netmask (`set subnet 10.0.0.0 255.255.255.0`) as a block: in numbers
 * where both are plain, else the general way, which throws an AddressSyntaxError naming what is wrong.
 */
export function ipv4SubnetBlock(address: string, mask: string): IntervalSet {
  return (
    plainIpv4Subnet(address, mask) ??
    prefixBlock('ipv4', familyAddress(address, 'ipv4'), netmaskToPrefix(mask))
  );
}

/** `set subnet 10.0.0.0 255.255.255.0` (as FortiOS shows it) or `10.0.0.0/24` (as it also accepts). */
function subnetSet(ctx: ObjectContext, s: Setting, object: string): IntervalSet {
  try {
    const v = s.values;
    if (v.length === 2) return ipv4SubnetBlock(v[0]!, v[1]!);
    if (v.length === 1) {
      const set = parseCidr(v[0]!);
      if (set.min()! >= V6_BASE) throw new AddressSyntaxError(`${q(v[0]!)} is an IPv6 address`);
      return set;
    }
    throw new AddressSyntaxError(`${v.length} values`);
  } catch (e) {
    return addressError(ctx, s, object, e, 'an IPv4 address and netmask, e.g. 10.0.0.0 255.255.255.0');
  }
}

function prefix6Set(ctx: ObjectContext, s: Setting, object: string): IntervalSet {
  try {
    if (s.values.length !== 1) throw new AddressSyntaxError(`${s.values.length} values`);
    const set = parseCidr(s.values[0]!);
    if (set.min()! < V6_BASE) throw new AddressSyntaxError(`${q(s.values[0]!)} is an IPv4 address`);
    return set;
  } catch (e) {
    return addressError(ctx, s, object, e, 'an IPv6 prefix, e.g. 2001:db8::/32');
  }
}

function rangeSet(ctx: ObjectContext, entry: Entry, family: Family, object: string): IntervalSet {
  const dflt = family === 'ipv4' ? '0.0.0.0' : '::';
  const bound = (key: string): bigint => {
    const s = entry.settings.get(key);
    if (!s) return familyAddress(dflt, family);
    try {
      if (s.values.length !== 1) throw new AddressSyntaxError(`${s.values.length} values`);
      return familyAddress(s.values[0]!, family);
    } catch (e) {
      return addressError(ctx, s, object, e, `one ${family === 'ipv4' ? 'IPv4' : 'IPv6'} address`);
    }
  };
  const lo = bound('start-ip');
  const hi = bound('end-ip');
  if (lo > hi) {
    const s = entry.settings.get('end-ip') ?? entry.settings.get('start-ip')!;
    throw new InputError(
      ctx.path,
      s.line,
      `${object}${ctx.where}: end-ip is below start-ip; expected start-ip <= end-ip`,
    );
  }
  return IntervalSet.range(lo, hi);
}

/**
 * A host name as FortiOS matches it. A plain FQDN address is resolved by the FortiGate itself, which
 * queries its DNS server and matches the addresses it gets; a wildcard (`*.example.com`, allowed in FQDN
 * addresses since FortiOS 6.2.2, and in `wildcard-fqdn` addresses) can't be resolved, so the FortiGate
 * fills it from the DNS replies it forwards for clients ("Technical Tip: Explanation of the FQDN default
 * cache", https://community.fortinet.com/t5/FortiGate/Technical-Tip-Explanation-of-the-FQDN-nbsp-default-nbsp-cache/ta-p/213280;
 * "Using wildcard FQDN addresses in firewall policies", FortiOS 7.0 Administration Guide,
 * https://docs.fortinet.com/document/fortigate/7.0.1/administration-guide/217973). `*.example.com` matches
 * names below example.com (the `*` covers one or more labels) but not example.com itself; any other
 * placement of `*` is a pattern the model can't express, so it is unknown.
 */
export function hostNameExpr(
  text: string,
  method: NameMatchMethod,
  location: SourceLocation,
  object: string,
): AddressExpr {
  const name = normalizeHost(text);
  if (!name.includes('*')) {
    return nameExpr({ kind: 'fqdn', domain: name, apex: false, depth: 'any', method, text, location });
  }
  const domain = name.slice(2);
  if (name.startsWith('*.') && !domain.includes('*') && isValidHostName(`x.${domain}`)) {
    return nameExpr({
      kind: 'wildcard',
      domain,
      apex: false,
      depth: 'any',
      method: 'dns-snoop',
      text,
      location,
    });
  }
  return unknownExpr({
    reason: `${object}: the wildcard FQDN ${q(text)} is a pattern (not "*.domain") whose matches can't be listed`,
    location,
  });
}

/** One `config firewall address` / `address6` entry as an expression (IPv4 or IPv6). */
export function addressObjectExpr(ctx: ObjectContext, entry: Entry, family: Family): AddressExpr {
  const object = `${family === 'ipv4' ? 'address' : 'address6'} ${q(entry.name)}`;
  const location = { path: ctx.path, line: entry.line };
  for (const s of entry.settings.malformed()) {
    if (RELEVANT_ADDRESS_KEYS.has(s.key)) return malformedPart(ctx, s, object);
  }
  const unknown = (reason: string) => unknownExpr({ reason: `${object}: ${reason}`, location });
  const type = valueOf(entry, 'type') ?? (family === 'ipv4' ? 'ipmask' : 'ipprefix');
  switch (type) {
    case 'ipmask': {
      const s = entry.settings.get('subnet');
      if (!s) {
        if (RUNTIME_OBJECTS.has(entry.name)) return unknown('FortiOS fills in its addresses at run time');
        // The default subnet is 0.0.0.0 0.0.0.0: `show` omits it, as for the predefined "all".
        return ipsExpr(prefixBlock('ipv4', 0n, 0));
      }
      return ipsExpr(subnetSet(ctx, s, object));
    }
    case 'ipprefix': {
      const s = entry.settings.get('ip6');
      return ipsExpr(s ? prefix6Set(ctx, s, object) : prefixBlock('ipv6', V6_BASE, 0));
    }
    case 'iprange':
      return ipsExpr(rangeSet(ctx, entry, family, object));
    case 'fqdn': {
      const fqdn = valueOf(entry, 'fqdn');
      if (fqdn === undefined || fqdn === '') return unknown('an FQDN address without an fqdn');
      return hostNameExpr(fqdn, fqdn.includes('*') ? 'dns-snoop' : 'resolve', location, object);
    }
    case 'wildcard-fqdn': {
      const w = valueOf(entry, 'wildcard-fqdn');
      if (w === undefined || w === '') return unknown('a wildcard-fqdn address without a wildcard-fqdn');
      return hostNameExpr(w, 'dns-snoop', location, object);
    }
    case 'wildcard':
      return wildcardExpr(ctx, entry, object, unknown);
    case 'geography':
      return unknown(
        `a geography address (country ${valueOf(entry, 'country') ?? '?'}): its addresses come from FortiGuard's geo-IP database`,
      );
    case 'dynamic':
      return unknown(
        `a dynamic address (${valueOf(entry, 'sub-type') ?? 'sdn'}): its addresses are filled in at run time`,
      );
    case 'interface-subnet':
      return unknown(`follows the subnet of interface ${q(valueOf(entry, 'interface') ?? '?')}`);
    default:
      return unknown(`an address of type ${q(type)}, which this reader does not model`);
  }
}

const RELEVANT_ADDRESS_KEYS = new Set(ADDRESS_VALUE_KEYS);

/**
 * `set type wildcard` / `set wildcard 10.0.0.5 255.255.0.255`: the mask's 1-bits must match, its 0-bits
 * are free ("Wildcard addressing", FortiOS Administration Guide,
 * https://docs.fortinet.com/document/fortigate/latest/administration-guide/838461/wildcard-addressing).
 */
function wildcardExpr(
  ctx: ObjectContext,
  entry: Entry,
  object: string,
  unknown: (reason: string) => AddressExpr,
): AddressExpr {
  const s = entry.settings.get('wildcard');
  if (!s) return ipsExpr(prefixBlock('ipv4', 0n, 0));
  let value: bigint;
  let mask: bigint;
  try {
    if (s.values.length !== 2) throw new AddressSyntaxError(`${s.values.length} values`);
    value = familyAddress(s.values[0]!, 'ipv4');
    mask = familyAddress(s.values[1]!, 'ipv4');
  } catch (e) {
    return addressError(ctx, s, object, e, 'an IPv4 address and wildcard mask, e.g. 10.0.0.5 255.255.0.255');
  }
  try {
    return ipsExpr(maskedAddressSet('ipv4', value, mask));
  } catch (e) {
    if (!(e instanceof AddressSyntaxError)) throw e;
    return unknown(`a wildcard address whose ${e.message}`);
  }
}

/**
 * A virtual IP (`config firewall vip` / `vip6`) in a policy's destination matches traffic sent to its
 * external address. Static NAT without port forwarding is that address range; anything else (port
 * forwarding, load balancing, FQDN mapping) also depends on ports or run-time state, so it is unknown.
 */
export function vipExpr(ctx: ObjectContext, entry: Entry, family: Family): AddressExpr {
  const object = `${family === 'ipv4' ? 'virtual IP' : 'IPv6 virtual IP'} ${q(entry.name)}`;
  const location = { path: ctx.path, line: entry.line };
  for (const s of entry.settings.malformed()) {
    if (RELEVANT_ADDRESS_KEYS.has(s.key)) return malformedPart(ctx, s, object);
  }
  const unknown = (reason: string) => unknownExpr({ reason: `${object}: ${reason}`, location });
  const type = valueOf(entry, 'type') ?? 'static-nat';
  if (type !== 'static-nat')
    return unknown(`a virtual IP of type ${q(type)}, which this reader does not model`);
  if (enabled(entry, 'portforward')) return unknown('port forwarding: it matches only its external port');
  const s = entry.settings.get('extip');
  if (!s || s.values.length !== 1) return unknown('no single external address (extip)');
  const text = s.values[0]!;
  try {
    const [lo, hi] = text.includes('-') ? text.split('-') : [text, text];
    const a = familyAddress(lo!, family);
    const b = familyAddress(hi!, family);
    if (a > b) throw new AddressSyntaxError(`range ${q(text)} ends before it starts`);
    return ipsExpr(IntervalSet.range(a, b));
  } catch (e) {
    return addressError(
      ctx,
      s,
      object,
      e,
      `an ${family === 'ipv4' ? 'IPv4' : 'IPv6'} address or first-last range`,
    );
  }
}
