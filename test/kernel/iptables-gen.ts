import type { Family } from '../../src/model/ip.js';
import type { Rng } from './random.js';
import { randomNet, randomPort, randomPortRange, randomRange, POOL } from './universe.js';

/** A random iptables ruleset for both families, in `iptables-restore` syntax, with the ipsets it uses. */
export interface IptablesRuleset {
  v4: string;
  v6: string;
  /** `ipset restore` input (both families' sets). */
  ipsets: string;
  /** The constructs used, to attribute unknown verdicts. */
  features: Set<string>;
}

/** Which constructs to generate beyond the core ones (those whose modelling is a reader's choice). */
export interface IptablesOptions {
  /** `--sport` and `multiport --ports`: the flow's source port is an ephemeral one. */
  sourcePorts?: boolean;
  /** `-j LOG` (a non-terminating target). */
  log?: boolean;
  /** conntrack/state matches in the raw table, which runs before conntrack (a first packet is INVALID there). */
  rawConntrack?: boolean;
  /**
   * Rulesets that sometimes don't name the lab's interfaces at all, so that lan0/wan0 are names the saves
   * never spell and `+` wildcards decide them through the partition by prefix (interface-zones.ts).
   */
  unnamedInterfaces?: boolean;
}

const USER_CHAINS = ['lan_in', 'svc', 'CHK-1', 'blocklist', 'web.allow', 'x'];
const IN_IFS = ['lan0', 'wan0', 'lan+', 'l+', 'eth0', 'wan+', '+', 'dmz0', 'lan0+', 'la+'];
const OUT_IFS = ['wan0', 'lan0', 'wan+', 'w+', 'eth1', 'lan+', '+', 'dmz+', 'wan0+', 'wa+'];
const COMMENTS = ['allow web', 'block-bad', 'RemoteSpark "media"', 'x'];
const STATES = ['NEW', 'ESTABLISHED', 'RELATED', 'INVALID', 'UNTRACKED'];
/**
 * Source ports either hold every ephemeral port (1024-65535, which clients send from) or none of them, so
 * the kernel's answer doesn't depend on the port the lab happens to send from (10000-60999).
 */
const SOURCE_PORTS = ['53', '123', '0:1023', '500:1023', '1024:65535', '1:65535'];
const SOURCE_LISTS = ['22', '53', '80', '123', '443', '500:600', '1024:65535'];

interface Ctx {
  rng: Rng;
  family: Family;
  features: Set<string>;
  opts: IptablesOptions;
  /** Sets of this family: name and which side (src/dst) they hold addresses of. */
  sets: string[];
  /** The ruleset never spells the lab's interfaces (lan0, wan0): wildcards decide them by prefix. */
  unnamed: boolean;
}

/** The lab's own interface names, left out of a ruleset that doesn't name them. */
const LAB_IFS = new Set(['lan0', 'wan0']);

const neg = (c: Ctx, p = 0.2): string => {
  if (!c.rng.chance(p)) return '';
  c.features.add('negation');
  return '! ';
};

