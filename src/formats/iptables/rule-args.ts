import { InputError } from '../../input/input-error.js';
import { IntervalSet } from '../../model/interval-set.js';
import {
  AddressSyntaxError,
  FAMILY_RANGE,
  maskedAddressSet,
  parseAddress,
  parseCidr,
  parseRange,
  type Family,
} from '../../model/ip.js';
import type { UnknownPart } from '../../model/location.js';
import { isValidHostName } from '../../model/names.js';
import { ZoneSet } from '../../model/zone-set.js';
import type { InterfaceZones } from './interface-zones.js';
import { setMembers, type IpSet } from './ipsets.js';
import { ALL_PORTS, ALL_PROTOCOLS, full, MATCH_ALL, restrict, type Match } from './match.js';
import type { SaveRule } from './save-file.js';

/** What reading a rule depends on besides its own words. */
export interface RuleContext {
  path: string;
  family: Family;
  /** The OUTPUT path: packets are locally generated and have no input interface. */
  host: boolean;
  /** The interfaces as zones: the names the input spells and, with wildcards, the parts of the rest. */
  interfaces: InterfaceZones;
  sets: ReadonlyMap<string, IpSet>;
  /** Sets a `-j SET` rule adds to or deletes from: their members change at run time. */
  dynamicSets: ReadonlySet<string>;
  /** Whether the raw table may mark the first packet untracked (NOTRACK / CT --notrack). */
  mayBeUntracked: boolean;
  /** The table's chains (jump targets) and its name. */
  table: string;
  chains: ReadonlySet<string>;
  /** Values already read, by their text: one shared set per distinct address, port list or interface. */
  cache: ParseCache;
}

/** What a save's rules repeat, read once (a cache for one save: its family and interfaces are fixed). */
export interface ParseCache {
  addresses: Map<string, IntervalSet | string>;
  /** Port specs by text: single, list, negated single, negated list. */
  ports: Map<string, IntervalSet>[];
  protocols: Map<string, IntervalSet>;
  interfaces: Map<string, ZoneSet>;
}

export function newParseCache(): ParseCache {
  return {
    addresses: new Map(),
    ports: [new Map(), new Map(), new Map(), new Map()],
    protocols: new Map(),
    interfaces: new Map(),
  };
}

export type Target =
  | { kind: 'accept' }
  | { kind: 'drop' }
  | { kind: 'return' }
  | { kind: 'jump'; chain: string }
  | { kind: 'goto'; chain: string }
  | { kind: 'continue' }
  | { kind: 'unknown'; reason: string };

export interface ParsedRule {
  /** What the rule matches, as a union of products; empty: it never matches a flow's first packet. */
  matches: Match[];
  target: Target;
  /** The target as written (ACCEPT, REJECT, a chain), for reports. */
  targetWord: string;
  comment?: string;
}

interface Option {
  name: string;
  neg: boolean;
  values: string[];
}

/** Targets that don't end the chain and don't change what later rules see of a flow's first packet. */
const NON_TERMINATING = new Set([
  'LOG',
  'NFLOG',
  'ULOG',
  'MARK',
  'CONNMARK',
  'TOS',
  'DSCP',
  'TTL',
  'HL',
  'TCPMSS',
  'CLASSIFY',
  'SECMARK',
  'CONNSECMARK',
  'CHECKSUM',
  'TRACE',
  'AUDIT',
  'IDLETIMER',
  'LED',
  'RATEEST',
  'TEE',
  'NOTRACK',
  'CT',
  'ECN',
  'TCPOPTSTRIP',
  'HMARK',
  'SET',
]);

