import { InputError } from '../../input/input-error.js';
import { IntervalSet } from '../../model/interval-set.js';
import { AddressSyntaxError, FAMILY_RANGE, parseIpSpec, prefixBlock, parseAddress } from '../../model/ip.js';
import { ALL_PORTS, ALL_PROTOS, andAlternatives, andCond, TRUE, type Cond, type IfSet } from './condition.js';
import { CT_STATES, ETHERTYPES, FIRST_TCP_FLAGS, numberOf, PROTOCOLS, SERVICES, TCP_FLAGS } from './names.js';
import type { InterfaceZones } from '../iptables/interface-zones.js';
import type { Match, Selector, TableDef, Value, Verdict } from './ruleset.js';

/** What a rule's matches are read against: its table, the hook's devices, the names the ruleset knows. */
export interface MatchScope {
  path: string;
  line: number;
  table: TableDef;
  /** Every interface zone: the names the ruleset spells and, with wildcards, the parts of the rest. */
  knownIfs: readonly string[];
  ifZones: InterfaceZones;
  /** At this hook the packet has no input (output, postrouting) or output (prerouting) device. */
  noIif: boolean;
  noOif: boolean;
  /** Why conntrack state can't be told (a `notrack` in the ruleset), if it can't. */
  ctUnknown?: string;
  /**
   * The state a flow's first packet has in this chain: `new`, or `invalid` in a prerouting/output chain
   * with a priority below conntrack's (-200), which runs before a connection exists.
   */
  firstState: 'new' | 'invalid';
  /** Named sets that rules add to or update at run time. */
  updatedSets: ReadonlySet<string>;
  /** Read from a listing (text or JSON), which leaves out some matches nft adds (see rule-meaning.ts). */
  listing: boolean;
  /** Most alternatives one rule may expand into. */
  limit: number;
}

type Dim =
  | { kind: 'src' | 'dst'; family: 'ipv4' | 'ipv6' }
  | {
      kind:
        | 'proto'
        | 'dport'
        | 'sport'
        | 'iif'
        | 'oif'
        | 'nfproto'
        | 'ethertype'
        | 'ctstate'
        | 'ctdir'
        | 'tcpflags';
    }
  | { kind: 'unknown'; text: string };

/** A selector's packet field and the dependency nft adds for it (`tcp dport` implies TCP, `ip` IPv4). */
interface Field {
  dim: Dim;
  dep: Cond;
}

const V4: Cond = { ...TRUE, v6: false };
const V6: Cond = { ...TRUE, v4: false };
const proto = (n: number, base: Cond = TRUE): Cond => ({ ...base, proto: IntervalSet.point(BigInt(n)) });

/** Protocol headers' implicit dependencies (nft(8), "PAYLOAD EXPRESSIONS"; `nft --debug=netlink` shows them). */
const PROTOCOL_DEPS: Record<string, Cond> = {
  ip: V4,
  ip6: V6,
  tcp: proto(6),
  udp: proto(17),
  udplite: proto(136),
  sctp: proto(132),
  dccp: proto(33),
  icmp: proto(1, V4),
  icmpv6: proto(58, V6),
  igmp: proto(2, V4),
  ah: proto(51),
  esp: proto(50),
  comp: proto(108),
  gre: proto(47),
  hbh: V6,
  frag: V6,
  dst: V6,
  mh: V6,
  srh: V6,
};

function selectorText(s: Selector): string {
  switch (s.kind) {
    case 'payload':
      return `${s.protocol} ${s.field}`;
    case 'meta':
      return `meta ${s.key}`;
    case 'ct':
      return `ct ${s.dir ? `${s.dir} ` : ''}${s.key}`;
    case 'concat':
      return s.parts.map(selectorText).join(' . ');
    case 'other':
      return s.text;
  }
}