/** The matches of one rule (no target), in the order iptables-save prints them. */
function matches(
  c: Ctx,
  where: { inIf: boolean; outIf: boolean; conntrack: boolean },
): { text: string[]; proto?: string } {
  const { rng, family } = c;
  const out: string[] = [];
  if (rng.chance(0.3)) out.push(`${neg(c)}-s ${randomNet(rng, family, 'sources')}`);
  if (rng.chance(0.3)) out.push(`${neg(c)}-d ${randomNet(rng, family, 'destinations')}`);
  const iface = (names: string[], flag: string) => {
    const name = rng.pick(c.unnamed ? names.filter((n) => !LAB_IFS.has(n)) : names);
    if (name.endsWith('+')) c.features.add('interface-wildcard');
    out.push(`${neg(c)}${flag} ${name}`);
  };
  if (where.inIf && rng.chance(0.2)) iface(IN_IFS, '-i');
  if (where.outIf && rng.chance(0.2)) iface(OUT_IFS, '-o');
  let proto: string | undefined;
  const r = rng.next();
  if (r < 0.3) proto = 'tcp';
  else if (r < 0.6) proto = 'udp';
  else if (r < 0.64) {
    c.features.add('protocol-number');
    out.push(`-p ${rng.pick(['6', '17', 'all'])}`);
  } else if (r < 0.67) out.push(`-p ${family === 'ipv4' ? 'icmp' : 'ipv6-icmp'}`);
  else if (r < 0.7) {
    c.features.add('negation');
    out.push(`! -p ${rng.pick(['tcp', 'udp'])}`);
  }
  if (proto) {
    out.push(`-p ${proto}`);
    const port = () => {
      if (rng.chance(0.4)) {
        const [lo, hi] = randomPortRange(rng);
        c.features.add('port-range');
        return `${lo}:${hi}`;
      }
      return String(randomPort(rng));
    };
    const k = rng.next();
    if (k < 0.5) {
      const sport =
        c.opts.sourcePorts && rng.chance(0.2) ? `${neg(c)}--sport ${rng.pick(SOURCE_PORTS)} ` : '';
      if (sport) c.features.add('source-port');
      // Not both ports inverted in one match: iptables-nft and iptables-legacy match that differently,
      // and the reader says unknown for it (src/formats/iptables/rule-args.ts).
      const dportNeg = sport.startsWith('!') ? '' : neg(c);
      out.push(`-m ${proto} ${sport}${dportNeg}--dport ${port()}`);
    } else if (k < 0.75) {
      c.features.add('multiport');
      const flag = c.opts.sourcePorts && rng.chance(0.2) ? rng.pick(['--ports', '--sports']) : '--dports';
      const some = (items: readonly string[]) => rng.some(items, rng.int(1, 3)).join(',');
      const list =
        flag === '--dports' ? Array.from({ length: rng.int(1, 4) }, port).join(',') : some(SOURCE_LISTS);
      if (flag !== '--dports') c.features.add('source-port');
      out.push(`-m multiport ${neg(c)}${flag} ${list}`);
    }
  }
  if (where.conntrack && rng.chance(0.2)) {
    const states = rng.some(STATES, rng.int(1, 3)).join(',');
    if (rng.chance(0.5)) {
      c.features.add('conntrack');
      out.push(`-m conntrack ${neg(c)}--ctstate ${states}`);
    } else {
      c.features.add('state');
      out.push(`-m state ${neg(c)}--state ${states}`);
    }
  }
  if (rng.chance(0.1)) {
    c.features.add('iprange');
    const parts: string[] = [];
    if (rng.chance(0.6)) parts.push(`${neg(c)}--src-range ${randomRange(rng, family, 'sources').join('-')}`);
    if (!parts.length || rng.chance(0.4))
      parts.push(`${neg(c)}--dst-range ${randomRange(rng, family, 'destinations').join('-')}`);
    out.push(`-m iprange ${parts.join(' ')}`);
  }
  if (c.sets.length && rng.chance(0.15)) {
    c.features.add('ipset');
    const name = rng.pick(c.sets);
    out.push(`-m set ${neg(c)}--match-set ${name} ${name.startsWith('dst') ? 'dst' : 'src'}`);
  }
  if (rng.chance(0.15)) {
    c.features.add('comment');
    out.push(`-m comment --comment ${JSON.stringify(rng.pick(COMMENTS))}`);
  }
  return { text: out, proto };
}

function rejectTarget(c: Ctx, proto: string | undefined): string {
  c.features.add('reject');
  const kinds =
    c.family === 'ipv4'
      ? ['icmp-port-unreachable', 'icmp-host-prohibited', 'icmp-admin-prohibited']
      : ['icmp6-port-unreachable', 'icmp6-adm-prohibited'];
  if (proto === 'tcp') kinds.push('tcp-reset');
  return c.rng.chance(0.3) ? '-j REJECT' : `-j REJECT --reject-with ${c.rng.pick(kinds)}`;
}

/** A filter-table rule's target; user chains named in `later` may be jumped to. */
function filterTarget(c: Ctx, proto: string | undefined, later: string[], inUserChain: boolean): string {
  const { rng } = c;
  const r = rng.next();
  if (later.length && r < 0.2) {
    c.features.add('user-chain');
    return `-j ${rng.pick(later)}`;
  }
  if (later.length && r < 0.26) {
    c.features.add('goto');
    return `-g ${rng.pick(later)}`;
  }
  if (r < (inUserChain ? 0.4 : 0.3)) {
    c.features.add('return');
    return '-j RETURN';
  }
  if (c.opts.log && r < 0.35) {
    c.features.add('log');
    return `-j LOG --log-prefix "fw: "`;
  }
  if (r < 0.38) {
    c.features.add('no-target');
    return '';
  }
  if (r < 0.48) return rejectTarget(c, proto);
  return rng.chance(0.55) ? '-j ACCEPT' : '-j DROP';
}

const rule = (chain: string, parts: string[]) => [`-A ${chain}`, ...parts].filter(Boolean).join(' ');