/** Options each modelled match module owns (iptables-extensions(8)). */
const MODULE_OPTIONS: Record<string, readonly string[]> = {
  tcp: ['--dport', '--destination-port', '--sport', '--source-port', '--tcp-flags', '--syn', '--tcp-option'],
  udp: ['--dport', '--destination-port', '--sport', '--source-port'],
  multiport: ['--dports', '--destination-ports', '--sports', '--source-ports', '--ports'],
  conntrack: [
    '--ctstate',
    '--ctproto',
    '--ctorigsrc',
    '--ctorigdst',
    '--ctreplsrc',
    '--ctrepldst',
    '--ctorigsrcport',
    '--ctorigdstport',
    '--ctreplsrcport',
    '--ctrepldstport',
    '--ctstatus',
    '--ctexpire',
    '--ctdir',
  ],
  state: ['--state'],
  set: [
    '--match-set',
    '--set',
    '--return-nomatch',
    '--update-counters',
    '--update-subcounters',
    '--packets-eq',
    '--packets-lt',
    '--packets-gt',
    '--bytes-eq',
    '--bytes-lt',
    '--bytes-gt',
  ],
  iprange: ['--src-range', '--dst-range'],
  comment: ['--comment'],
  addrtype: ['--src-type', '--dst-type', '--limit-iface-in', '--limit-iface-out'],
  icmp: ['--icmp-type'],
  icmp6: ['--icmpv6-type'],
};

/** IP protocol names iptables knows (its own table and /etc/protocols' common entries). */
const PROTOCOLS: Record<string, number> = {
  all: 0,
  tcp: 6,
  udp: 17,
  udplite: 136,
  icmp: 1,
  icmpv6: 58,
  'ipv6-icmp': 58,
  esp: 50,
  ah: 51,
  sctp: 132,
  mh: 135,
  'ipv6-mh': 135,
  gre: 47,
  igmp: 2,
  dccp: 33,
  ipip: 4,
  ipencap: 4,
  ospf: 89,
  vrrp: 112,
  pim: 103,
};

/** Services iptables-restore may meet by name (getservbyname); iptables-save prints numbers. */
const SERVICES: Record<string, number> = {
  ftp: 21,
  ssh: 22,
  telnet: 23,
  smtp: 25,
  domain: 53,
  http: 80,
  www: 80,
  pop3: 110,
  ntp: 123,
  imap: 143,
  snmp: 161,
  https: 443,
  submission: 587,
  imaps: 993,
  pop3s: 995,
  openvpn: 1194,
  sip: 5060,
};

const PORT_PROTOCOLS = IntervalSet.fromRanges([
  [6n, 6n],
  [17n, 17n],
  [33n, 33n],
  [132n, 132n],
  [136n, 136n],
]);

