import type { Family } from '../../src/model/ip.js';
import type { Rng } from './random.js';
import {
  disjointNets,
  disjointPorts,
  randomNet,
  randomPort,
  randomPortRange,
  randomRange,
} from './universe.js';

/** A random nftables ruleset as an `nft -f` script (with `define`s), and the constructs it uses. */
export interface NftRuleset {
  text: string;
  features: Set<string>;
}

export interface NftOptions {
  /** Filter chains on the prerouting hook too (a drop there stops forwarded traffic as well). */
  prerouting?: boolean;
  /** `log` statements. */
  log?: boolean;
  /** Prerouting chains at priority -300 too, before conntrack (-200): a first packet's ct state is invalid there. */
  beforeConntrack?: boolean;
  /**
   * Rulesets that sometimes don't name the lab's interfaces at all, so that lan0/wan0 are names the
   * ruleset never spells and wildcards decide them through the partition by prefix (interface-zones.ts).
   */
  unnamedInterfaces?: boolean;
}

type TableFamily = 'inet' | 'ip' | 'ip6';

const USER_CHAINS = ['allow_web', 'blk', 'c-1', 'chk'];
const PRIORITIES = ['filter', 'filter - 10', 'filter + 10', '-5', '5', '100', 'mangle', '-200'];
const IIFS = ['"lan0"', '"wan0"', '"lan*"', '"l*"', '"eth0"', '"dmz0"', '"lan0*"', '"la*"'];
const OIFS = ['"wan0"', '"lan0"', '"wan*"', '"w*"', '"eth1"', '"dmz*"', '"wan0*"', '"wa*"'];
const STATES = ['new', 'established', 'related', 'invalid', 'untracked'];
const COMMENTS = ['allow web', 'block bad', 'x'];

interface Defines {
  lines: string[];
  /** Variable name by the value text it stands for. */
  byValue: Map<string, string>;
}

interface TableCtx {
  rng: Rng;
  family: TableFamily;
  features: Set<string>;
  opts: NftOptions;
  defines: Defines;
  /** Whether this table holds the router's input and output chains. */
  hostChains: boolean;
  /** The ruleset never spells the lab's interfaces (lan0, wan0): wildcards decide them by prefix. */
  unnamed: boolean;
  /** Named sets of this table by kind. */
  sets: { name: string; kind: 'addr4' | 'addr6' | 'port' | 'protoPort' | 'vmap4' | 'vmap6' }[];
}

/** The interface names to draw from: without the lab's own where the ruleset doesn't name them. */
const ifList = (c: TableCtx, names: string[]) =>
  c.unnamed ? names.filter((n) => n !== '"lan0"' && n !== '"wan0"') : names;

const famOf = (f: 'ip' | 'ip6'): Family => (f === 'ip' ? 'ipv4' : 'ipv6');
const ne = (c: TableCtx, p = 0.15): string => {
  if (!c.rng.chance(p)) return '';
  c.features.add('negation');
  return '!= ';
};

/** A value that may go through a `define`: the variable reference, or the value itself. */
function maybeDefine(c: TableCtx, value: string, prefix: string): string {
  if (!c.rng.chance(0.15)) return value;
  c.features.add('define');
  let name = c.defines.byValue.get(value);
  if (!name) {
    name = `${prefix}_${c.defines.byValue.size + 1}`;
    c.defines.byValue.set(value, name);
    c.defines.lines.push(`define ${name} = ${value}`);
  }
  return `$${name}`;
}

/** An address match of one family: a prefix, a range, an anonymous or named set. */
function addressMatch(c: TableCtx, f: 'ip' | 'ip6', field: 'saddr' | 'daddr'): string {
  const { rng } = c;
  const family = famOf(f);
  const side = field === 'saddr' ? 'sources' : 'destinations';
  const named = c.sets.filter((s) => s.kind === (f === 'ip' ? 'addr4' : 'addr6'));
  const r = rng.next();
  if (named.length && r < 0.2) {
    c.features.add('named-set');
    return `${f} ${field} ${ne(c)}@${rng.pick(named).name}`;
  }
  if (r < 0.35) {
    c.features.add('anonymous-set');
    const nets = disjointNets(rng, family, side, rng.int(1, 3));
    return `${f} ${field} ${ne(c)}${maybeDefine(c, `{ ${nets.join(', ')} }`, 'nets')}`;
  }
  if (r < 0.45) {
    c.features.add('address-range');
    return `${f} ${field} ${ne(c)}${randomRange(rng, family, side).join('-')}`;
  }
  return `${f} ${field} ${ne(c)}${randomNet(rng, family, side)}`;
}