function fieldOf(s: Selector): Field {
  const unknown = (dep: Cond = TRUE): Field => ({ dim: { kind: 'unknown', text: selectorText(s) }, dep });
  switch (s.kind) {
    case 'payload': {
      const dep = PROTOCOL_DEPS[s.protocol] ?? TRUE;
      if (s.protocol === 'ip' || s.protocol === 'ip6') {
        const family = s.protocol === 'ip' ? 'ipv4' : 'ipv6';
        if (s.field === 'saddr' || s.field === 'daddr')
          return { dim: { kind: s.field === 'saddr' ? 'src' : 'dst', family }, dep };
        if (
          (s.protocol === 'ip' && s.field === 'protocol') ||
          (s.protocol === 'ip6' && s.field === 'nexthdr')
        )
          return { dim: { kind: 'proto' }, dep };
        return unknown(dep);
      }
      if (['tcp', 'udp', 'udplite', 'sctp', 'dccp', 'th'].includes(s.protocol)) {
        if (s.field === 'dport' || s.field === 'sport') return { dim: { kind: s.field }, dep };
        if (s.protocol === 'tcp' && s.field === 'flags') return { dim: { kind: 'tcpflags' }, dep };
      }
      return unknown(dep);
    }
    case 'meta':
      switch (s.key) {
        case 'l4proto':
          return { dim: { kind: 'proto' }, dep: TRUE };
        case 'nfproto':
          return { dim: { kind: 'nfproto' }, dep: TRUE };
        case 'protocol':
          return { dim: { kind: 'ethertype' }, dep: TRUE };
        case 'iifname':
        case 'iif':
          return { dim: { kind: 'iif' }, dep: TRUE };
        case 'oifname':
        case 'oif':
          return { dim: { kind: 'oif' }, dep: TRUE };
      }
      return unknown();
    case 'ct':
      if (s.dir === undefined && s.key === 'state') return { dim: { kind: 'ctstate' }, dep: TRUE };
      if (s.dir === undefined && s.key === 'direction') return { dim: { kind: 'ctdir' }, dep: TRUE };
      if (s.dir === undefined && s.key === 'l3proto') return { dim: { kind: 'nfproto' }, dep: TRUE };
      if ((s.dir === undefined || s.dir === 'original') && s.key === 'protocol')
        return { dim: { kind: 'proto' }, dep: TRUE };
      return unknown();
    case 'other':
      return unknown(s.implies ? fieldOf(s.implies).dep : TRUE);
    case 'concat':
      return unknown();
  }
}

/** A value's elements: a set's, a named set's, or the value itself. */
interface Elements {
  elements: Value[];
  /** Why the elements may differ at run time (a dynamic set), if they may. */
  dynamic?: string;
  isSet: boolean;
}

function elementsOf(v: Value, scope: MatchScope): Elements {
  if (v.kind === 'set') return { elements: v.elements, isSet: true };
  if (v.kind !== 'ref') return { elements: [v], isSet: false };
  const set = scope.table.sets.get(v.name);
  if (!set) {
    throw new InputError(
      scope.path,
      scope.line,
      `set @${v.name} is not defined in table ${scope.table.family} ${scope.table.name}`,
    );
  }
  const dynamic =
    set.flags.includes('dynamic') || set.flags.includes('timeout') || scope.updatedSets.has(v.name)
      ? `set @${v.name} (line ${set.line}) changes at run time (${scope.updatedSets.has(v.name) ? 'rules add to it' : `flags ${set.flags.join(', ')}`}), so its members can't be known from the ruleset`
      : undefined;
  return { elements: set.elements, isSet: true, ...(dynamic ? { dynamic } : {}) };
}

function atomText(v: Value): string | undefined {
  return v.kind === 'atom' ? v.text : undefined;
}