/** Reads one rule's words into what it matches and its target. Throws InputError naming the line. */
export function parseRule(rule: SaveRule, ctx: RuleContext): ParsedRule {
  const err = (m: string) => new InputError(ctx.path, rule.line, m);
  const options = groupOptions(rule, err);
  let products: Match[] = [MATCH_ALL];
  const and = (piece: Partial<Match>) => {
    products = products.map((p) => restrict(p, piece));
  };
  const never = () => {
    products = [];
  };
  const unknown = (reason: string) =>
    and({
      unknowns: [{ reason: `${reason} (line ${rule.line})`, location: { path: ctx.path, line: rule.line } }],
    });
  const decide = (result: boolean | 'unknown', neg: boolean, reason: string) => {
    if (result === 'unknown') unknown(reason);
    else if (result === neg) never();
  };
  const loaded: string[] = [];
  let target: Target = { kind: 'continue' };
  let targetWord = '';
  let inTarget = false;
  let comment: string | undefined;
  let proto: string | undefined;

  const one = (o: Option): string => {
    if (o.values.length !== 1) throw err(`${o.name} takes one value, found ${o.values.length}`);
    return o.values[0]!;
  };

  let invertedPorts: Map<string, { sport?: IntervalSet; dport?: IntervalSet }> | undefined;
  for (const o of options) {
    switch (o.name) {
      case '-s':
      case '--source':
      case '--src':
      case '-d':
      case '--destination':
      case '--dst': {
        const text = one(o);
        let set = ctx.cache.addresses.get(text);
        if (set === undefined) {
          set = addressList(text, ctx, err);
          ctx.cache.addresses.set(text, set);
        }
        const side = o.name.startsWith('-s') || o.name.startsWith('--s') ? 'src' : 'dst';
        if (typeof set === 'string') unknown(set);
        else {
          const sideSet = o.neg ? FAMILY_RANGE[ctx.family].subtract(set) : set;
          and(side === 'src' ? { src: sideSet } : { dst: sideSet });
        }
        continue;
      }
      case '-p':
      case '--protocol': {
        proto = one(o).toLowerCase();
        const n = /^\d+$/.test(proto) ? Number(proto) : PROTOCOLS[proto];
        if (n === undefined || n > 255) {
          unknown(`protocol "${one(o)}"`);
          continue;
        }
        const key = `${o.neg ? '!' : ''}${n}`;
        let set = ctx.cache.protocols.get(key);
        if (!set) {
          const one = n === 0 ? ALL_PROTOCOLS : IntervalSet.point(BigInt(n));
          ctx.cache.protocols.set(key, (set = o.neg ? ALL_PROTOCOLS.subtract(one) : one));
        }
        and({ proto: set });
        continue;
      }
      case '-i':
      case '--in-interface':
      case '-o':
      case '--out-interface': {
        const name = one(o);
        if (!/^[^\s/]{1,15}$/.test(name))
          throw err(`"${name}" is not an interface name (at most 15 characters)`);
        const input = o.name === '-i' || o.name === '--in-interface';
        // Loopback carries only the machine's own local traffic, never a flow to a public address.
        if (name === 'lo') {
          decide(false, o.neg, '');
          continue;
        }
        if (input && ctx.host) {
          // Locally generated packets have no input interface: only "+" matches an empty name.
          decide(name === '+', o.neg, '');
          continue;
        }
        let z = ctx.cache.interfaces.get(name);
        if (z === undefined) {
          z = interfaceMatch(name, ctx.interfaces);
          ctx.cache.interfaces.set(name, z);
        }
        const zones = o.neg ? z.negate() : z;
        and(input ? { sz: zones } : { dz: zones });
        continue;
      }
      case '-f':
      case '--fragment':
        unknown(`${o.neg ? '! ' : ''}-f (fragments)`);
        continue;
      case '-m':
      case '--match':
        loaded.push(one(o));
        if (!MODULE_OPTIONS[one(o)]) unknown(`match -m ${one(o)}, which this reader doesn't model`);
        continue;
      case '-j':
      case '--jump':
      case '-g':
      case '--goto': {
        targetWord = one(o);
        inTarget = true;
        target = targetOf(targetWord, o.name === '-g' || o.name === '--goto', ctx, err);
        continue;
      }
      case '-c':
      case '--set-counters':
        continue;
    }
    if (!o.name.startsWith('--')) throw err(`unknown option "${o.name}"`);
    if (inTarget) continue;
    const owner = ownerOf(o.name, loaded, proto);
    if (owner === undefined) throw err(`option ${o.name} belongs to no match loaded before it (-m ...)`);
    if (!MODULE_OPTIONS[owner]) continue; // an unknown module: already an unknown part
    if ((owner === 'tcp' || owner === 'udp') && o.neg && isPortOption(o.name) && o.values.length === 1) {
      const side = o.name === '--sport' || o.name === '--source-port' ? 'sport' : 'dport';
      invertedPorts ??= new Map();
      const seen = invertedPorts.get(owner) ?? {};
      seen[side] = portSpec(o.values[0]!, err);
      invertedPorts.set(owner, seen);
    }
    const r = moduleOption(owner, o, ctx, err, unknown);
    if (r === 'comment') comment = o.values.join(' ');
    else if (r === 'never') never();
    else if (Array.isArray(r)) products = products.flatMap((p) => r.map((q) => restrict(p, q)));
    else if (r) and(r);
  }
  for (const [owner, { sport, dport }] of invertedPorts ?? []) {
    if (!sport || !dport) continue;
    // iptables-nft (the nf_tables backend; Debian 12's 1.8.9) compares one match's two inverted ports as
    // one pair, so the kernel matches when either port differs; iptables-extensions(8) and iptables-legacy
    // match only when both do (seen on the kernel by test/kernel). A save doesn't say reliably which
    // backend loads it: where only one port differs, the rule may or may not match.
    const part: UnknownPart = {
      reason: `${owner}: "! --sport" with "! --dport" in one match, which iptables-nft and iptables-legacy match differently (line ${rule.line})`,
      location: { path: ctx.path, line: rule.line },
    };
    products = products.flatMap((p) => [
      p,
      { ...p, sport, unknowns: [...p.unknowns, part] },
      { ...p, dport, unknowns: [...p.unknowns, part] },
    ]);
  }
  for (const p of products) {
    const ports = !full(p.dport, ALL_PORTS) || !full(p.sport, ALL_PORTS);
    if (ports && !p.proto.subtract(PORT_PROTOCOLS).isEmpty())
      throw err('a port match needs -p tcp, udp, sctp, dccp or udplite');
  }
  return { matches: products, target, targetWord, ...(comment !== undefined ? { comment } : {}) };
}

