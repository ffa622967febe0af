import { IntervalSet } from './interval-set.js';
import { FAMILY_RANGE, prefixBlock, V6_BASE, type Family } from './ip.js';

/**
 * Blocks an internet endpoint never resolves into: the IANA IPv4 and IPv6 Special-Purpose Address
 * Registries (RFC 6890 and its updates), plus multicast and the reserved class E block.
 */
const SPECIAL_V4: [number, number, number, number, number][] = [
  [0, 0, 0, 0, 8], // "this network" (RFC 791)
  [10, 0, 0, 0, 8], // private (RFC 1918)
  [100, 64, 0, 0, 10], // shared address space, CGNAT (RFC 6598)
  [127, 0, 0, 0, 8], // loopback (RFC 1122)
  [169, 254, 0, 0, 16], // link-local (RFC 3927)
  [172, 16, 0, 0, 12], // private (RFC 1918)
  [192, 0, 0, 0, 24], // IETF protocol assignments (RFC 6890)
  [192, 0, 2, 0, 24], // documentation TEST-NET-1 (RFC 5737)
  [192, 31, 196, 0, 24], // AS112-v4 (RFC 7535)
  [192, 52, 193, 0, 24], // AMT (RFC 7450)
  [192, 88, 99, 0, 24], // deprecated 6to4 relay anycast (RFC 7526)
  [192, 168, 0, 0, 16], // private (RFC 1918)
  [192, 175, 48, 0, 24], // direct delegation AS112 service (RFC 7534)
  [198, 18, 0, 0, 15], // benchmarking (RFC 2544)
  [198, 51, 100, 0, 24], // documentation TEST-NET-2 (RFC 5737)
  [203, 0, 113, 0, 24], // documentation TEST-NET-3 (RFC 5737)
  [224, 0, 0, 0, 4], // multicast (RFC 5771)
  [240, 0, 0, 0, 4], // reserved, including limited broadcast (RFC 1112, RFC 919)
];

/** IPv6 global unicast is allocated from 2000::/3 only (IANA IPv6 Address Space registry). */
const GLOBAL_UNICAST_V6: [number, number] = [0x2000, 3];
/** Leading 16-bit group and prefix length (all these blocks lie within their first two groups). */
const SPECIAL_V6_IN_GLOBAL: [number, number, number][] = [
  [0x2001, 0x0000, 23], // IETF protocol assignments, incl. Teredo, ORCHID, AMT, AS112 (RFC 2928, RFC 6890)
  [0x2001, 0x0db8, 32], // documentation (RFC 3849)
  [0x2002, 0x0000, 16], // 6to4 (RFC 3056)
  [0x3fff, 0x0000, 20], // documentation (RFC 9637)
];

// Built with integer arithmetic rather than text parsing: this runs at every start-up.
const v4Block = ([a, b, c, d, prefix]: [number, number, number, number, number]) =>
  prefixBlock('ipv4', BigInt(((a << 24) | (b << 16) | (c << 8) | d) >>> 0), prefix);
const v6Block = (g0: number, g1: number, prefix: number) =>
  prefixBlock('ipv6', V6_BASE + ((BigInt(g0) << 112n) | (BigInt(g1) << 96n)), prefix);

export const PUBLIC_SPACE: Record<Family, IntervalSet> = {
  ipv4: FAMILY_RANGE.ipv4.subtract(IntervalSet.unionAll(SPECIAL_V4.map(v4Block))),
  ipv6: v6Block(GLOBAL_UNICAST_V6[0], 0, GLOBAL_UNICAST_V6[1]).subtract(
    IntervalSet.unionAll(SPECIAL_V6_IN_GLOBAL.map(([g0, g1, prefix]) => v6Block(g0, g1, prefix))),
  ),
};

export const ALL_PUBLIC = PUBLIC_SPACE.ipv4.union(PUBLIC_SPACE.ipv6);