function addressOf(v: Value, family: 'ipv4' | 'ipv6', scope: MatchScope): IntervalSet | string {
  let set: IntervalSet;
  try {
    if (v.kind === 'prefix') set = prefixBlock(family, parseAddress(v.addr).value, v.len);
    else if (v.kind === 'range') {
      const lo = atomText(v.lo);
      const hi = atomText(v.hi);
      if (lo === undefined || hi === undefined) return 'an address range of non-addresses';
      set = parseIpSpec(`${lo}-${hi}`);
    } else if (v.kind === 'atom') {
      const t = v.text.replace(/^\[(.*)\]$/, '$1');
      if (!/^[0-9a-fA-F:./-]+$/.test(t) || (!t.includes('.') && !t.includes(':')))
        return `"${v.text}" is a name nft resolved when the rules were loaded`;
      set = parseIpSpec(t);
    } else return `a ${v.kind} where an address was expected`;
  } catch (e) {
    if (!(e instanceof AddressSyntaxError)) throw e;
    throw new InputError(scope.path, scope.line, e.message);
  }
  if (!FAMILY_RANGE[family].covers(set)) {
    throw new InputError(
      scope.path,
      scope.line,
      `${family === 'ipv4' ? 'IPv6' : 'IPv4'} address ${formatValue(v)} compared with an ${family === 'ipv4' ? 'ip' : 'ip6'} address`,
    );
  }
  return set;
}

function formatValue(v: Value): string {
  switch (v.kind) {
    case 'atom':
      return v.quoted ? `"${v.text}"` : v.text;
    case 'prefix':
      return `${v.addr}/${v.len}`;
    case 'range':
      return `${formatValue(v.lo)}-${formatValue(v.hi)}`;
    case 'set':
      return `{ ${v.elements.map(formatValue).join(', ')} }`;
    case 'ref':
      return `@${v.name}`;
    case 'concat':
      return v.parts.map(formatValue).join(' . ');
    case 'flags':
      return v.items.map(formatValue).join(',');
    case 'mapping':
      return `${formatValue(v.key)} : ${formatValue(v.value)}`;
    case 'verdict':
      return v.verdict.kind;
  }
}

/** A number, a name from `names`, or a `lo-hi` range of them; a string saying why not otherwise. */
function numbersOf(v: Value, names: Record<string, number>, max: number, what: string): IntervalSet | string {
  const one = (t: string): number | string => {
    const n = numberOf(t, names);
    if (n === undefined) return `${what} "${t}" is not one this reader knows`;
    if (n > max) return `${what} ${t} is out of range`;
    return n;
  };
  let lo: number | string;
  let hi: number | string;
  if (v.kind === 'range') {
    const a = atomText(v.lo);
    const b = atomText(v.hi);
    if (a === undefined || b === undefined) return `a range of non-numbers for ${what}`;
    lo = one(a);
    hi = one(b);
  } else if (v.kind === 'atom') {
    const m = /^([^-]+)-([^-]+)$/.exec(v.text);
    if (m && !(v.text in names)) {
      lo = one(m[1]!);
      hi = one(m[2]!);
    } else lo = hi = one(v.text);
  } else return `a ${v.kind} where ${what} was expected`;
  if (typeof lo === 'string') return lo;
  if (typeof hi === 'string') return hi;
  return IntervalSet.range(BigInt(Math.min(lo, hi)), BigInt(Math.max(lo, hi)));
}

function withUnknown(base: Cond, reason: string, scope: MatchScope): Cond {
  return {
    ...base,
    unknown: [...base.unknown, { reason, location: { path: scope.path, line: scope.line } }],
  };
}

/** A numeric field restricted to `set`. */
function restrict(dim: Dim, set: IntervalSet, base: Cond): Cond {
  switch (dim.kind) {
    case 'src':
      return { ...base, src: set };
    case 'dst':
      return { ...base, dst: set };
    case 'proto':
      return { ...base, proto: set };
    case 'dport':
      return { ...base, dport: set };
    case 'sport':
      return { ...base, sport: set };
    default:
      return base;
  }
}