function isPortOption(name: string): boolean {
  return ['--sport', '--source-port', '--dport', '--destination-port'].includes(name);
}

function groupOptions(rule: SaveRule, err: (m: string) => InputError): Option[] {
  const args = rule.words;
  const quoted = rule.quoted;
  const out: Option[] = [];
  const isOption = (i: number) => {
    if (i >= args.length || quoted?.[i]) return false;
    const w = args[i]!;
    if (w.charCodeAt(0) !== 45 /* - */) return false;
    const c = w.charCodeAt(1);
    return !(c >= 48 && c <= 57);
  };
  const isBang = (i: number) => i < args.length && !quoted?.[i] && args[i] === '!';
  let i = 0;
  let neg = false;
  while (i < args.length) {
    if (isBang(i)) {
      if (neg) throw err('"!" twice in a row');
      neg = true;
      i++;
      continue;
    }
    if (!isOption(i)) throw err(`unexpected word "${args[i]!}"; expected an option such as -s, -p or -j`);
    const name = args[i]!;
    i++;
    // The old form "-s ! ADDRESS".
    if (isBang(i) && i + 1 < args.length && !isOption(i + 1)) {
      neg = true;
      i++;
    }
    const values: string[] = [];
    while (i < args.length && !isOption(i) && !isBang(i)) values.push(args[i++]!);
    out.push({ name, neg, values });
    neg = false;
  }
  if (neg) throw err('"!" at the end of the rule negates nothing');
  return out;
}

/** The loaded module owning an option (the last loaded that knows it), or the protocol's implicit one. */
function ownerOf(name: string, loaded: readonly string[], proto: string | undefined): string | undefined {
  for (let k = loaded.length - 1; k >= 0; k--) {
    const m = loaded[k]!;
    if (MODULE_OPTIONS[m]?.includes(name)) return m;
  }
  // An unknown module may own it: it is already an unknown part of the rule.
  const unknownModule = loaded.find((m) => !MODULE_OPTIONS[m]);
  if (unknownModule) return unknownModule;
  const implicit = proto === 'ipv6-icmp' || proto === 'icmpv6' ? 'icmp6' : proto;
  if (implicit && MODULE_OPTIONS[implicit]?.includes(name)) return implicit;
  return undefined;
}

type OptionResult = Partial<Match> | Partial<Match>[] | 'never' | 'comment' | undefined;