function portValue(c: TableCtx): string {
  const { rng } = c;
  const r = rng.next();
  if (r < 0.25) {
    c.features.add('anonymous-set');
    return `{ ${disjointPorts(rng, rng.int(1, 4)).join(', ')} }`;
  }
  if (r < 0.45) {
    c.features.add('port-range');
    return randomPortRange(rng).join('-');
  }
  return String(randomPort(rng));
}

/** The protocol and port part of a rule; says which protocol it pins (for `reject with tcp reset`). */
function serviceMatch(c: TableCtx, out: string[]): string | undefined {
  const { rng } = c;
  const r = rng.next();
  const proto = rng.pick(['tcp', 'udp']);
  if (r < 0.35) {
    out.push(`${proto} dport ${ne(c)}${portValue(c)}`);
    return proto;
  }
  if (r < 0.45) {
    c.features.add('l4proto');
    const negated = ne(c);
    const both = rng.chance(0.3);
    out.push(`meta l4proto ${negated}${both ? '{ tcp, udp }' : proto}`);
    if (rng.chance(0.6)) out.push(`th dport ${ne(c)}${portValue(c)}`);
    return negated || both ? undefined : proto;
  }
  if (r < 0.52) {
    c.features.add('concatenation');
    const named = c.sets.filter((s) => s.kind === 'protoPort');
    if (named.length && rng.chance(0.5)) out.push(`meta l4proto . th dport @${rng.pick(named).name}`);
    else out.push(`meta l4proto . th dport { ${protoPortElements(c).join(', ')} }`);
    return undefined;
  }
  if (r < 0.57) {
    const named = c.sets.filter((s) => s.kind === 'port');
    if (named.length) {
      c.features.add('named-set');
      out.push(`${proto} dport ${ne(c)}@${rng.pick(named).name}`);
      return proto;
    }
  }
  if (r < 0.6 && c.family !== 'inet') {
    c.features.add('protocol-field');
    out.push(c.family === 'ip' ? `ip protocol ${proto}` : `ip6 nexthdr ${proto}`);
    return proto;
  }
  return undefined;
}

function protoPortElements(c: TableCtx): string[] {
  const seen = new Set<string>();
  for (let i = c.rng.int(1, 4); i > 0; i--) seen.add(`${c.rng.pick(['tcp', 'udp'])} . ${randomPort(c.rng)}`);
  return [...seen];
}

/** The matches of one rule, in the order `nft list ruleset` prints them. */
function matches(
  c: TableCtx,
  where: { iif: boolean; oif: boolean },
): { parts: string[]; proto?: string; f?: 'ip' | 'ip6' } {
  const { rng } = c;
  const parts: string[] = [];
  if (where.iif && rng.chance(0.15)) {
    c.features.add('iifname');
    parts.push(`iifname ${ne(c)}${maybeDefine(c, rng.pick(ifList(c, IIFS)), 'if')}`);
  }
  if (where.oif && rng.chance(0.15)) {
    c.features.add('oifname');
    parts.push(`oifname ${ne(c)}${maybeDefine(c, rng.pick(ifList(c, OIFS)), 'if')}`);
  }
  let f: 'ip' | 'ip6' | undefined;
  if (c.family !== 'inet') f = c.family;
  else if (rng.chance(0.5)) f = rng.pick(['ip', 'ip6'] as const);
  else if (rng.chance(0.1)) {
    c.features.add('nfproto');
    parts.push(`meta nfproto ${rng.pick(['ipv4', 'ipv6'])}`);
  }
  if (f) {
    const before = parts.length;
    if (rng.chance(0.35)) parts.push(addressMatch(c, f, 'saddr'));
    if (rng.chance(0.35)) parts.push(addressMatch(c, f, 'daddr'));
    // In an inet table the family is pinned only by an address match actually written.
    if (c.family === 'inet' && parts.length === before) f = undefined;
  }
  const proto = rng.chance(0.7) ? serviceMatch(c, parts) : undefined;
  if (rng.chance(0.2)) {
    c.features.add('ct-state');
    const states = rng.some(STATES, rng.int(1, 3));
    parts.push(
      states.length > 1 && rng.chance(0.5)
        ? `ct state { ${states.join(', ')} }`
        : `ct state ${ne(c)}${states.join(',')}`,
    );
  }
  return { parts, proto, f };
}

