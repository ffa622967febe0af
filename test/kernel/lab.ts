import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface, type Interface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { CLIENT_IF, LAN_IF, LINKS, SERVER_IF, WAN_IF, probeKey, type Probe } from './addresses.js';
import { must, run } from './exec.js';

const SENDER = fileURLToPath(new URL('./sender.mjs', import.meta.url));

/** Errors a client socket may see because the router answered (REJECT): not a failure to send. */
const ANSWERS = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNRESET', 'EACCES', 'EPERM']);

/** Time for the last packet of a batch to cross two veth pairs (each is delivered within the send call). */
const SETTLE_MS = 15;

/** The server's capture: every TCP/UDP packet that reaches it is recorded in a set and dropped. */
const CAPTURE = `table inet cap {
  set seen4 { type ipv4_addr . ipv4_addr . inet_proto . inet_service; flags dynamic; size 65535; }
  set seen6 { type ipv6_addr . ipv6_addr . inet_proto . inet_service; flags dynamic; size 65535; }
  chain pre {
    type filter hook prerouting priority -400; policy accept;
    meta nfproto ipv4 meta l4proto { tcp, udp } add @seen4 { ip saddr . ip daddr . meta l4proto . th dport } drop
    meta nfproto ipv6 meta l4proto { tcp, udp } add @seen6 { ip6 saddr . ip6 daddr . meta l4proto . th dport } drop
  }
}
`;

const live = new Set<string>();
// A crashed run must not leave namespaces behind: delete whatever is still registered on exit.
process.once('exit', () => {
  for (const ns of live) spawnSync('ip', ['netns', 'del', ns], { stdio: 'ignore' });
});

const PROTO_NAMES: Record<string, 'tcp' | 'udp'> = { tcp: 'tcp', udp: 'udp', '6': 'tcp', '17': 'udp' };

/**
 * Three network namespaces, client — router — server, joined by veth pairs; the ruleset under test is
 * loaded in the router, which forwards IPv4 and IPv6. `probe` sends the first packet of each flow from the
 * client and returns which ones the server received.
 */
export class Lab {
  private port: number;
  private readonly dir: string;
  private sender?: ChildProcessWithoutNullStreams;
  private replies?: Interface;
  private readonly pending: ((line: string) => void)[] = [];
  private readonly sources = new Set<string>();

  private constructor(
    readonly client: string,
    readonly router: string,
    readonly server: string,
  ) {
    this.port = 10_000 + Math.floor(Math.random() * 1000);
    this.dir = mkdtempSync(join(tmpdir(), 'kernel-oracle-'));
  }

  static async create(): Promise<Lab> {
    const tag = `rsfc-${randomBytes(4).toString('hex')}`;
    const lab = new Lab(`${tag}-client`, `${tag}-router`, `${tag}-server`);
    try {
      await lab.build();
      return lab;
    } catch (e) {
      await lab.destroy();
      throw e;
    }
  }