function moduleOption(
  module: string,
  o: Option,
  ctx: RuleContext,
  err: (m: string) => InputError,
  unknown: (reason: string) => void,
): OptionResult {
  const v = o.values;
  // The option as written, for reasons (made only where one is given).
  const text = () => `${o.neg ? '! ' : ''}${o.name} ${v.join(' ')}`.trim();
  const bool = (result: boolean | 'unknown', why: () => string): OptionResult => {
    if (result === 'unknown') {
      unknown(why());
      return undefined;
    }
    return result === o.neg ? 'never' : undefined;
  };
  switch (o.name) {
    case '--dport':
    case '--destination-port':
    case '--sport':
    case '--source-port': {
      if (v.length !== 1) throw err(`${o.name} takes one port or range`);
      const ports = portsOf(v[0]!, o.neg, undefined, ctx.cache, err);
      return o.name === '--dport' || o.name === '--destination-port' ? { dport: ports } : { sport: ports };
    }
    case '--dports':
    case '--destination-ports':
    case '--sports':
    case '--source-ports':
    case '--ports': {
      if (v.length !== 1) throw err(`${o.name} takes one comma-separated list`);
      const set = portsOf(v[0]!, false, o.name, ctx.cache, err);
      const not = o.neg || o.name === '--ports' ? portsOf(v[0]!, true, o.name, ctx.cache, err) : set;
      if (o.name === '--ports') {
        // Source or destination port in the list: two disjoint products; negated, neither is.
        return o.neg ? { dport: not, sport: not } : [{ dport: set }, { dport: not, sport: set }];
      }
      const ports = o.neg ? not : set;
      return o.name.includes('sport') || o.name.includes('source') ? { sport: ports } : { dport: ports };
    }
    case '--syn':
      return bool(true, text);
    case '--tcp-flags': {
      if (v.length !== 2) throw err('--tcp-flags takes a mask and the flags that must be set');
      const mask = tcpFlags(v[0]!, err);
      const comp = tcpFlags(v[1]!, err);
      // A flow's first packet is a SYN; a client asking for ECN also sets ECE and CWR on it (RFC 3168).
      if (mask.has('ECE') || mask.has('CWR'))
        return bool('unknown', () => `${text()}: the SYN may carry ECE and CWR`);
      // Matches when the flags under the mask are exactly those listed (iptables-extensions(8), tcp).
      return bool(
        [...mask].every((f) => (f === 'SYN') === comp.has(f)),
        text,
      );
    }
    case '--ctstate':
    case '--state':
      if (v.length !== 1) throw err(`${o.name} takes one comma-separated list of states`);
      return bool(
        firstPacketState(v[0]!, ctx, err, o.name === '--state'),
        () => `${text()}: the raw table may leave the flow untracked`,
      );
    case '--match-set':
    case '--set': {
      if (v.length !== 2) throw err(`${o.name} takes a set name and its flags (src, dst)`);
      const [name, flags] = v as [string, string];
      // hash:ip, hash:net and bitmap:ip have one dimension: only the first flag applies (ipset(8)).
      const first = flags.split(',')[0];
      if (first !== 'src' && first !== 'dst') throw err(`"${flags}" is not a list of src/dst flags`);
      const members = ctx.dynamicSets.has(name)
        ? `ipset ${name} is changed by a -j SET rule at run time`
        : setMembers(ctx.sets, name);
      if (typeof members === 'string') {
        unknown(`${text()}: ${members}`);
        return undefined;
      }
      const set = members.intersect(FAMILY_RANGE[ctx.family]);
      const side = o.neg ? FAMILY_RANGE[ctx.family].subtract(set) : set;
      return first === 'src' ? { src: side } : { dst: side };
    }
    case '--src-range':
    case '--dst-range': {
      if (v.length !== 1) throw err(`${o.name} takes one range FROM-TO`);
      let set: IntervalSet;
      try {
        set = parseRange(v[0]!);
      } catch (e) {
        if (e instanceof AddressSyntaxError) throw err(`bad range "${v[0]}": ${e.message}`);
        throw e;
      }
      if (!set.intersect(FAMILY_RANGE[ctx.family]).equals(set))
        throw err(`range "${v[0]}" is not ${ctx.family}`);
      const side = o.neg ? FAMILY_RANGE[ctx.family].subtract(set) : set;
      return o.name === '--src-range' ? { src: side } : { dst: side };
    }
    case '--comment':
      if (v.length !== 1) throw err('--comment takes one (quoted) text');
      return 'comment';
    case '--src-type':
    case '--dst-type': {
      if (v.length !== 1) throw err(`${o.name} takes one comma-separated list of address types`);
      // A public destination is UNICAST; a client's source is UNICAST on a router and LOCAL on the host.
      const actual = o.name === '--dst-type' ? 'UNICAST' : ctx.host ? 'LOCAL' : 'UNICAST';
      const types = v[0]!.toUpperCase().split(',');
      const decided = ['UNICAST', 'LOCAL', 'BROADCAST', 'MULTICAST'];
      if (types.includes(actual)) return bool(true, text);
      return bool(types.every((t) => decided.includes(t)) ? false : 'unknown', () => `-m addrtype ${text()}`);
    }
  }
  unknown(`-m ${module} ${text()}`);
  return undefined;
}

