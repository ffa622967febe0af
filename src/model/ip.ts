import ipaddr from 'ipaddr.js';
import { IntervalSet } from './interval-set.js';

/**
 * Both address families share one integer universe so that one IntervalSet type serves all:
 * IPv4 a.b.c.d is the integer itself (0 .. 2^32-1); IPv6 x is 2^32 + x. The families never overlap, so a
 * set of IPv4 addresses can never match an IPv6 packet (as with `ip saddr` vs `ip6 saddr`).
 */
export type Family = 'ipv4' | 'ipv6';

export const V6_BASE = 1n << 32n;
const V6_SIZE = 1n << 128n;

export const FAMILY_RANGE: Record<Family, IntervalSet> = {
  ipv4: IntervalSet.range(0n, V6_BASE - 1n),
  ipv6: IntervalSet.range(V6_BASE, V6_BASE + V6_SIZE - 1n),
};

export const ALL_ADDRESSES = FAMILY_RANGE.ipv4.union(FAMILY_RANGE.ipv6);

export class AddressSyntaxError extends Error {}

export interface ParsedAddress {
  family: Family;
  value: bigint;
}

function bytesToBigint(bytes: number[]): bigint {
  let v = 0n;
  for (const b of bytes) v = (v << 8n) | BigInt(b);
  return v;
}

/** Parses one address in strict dotted-quad IPv4 or RFC 4291 IPv6 text (no zone index). */
/**
 * Reads a plain dotted-quad IPv4 address (four decimal parts 0-255 without leading zeros, the form
 * ipaddr.js's isValidFourPartDecimal accepts) without allocating: its value, or -1 for any other text.
 * Exports hold hundreds of thousands of addresses; this is their common form.
 */
export function scanDottedQuad(text: string, start = 0, end = text.length): number {
  let value = 0;
  let part = -1;
  let dots = 0;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      if (part === 0) return -1; // a leading zero
      part = part < 0 ? c - 48 : part * 10 + (c - 48);
      if (part > 255) return -1;
    } else if (c === 46 && part >= 0 && dots < 3) {
      value = value * 256 + part;
      part = -1;
      dots++;
    } else return -1;
  }
  return dots === 3 && part >= 0 ? value * 256 + part : -1;
}

export function parseAddress(text: string): ParsedAddress {
  const t = text.trim();
  const quad = scanDottedQuad(t);
  if (quad >= 0) return { family: 'ipv4', value: BigInt(quad) };
  if (ipaddr.IPv4.isValidFourPartDecimal(t)) {
    return { family: 'ipv4', value: bytesToBigint(ipaddr.IPv4.parse(t).toByteArray()) };
  }
  if (t.includes(':') && !t.includes('%') && ipaddr.IPv6.isValid(t)) {
    return { family: 'ipv6', value: V6_BASE + bytesToBigint(ipaddr.IPv6.parse(t).toByteArray()) };
  }
  throw new AddressSyntaxError(`"${text}" is not an IPv4 or IPv6 address`);
}

function familyBits(family: Family): number {
  return family === 'ipv4' ? 32 : 128;
}

function familyBase(family: Family): bigint {
  return family === 'ipv4' ? 0n : V6_BASE;
}

/** The block of 2^(bits-prefix) addresses containing `value`, host bits ignored (as vendors mask them). */
export function prefixBlock(family: Family, value: bigint, prefix: number): IntervalSet {
  const bits = familyBits(family);
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > bits) {
    throw new AddressSyntaxError(`prefix length ${prefix} is out of range 0-${bits} for ${family}`);
  }
  const base = familyBase(family);
  const hostBits = BigInt(bits - prefix);
  const offset = ((value - base) >> hostBits) << hostBits;
  return IntervalSet.range(base + offset, base + offset + (1n << hostBits) - 1n);
}

/** The IPv4 block of 2^(32-prefix) addresses holding `value` (a number), host bits ignored. */
export function ipv4Block(value: number, prefix: number): IntervalSet {
  const size = 2 ** (32 - prefix);
  const lo = Math.floor(value / size) * size;
  return IntervalSet.smallRange(lo, lo + size - 1);
}

/**
 * `a.b.c.d` or `a.b.c.d/len` in numbers, without a bigint on the way (exports hold hundreds of thousands
 * of these); undefined for any other text, which the general path reads (and names what is wrong).
 */
