import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Probe } from './addresses.js';
import { kernelOracleSkipReason } from './availability.js';
import { Lab } from './lab.js';

const skip = await kernelOracleSkipReason();

const SOURCES4 = ['10.1.0.10', '10.1.0.11', '10.1.1.20'];
const SOURCES6 = ['fd01::a', 'fd01::1:b'];
const DESTS4 = ['198.51.100.7', '203.0.113.9'];
const DESTS6 = ['2001:db8:100::7', '2001:db8:200::9'];

function grid(sources: string[], dests: string[], family: Probe['family']): Probe[] {
  return sources.flatMap((src) =>
    dests.flatMap((dst) =>
      [22, 443, 3478].flatMap((port) =>
        (['tcp', 'udp'] as const).map((proto) => ({ family, src, dst, port, proto })),
      ),
    ),
  );
}

const PROBES = [...grid(SOURCES4, DESTS4, 'ipv4'), ...grid(SOURCES6, DESTS6, 'ipv6')];

const filter = (rules: string, policy = 'DROP') =>
  `*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ${policy} [0:0]\n:OUTPUT ACCEPT [0:0]\n${rules}COMMIT\n`;

// These check the harness itself against rulesets whose answer is known, without any reader.
describe.skipIf(skip !== undefined)(`kernel lab${skip ? ` (skipped: ${skip})` : ''}`, () => {
  let lab: Lab;
  beforeAll(async () => {
    lab = await Lab.create();
  });
  afterAll(async () => {
    await lab?.destroy();
  });

  it('delivers every probe through an empty ruleset, batch after batch', async () => {
    await lab.loadNftables('');
    for (let i = 0; i < 10; i++) expect(await lab.probe(PROBES)).toEqual(PROBES.map(() => true));
  });

  it('delivers nothing when the forward policy drops', async () => {
    await lab.loadIptables({ v4: filter(''), v6: filter('') });
    expect(await lab.probe(PROBES)).toEqual(PROBES.map(() => false));
  });

  it('delivers exactly what an iptables rule accepts, in both families', async () => {
    await lab.loadIptables({
      v4: filter('-A FORWARD -s 10.1.0.0/24 -p tcp -m tcp --dport 443 -j ACCEPT\n'),
      v6: filter('-A FORWARD -d 2001:db8:200::/48 -p udp -j ACCEPT\n'),
    });
    const got = await lab.probe(PROBES);
    const want = PROBES.map((p) =>
      p.family === 'ipv4'
        ? p.src.startsWith('10.1.0.') && p.proto === 'tcp' && p.port === 443
        : p.dst.startsWith('2001:db8:200:') && p.proto === 'udp',
    );
    expect(got).toEqual(want);
  });

  it('sees a new flow as NEW: an ESTABLISHED,RELATED accept admits nothing, a NEW accept everything', async () => {
    await lab.loadIptables({
      v4: filter('-A FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT\n'),
      v6: filter('-A FORWARD -m state --state NEW -j ACCEPT\n'),
    });
    expect(await lab.probe(PROBES)).toEqual(PROBES.map((p) => p.family === 'ipv6'));
  });

  // Conntrack runs at prerouting priority -200: a chain before it (the raw table, nft priority -300) sees
  // no connection yet, which ct state calls invalid (nft_ct.c and xt_conntrack.c: no conntrack entry and
  // not untracked = INVALID); the forward hook sees the first packet as new.
  it('sees a first packet as INVALID before conntrack and NEW after it (nftables)', async () => {
    await lab.loadNftables(`table inet t {
  chain pre {
    type filter hook prerouting priority -300; policy accept;
    meta l4proto udp ct state invalid drop
    ct state new drop
  }
  chain forward {
    type filter hook forward priority 0; policy drop;
    meta l4proto tcp ct state new accept
  }
}
`);
    expect(await lab.probe(PROBES)).toEqual(PROBES.map((p) => p.proto === 'tcp'));
  });

  it('sees a first packet as INVALID in the raw table and NEW in filter FORWARD (iptables)', async () => {
    const rules = (raw: string) =>
      `*raw\n:PREROUTING ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n${raw}COMMIT\n` +
      filter('-A FORWARD -p tcp -m conntrack --ctstate NEW -j ACCEPT\n');
    await lab.loadIptables({
      v4: rules(
        '-A PREROUTING -p udp -m conntrack --ctstate INVALID -j DROP\n-A PREROUTING -m conntrack --ctstate NEW -j DROP\n',
      ),
      v6: rules(
        '-A PREROUTING -p udp -m state --state INVALID -j DROP\n-A PREROUTING -m state --state NEW -j DROP\n',
      ),
    });
    expect(await lab.probe(PROBES)).toEqual(PROBES.map((p) => p.proto === 'tcp'));
  });

  it('drops what a REJECT rule rejects while later flows still pass', async () => {
    await lab.loadNftables(`table inet f {
  chain forward {
    type filter hook forward priority 0; policy accept;
    meta l4proto tcp th dport 22 reject with tcp reset
    udp dport 3478 reject
  }
}
`);
    const rejected = (p: Probe) =>
      (p.proto === 'tcp' && p.port === 22) || (p.proto === 'udp' && p.port === 3478);
    expect(await lab.probe(PROBES)).toEqual(PROBES.map((p) => !rejected(p)));
  });

  it('refuses a ruleset the kernel tools refuse', async () => {
    await expect(lab.loadNftables('table inet f { chain c { nonsense } }')).rejects.toThrow(/nft -f failed/);
    await expect(lab.loadIptables({ v4: filter('-A FORWARD --bogus\n'), v6: filter('') })).rejects.toThrow(
      /IPv4 file/,
    );
  });
});
