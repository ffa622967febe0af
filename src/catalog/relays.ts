import { IntervalSet } from '../model/interval-set.js';
import { AddressSyntaxError, parseIpSpec } from '../model/ip.js';
import type { RelaySet } from './catalog-types.js';

/**
 * Parses relay addresses (address, CIDR or first-last range, either family) into one set. `fail` turns
 * the index and reason of a bad item into the error to throw (an InputError at its line, a usage error).
 */
export function parseRelays(
  texts: readonly string[],
  fail: (index: number, reason: string) => Error,
): RelaySet {
  const sets = texts.map((text, i) => {
    try {
      return parseIpSpec(text);
    } catch (e) {
      if (e instanceof AddressSyntaxError) throw fail(i, e.message);
      throw e;
    }
  });
  return { set: IntervalSet.unionAll(sets), text: texts.map((t) => t.trim()) };
}