  private async build(): Promise<void> {
    for (const ns of [this.client, this.router, this.server]) {
      await must(['ip', 'netns', 'add', ns]);
      live.add(ns);
      await must(['ip', '-n', ns, 'link', 'set', 'lo', 'up']);
      // Addresses usable at once (no duplicate address detection), so a probe can bind its source.
      await this.sysctl(ns, ['net.ipv6.conf.all.accept_dad=0', 'net.ipv6.conf.default.accept_dad=0']);
    }
    await this.sysctl(this.router, [
      'net.ipv4.ip_forward=1',
      'net.ipv6.conf.all.forwarding=1',
      'net.ipv4.conf.all.rp_filter=0',
      'net.ipv4.conf.default.rp_filter=0',
    ]);
    // Probes are never answered: unanswered entries expire soon, so the conntrack table stays small.
    await run([
      'ip',
      'netns',
      'exec',
      this.router,
      'sysctl',
      '-q',
      '-w',
      'net.netfilter.nf_conntrack_tcp_timeout_syn_sent=10',
      'net.netfilter.nf_conntrack_udp_timeout=10',
    ]);
    await must([
      'ip',
      'link',
      'add',
      CLIENT_IF,
      'netns',
      this.client,
      'type',
      'veth',
      'peer',
      'name',
      LAN_IF,
      'netns',
      this.router,
    ]);
    await must([
      'ip',
      'link',
      'add',
      SERVER_IF,
      'netns',
      this.server,
      'type',
      'veth',
      'peer',
      'name',
      WAN_IF,
      'netns',
      this.router,
    ]);
    const v4 = LINKS.ipv4;
    const v6 = LINKS.ipv6;
    await this.batch(this.client, [
      `addr add ${v4.client}/${v4.prefix.client} dev ${CLIENT_IF}`,
      `addr add ${v6.client}/${v6.prefix.client} dev ${CLIENT_IF} nodad`,
      `link set ${CLIENT_IF} up`,
      `route add default via ${v4.routerLan} dev ${CLIENT_IF}`,
      `route add default via ${v6.routerLan} dev ${CLIENT_IF}`,
    ]);
    await this.batch(this.router, [
      `addr add ${v4.routerLan}/${v4.prefix.client} dev ${LAN_IF}`,
      `addr add ${v6.routerLan}/${v6.prefix.client} dev ${LAN_IF} nodad`,
      `addr add ${v4.routerWan}/${v4.prefix.wan} dev ${WAN_IF}`,
      `addr add ${v6.routerWan}/${v6.prefix.wan} dev ${WAN_IF} nodad`,
      `link set ${LAN_IF} up`,
      `link set ${WAN_IF} up`,
      ...v4.publicRoutes.map((r) => `route add ${r} via ${v4.server} dev ${WAN_IF}`),
      ...v6.publicRoutes.map((r) => `route add ${r} via ${v6.server} dev ${WAN_IF}`),
    ]);
    await this.batch(this.server, [
      `addr add ${v4.server}/${v4.prefix.wan} dev ${SERVER_IF}`,
      `addr add ${v6.server}/${v6.prefix.wan} dev ${SERVER_IF} nodad`,
      `link set ${SERVER_IF} up`,
    ]);
    // Neighbours fixed, so a ruleset that drops ARP or neighbour discovery can't stop forwarding.
    const lanMac = await this.mac(this.router, LAN_IF);
    const serverMac = await this.mac(this.server, SERVER_IF);
    await this.batch(this.client, [
      `neigh replace ${v4.routerLan} lladdr ${lanMac} dev ${CLIENT_IF} nud permanent`,
      `neigh replace ${v6.routerLan} lladdr ${lanMac} dev ${CLIENT_IF} nud permanent`,
    ]);
    await this.batch(this.router, [
      `neigh replace ${v4.server} lladdr ${serverMac} dev ${WAN_IF} nud permanent`,
      `neigh replace ${v6.server} lladdr ${serverMac} dev ${WAN_IF} nud permanent`,
    ]);
    await must(['ip', 'netns', 'exec', this.server, 'nft', '-f', '-'], CAPTURE);
    this.startSender();
  }

  private async sysctl(ns: string, settings: string[]): Promise<void> {
    await must(['ip', 'netns', 'exec', ns, 'sysctl', '-q', '-w', ...settings]);
  }

  private async batch(ns: string, commands: string[]): Promise<void> {
    await must(['ip', '-n', ns, '-batch', '-'], commands.join('\n') + '\n');
  }

  private async mac(ns: string, dev: string): Promise<string> {
    const [link] = JSON.parse(await must(['ip', '-n', ns, '-j', 'link', 'show', 'dev', dev])) as {
      address: string;
    }[];
    return link!.address;
  }

  private startSender(): void {
    const child = spawn('ip', ['netns', 'exec', this.client, process.execPath, SENDER], { stdio: 'pipe' });
    child.stderr.setEncoding('utf8').on('data', (d: string) => process.stderr.write(`[sender] ${d}`));
    this.replies = createInterface({ input: child.stdout });
    this.replies.on('line', (line) => this.pending.shift()?.(line));
    this.sender = child;
  }