function tcpFlags(text: string, err: (m: string) => InputError): Set<string> {
  const all = ['SYN', 'ACK', 'FIN', 'RST', 'URG', 'PSH', 'ECE', 'CWR'];
  const out = new Set<string>();
  for (const f of text.toUpperCase().split(',')) {
    if (f === 'ALL') all.forEach((x) => out.add(x));
    else if (f === 'NONE') continue;
    else if (all.includes(f)) out.add(f);
    else throw err(`"${f}" is not a TCP flag`);
  }
  return out;
}

/**
 * Whether a state list holds a flow's first packet: NEW (INVALID in the raw table, before conntrack), or
 * UNTRACKED where the raw table may mark it so.
 */
function firstPacketState(
  list: string,
  ctx: RuleContext,
  err: (m: string) => InputError,
  plain: boolean,
): boolean | 'unknown' {
  const known = plain
    ? ['INVALID', 'ESTABLISHED', 'NEW', 'RELATED', 'UNTRACKED']
    : ['INVALID', 'ESTABLISHED', 'NEW', 'RELATED', 'UNTRACKED', 'SNAT', 'DNAT'];
  const states = list.toUpperCase().split(',');
  for (const s of states) if (!known.includes(s)) throw err(`"${s}" is not a connection state`);
  // The raw table runs before conntrack (priority -300 < -200): a first packet has no connection there
  // yet, and the state match sees INVALID (UNTRACKED once a NOTRACK rule marked it); shown on the kernel
  // by test/kernel/lab.test.ts. Elsewhere the first packet is NEW.
  const before = ctx.table === 'raw';
  const first = before ? 'INVALID' : 'NEW';
  const possible = ctx.mayBeUntracked ? [first, 'UNTRACKED'] : [first];
  const hits = possible.filter((s) => states.includes(s)).length;
  if (hits === possible.length) return true;
  // SNAT/DNAT say whether the connection's addresses were translated, which the filter can't see here.
  if (hits > 0 || states.includes('SNAT') || states.includes('DNAT')) return 'unknown';
  return false;
}

/** A port, range or (multiport) list of them, or its complement, read once per distinct text. */
function portsOf(
  text: string,
  neg: boolean,
  /** The multiport option (a comma-separated list), or undefined for a single port or range. */
  list: string | undefined,
  cache: ParseCache,
  err: (m: string) => InputError,
): IntervalSet {
  const map = cache.ports[(neg ? 2 : 0) + (list ? 1 : 0)]!;
  let set = map.get(text);
  if (set) return set;
  if (neg) set = ALL_PORTS.subtract(portsOf(text, false, list, cache, err));
  else if (list) {
    const items = text.split(',');
    if (items.length > 15) throw err(`${list} lists ${items.length} ports; multiport takes at most 15`);
    set =
      items.length === 1
        ? portSpec(items[0]!, err)
        : IntervalSet.unionAll(items.map((p) => portSpec(p, err)));
  } else set = portSpec(text, err);
  map.set(text, set);
  return set;
}