function verdict(
  c: TableCtx,
  m: { proto?: string; f?: 'ip' | 'ip6' },
  later: string[],
  inUserChain: boolean,
): string {
  const { proto, f } = m;
  const { rng } = c;
  const r = rng.next();
  if (later.length && r < 0.18) {
    c.features.add('jump');
    return `jump ${rng.pick(later)}`;
  }
  if (later.length && r < 0.24) {
    c.features.add('goto');
    return `goto ${rng.pick(later)}`;
  }
  if (r < (inUserChain ? 0.38 : 0.28)) {
    c.features.add('return');
    return 'return';
  }
  if (r < 0.33) {
    c.features.add('no-verdict');
    return '';
  }
  if (r < 0.45) {
    c.features.add('reject');
    // icmpx (either family's ICMP) exists only in inet tables.
    const icmp = { inet: 'icmpx', ip: 'icmp', ip6: 'icmpv6' }[c.family];
    const kinds = [
      'reject',
      `reject with ${icmp} type port-unreachable`,
      `reject with ${icmp} type admin-prohibited`,
    ];
    // A listing drops the `meta nfproto` nft puts before `reject with tcp reset` in an inet table, so the
    // reader can't tell its family there unless the rule matches addresses of one (unknown by design).
    if (proto === 'tcp' && (c.family !== 'inet' || f)) kinds.push('reject with tcp reset');
    return rng.pick(kinds);
  }
  return rng.chance(0.55) ? 'accept' : 'drop';
}

/** A whole-rule verdict map: `ip saddr vmap { ... }`, `tcp dport vmap { ... }` or a named map. */
function vmapRule(
  c: TableCtx,
  m: { parts: string[]; proto?: string; f?: 'ip' | 'ip6' },
  later: string[],
): string {
  const { rng } = c;
  const f = m.f;
  c.features.add('vmap');
  const v = () => {
    const choices = ['accept', 'drop', 'drop'];
    if (later.length) choices.push(`jump ${rng.pick(later)}`, `goto ${rng.pick(later)}`);
    return rng.pick(choices);
  };
  const named = c.sets.filter((s) => s.kind === (f === 'ip' ? 'vmap4' : 'vmap6'));
  if (f && named.length && rng.chance(0.4)) {
    c.features.add('named-set');
    return `${f} ${rng.pick(['saddr', 'daddr'])} vmap @${rng.pick(named).name}`;
  }
  if (f && rng.chance(0.6)) {
    const field = rng.pick(['saddr', 'daddr'] as const);
    const nets = disjointNets(rng, famOf(f), field === 'saddr' ? 'sources' : 'destinations', rng.int(1, 3));
    return `${f} ${field} vmap { ${nets.map((n) => `${n} : ${v()}`).join(', ')} }`;
  }
  // Ports of the protocol the rule already pins, or of any (th) where it pins none or several.
  const pinned = m.parts.some((p) => / dport |l4proto|protocol|nexthdr/.test(p));
  const proto = m.proto ?? (pinned ? 'th' : rng.pick(['tcp', 'udp']));
  return `${proto} dport vmap { ${disjointPorts(rng, rng.int(1, 3))
    .map((p) => `${p} : ${v()}`)
    .join(', ')} }`;
}

function ruleLine(
  c: TableCtx,
  later: string[],
  inUserChain: boolean,
  where: { iif: boolean; oif: boolean },
): string {
  const { rng } = c;
  const m = matches(c, where);
  const stmts: string[] = [...m.parts];
  if (rng.chance(0.3)) stmts.push('counter');
  if (c.opts.log && rng.chance(0.05)) {
    c.features.add('log');
    stmts.push('log prefix "fw: "');
  }
  if (rng.chance(0.08)) stmts.push(vmapRule(c, m, later));
  else stmts.push(verdict(c, m, later, inUserChain));
  if (rng.chance(0.1)) {
    c.features.add('comment');
    stmts.push(`comment ${JSON.stringify(rng.pick(COMMENTS))}`);
  }
  const text = stmts.filter(Boolean).join(' ');
  return text || 'counter';
}

