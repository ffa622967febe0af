import type { SourceLocation } from './location.js';

/**
 * How a firewall decides that traffic goes to a named host. It matters for what an "allowed by name"
 * verdict rests on, and TLS SNI / HTTP Host inspection can never match UDP.
 * - resolve: the firewall resolves the name itself and matches the addresses it gets;
 * - dns-snoop: the firewall learns name-to-address mappings from the DNS replies it forwards;
 * - sni: the firewall reads the TLS SNI or HTTP Host header of each connection.
 */
export type NameMatchMethod = 'resolve' | 'dns-snoop' | 'sni';

export interface NamePattern {
  /**
   * `fqdn` is one exact name; `wildcard` is every name below `domain` (and `domain` itself if `apex`);
   * `suffix` is every name ending in `domain` as a string, label boundary or not (Azure's `*contoso.com`
   * also matches `evilcontoso.com`).
   */
  kind: 'fqdn' | 'wildcard' | 'suffix';
  /** Lower-case, without the trailing dot; for wildcards the part after `*.`. */
  domain: string;
  /** Wildcards only: whether `domain` itself matches too (vendor-specific). */
  apex: boolean;
  /** Wildcards only: `any` matches sub-domains at any depth, `one` a single label. */
  depth: 'any' | 'one';
  method: NameMatchMethod;
  /** As written in the config, for reports. */
  text: string;
  location?: SourceLocation;
}

const LABEL = /^(?!-)[a-z0-9_-]{1,63}(?<!-)$/;

/** Lower-cases a host name and drops one trailing dot. */
export function normalizeHost(name: string): string {
  const n = name.trim().toLowerCase();
  return n.endsWith('.') ? n.slice(0, -1) : n;
}

export function isValidHostName(name: string): boolean {
  const n = normalizeHost(name);
  if (n.length === 0 || n.length > 253) return false;
  const labels = n.split('.');
  return (
    labels.length >= 2 && labels.every((l) => LABEL.test(l)) && !/^\d+$/.test(labels[labels.length - 1]!)
  );
}

export function namePatternMatches(pattern: NamePattern, host: string): boolean {
  const h = normalizeHost(host);
  if (pattern.kind === 'fqdn') return h === pattern.domain;
  if (pattern.kind === 'suffix') return h.endsWith(pattern.domain);
  if (h === pattern.domain) return pattern.apex;
  if (!h.endsWith(`.${pattern.domain}`)) return false;
  const prefix = h.slice(0, h.length - pattern.domain.length - 1);
  return pattern.depth === 'any' || !prefix.includes('.');
}
