import { UsageError } from '../check/usage-error.js';
import { AddressSyntaxError, parseIpSpec } from '../model/ip.js';

/** Looks like an address, CIDR or range (digits with dots, colons, a slash, a dash, brackets). */
const ADDRESS_LIKE = /^[0-9a-fA-F:.[\]/-]+$/;

/**
 * The `source` setting holds client CIDRs and zone names together. An item that looks like an address is
 * one (and a malformed one is an error, never silently a zone); `zone:NAME` forces a zone; anything else
 * is a zone or interface name.
 */
export function splitSources(items: readonly string[]): { sources: string[]; zones: string[] } {
  const sources: string[] = [];
  const zones: string[] = [];
  for (const item of items) {
    if (item.toLowerCase().startsWith('zone:')) {
      const zone = item.slice(5).trim();
      if (!zone) throw new UsageError(`setting "source": "${item}" names no zone`);
      zones.push(zone);
    } else if (ADDRESS_LIKE.test(item) && /[0-9]/.test(item) && /[.:]/.test(item)) {
      try {
        parseIpSpec(item);
      } catch (e) {
        if (e instanceof AddressSyntaxError) {
          throw new UsageError(`setting "source": "${item}": ${e.message} (write zone:${item} for a zone)`);
        }
        throw e;
      }
      sources.push(item);
    } else zones.push(item);
  }
  return { sources, zones };
}