function domainOf(dim: Dim): IntervalSet {
  if (dim.kind === 'src' || dim.kind === 'dst') return FAMILY_RANGE[dim.family];
  return dim.kind === 'proto' ? ALL_PROTOS : ALL_PORTS;
}

/** nft compares interface names by prefix where the name ends in an unescaped `*` (nft(8), "META EXPRESSIONS"). */
function ifPattern(text: string): { name: string; wildcard: boolean } {
  if (text.endsWith('\\*')) return { name: `${text.slice(0, -2)}*`, wildcard: false };
  if (text.endsWith('*')) return { name: text.slice(0, -1), wildcard: true };
  return { name: text, wildcard: false };
}

function ifSetOf(names: readonly string[], scope: MatchScope): IfSet {
  const patterns = names.map(ifPattern);
  const zones = scope.ifZones;
  const known = new Set(
    scope.knownIfs.filter((n) =>
      patterns.some((p) => (p.wildcard ? zones.wildcardMatches(p.name, n) : n === p.name)),
    ),
  );
  // "*" matches every interface. Other wildcards are exact over the zones (interface-zones.ts), whose
  // list then holds every interface; without them, names the ruleset doesn't spell match no plain name.
  return { known, others: patterns.some((p) => p.wildcard && p.name === '') ? 'all' : 'none' };
}

function negateIf(s: IfSet, scope: MatchScope): IfSet {
  const known = new Set(scope.knownIfs.filter((n) => !s.known.has(n)));
  return { known, others: s.others === 'all' ? 'none' : 'all' };
}

function flagBits(v: Value): number | undefined {
  if (v.kind === 'flags') {
    let bits = 0;
    for (const x of v.items) {
      const b = flagBits(x);
      if (b === undefined) return undefined;
      bits |= b;
    }
    return bits;
  }
  const t = atomText(v);
  return t === undefined ? undefined : numberOf(t, TCP_FLAGS);
}

function ctStates(v: Value): string[] | undefined {
  const items = v.kind === 'flags' ? v.items : [v];
  const out: string[] = [];
  for (const x of items) {
    const t = atomText(x);
    if (t === undefined || !CT_STATES.has(t)) return undefined;
    out.push(t);
  }
  return out;
}

const NEVER: Cond[] = [];

/** A boolean outcome as alternatives: always (the dependency alone) or never. */
function truth(b: boolean, dep: Cond): Cond[] {
  return b ? [dep] : NEVER;
}

/** Compares a number with a relational operator. */
function compare(op: Match['op'], a: number, b: number): boolean {
  switch (op) {
    case '!=':
      return a !== b;
    case '<':
      return a < b;
    case '>':
      return a > b;
    case '<=':
      return a <= b;
    case '>=':
      return a >= b;
    default:
      return a === b;
  }
}

/**
 * What one match lets through, as alternatives (a union of products; empty = never): exact for the fields
 * the reader models, an unknown condition for the rest, never a silent match or no-match.
 */