function filterTable(c: Ctx): string {
  const { rng } = c;
  const users = rng.some(USER_CHAINS, rng.int(0, 4));
  const lines = ['*filter'];
  lines.push(`:INPUT ${rng.pick(['ACCEPT', 'DROP'])} [0:0]`);
  lines.push(`:FORWARD ${rng.pick(['ACCEPT', 'DROP'])} [0:0]`);
  lines.push(`:OUTPUT ${rng.pick(['ACCEPT', 'DROP'])} [0:0]`);
  for (const u of users) lines.push(`:${u} - [0:0]`);
  // The host's own chains: traffic through the router never passes them. They name the router's
  // interfaces, as a real router's rules do, or (unnamed) another one.
  lines.push(
    `-A INPUT -i ${c.unnamed ? 'mgmt0' : 'lan0'} -p tcp -m tcp --dport 22 -j ACCEPT`,
    `-A OUTPUT -o ${c.unnamed ? 'mgmt0' : 'wan0'} -j ACCEPT`,
  );
  for (const [chain, where] of [
    ['INPUT', { inIf: true, outIf: false, conntrack: true }],
    ['OUTPUT', { inIf: false, outIf: true, conntrack: true }],
  ] as const) {
    for (let i = rng.int(0, 2); i > 0; i--) {
      const m = matches(c, where);
      lines.push(rule(chain, [...m.text, rng.pick(['-j ACCEPT', '-j DROP'])]));
    }
  }
  const fwd = { inIf: true, outIf: true, conntrack: true };
  for (let i = rng.int(2, 9); i > 0; i--) {
    const m = matches(c, fwd);
    lines.push(rule('FORWARD', [...m.text, filterTarget(c, m.proto, users, false)]));
  }
  users.forEach((u, k) => {
    for (let i = rng.int(0, 5); i > 0; i--) {
      const m = matches(c, fwd);
      // Jumps only to chains defined after this one: no loops.
      lines.push(rule(u, [...m.text, filterTarget(c, m.proto, users.slice(k + 1), true)]));
    }
  });
  lines.push('COMMIT');
  return lines.join('\n');
}

/** raw PREROUTING and mangle PREROUTING/FORWARD rules: a DROP there is final, an ACCEPT ends only that chain. */
function earlyTables(c: Ctx): string[] {
  const { rng } = c;
  const out: string[] = [];
  if (rng.chance(0.15)) {
    c.features.add('raw');
    const lines = ['*raw', ':PREROUTING ACCEPT [0:0]', ':OUTPUT ACCEPT [0:0]'];
    for (let i = rng.int(1, 3); i > 0; i--) {
      const m = matches(c, { inIf: true, outIf: false, conntrack: !!c.opts.rawConntrack });
      lines.push(rule('PREROUTING', [...m.text, rng.pick(['-j DROP', '-j DROP', '-j ACCEPT'])]));
    }
    out.push([...lines, 'COMMIT'].join('\n'));
  }
  if (rng.chance(0.15)) {
    c.features.add('mangle');
    const lines = [
      '*mangle',
      ...['PREROUTING', 'INPUT', 'FORWARD', 'OUTPUT', 'POSTROUTING'].map((ch) => `:${ch} ACCEPT [0:0]`),
    ];
    for (let i = rng.int(1, 3); i > 0; i--) {
      const chain = rng.pick(['PREROUTING', 'FORWARD']);
      const m = matches(c, { inIf: true, outIf: chain === 'FORWARD', conntrack: true });
      lines.push(rule(chain, [...m.text, rng.pick(['-j DROP', '-j DROP', '-j ACCEPT'])]));
    }
    out.push([...lines, 'COMMIT'].join('\n'));
  }
  return out;
}

function ipsets(rng: Rng, family: Family): { names: string[]; text: string[] } {
  const names: string[] = [];
  const text: string[] = [];
  const suffix = family === 'ipv4' ? '4' : '6';
  for (const [name, side] of [
    [`src${suffix}`, 'sources'],
    [`dst${suffix}`, 'destinations'],
  ] as const) {
    if (!rng.chance(0.5)) continue;
    names.push(name);
    const net = rng.chance(0.6);
    text.push(
      `create ${name} ${net ? 'hash:net' : 'hash:ip'} family ${family === 'ipv4' ? 'inet' : 'inet6'} hashsize 1024 maxelem 65536`,
    );
    for (let i = rng.int(0, 4); i > 0; i--) {
      const member = net ? randomNet(rng, family, side) : rng.pick(POOL[family][side]);
      const line = `add ${name} ${member}`;
      if (!text.includes(line)) text.push(line);
    }
  }
  return { names, text };
}

export function generateIptables(rng: Rng, opts: IptablesOptions = {}): IptablesRuleset {
  const features = new Set<string>();
  const setLines: string[] = [];
  // Both saves are one firewall: either may name the lab's interfaces, so neither does.
  const unnamed = !!opts.unnamedInterfaces && rng.chance(0.5);
  if (unnamed) features.add('unnamed-interface');
  const file = (family: Family) => {
    const sets = ipsets(rng, family);
    setLines.push(...sets.text);
    const c: Ctx = { rng, family, features, opts, sets: sets.names, unnamed };
    const head = `# Generated by ${family === 'ipv4' ? 'iptables' : 'ip6tables'}-save v1.8.9 (nf_tables) on Sat Dec  6 18:00:00 2025`;
    return [head, ...earlyTables(c), filterTable(c), '# Completed on Sat Dec  6 18:00:00 2025', ''].join(
      '\n',
    );
  };
  const v4 = file('ipv4');
  const v6 = file('ipv6');
  return { v4, v6, ipsets: setLines.length ? setLines.join('\n') + '\n' : '', features };
}
