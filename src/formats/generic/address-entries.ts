import { ANY_ADDRESS, ipsExpr, type AddressExpr } from '../../model/address.js';
import type { IntervalSet } from '../../model/interval-set.js';
import { AddressSyntaxError, parseIpSpec } from '../../model/ip.js';
import { isValidHostName, normalizeHost, type NamePattern } from '../../model/names.js';
import { EntryError, GROUP_NAME } from './entry-error.js';

/** One address entry, parsed: every entry that isn't a group name is one of these. */
export type AddressLeaf =
  | { kind: 'any'; expr: AddressExpr }
  | { kind: 'ips'; set: IntervalSet; expr: AddressExpr }
  /** A host name or wildcard; the reader adds the match method and location. */
  | { kind: 'name'; pattern: Omit<NamePattern, 'method' | 'location'> };

const ANY_LEAF: AddressLeaf = { kind: 'any', expr: ANY_ADDRESS };

export const ADDRESS_FORMS =
  'any, an IP address, a CIDR (10.0.0.0/8), a first-last range (10.0.0.1-10.0.0.9), a host name, a *.domain wildcard or an address group name';

/** Text that can only be meant as an address: digits, dots, dashes and slashes, or IPv6 colons. */
function looksNumeric(text: string): boolean {
  return /^[0-9./-]+$/.test(text) || text.includes(':') || text.includes('/');
}

/**
 * Parses one address entry (not a group name; the caller looks those up first). Throws EntryError with
 * what was expected.
 */
export function parseAddressEntry(raw: string): AddressLeaf {
  const text = raw.trim();
  if (text === '') throw new EntryError(`empty address entry; expected ${ADDRESS_FORMS}`);
  if (text.toLowerCase() === 'any') return ANY_LEAF;
  if (text.startsWith('*.')) {
    const domain = normalizeHost(text.slice(2));
    if (domain.includes('*') || !isValidHostName(`x.${domain}`)) {
      throw new EntryError(
        `"${text}" is not a valid wildcard; expected *. followed by a domain, e.g. *.example.com`,
      );
    }
    return { kind: 'name', pattern: { kind: 'wildcard', domain, apex: false, depth: 'any', text } };
  }
  if (text.includes('*')) {
    throw new EntryError(`"${text}": a wildcard must be "*." followed by a domain, e.g. *.example.com`);
  }
  if (looksNumeric(text)) {
    try {
      const set = parseIpSpec(text);
      return { kind: 'ips', set, expr: ipsExpr(set) };
    } catch (e) {
      if (!(e instanceof AddressSyntaxError)) throw e;
      throw new EntryError(
        `bad address "${text}": ${e.message}; expected an IP address, a CIDR (10.0.0.0/8) or a first-last range (10.0.0.1-10.0.0.9)`,
      );
    }
  }
  if (isValidHostName(text)) {
    return {
      kind: 'name',
      pattern: { kind: 'fqdn', domain: normalizeHost(text), apex: false, depth: 'any', text },
    };
  }
  if (GROUP_NAME.test(text))
    throw new EntryError(`undefined address group "${text}"; define it under "addresses"`);
  throw new EntryError(`"${text}" is not an address entry; expected ${ADDRESS_FORMS}`);
}
