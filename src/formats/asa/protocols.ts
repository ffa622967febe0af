import type { UnknownPart } from '../../model/location.js';

/**
 * IP protocol literals of the ASA: "Cisco ASA Series General Operations Configuration Guide", chapter
 * "Addresses, Protocols, and Ports", section "Protocols and Applications"
 * (https://www.cisco.com/c/en/us/td/docs/security/asa/asa922/configuration/general/asa-922-general-config/ref-ports.html).
 * `ip` is every protocol; the rest are IANA protocol numbers (`ipsec` is ESP, `pptp` is GRE).
 */
const PROTOCOL_LITERALS: ReadonlyMap<string, number> = new Map([
  ['ah', 51],
  ['eigrp', 88],
  ['esp', 50],
  ['gre', 47],
  ['icmp', 1],
  ['icmp6', 58],
  ['igmp', 2],
  ['igrp', 9],
  ['ipinip', 4],
  ['ipsec', 50],
  ['nos', 94],
  ['ospf', 89],
  ['pcp', 108],
  ['pim', 103],
  ['pptp', 47],
  ['sctp', 132],
  ['snp', 109],
  ['tcp', 6],
  ['udp', 17],
]);

/**
 * A protocol as an ACE or protocol-object names it: every protocol, one by number, or the unknown members
 * of a protocol group the export doesn't define.
 */
export type AsaProtocol =
  { kind: 'ip' } | { kind: 'number'; number: number } | { kind: 'unknown'; part: UnknownPart };

export const TCP = 6;
export const UDP = 17;
export const SCTP = 132;
export const ICMP = 1;
export const ICMP6 = 58;

/** The protocols whose ACEs may carry port operators, by number. */
export const PORT_PROTOCOL_NAMES: ReadonlyMap<number, 'tcp' | 'udp' | 'sctp'> = new Map([
  [TCP, 'tcp'],
  [UDP, 'udp'],
  [SCTP, 'sctp'],
]);

/** Reads a protocol literal or number 0-255; undefined when the word is neither. */
export function parseProtocol(word: string): AsaProtocol | undefined {
  const lower = word.toLowerCase();
  if (lower === 'ip') return { kind: 'ip' };
  const named = PROTOCOL_LITERALS.get(lower);
  if (named !== undefined) return { kind: 'number', number: named };
  if (/^\d{1,3}$/.test(word) && Number(word) <= 255) return { kind: 'number', number: Number(word) };
  return undefined;
}

export const PROTOCOL_FORMS =
  'ip, tcp, udp, sctp, icmp, icmp6, another protocol name (ah, esp, gre, ...) or a number 0-255';
