import { prefixOfZone } from '../iptables/interface-zones.js';
import type { IntervalSet } from '../../model/interval-set.js';
import { FAMILY_RANGE, formatAddress, type Family } from '../../model/ip.js';
import type { FixRequest } from '../../remediate/types.js';
import type { Family as TableFamily } from './ruleset.js';

/** Where the new rule goes decides which interfaces it can name (no input device at output/postrouting). */
export interface FixPlace {
  family: TableFamily;
  hook: string;
  router: boolean;
}

/** An nft double-quoted string: nft has no escapes in them, so a name with `"`, `\` or a line break can't be one. */
export function nftString(text: string): string | undefined {
  return /["\\\r\n]/.test(text) ? undefined : `"${text}"`;
}

/**
 * An interface zone as an `iifname`/`oifname` value: the zone of unnamed interfaces starting with P is the
 * wildcard "P*" (interface-zones.ts); a name that itself ends in `*` is written "name\*", as nft reads a
 * literal asterisk there and lists it (nft(8), "META EXPRESSIONS"; shown with nft 1.0.6).
 */
export function ifnameString(zone: string): string | undefined {
  const prefix = prefixOfZone(zone);
  if (prefix !== undefined) return nftString(`${prefix}*`);
  if (!zone.endsWith('*')) return nftString(zone);
  const head = nftString(zone.slice(0, -1));
  return head === undefined ? undefined : `${head.slice(0, -1)}\\*"`;
}

/** Table and chain names go unquoted in nft commands; only plain identifiers can be typed there. */
export function plainName(text: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_.-]*$/.test(text);
}

function prefixes(lo: bigint, hi: bigint, bits: number, base: bigint): string[] {
  const out: string[] = [];
  let start = lo;
  while (start <= hi) {
    let size = 0;
    while (size < bits) {
      const next = size + 1;
      const block = 1n << BigInt(next);
      if ((start - base) % block !== 0n || start + block - 1n > hi) break;
      size = next;
    }
    out.push(size === 0 ? formatAddress(start) : `${formatAddress(start)}/${bits - size}`);
    start += 1n << BigInt(size);
  }
  return out;
}

/** A set of one family as nft elements: prefixes, or a `first-last` range where a range splits into many. */
function elements(set: IntervalSet, family: Family): string[] {
  const bits = family === 'ipv4' ? 32 : 128;
  const base = FAMILY_RANGE[family].min()!;
  const out: string[] = [];
  for (const [lo, hi] of set.intersect(FAMILY_RANGE[family]).ranges()) {
    const p = prefixes(lo, hi, bits, base);
    out.push(...(p.length <= 4 ? p : [`${formatAddress(lo)}-${formatAddress(hi)}`]));
  }
  return out;
}

const list = (items: readonly string[]) => (items.length === 1 ? items[0]! : `{ ${items.join(', ')} }`);

/** `tcp dport 443`, `meta l4proto { tcp, udp } th dport { ... }` or a concatenation where ports differ. */
function serviceText(services: FixRequest['group']['services']): string {
  const tcp = services.filter((s) => s.protocol === 'tcp').map((s) => String(s.port));
  const udp = services.filter((s) => s.protocol === 'udp').map((s) => String(s.port));
  if (udp.length === 0) return `tcp dport ${list(tcp)}`;
  if (tcp.length === 0) return `udp dport ${list(udp)}`;
  if (tcp.join() === udp.join()) return `meta l4proto { tcp, udp } th dport ${list(tcp)}`;
  return `meta l4proto . th dport { ${services.map((s) => `${s.protocol} . ${s.port}`).join(', ')} }`;
}

/**
 * The new rule's statements, one rule per address family the clients (and relays) have: an `ip saddr` rule
 * never matches IPv6, so an inet table with clients of both families gets two. nft matches no host names
 * (a name in a rule is resolved once, when it is loaded), so flows to names are allowed to any address.
 */
export function fixRuleBodies(req: FixRequest, place: FixPlace, name: string): string[] | string {
  const g = req.group;
  const parts: string[] = [];
  const useIif = place.router && place.hook !== 'postrouting' && place.hook !== 'output';
  const useOif = place.hook !== 'prerouting';
  for (const [zones, word, ok] of [
    [req.sourceZones, 'iifname', useIif],
    [req.destinationZones, 'oifname', useOif],
  ] as const) {
    if (!zones?.length || !ok) continue;
    const quoted = zones.map(ifnameString);
    if (quoted.some((q) => q === undefined))
      return `interface ${zones.join(', ')} can't be written as an nft string`;
    parts.push(`${word} ${list(quoted as string[])}`);
  }
  const families: Family[] =
    place.family === 'ip' ? ['ipv4'] : place.family === 'ip6' ? ['ipv6'] : ['ipv4', 'ipv6'];
  const bodies: string[] = [];
  const service = serviceText(g.services);
  for (const family of families) {
    const word = family === 'ipv4' ? 'ip' : 'ip6';
    const matches = [...parts];
    if (req.sources) {
      const src = elements(req.sources.set, family);
      if (src.length === 0) continue;
      matches.push(`${word} saddr ${list(src)}`);
    }
    if (g.anyDestination && g.relays) {
      const dst = elements(g.relays.set, family);
      if (dst.length === 0) continue;
      matches.push(`${word} daddr ${list(dst)}`);
    }
    // Without addresses in the rule, one rule covers both families of an inet table.
    const familyFree = !req.sources && !(g.anyDestination && g.relays);
    bodies.push([...matches, service, `accept comment "${name}"`].join(' '));
    if (familyFree) break;
  }
  if (bodies.length === 0)
    return 'the clients and the relay addresses have no address family in common with this table';
  return bodies;
}