function portSpec(text: string, err: (m: string) => InputError): IntervalSet {
  const one = (p: string, dflt: number): number => {
    if (p === '') return dflt;
    const n = /^\d+$/.test(p) ? Number(p) : SERVICES[p.toLowerCase()];
    if (n === undefined || n > 65535) throw err(`"${p}" is not a port number`);
    return n;
  };
  const parts = text.split(':');
  if (parts.length > 2 || text === '') throw err(`"${text}" is not a port or range FIRST:LAST`);
  const lo = one(parts[0]!, 0);
  const hi = parts.length === 2 ? one(parts[1]!, 65535) : lo;
  if (lo > hi) throw err(`port range "${text}" ends before it starts`);
  return IntervalSet.range(BigInt(lo), BigInt(hi));
}

/** `-s`/`-d`: addresses, networks with a prefix or a (possibly non-contiguous) mask, comma-separated. */
function addressList(text: string, ctx: RuleContext, err: (m: string) => InputError): IntervalSet | string {
  const sets: IntervalSet[] = [];
  for (const item of text.split(',')) {
    try {
      const slash = item.indexOf('/');
      const mask = slash < 0 ? '' : item.slice(slash + 1);
      let set: IntervalSet;
      if (mask.includes('.') || (mask.includes(':') && ctx.family === 'ipv6')) {
        const a = parseAddress(item.slice(0, slash));
        const m = parseAddress(mask);
        const base = a.family === 'ipv4' ? 0n : FAMILY_RANGE.ipv6.min()!;
        set = maskedAddressSet(a.family, a.value, m.value - base);
      } else set = parseCidr(item);
      if (!set.intersect(FAMILY_RANGE[ctx.family]).equals(set)) {
        throw err(
          `"${item}" is not an ${ctx.family === 'ipv4' ? 'IPv4' : 'IPv6'} address, and this is an ${ctx.family === 'ipv4' ? 'iptables' : 'ip6tables'} save`,
        );
      }
      sets.push(set);
    } catch (e) {
      if (!(e instanceof AddressSyntaxError)) throw e;
      if (isValidHostName(item.split('/')[0]!))
        return `host name ${item}, resolved once when the rules were loaded`;
      throw err(`bad address "${item}": ${e.message}`);
    }
  }
  return IntervalSet.unionAll(sets);
}

/**
 * An interface name, or a `prefix+` wildcard ("any interface which begins with this name will match",
 * iptables(8)), as zones: exact (interface-zones.ts).
 */
function interfaceMatch(name: string, zones: InterfaceZones): ZoneSet {
  return name.endsWith('+') ? zones.wildcard(name.slice(0, -1)) : ZoneSet.of([name]);
}

function targetOf(word: string, isGoto: boolean, ctx: RuleContext, err: (m: string) => InputError): Target {
  if (ctx.chains.has(word)) return isGoto ? { kind: 'goto', chain: word } : { kind: 'jump', chain: word };
  if (isGoto) throw err(`-g ${word}: no user chain "${word}" in table *${ctx.table}`);
  switch (word) {
    case 'ACCEPT':
      return { kind: 'accept' };
    case 'DROP':
    case 'REJECT':
      return { kind: 'drop' };
    case 'RETURN':
      return { kind: 'return' };
    case 'SNAT':
    case 'MASQUERADE':
      // Source translation only: the nat table doesn't filter, and the flow goes on.
      return { kind: 'accept' };
    case 'DNAT':
    case 'REDIRECT':
    case 'NETMAP':
    case 'TPROXY':
      return {
        kind: 'unknown',
        reason: `-j ${word} sends the flow to another address (its fate is decided elsewhere)`,
      };
    case 'NFQUEUE':
    case 'QUEUE':
      return { kind: 'unknown', reason: `-j ${word}: a userspace program decides` };
  }
  if (NON_TERMINATING.has(word)) return { kind: 'continue' };
  if (!/^[A-Z][A-Z0-9_]*$/.test(word)) throw err(`-j ${word}: no chain "${word}" in table *${ctx.table}`);
  return { kind: 'unknown', reason: `target -j ${word}, which this reader doesn't model` };
}