export function matchAlternatives(m: Match, scope: MatchScope): Cond[] {
  if (m.selector.kind === 'concat') return concatAlternatives(m, scope);
  const { dim, dep } = fieldOf(m.selector);
  const text = `${selectorText(m.selector)}${m.op === 'implicit' ? '' : ` ${m.op}`} ${formatValue(m.value)}`;
  if (dim.kind === 'unknown' || m.otherBinop) return [withUnknown(dep, `"${text}" is not modelled`, scope)];
  if (dim.kind === 'ctstate' && scope.ctUnknown) return [withUnknown(dep, scope.ctUnknown, scope)];
  const els = elementsOf(m.value, scope);
  if (els.dynamic) return [withUnknown(dep, els.dynamic, scope)];

  switch (dim.kind) {
    case 'ctdir': {
      const names = els.elements.map(atomText);
      const hit = names.includes('original');
      return truth(m.op === '!=' ? !hit : hit, dep);
    }
    case 'ctstate': {
      if (m.mask) return [withUnknown(dep, `"${text}" is not modelled`, scope)];
      let hit: boolean;
      const first = scope.firstState;
      if (els.isSet) hit = els.elements.some((e) => ctStates(e)?.length === 1 && ctStates(e)![0] === first);
      else {
        const states = ctStates(m.value);
        if (!states)
          throw new InputError(scope.path, scope.line, `"${formatValue(m.value)}" is not a conntrack state`);
        // A bitmask compared without an operator tests for any of the bits; "==" for the exact value.
        hit =
          m.op === '==' || m.op === '!='
            ? states.length === 1 && states[0] === first
            : states.includes(first);
      }
      return truth(m.op === '!=' ? !hit : hit, dep);
    }
    case 'tcpflags': {
      const mask = m.mask ? flagBits(m.mask) : 0xff;
      if (mask === undefined) return [withUnknown(dep, `"${text}" is not modelled`, scope)];
      const packet = FIRST_TCP_FLAGS & mask;
      let hit: boolean;
      if (els.isSet) {
        const values = els.elements.map(flagBits);
        if (values.some((x) => x === undefined))
          return [withUnknown(dep, `"${text}" is not modelled`, scope)];
        hit = values.includes(packet);
        if (m.op === '!=') hit = !hit;
      } else {
        const value = flagBits(m.value);
        if (value === undefined)
          throw new InputError(scope.path, scope.line, `"${formatValue(m.value)}" is not a TCP flag`);
        // Without an operator and mask, flags are tested for any of the bits (nft's flag comparison).
        if (m.op === 'implicit' && !m.mask) hit = (FIRST_TCP_FLAGS & value) !== 0;
        else hit = compare(m.op, packet, value);
      }
      return truth(hit, dep);
    }
    case 'nfproto':
    case 'ethertype': {
      let v4 = false;
      let v6 = false;
      for (const e of els.elements) {
        const t = atomText(e);
        const f =
          dim.kind === 'ethertype'
            ? ETHERTYPES[t ?? '']
            : t === 'ipv4' || t === '2'
              ? 'ipv4'
              : t === 'ipv6' || t === '10'
                ? 'ipv6'
                : undefined;
        if (f === undefined) return [withUnknown(dep, `"${text}" is not modelled`, scope)];
        if (f === 'ipv4') v4 = true;
        if (f === 'ipv6') v6 = true;
      }
      if (m.op === '!=') [v4, v6] = [!v4, !v6];
      else if (m.op !== '==' && m.op !== 'implicit')
        return [withUnknown(dep, `"${text}" is not modelled`, scope)];
      return [{ ...dep, v4: dep.v4 && v4, v6: dep.v6 && v6 }];
    }
    case 'iif':
    case 'oif': {
      const names: string[] = [];
      for (const e of els.elements) {
        const t = atomText(e);
        if (t === undefined) return [withUnknown(dep, `"${text}" is not modelled`, scope)];
        names.push(t);
      }
      if (m.op !== '==' && m.op !== '!=' && m.op !== 'implicit')
        return [withUnknown(dep, `"${text}" is not modelled`, scope)];
      const absent = dim.kind === 'iif' ? scope.noIif : scope.noOif;
      if (absent) {
        // No device at this hook: nft compares with an empty name, which no name or prefix matches.
        return truth(m.op === '!=', dep);
      }
      let set = ifSetOf(names, scope);
      if (m.op === '!=') set = negateIf(set, scope);
      return [dim.kind === 'iif' ? { ...dep, iif: set } : { ...dep, oif: set }];
    }
    default: {
      if (m.mask) return [withUnknown(dep, `"${text}" is not modelled`, scope)];
      const parts: IntervalSet[] = [];
      for (const e of els.elements) {
        const s =
          dim.kind === 'src' || dim.kind === 'dst'
            ? addressOf(e, dim.family, scope)
            : dim.kind === 'proto'
              ? numbersOf(e, PROTOCOLS, 255, 'protocol')
              : numbersOf(e, SERVICES, 65535, 'port');
        if (typeof s === 'string') return [withUnknown(dep, `"${text}": ${s}`, scope)];
        parts.push(s);
      }
      let set = IntervalSet.unionAll(parts);
      const domain = domainOf(dim);
      if (m.op === '!=') set = domain.subtract(set);
      else if (m.op !== '==' && m.op !== 'implicit') {
        const v = set.min();
        if (els.isSet || v === undefined || set.max() !== v)
          return [withUnknown(dep, `"${text}" is not modelled`, scope)];
        const lo = domain.min()!;
        const hi = domain.max()!;
        const range =
          m.op === '<' ? [lo, v - 1n] : m.op === '<=' ? [lo, v] : m.op === '>' ? [v + 1n, hi] : [v, hi];
        set = range[0]! > range[1]! ? IntervalSet.EMPTY : IntervalSet.range(range[0]!, range[1]!);
      }
      return [restrict(dim, set, dep)];
    }
  }
}

