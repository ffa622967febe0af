import { IntervalSet } from '../../model/interval-set.js';
import { AddressSyntaxError, FAMILY_RANGE, parseIpSpec } from '../../model/ip.js';
import { PUBLIC_SPACE } from '../../model/public-space.js';
import type { Match, Ruleset, Value } from './ruleset.js';

/** The interface a source-translating rule sends traffic out of, and the rule's line. */
export interface NatEgress {
  name: string;
  line: number;
}

const EVALUATED = new Set(['ip', 'ip6', 'inet']);

/** The addresses of a value (atoms, prefixes, ranges, anonymous sets), or undefined where it isn't one. */
function addresses(v: Value): IntervalSet | undefined {
  try {
    if (v.kind === 'atom') return parseIpSpec(v.text);
    if (v.kind === 'prefix') return parseIpSpec(`${v.addr}/${v.len}`);
    if (v.kind === 'range' && v.lo.kind === 'atom' && v.hi.kind === 'atom')
      return parseIpSpec(`${v.lo.text}-${v.hi.text}`);
    if (v.kind === 'set') {
      const parts = v.elements.map(addresses);
      return parts.every((p) => p !== undefined) ? IntervalSet.unionAll(parts as IntervalSet[]) : undefined;
    }
  } catch (e) {
    if (!(e instanceof AddressSyntaxError)) throw e;
  }
  return undefined;
}

/** Plain interface names of an `oifname` value (a name or a set of names; no `*` wildcard). */
function plainNames(v: Value): string[] | undefined {
  const els = v.kind === 'set' ? v.elements : [v];
  const out: string[] = [];
  for (const e of els) {
    if (e.kind !== 'atom' || (e.text.endsWith('*') && !e.text.endsWith('\\*'))) return undefined;
    out.push(e.text.replace(/\\\*$/, '*'));
  }
  return out;
}

/** Whether a match only narrows the traffic translated (sources, protocols, ports, "not the LAN"). */
function harmless(m: Match): boolean {
  if (m.mask || m.otherBinop) return false;
  const s = m.selector;
  if (s.kind === 'meta') return s.key === 'l4proto' || s.key === 'nfproto';
  if (s.kind !== 'payload') return false;
  if (s.protocol === 'ip' || s.protocol === 'ip6') {
    if (s.field === 'saddr') return m.op === '==' || m.op === 'implicit';
    if (s.field === 'protocol' || s.field === 'nexthdr') return true;
    if (s.field !== 'daddr' || m.op !== '!=') return false;
    // "ip daddr != 10.0.0.0/8": every public address is still translated.
    const set = addresses(m.value);
    const family = s.protocol === 'ip' ? 'ipv4' : 'ipv6';
    return set !== undefined && !set.intersect(FAMILY_RANGE[family]).intersects(PUBLIC_SPACE[family]);
  }
  return ['tcp', 'udp', 'th'].includes(s.protocol) && (s.field === 'dport' || s.field === 'sport');
}

/**
 * The interfaces nat chains masquerade or snat out of on the postrouting hook: "masquerade ... the source
 * address is automagically set to the address of the output interface" (nftables wiki, "Performing Network
 * Address Translation (NAT)"; nft(8), NAT STATEMENTS), which a router does for what it sends to the
 * internet. A rule counts only where that is all it says: a rule of the base chain itself (type nat, hook
 * postrouting, table ip/ip6/inet, not dormant) whose matches are `oifname`/`oif` equal to plain names, plus
 * only source addresses, protocols, ports and `ip daddr != ` special-purpose blocks; counters, logs and
 * comments are fine. A negated or wildcard interface, a destination, any other match, or a rule reached by
 * `jump` is no evidence.
 */
export function natEgress(rs: Ruleset): NatEgress[] {
  const out: NatEgress[] = [];
  for (const t of rs.tables) {
    if (!EVALUATED.has(t.family) || t.dormant) continue;
    for (const c of t.chains.values()) {
      if (c.base?.hook !== 'postrouting' || c.base.type !== 'nat') continue;
      for (const r of c.rules) {
        const names: string[] = [];
        let ok = true;
        let translates = false;
        for (const item of r.items) {
          if (!ok || translates) break;
          if (item.kind === 'statement') continue;
          if (item.kind === 'nat') {
            translates = item.type === 'masquerade' || item.type === 'snat';
            ok = translates;
            continue;
          }
          if (item.kind !== 'match') {
            ok = false;
            continue;
          }
          const m = item.match;
          const s = m.selector;
          if (s.kind === 'meta' && (s.key === 'oifname' || s.key === 'oif')) {
            const plain = m.op === '==' || m.op === 'implicit' ? plainNames(m.value) : undefined;
            if (plain) names.push(...plain);
            else ok = false;
          } else ok = harmless(m);
        }
        if (ok && translates && names.length > 0) for (const name of names) out.push({ name, line: r.line });
      }
    }
  }
  return out;
}
