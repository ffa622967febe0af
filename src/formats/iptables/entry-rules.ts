import { ipsExpr, type AddressExpr } from '../../model/address.js';
import type { IntervalSet } from '../../model/interval-set.js';
import type { SourceLocation, UnknownPart } from '../../model/location.js';
import type { Action, Rule } from '../../model/policy.js';
import { ANY_SERVICE, unionServiceExprs, type PortRange, type ServiceExpr } from '../../model/service.js';
import type { Entry, RuleAt } from './flatten.js';
import { ALL_PORTS, ALL_PROTOCOLS, full, type Match } from './match.js';

/** Where an entry's chain sits, for names and locations of its rules. */
export interface EntryPlace {
  path: string;
  table: string;
  /** The built-in chain the entry was flattened from. */
  chain: string;
  /** Its policy word and the line declaring it (or the table's line where the save doesn't declare it). */
  policyWord: string;
  policyLine: number;
}

const ranges = (s: IntervalSet): PortRange[] =>
  [...s.ranges()].map(([lo, hi]) => [Number(lo), Number(hi)] as const);

/** The services a match allows: tcp and udp ports exactly, other protocols by number. */
export function servicesOf(m: Pick<Match, 'proto' | 'dport' | 'sport'>): ServiceExpr {
  const allPorts = full(m.dport, ALL_PORTS) && full(m.sport, ALL_PORTS);
  if (full(m.proto, ALL_PROTOCOLS) && allPorts) return ANY_SERVICE;
  const members: ServiceExpr[] = [];
  for (const [protocol, n] of [
    ['tcp', 6n],
    ['udp', 17n],
  ] as const) {
    if (!m.proto.has(n)) continue;
    members.push({
      kind: 'ports',
      protocol,
      ports: ranges(m.dport),
      ...(full(m.sport, ALL_PORTS) ? {} : { sourcePorts: ranges(m.sport) }),
    });
  }
  // Other protocols never carry a RemoteSpark flow; a few are kept so reports show them.
  let shown = 0;
  for (const [lo, hi] of m.proto.ranges()) {
    for (let p = lo; p <= hi && shown < 8; p++) {
      if (p === 6n || p === 17n) continue;
      members.push({ kind: 'protocol', number: Number(p) });
      shown++;
    }
  }
  return unionServiceExprs(members);
}

/**
 * Parts many rules share, made once: one address expression per address set, one service per
 * protocol-and-ports combination (the rules' sets are shared objects, see rule-args.ts), one section
 * name per path of jumps. Shared parts also let the evaluator's per-object caches work across rules.
 */
export class EntryShapes {
  private readonly addresses = new Map<IntervalSet, AddressExpr>();
  private readonly services = new Map<IntervalSet, Map<IntervalSet, Map<IntervalSet, ServiceExpr>>>();
  private readonly sections = new Map<readonly RuleAt[], { section: string; keyPrefix: string }>();

  address(set: IntervalSet): AddressExpr {
    let a = this.addresses.get(set);
    if (!a) this.addresses.set(set, (a = ipsExpr(set)));
    return a;
  }

  service(m: Match): ServiceExpr {
    let byDport = this.services.get(m.proto);
    if (!byDport) this.services.set(m.proto, (byDport = new Map()));
    let bySport = byDport.get(m.dport);
    if (!bySport) byDport.set(m.dport, (bySport = new Map()));
    let s = bySport.get(m.sport);
    if (!s) bySport.set(m.sport, (s = servicesOf(m)));
    return s;
  }

  /** The section of rules reached by `via` (the jumps from the built-in chain), and their keys' start. */
  section(place: EntryPlace, via: readonly RuleAt[]): { section: string; keyPrefix: string } {
    let s = this.sections.get(via);
    if (!s) {
      const names = via.map((v) => `${v.chain} rule ${v.index}`);
      s = {
        section: `${place.table} ${place.chain}${names.length ? ` via ${names.join(', ')}` : ''}`,
        keyPrefix: `${place.table}|${place.chain}|${names.join('>')}|`,
      };
      this.sections.set(via, s);
    }
    return s;
  }
}

/**
 * The model's rules for one flattened entry: its interfaces as zones, and an `unknown` target (DNAT, NFQUEUE ...) as a possible deny followed by a possible accept, so that
 * whatever comes after it can't be told.
 */
export function entryRules(e: Entry, place: EntryPlace, shapes: EntryShapes = new EntryShapes()): Rule[] {
  const m = e.match;
  const location: SourceLocation = { path: place.path, line: e.at?.rule.line ?? place.policyLine };
  // Rules of the filter table are named by chain alone; others say their table (mangle FORWARD rule 1).
  const table = place.table === 'filter' ? '' : `${place.table} `;
  const name = e.at
    ? `${table}${e.at.chain} rule ${e.at.index}`
    : `${table}${place.chain} policy ${place.policyWord}`;
  const { section, keyPrefix } = shapes.section(place, e.via);
  // A rule's text (without counters) names it across revisions of the save.
  const key = e.at ? `${keyPrefix}${e.at.chain}|${e.at.rule.text}` : `${keyPrefix}policy`;
  const services = shapes.service(m);
  const sources = shapes.address(m.src);
  const destinations = shapes.address(m.dst);
  const actions: { action: Action; extra?: UnknownPart }[] =
    e.action === 'unknown'
      ? (['deny', 'allow'] as const).map((action) => ({
          action,
          extra: {
            reason:
              e.parsed?.target.kind === 'unknown'
                ? `${e.parsed.target.reason} (line ${location.line})`
                : `the policy of ${place.chain} is not in the save`,
            location,
          },
        }))
      : [{ action: e.action }];
  const vendorAction = e.at ? e.parsed?.targetWord || 'ACCEPT' : `policy ${place.policyWord}`;
  const out: Rule[] = [];
  for (const a of actions) {
    const conditions = a.extra ? [...m.unknowns, a.extra] : m.unknowns;
    out.push({
      name,
      key,
      enabled: true,
      action: a.action,
      vendorAction,
      sourceZones: m.sz,
      destinationZones: m.dz,
      sources,
      destinations,
      services,
      ...(conditions.length ? { conditions } : {}),
      location,
      section,
    });
  }
  return out;
}