/** `a . b OP { x . y, ... }`: one alternative per element, each a conjunction over the parts. */
function concatAlternatives(m: Match, scope: MatchScope): Cond[] {
  const parts = (m.selector as Selector & { kind: 'concat' }).parts;
  const text = `${selectorText(m.selector)} ${formatValue(m.value)}`;
  const els = elementsOf(m.value, scope);
  let depAll: Cond | undefined = TRUE;
  for (const p of parts) depAll = depAll && andCond(depAll, fieldOf(p).dep, scope.knownIfs);
  if (!depAll) return NEVER;
  if (els.dynamic) return [withUnknown(depAll, els.dynamic, scope)];
  if (m.op === '!=' || (m.op !== '==' && m.op !== 'implicit') || m.mask)
    return [withUnknown(depAll, `"${text}" (a negated or compared concatenation) is not modelled`, scope)];
  const out: Cond[] = [];
  for (const e of els.elements) {
    const values = e.kind === 'concat' ? e.parts : undefined;
    if (!values || values.length !== parts.length) {
      throw new InputError(
        scope.path,
        scope.line,
        `"${formatValue(e)}" does not have the ${parts.length} parts of ${selectorText(m.selector)}`,
      );
    }
    let alts: Cond[] | undefined = [TRUE];
    for (let k = 0; k < parts.length && alts; k++) {
      const one = matchAlternatives({ selector: parts[k]!, op: '==', value: values[k]! }, scope);
      alts = andAlternatives(alts, one, scope.knownIfs, scope.limit);
    }
    if (!alts) return [withUnknown(depAll, `"${text}" has too many combinations to model`, scope)];
    out.push(...alts);
    if (out.length > scope.limit)
      return [withUnknown(depAll, `"${text}" has too many elements to model`, scope)];
  }
  return out;
}

/** A verdict map's entries: for each key, where the selector equals it, and the verdict it maps to. */
export function vmapEntries(
  selector: Selector,
  map: Value,
  scope: MatchScope,
): { alts: Cond[]; verdict: Verdict }[] | string {
  const els = elementsOf(map, scope);
  if (els.dynamic) return els.dynamic;
  const out: { alts: Cond[]; verdict: Verdict }[] = [];
  for (const e of els.elements) {
    if (e.kind !== 'mapping' || e.value.kind !== 'verdict') {
      throw new InputError(
        scope.path,
        scope.line,
        `a verdict map element needs "KEY : VERDICT", found "${formatValue(e)}"`,
      );
    }
    out.push({
      alts: matchAlternatives({ selector, op: '==', value: e.key }, scope),
      verdict: e.value.verdict,
    });
  }
  return out;
}

export { selectorText, formatValue };