function plainIpv4Cidr(t: string, slash: number): IntervalSet | undefined {
  const quad = scanDottedQuad(t, 0, slash < 0 ? t.length : slash);
  if (quad < 0) return undefined;
  if (slash < 0) return IntervalSet.smallRange(quad, quad);
  const lenChars = t.length - slash - 1;
  if (lenChars < 1 || lenChars > 2) return undefined;
  let prefix = 0;
  for (let i = slash + 1; i < t.length; i++) {
    const c = t.charCodeAt(i);
    if (c < 48 || c > 57) return undefined;
    prefix = prefix * 10 + (c - 48);
  }
  return prefix > 32 ? undefined : ipv4Block(quad, prefix);
}

/**
 * An address and a dotted netmask (`10.1.0.0` and `255.255.0.0`, as FortiOS stores a subnet), both plain
 * dotted quads, in numbers: the block, or undefined for anything else (another form, a mask that isn't
 * contiguous), which the general path reads and names. The mask's host bits are ones up to the lowest
 * set bit exactly when adding one to them carries through all of them.
 */
export function plainIpv4Subnet(address: string, mask: string): IntervalSet | undefined {
  const value = scanDottedQuad(address);
  const m = value < 0 ? -1 : scanDottedQuad(mask);
  const first = m < 0 ? -1 : ipv4SubnetFirst(value, m);
  return first < 0 ? undefined : IntervalSet.smallRange(first, first + (~m >>> 0));
}

/**
 * The first address of the block an IPv4 address and netmask (numbers) name, the last being it plus the
 * mask's host bits (`~mask >>> 0`); -1 for a mask that isn't contiguous.
 */
export function ipv4SubnetFirst(value: number, mask: number): number {
  const host = ~mask >>> 0;
  if ((host & (host + 1)) !== 0) return -1;
  return value - (value % (host + 1));
}

/** Parses `addr`, `addr/len` or `addr/dotted-mask` (contiguous masks only). */
export function parseCidr(text: string): IntervalSet {
  const t = text.trim();
  const slash = t.indexOf('/');
  const plain = plainIpv4Cidr(t, slash);
  if (plain) return plain;
  if (slash < 0) {
    const a = parseAddress(t);
    return IntervalSet.point(a.value);
  }
  const a = parseAddress(t.slice(0, slash));
  const lenText = t.slice(slash + 1);
  if (/^\d{1,3}$/.test(lenText)) return prefixBlock(a.family, a.value, Number(lenText));
  if (a.family === 'ipv4' && ipaddr.IPv4.isValidFourPartDecimal(lenText)) {
    return prefixBlock(a.family, a.value, netmaskToPrefix(lenText));
  }
  throw new AddressSyntaxError(`"${lenText}" in "${text}" is not a prefix length`);
}

/** Converts a contiguous dotted netmask (255.255.255.0) to its prefix length. */
export function netmaskToPrefix(mask: string): number {
  const m = parseAddress(mask);
  if (m.family !== 'ipv4') throw new AddressSyntaxError(`"${mask}" is not an IPv4 netmask`);
  const bits = m.value.toString(2).padStart(32, '0');
  if (!/^1*0*$/.test(bits)) throw new AddressSyntaxError(`"${mask}" is not a contiguous netmask`);
  return bits.indexOf('0') < 0 ? 32 : bits.indexOf('0');
}

/** Parses `first-last` (both of one family, first <= last). */
export function parseRange(text: string): IntervalSet {
  const dash = text.indexOf('-');
  if (dash > 0 && text.indexOf('-', dash + 1) < 0) {
    // Plain IPv4 on both sides: in numbers (else the general path below reads it).
    const lo = scanDottedQuad(text, 0, dash);
    const hi = lo < 0 ? -1 : scanDottedQuad(text, dash + 1);
    if (hi >= 0 && lo <= hi) return IntervalSet.smallRange(lo, hi);
  }
  const parts = text.split('-');
  if (parts.length !== 2) throw new AddressSyntaxError(`"${text}" is not a range first-last`);
  const lo = parseAddress(parts[0]!);
  const hi = parseAddress(parts[1]!);
  if (lo.family !== hi.family) throw new AddressSyntaxError(`range "${text}" mixes IPv4 and IPv6`);
  if (lo.value > hi.value) throw new AddressSyntaxError(`range "${text}" ends before it starts`);
  return IntervalSet.range(lo.value, hi.value);
}