  /** Adds client addresses (once each) so probes can be sent from them. */
  async addSources(addresses: readonly string[]): Promise<void> {
    const fresh = [...new Set(addresses)].filter((a) => !this.sources.has(a));
    if (!fresh.length) return;
    await this.batch(
      this.client,
      fresh.map((a) =>
        a.includes(':') ? `addr add ${a}/128 dev ${CLIENT_IF} nodad` : `addr add ${a}/32 dev ${CLIENT_IF}`,
      ),
    );
    for (const a of fresh) this.sources.add(a);
  }

  /**
   * Replaces the router's iptables rules: every table emptied first (so nothing of an earlier ruleset
   * stays, whichever iptables backend), ipsets replaced, then the IPv4 and IPv6 files restored.
   */
  async loadIptables(rules: { v4: string; v6: string; ipsets?: string }): Promise<void> {
    const files = {
      blank4: BLANK_TABLES,
      blank6: BLANK_TABLES,
      sets: rules.ipsets ?? '',
      v4: rules.v4,
      v6: rules.v6,
    };
    for (const [name, text] of Object.entries(files)) writeFileSync(join(this.dir, name), text);
    const f = (name: keyof typeof files) => `'${join(this.dir, name)}'`;
    // iptables-nft keeps its tables in nftables: one flush empties them all.
    const reset = (await this.nftBackend())
      ? ['nft flush ruleset']
      : [`iptables-restore < ${f('blank4')}`, `ip6tables-restore < ${f('blank6')}`];
    const script = [
      ...reset,
      'ipset destroy',
      `ipset restore < ${f('sets')}`,
      `iptables-restore < ${f('v4')} || { echo "(the IPv4 file)" >&2; exit 1; }`,
      `ip6tables-restore < ${f('v6')} || { echo "(the IPv6 file)" >&2; exit 1; }`,
    ].join(' && ');
    const r = await run(['ip', 'netns', 'exec', this.router, 'sh', '-c', script]);
    if (r.code !== 0) throw new Error(`loading the iptables ruleset failed: ${r.stderr.trim()}`);
  }

  /** Replaces the router's whole nftables ruleset with `text` (atomically, `flush ruleset` first). */
  async loadNftables(text: string): Promise<void> {
    const r = await run(['ip', 'netns', 'exec', this.router, 'nft', '-f', '-'], `flush ruleset\n${text}`);
    if (r.code !== 0) throw new Error(`nft -f failed: ${r.stderr.trim()}`);
  }

  private backend?: Promise<boolean>;

  private nftBackend(): Promise<boolean> {
    this.backend ??= must(['iptables', '-V']).then((v) => v.includes('nf_tables'));
    return this.backend;
  }

  /** What the router's tools print back: `iptables-save -c`, `ip6tables-save -c` and `ipset save`. */
  async iptablesSave(): Promise<{ v4: string; v6: string; ipsets: string }> {
    const mark = '@@kernel-oracle@@';
    const script = `iptables-save -c && echo ${mark} && ip6tables-save -c && echo ${mark} && ipset save`;
    const [v4, v6, ipsets] = (await must(['ip', 'netns', 'exec', this.router, 'sh', '-c', script])).split(
      `${mark}\n`,
    );
    return { v4: v4!, v6: v6!, ipsets: ipsets! };
  }

  /** `nft list ruleset` and `nft -j list ruleset` in the router. */
  async nftList(): Promise<{ text: string; json: string }> {
    const text = await must(['ip', 'netns', 'exec', this.router, 'nft', 'list', 'ruleset']);
    const json = await must(['ip', 'netns', 'exec', this.router, 'nft', '-j', 'list', 'ruleset']);
    return { text, json };
  }

