import type { Family } from '../../src/model/ip.js';

/**
 * The lab's address plan. Everything lives inside the namespaces the harness creates: clients in 10.1/16
 * and fd01::/64, "public" destinations in the documentation ranges 198.51.100/24, 203.0.113/24 and
 * 2001:db8::/32, routed by the router to the server, which records and drops what arrives.
 */
export const LAN_IF = 'lan0';
export const WAN_IF = 'wan0';
export const CLIENT_IF = 'c0';
export const SERVER_IF = 's0';

export const LINKS = {
  ipv4: {
    clientNet: '10.1.0.0/16',
    client: '10.1.255.1',
    routerLan: '10.1.255.254',
    routerWan: '192.0.2.254',
    server: '192.0.2.1',
    wanNet: '192.0.2.0/24',
    publicRoutes: ['198.51.100.0/24', '203.0.113.0/24'],
    prefix: { client: 16, wan: 24, host: 32 },
  },
  ipv6: {
    clientNet: 'fd01::/64',
    client: 'fd01::1',
    routerLan: 'fd01::fffe',
    routerWan: 'fd02::fe',
    server: 'fd02::1',
    wanNet: 'fd02::/64',
    publicRoutes: ['2001:db8::/32'],
    prefix: { client: 64, wan: 64, host: 128 },
  },
} as const;

/** The first packet of one flow: from a client address to a destination address and port. */
export interface Probe {
  family: Family;
  src: string;
  dst: string;
  port: number;
  proto: 'tcp' | 'udp';
}

export const probeKey = (p: Pick<Probe, 'src' | 'dst' | 'port' | 'proto'>): string =>
  `${p.src}|${p.dst}|${p.proto}|${p.port}`;

/** The flow as `--flow` spells it (a bracketed IPv6 address). */
export const flowSpec = (p: Probe): string =>
  `${p.family === 'ipv6' ? `[${p.dst}]` : p.dst}:${p.port}/${p.proto}`;
