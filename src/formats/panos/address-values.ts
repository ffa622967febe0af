import { IntervalSet } from '../../model/interval-set.js';
import {
  AddressSyntaxError,
  ipv4Block,
  maskedAddressSet,
  parseAddress,
  parseCidr,
  parseIpSpec,
  parseRange,
  scanDottedQuad,
} from '../../model/ip.js';

/**
 * Parsers for the values of PAN-OS address objects (PAN-OS Administrator's Guide, "Address Objects":
 * https://docs.paloaltonetworks.com/pan-os/10-0/pan-os-admin/policy/use-address-object-to-represent-ip-addresses/address-objects).
 * They throw AddressSyntaxError; the caller names the object and line.
 */

/**
 * Reads `a.b.c.d` or `a.b.c.d/len` without allocating: the address times 64 plus the prefix length, or -1
 * for any other text.
 */
function scanIpv4(text: string): number {
  const n = text.length;
  const slash = text.indexOf('/');
  const value = scanDottedQuad(text, 0, slash < 0 ? n : slash);
  if (value < 0) return -1;
  let prefix = 32;
  if (slash >= 0) {
    if (slash + 1 >= n || n - slash > 3) return -1;
    prefix = 0;
    for (let k = slash + 1; k < n; k++) {
      const c = text.charCodeAt(k);
      if (c < 48 || c > 57) return -1;
      prefix = prefix * 10 + (c - 48);
    }
    if (prefix > 32) return -1;
  }
  return value * 64 + prefix;
}

/** Parses `a.b.c.d` or `a.b.c.d/len`, or returns undefined for any other text. */
function fastIpv4(text: string): IntervalSet | undefined {
  const scanned = scanIpv4(text);
  if (scanned < 0) return undefined;
  const prefix = scanned % 64;
  const value = (scanned - prefix) / 64;
  return ipv4Block(value, prefix);
}

/** Whether `text` is a valid IPv4 ip-netmask value, checked without building its set. */
export function isIpv4Netmask(text: string): boolean {
  return scanIpv4(text) >= 0;
}

/**
 * `ip-netmask`: an IPv4 or IPv6 address with an optional prefix length ("192.168.18.0/24",
 * "2001:db8:123:1::/64"); without one it is a single host. Host bits are ignored, as the firewall masks them.
 */
export function parseIpNetmask(text: string): IntervalSet {
  return fastIpv4(text) ?? parseCidr(text);
}

/** `ip-range`: "first-last", both of one family. */
export function parseIpRange(text: string): IntervalSet {
  const t = text.trim();
  const dash = t.indexOf('-');
  if (dash > 0 && t.indexOf('-', dash + 1) < 0) {
    const lo = fastIpv4(t.slice(0, dash));
    const hi = fastIpv4(t.slice(dash + 1));
    if (lo && hi && lo.intervalCount === 1 && hi.intervalCount === 1 && lo.min()! <= hi.min()!) {
      return IntervalSet.range(lo.min()!, hi.min()!);
    }
  }
  return parseRange(t);
}

/**
 * `ip-wildcard` (IPv4 only): "10.132.1.1/0.0.2.255". Per the Address Objects page, a 0 bit in the mask
 * means the address bit must match and a 1 bit (a wildcard bit) matches either value, so the set is the
 * address under the inverted mask.
 */
export function parseIpWildcard(text: string): IntervalSet {
  const t = text.trim();
  const slash = t.indexOf('/');
  if (slash < 0)
    throw new AddressSyntaxError(`"${t}" is not address/wildcard-mask, e.g. 10.132.1.1/0.0.2.255`);
  const address = parseAddress(t.slice(0, slash));
  const mask = parseAddress(t.slice(slash + 1));
  if (address.family !== 'ipv4' || mask.family !== 'ipv4') {
    throw new AddressSyntaxError(`"${t}": an IP wildcard mask object can only hold IPv4 addresses`);
  }
  const careMask = ~mask.value & 0xffffffffn;
  return maskedAddressSet('ipv4', address.value, careMask);
}

/** An address written directly in a rule or group instead of an object name: host, CIDR or range. */
export function parseLiteralAddress(text: string): IntervalSet | undefined {
  const t = text.trim();
  if (!/^[0-9a-fA-F:.]+(\/\d{1,3})?$/.test(t) && !/^[0-9a-fA-F:.]+-[0-9a-fA-F:.]+$/.test(t)) return undefined;
  if (!/[.:]/.test(t)) return undefined;
  try {
    return fastIpv4(t) ?? parseIpSpec(t);
  } catch (e) {
    if (e instanceof AddressSyntaxError) return undefined;
    throw e;
  }
}