  /**
   * Sends the first packet of each flow (a TCP SYN, a UDP datagram) from its source, each from a source
   * port not used before in this lab (so the router's conntrack sees a new flow), and returns which flows
   * reached the server. Flows must be distinct.
   */
  async probe(probes: readonly Probe[]): Promise<boolean[]> {
    await this.addSources(probes.map((p) => p.src));
    await must(
      ['ip', 'netns', 'exec', this.server, 'nft', '-f', '-'],
      'flush set inet cap seen4\nflush set inet cap seen6\n',
    );
    const flows = probes.map((p) => ({ ...p, sport: this.nextPort() }));
    const reply = JSON.parse(await this.send(JSON.stringify({ flows }))) as {
      sent: number;
      errors: string[];
    };
    const failures = reply.errors.filter((e) => !ANSWERS.has(e.slice(e.lastIndexOf(': ') + 2)));
    if (failures.length) throw new Error(`the client could not send: ${failures.join('; ')}`);
    await new Promise((r) => setTimeout(r, SETTLE_MS));
    const seen = await this.captured();
    return probes.map((p) => seen.has(probeKey(p)));
  }

  private nextPort(): number {
    this.port = this.port >= 60_999 ? 10_000 : this.port + 1;
    return this.port;
  }

  private send(line: string): Promise<string> {
    const sender = this.sender;
    if (!sender || sender.exitCode !== null)
      return Promise.reject(new Error('the sender process has exited'));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the sender did not answer within 10 s')), 10_000);
      this.pending.push((reply) => {
        clearTimeout(timer);
        resolve(reply);
      });
      sender.stdin.write(line + '\n');
    });
  }

  /** The flows the server has seen since its sets were last flushed, as probe keys. */
  private async captured(): Promise<Set<string>> {
    const out = await must(['ip', 'netns', 'exec', this.server, 'nft', '-j', 'list', 'table', 'inet', 'cap']);
    const seen = new Set<string>();
    for (const item of (JSON.parse(out) as { nftables: { set?: { elem?: unknown[] } }[] }).nftables) {
      for (const e of item.set?.elem ?? []) {
        const concat = elementConcat(e);
        if (!concat) throw new Error(`unexpected capture element ${JSON.stringify(e)}`);
        const [src, dst, proto, port] = concat;
        const p = PROTO_NAMES[String(proto)];
        if (!p) throw new Error(`unexpected protocol in capture element ${JSON.stringify(e)}`);
        seen.add(probeKey({ src: String(src), dst: String(dst), proto: p, port: Number(port) }));
      }
    }
    return seen;
  }

  async destroy(): Promise<void> {
    this.replies?.close();
    if (this.sender && this.sender.exitCode === null) {
      this.sender.stdin.end();
      const exited = new Promise((r) => this.sender!.once('exit', r));
      const timer = setTimeout(() => this.sender?.kill('SIGKILL'), 2_000);
      await exited;
      clearTimeout(timer);
    }
    for (const ns of [this.client, this.router, this.server]) {
      if (!live.has(ns)) continue;
      await run(['ip', 'netns', 'del', ns]);
      live.delete(ns);
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** `{"concat": [...]}` or `{"elem": {"val": {"concat": [...]}}}` (with a dynamic set's extra fields). */
function elementConcat(e: unknown): unknown[] | undefined {
  const o = e as { concat?: unknown[]; elem?: { val?: { concat?: unknown[] } } };
  return o.concat ?? o.elem?.val?.concat;
}

/** The tables the generators use, with no rules and ACCEPT policies: resets the router between rulesets. */
const BLANK_TABLES = Object.entries({
  raw: ['PREROUTING', 'OUTPUT'],
  mangle: ['PREROUTING', 'INPUT', 'FORWARD', 'OUTPUT', 'POSTROUTING'],
  filter: ['INPUT', 'FORWARD', 'OUTPUT'],
})
  .map(([t, chains]) => `*${t}\n${chains.map((c) => `:${c} ACCEPT [0:0]`).join('\n')}\nCOMMIT\n`)
  .join('');