function namedSets(c: TableCtx): string[] {
  const { rng } = c;
  const out: string[] = [];
  const addFamilies = c.family === 'inet' ? (['ip', 'ip6'] as const) : ([c.family] as const);
  for (const f of addFamilies) {
    if (rng.chance(0.5)) {
      const name = `allow${f === 'ip' ? 4 : 6}`;
      const family = famOf(f);
      const nets = disjointNets(rng, family, rng.pick(['sources', 'destinations'] as const), rng.int(0, 4));
      const elements = nets.length ? ` elements = { ${nets.join(', ')} }` : '';
      out.push(
        `\tset ${name} {\n\t\ttype ${f === 'ip' ? 'ipv4_addr' : 'ipv6_addr'}\n\t\tflags interval\n\t\t${elements}\n\t}`,
      );
      c.sets.push({ name, kind: f === 'ip' ? 'addr4' : 'addr6' });
    }
    if (rng.chance(0.2)) {
      const name = `vm${f === 'ip' ? 4 : 6}`;
      const nets = disjointNets(rng, famOf(f), 'sources', rng.int(1, 3));
      const els = nets.map((n) => `${n} : ${rng.pick(['accept', 'drop'])}`).join(', ');
      out.push(
        `\tmap ${name} {\n\t\ttype ${f === 'ip' ? 'ipv4_addr' : 'ipv6_addr'} : verdict\n\t\tflags interval\n\t\telements = { ${els} }\n\t}`,
      );
      c.sets.push({ name, kind: f === 'ip' ? 'vmap4' : 'vmap6' });
    }
  }
  if (rng.chance(0.3)) {
    out.push(
      `\tset ports {\n\t\ttype inet_service\n\t\tflags interval\n\t\telements = { ${disjointPorts(rng, rng.int(1, 4)).join(', ')} }\n\t}`,
    );
    c.sets.push({ name: 'ports', kind: 'port' });
  }
  if (rng.chance(0.3)) {
    out.push(
      `\tset svc {\n\t\ttype inet_proto . inet_service\n\t\telements = { ${protoPortElements(c).join(', ')} }\n\t}`,
    );
    c.sets.push({ name: 'svc', kind: 'protoPort' });
  }
  return out;
}

function table(c: TableCtx, name: string, priorities: string[]): string {
  const { rng } = c;
  const body = namedSets(c);
  const users = rng.some(USER_CHAINS, rng.int(0, 3));
  const fwd = { iif: true, oif: true };
  for (const prio of priorities) {
    const lines = [`\t\ttype filter hook forward priority ${prio}; policy ${rng.pick(['accept', 'drop'])};`];
    for (let i = rng.int(1, 7); i > 0; i--) lines.push(`\t\t${ruleLine(c, users, false, fwd)}`);
    body.push(`\tchain fwd_${body.length} {\n${lines.join('\n')}\n\t}`);
  }
  if (c.opts.prerouting && rng.chance(0.2)) {
    c.features.add('prerouting');
    const lines = [
      `\t\ttype filter hook prerouting priority ${rng.pick(c.opts.beforeConntrack ? ['-150', 'filter', '-300'] : ['-150', 'filter'])}; policy accept;`,
    ];
    for (let i = rng.int(1, 3); i > 0; i--)
      lines.push(`\t\t${ruleLine(c, [], false, { iif: true, oif: false })}`);
    body.push(`\tchain pre {\n${lines.join('\n')}\n\t}`);
  }
  if (c.hostChains) {
    // The router's own traffic: never on the path of forwarded traffic. These name the router's
    // interfaces, as a real router's rules do, or (unnamed) another one.
    const unnamed = c.unnamed;
    body.push(
      `\tchain input {\n\t\ttype filter hook input priority filter; policy drop;\n\t\tct state established,related accept\n\t\tiifname "${unnamed ? 'mgmt0' : 'lan0'}" tcp dport 22 accept\n\t}`,
      `\tchain output {\n\t\ttype filter hook output priority filter; policy accept;\n\t\toifname "${unnamed ? 'mgmt0' : 'wan0'}" accept\n\t}`,
    );
  }
  users.forEach((u, k) => {
    const lines: string[] = [];
    for (let i = rng.int(0, 5); i > 0; i--) lines.push(`\t\t${ruleLine(c, users.slice(k + 1), true, fwd)}`);
    body.push(`\tchain ${u} {\n${lines.join('\n')}\n\t}`);
  });
  return `table ${c.family} ${name} {\n${body.join('\n\n')}\n}`;
}

export function generateNftables(rng: Rng, opts: NftOptions = {}): NftRuleset {
  const features = new Set<string>();
  const defines: Defines = { lines: [], byValue: new Map() };
  const tables: string[] = [];
  const priorities = rng.some(PRIORITIES, rng.int(1, 3));
  const families: TableFamily[] = ['inet', 'ip', 'ip6'];
  // Every forward chain lands in some table; a table may hold several.
  const byTable = new Map<TableFamily, string[]>();
  for (const p of priorities) {
    const f = rng.pick(families);
    byTable.set(f, [...(byTable.get(f) ?? []), p]);
  }
  if (priorities.length > 1) features.add('several-base-chains');
  const unnamed = !!opts.unnamedInterfaces && rng.chance(0.5);
  if (unnamed) features.add('unnamed-interface');
  for (const [family, prios] of byTable) {
    const c: TableCtx = {
      rng,
      family,
      features,
      opts,
      defines,
      sets: [],
      hostChains: tables.length === 0,
      unnamed,
    };
    tables.push(table(c, family === 'inet' ? 'filter' : `f_${family}`, prios));
  }
  return {
    text: [...defines.lines, ...(defines.lines.length ? [''] : []), ...tables, ''].join('\n'),
    features,
  };
}
