import type { Family } from '../../src/model/ip.js';
import { probeKey, type Probe } from './addresses.js';
import type { Rng } from './random.js';

/**
 * The addresses and ports random rulesets and probes draw from: few, so rules often hit the probes, and
 * inside the lab's address plan (clients 10.1/16 and fd01::/64, destinations routed to the server).
 */
export const POOL = {
  ipv4: {
    sources: [
      '10.1.0.1',
      '10.1.0.2',
      '10.1.0.77',
      '10.1.0.130',
      '10.1.1.5',
      '10.1.1.200',
      '10.1.2.9',
      '10.1.3.33',
    ],
    destinations: [
      '198.51.100.1',
      '198.51.100.7',
      '198.51.100.64',
      '198.51.100.200',
      '203.0.113.5',
      '203.0.113.128',
      '203.0.113.250',
    ],
  },
  ipv6: {
    sources: ['fd01::1:1', 'fd01::1:2', 'fd01::2:a', 'fd01::8000:1', 'fd01::ab:cd', 'fd01::ffff:0:5'],
    destinations: [
      '2001:db8:100::1',
      '2001:db8:100::80:1',
      '2001:db8:101::5',
      '2001:db8:200::5',
      '2001:db8:ff00::9',
    ],
  },
} as const;

export const PORTS = [22, 53, 80, 123, 443, 3478, 5060, 8080, 8443, 50000];

const BITS: Record<Family, number> = { ipv4: 32, ipv6: 128 };

function toBig(family: Family, text: string): bigint {
  if (family === 'ipv4') return text.split('.').reduce((v, o) => (v << 8n) | BigInt(o), 0n);
  const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = tail === undefined ? h : [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
  return groups.reduce((v, g) => (v << 16n) | BigInt(`0x${g}`), 0n);
}

/** An address in its usual text: dotted quad, or IPv6 with the longest run of zero groups as `::`. */
export function formatIp(family: Family, v: bigint): string {
  if (family === 'ipv4') return [24n, 16n, 8n, 0n].map((s) => String((v >> s) & 255n)).join('.');
  const groups = [...Array(8).keys()].map((i) => Number((v >> BigInt(112 - 16 * i)) & 0xffffn));
  let best = { at: -1, len: 1 };
  for (let i = 0; i < 8;) {
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > best.len) best = { at: i, len: j - i };
    i = j === i ? i + 1 : j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best.at < 0) return hex.join(':');
  return `${hex.slice(0, best.at).join(':')}::${hex.slice(best.at + best.len).join(':')}`;
}

/** The network of `len` bits holding `address`, as CIDR text. */
export function cidrAround(family: Family, address: string, len: number): string {
  const bits = BigInt(BITS[family]);
  const host = (1n << (bits - BigInt(len))) - 1n;
  return `${formatIp(family, toBig(family, address) & ~host)}/${len}`;
}

const SRC_LENS: Record<Family, number[]> = {
  ipv4: [8, 16, 22, 23, 24, 25, 26, 28, 30, 31, 32],
  ipv6: [16, 48, 64, 96, 112, 120, 127, 128],
};
const DST_LENS: Record<Family, number[]> = {
  ipv4: [8, 16, 23, 24, 25, 26, 28, 31, 32],
  ipv6: [16, 32, 40, 48, 64, 112, 128],
};

/** A network around a pool address (so it holds some probes), as CIDR text. */
export function randomNet(rng: Rng, family: Family, side: 'sources' | 'destinations'): string {
  const lens = side === 'sources' ? SRC_LENS[family] : DST_LENS[family];
  return cidrAround(family, rng.pick(POOL[family][side]), rng.pick(lens));
}

/** A range of addresses around a pool address, as [first, last]. */
export function randomRange(rng: Rng, family: Family, side: 'sources' | 'destinations'): [string, string] {
  const a = toBig(family, rng.pick(POOL[family][side]));
  const lo = a - BigInt(rng.int(0, 300));
  const hi = a + BigInt(rng.int(0, 300));
  return [formatIp(family, lo), formatIp(family, hi)];
}

export function randomPort(rng: Rng): number {
  return rng.chance(0.85) ? rng.pick(PORTS) : rng.int(1, 65535);
}

/** A port range around a pool port, as [first, last]. */
export function randomPortRange(rng: Rng): [number, number] {
  const p = rng.pick(PORTS);
  const lo = Math.max(1, p - rng.int(0, 60));
  const hi = Math.min(65535, p + rng.int(1, 2000));
  return [lo, hi];
}

/** `n` distinct probes per family, from pool sources to pool destinations. */
export function sampleProbes(rng: Rng, perFamily: number): Probe[] {
  const out = new Map<string, Probe>();
  for (const family of ['ipv4', 'ipv6'] as const) {
    for (let tries = 0, n = 0; n < perFamily && tries < perFamily * 10; tries++) {
      const p: Probe = {
        family,
        src: rng.pick(POOL[family].sources),
        dst: rng.pick(POOL[family].destinations),
        port: randomPort(rng),
        proto: rng.chance(0.5) ? 'tcp' : 'udp',
      };
      if (out.has(probeKey(p))) continue;
      out.set(probeKey(p), p);
      n++;
    }
  }
  return [...out.values()];
}

/** Up to `n` networks around pool addresses that don't overlap (an interval set refuses overlaps). */
export function disjointNets(
  rng: Rng,
  family: Family,
  side: 'sources' | 'destinations',
  n: number,
): string[] {
  const taken: [bigint, bigint][] = [];
  const out: string[] = [];
  for (let tries = 0; out.length < n && tries < n * 8; tries++) {
    const net = randomNet(rng, family, side);
    const [addr, len] = net.split('/') as [string, string];
    const lo = toBig(family, addr);
    const hi = lo + (1n << BigInt(BITS[family] - Number(len))) - 1n;
    if (taken.some(([a, b]) => lo <= b && a <= hi)) continue;
    taken.push([lo, hi]);
    out.push(net);
  }
  return out;
}

/** Up to `n` ports or port ranges (`a-b`) that don't overlap. */
export function disjointPorts(rng: Rng, n: number): string[] {
  const taken: [number, number][] = [];
  const out: string[] = [];
  for (let tries = 0; out.length < n && tries < n * 8; tries++) {
    const [lo, hi] = rng.chance(0.3) ? randomPortRange(rng) : [randomPort(rng), 0];
    const end = hi || lo;
    if (taken.some(([a, b]) => lo <= b && a <= end)) continue;
    taken.push([lo, end]);
    out.push(hi ? `${lo}-${hi}` : String(lo));
  }
  return out;
}
