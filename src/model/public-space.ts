import { IntervalSet } from './interval-set.js';
import { FAMILY_RANGE, parseCidr, type Family } from './ip.js';

/**
 * Blocks an internet endpoint never resolves into: the IANA IPv4 and IPv6 Special-Purpose Address
 * Registries (RFC 6890 and its updates), plus multicast and the reserved class E block.
 */
const SPECIAL_V4 = [
  '0.0.0.0/8', // "this network" (RFC 791)
  '10.0.0.0/8', // private (RFC 1918)
  '100.64.0.0/10', // shared address space, CGNAT (RFC 6598)
  '127.0.0.0/8', // loopback (RFC 1122)
  '169.254.0.0/16', // link-local (RFC 3927)
  '172.16.0.0/12', // private (RFC 1918)
  '192.0.0.0/24', // IETF protocol assignments (RFC 6890)
  '192.0.2.0/24', // documentation TEST-NET-1 (RFC 5737)
  '192.31.196.0/24', // AS112-v4 (RFC 7535)
  '192.52.193.0/24', // AMT (RFC 7450)
  '192.88.99.0/24', // deprecated 6to4 relay anycast (RFC 7526)
  '192.168.0.0/16', // private (RFC 1918)
  '192.175.48.0/24', // direct delegation AS112 service (RFC 7534)
  '198.18.0.0/15', // benchmarking (RFC 2544)
  '198.51.100.0/24', // documentation TEST-NET-2 (RFC 5737)
  '203.0.113.0/24', // documentation TEST-NET-3 (RFC 5737)
  '224.0.0.0/4', // multicast (RFC 5771)
  '240.0.0.0/4', // reserved, including limited broadcast (RFC 1112, RFC 919)
];

/** IPv6 global unicast is allocated from 2000::/3 only (IANA IPv6 Address Space registry). */
const GLOBAL_UNICAST_V6 = '2000::/3';
const SPECIAL_V6_IN_GLOBAL = [
  '2001::/23', // IETF protocol assignments, incl. Teredo, ORCHID, AMT, AS112 (RFC 2928, RFC 6890)
  '2001:db8::/32', // documentation (RFC 3849)
  '2002::/16', // 6to4 (RFC 3056)
  '3fff::/20', // documentation (RFC 9637)
];

function build(blocks: string[]): IntervalSet {
  return IntervalSet.unionAll(blocks.map(parseCidr));
}

export const PUBLIC_SPACE: Record<Family, IntervalSet> = {
  ipv4: FAMILY_RANGE.ipv4.subtract(build(SPECIAL_V4)),
  ipv6: parseCidr(GLOBAL_UNICAST_V6).subtract(build(SPECIAL_V6_IN_GLOBAL)),
};

export const ALL_PUBLIC = PUBLIC_SPACE.ipv4.union(PUBLIC_SPACE.ipv6);