/** Parses any of: address, CIDR, first-last range. */
export function parseIpSpec(text: string): IntervalSet {
  return text.includes('-') ? parseRange(text) : parseCidr(text);
}

/**
 * The exact set matched by `address` under a (possibly non-contiguous) mask whose 1-bits must match,
 * as in PAN-OS `ip-wildcard` (inverted) or Junos `wildcard-address`. Enumerates the free high bits.
 */
export function maskedAddressSet(family: Family, value: bigint, careMask: bigint): IntervalSet {
  const bits = familyBits(family);
  const base = familyBase(family);
  const v = (value - base) & careMask;
  let trailingFree = 0;
  while (trailingFree < bits && ((careMask >> BigInt(trailingFree)) & 1n) === 0n) trailingFree++;
  const freeHigh: number[] = [];
  for (let b = trailingFree; b < bits; b++) if (((careMask >> BigInt(b)) & 1n) === 0n) freeHigh.push(b);
  if (freeHigh.length > 16) {
    throw new AddressSyntaxError(
      `mask has ${freeHigh.length} non-contiguous wildcard bits (at most 16 supported)`,
    );
  }
  const span = (1n << BigInt(trailingFree)) - 1n;
  const ranges: [bigint, bigint][] = [];
  for (let combo = 0; combo < 1 << freeHigh.length; combo++) {
    let start = v;
    freeHigh.forEach((bit, k) => {
      if (combo & (1 << k)) start |= 1n << BigInt(bit);
    });
    ranges.push([base + start, base + start + span]);
  }
  return IntervalSet.fromRanges(ranges);
}

export function familyOf(value: bigint): Family {
  return value < V6_BASE ? 'ipv4' : 'ipv6';
}

export function formatAddress(value: bigint): string {
  if (value < V6_BASE) {
    const n = Number(value);
    return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
  }
  let v = value - V6_BASE;
  const bytes: number[] = new Array(16);
  for (let i = 15; i >= 0; i--) {
    bytes[i] = Number(v & 255n);
    v >>= 8n;
  }
  return (ipaddr.fromByteArray(bytes) as ipaddr.IPv6).toRFC5952String();
}

/**
 * The fewest CIDR blocks covering [lo, hi] exactly, as [first address, prefix length], stopping once there
 * are more than `max`.
 */
export function cidrBlocks(lo: bigint, hi: bigint, max = Infinity): [bigint, number][] {
  const family = familyOf(lo);
  const base = familyBase(family);
  const bits = familyBits(family);
  const out: [bigint, number][] = [];
  let cur = lo - base;
  const end = hi - base;
  while (cur <= end && out.length <= max) {
    let size = 0;
    while (
      size < bits &&
      (cur & ((1n << BigInt(size + 1)) - 1n)) === 0n &&
      cur + (1n << BigInt(size + 1)) - 1n <= end
    ) {
      size++;
    }
    out.push([base + cur, bits - size]);
    cur += 1n << BigInt(size);
  }
  return out;
}

/** Splits an interval into the fewest CIDR blocks, stopping once there are more than `max`. */
function intervalToCidrs(lo: bigint, hi: bigint, max: number): string[] {
  return cidrBlocks(lo, hi, max).map(([first, prefix]) => `${formatAddress(first)}/${prefix}`);
}

/** Human form of a set: CIDRs where they are few, first-last ranges otherwise; `limit` caps the list. */
export function formatAddressSet(set: IntervalSet, limit = 8): string {
  const parts: string[] = [];
  let seen = 0;
  for (const [lo, hi] of set.ranges()) {
    seen++;
    if (parts.length >= limit) continue;
    const cidrs = intervalToCidrs(lo, hi, 3);
    parts.push(...(cidrs.length <= 2 ? cidrs : [`${formatAddress(lo)}-${formatAddress(hi)}`]));
  }
  const shown = parts.length;
  if (shown > limit) parts.length = limit;
  const more = seen - Math.min(seen, limit) + Math.max(0, shown - limit);
  if (more > 0) parts.push(`… ${more} more`);
  return parts.join(', ');
}
