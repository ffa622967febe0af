import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCheck, type CheckOptions } from '../../src/check/run-check.js';
import { applyEdits } from '../../src/remediate/apply-edits.js';
import { remediate, verifyFix, type Remediation } from '../../src/remediate/remediate.js';
import { nftCheck, nftUnavailable } from '../formats/nftables/nft-tool.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const unavailable = nftUnavailable();
const RANK = { allowed: 0, unknown: 1, partial: 2, blocked: 3 } as const;
const label = (f: { host: string; port: number; protocol: string }) => `${f.host}:${f.port}/${f.protocol}`;

interface Case {
  path: string;
  sources?: string[];
  sourceZones?: string[];
  destinationZones?: string[];
}

const CASES: Case[] = [
  // The forward chain's policy drops 53/tcp: appended at the end of the chain's block.
  {
    path: 'fixtures/nftables/router.nft',
    sources: ['10.20.1.0/24'],
    sourceZones: ['lan'],
    destinationZones: ['wan'],
  },
  // 10.30.0.0/16 returns from the media chain and falls to the policy.
  {
    path: 'fixtures/nftables/router.nft',
    sources: ['10.30.0.0/16'],
    sourceZones: ['lan'],
    destinationZones: ['wan'],
  },
  {
    path: 'fixtures/nftables/router.nft',
    sources: ['10.20.1.0/24', 'fd00:20::/48'],
    sourceZones: ['lan'],
    destinationZones: ['wan'],
  },
  { path: 'fixtures/nftables/router.nft', sources: ['10.20.1.0/24'] },
  // The ip guard chain drops 8089/udp for IPv4; the lab network is dropped in prerouting too (two chains).
  {
    path: 'fixtures/nftables/stages.nft',
    sources: ['10.20.0.0/16'],
    sourceZones: ['lan0'],
    destinationZones: ['wan0'],
  },
  {
    path: 'fixtures/nftables/stages.nft',
    sources: ['10.99.0.0/16'],
    sourceZones: ['lan0'],
    destinationZones: ['wan0'],
  },
  // A script whose chain is filled by add rule commands: the fix is a command at the end.
  { path: 'fixtures/nftables/host-script.nft', sources: ['10.40.0.0/16'], destinationZones: ['eth0'] },
  { path: 'fixtures/nftables/host-script.nft', destinationZones: ['eth0'] },
  {
    path: 'fixtures/nftables/unknowns.nft',
    sources: ['10.20.0.0/16'],
    sourceZones: ['lan0'],
    destinationZones: ['wan0'],
  },
];

const name = (c: Case) =>
  [
    c.path,
    c.sources && `--source ${c.sources.join(',')}`,
    c.sourceZones && `--source-zone ${c.sourceZones}`,
    c.destinationZones && `--destination-zone ${c.destinationZones}`,
  ]
    .filter(Boolean)
    .join(' ');

async function check(c: Case, path = c.path) {
  const options: CheckOptions = {
    configs: [path],
    version: 'latest',
    mode: 'cloud',
    ...(c.sources ? { sources: c.sources } : {}),
    ...(c.sourceZones ? { sourceZones: c.sourceZones } : {}),
    ...(c.destinationZones ? { destinationZones: c.destinationZones } : {}),
  };
  const before = await runCheck(options);
  return { options, before, fixes: await remediate(before) };
}

function patchedCopy(path: string, offered: Remediation[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'rsfc-nft-fix-'));
  dirs.push(dir);
  const copy = join(dir, path.split('/').pop()!);
  writeFileSync(
    copy,
    applyEdits(
      readFileSync(path, 'utf8'),
      offered.flatMap((f) => f.edits),
    ),
  );
  return copy;
}

/** `nft '...'` as the admin types it: the nft words, for `nft -c` after loading the original ruleset. */
const nftWords = (command: string) =>
  command
    .replace(/^nft '/, '')
    .replace(/'$/, '')
    .replace(/'\\''/g, "'");

describe('nftables fixes, proven by applying them', () => {
  for (const c of CASES) {
    it(name(c), async () => {
      const { options, before, fixes } = await check(c);
      const failing = before.results.filter((r) => r.flow.severity === 'required' && r.verdict !== 'allowed');
      expect(failing.length, 'every case has a failing required flow').toBeGreaterThan(0);
      const offered = fixes.filter((f) => f.verified);
      expect(offered.length, JSON.stringify(fixes.map((f) => f.reason))).toBeGreaterThan(0);
      const copy = patchedCopy(c.path, offered);
      const after = await runCheck({ ...options, configs: [copy] });
      const fixed = new Set(offered.flatMap((f) => f.flows));
      after.results.forEach((r, i) => {
        const was = before.results[i]!;
        if (fixed.has(label(r.flow))) expect(r.verdict, label(r.flow)).toBe('allowed');
        expect(RANK[r.verdict], label(r.flow)).toBeLessThanOrEqual(RANK[was.verdict]);
      });
      if (unavailable) return;
      // The patched file loads, and each command is accepted on the original ruleset.
      const original = readFileSync(c.path, 'utf8');
      expect(() => nftCheck([{ name: copy, text: readFileSync(copy, 'utf8') }])).not.toThrow();
      const commands = offered
        .flatMap((f) => f.commands)
        .map((cmd) => ({ name: cmd, text: `${nftWords(cmd)}\n` }));
      expect(() => nftCheck(commands, original)).not.toThrow();
    });
  }

  it(`generated rules load with nft -c -f${unavailable ? ` (SKIPPED: ${unavailable})` : ''}`, () => {
    expect(CASES.length).toBeGreaterThan(0);
  });
});

describe('placement and commands', () => {
  it('a drop in an earlier base chain gets its own accept: the prerouting chain (no output interface there) and the ip guard', async () => {
    const { fixes } = await check(CASES[5]!);
    const media = fixes.find((f) => f.flows.includes('*:8089/udp'))!;
    expect(media.verified).toBe(true);
    expect(media.edits.map((e) => e.line).sort((a, b) => a - b)).toEqual([5, 24]);
    expect(media.edits.find((e) => e.line === 24)!.insert).toBe(
      '\t\tiifname "lan0" ip saddr 10.99.0.0/16 meta l4proto { tcp, udp } th dport { 3478, 8089 } accept comment "allow-remotespark-media"\n',
    );
    expect(media.edits.find((e) => e.line === 5)!.insert).toContain('oifname "wan0"');
    expect(media.commands).toEqual([
      `nft 'insert rule inet early prerouting index 0 iifname "lan0" ip saddr 10.99.0.0/16 meta l4proto { tcp, udp } th dport { 3478, 8089 } accept comment "allow-remotespark-media"'`,
      `nft 'insert rule ip guard forward index 1 iifname "lan0" oifname "wan0" ip saddr 10.99.0.0/16 meta l4proto { tcp, udp } th dport { 3478, 8089 } accept comment "allow-remotespark-media"'`,
    ]);
  });

  it('commands insert before the handle of the deciding rule, or append for a chain policy', async () => {
    const { fixes } = await check({ ...CASES[0]!, sources: ['10.20.0.0/16'] });
    const web = fixes.find((f) => f.rule === 'allow-remotespark-web')!;
    expect(web.placement).toEqual({
      before: { name: 'inet filter forward #3', path: 'fixtures/nftables/router.nft', line: 24 },
    });
    expect(web.commands).toEqual([
      `nft 'insert rule inet filter forward handle 8 iifname "lan" oifname "wan" ip saddr 10.20.0.0/16 tcp dport 443 accept comment "allow-remotespark-web"'`,
    ]);
    const dns = (await check(CASES[0]!)).fixes.find((f) => f.rule === 'allow-remotespark-dns')!;
    expect(dns.placement).toEqual({
      before: { name: 'inet filter forward policy drop', path: 'fixtures/nftables/router.nft', line: 21 },
    });
    expect(dns.commands).toEqual([
      `nft 'add rule inet filter forward iifname "lan" oifname "wan" ip saddr 10.20.1.0/24 tcp dport 53 accept comment "allow-remotespark-dns"'`,
    ]);
    expect(dns.edits).toEqual([
      {
        path: 'fixtures/nftables/router.nft',
        line: 30,
        insert:
          '\t\tiifname "lan" oifname "wan" ip saddr 10.20.1.0/24 tcp dport 53 accept comment "allow-remotespark-dns"\n',
      },
    ]);
  });

  it('without handles, by index; rules from add rule commands get a command at the end of the script', async () => {
    const { fixes } = await check(CASES[6]!);
    const media = fixes.find((f) => f.flows.includes('*:8089/tcp'))!;
    expect(media.verified).toBe(true);
    const lines = readFileSync(CASES[6]!.path, 'utf8').split('\n').length;
    expect(media.edits[0]!.line).toBe(lines);
    expect(media.edits[0]!.insert).toMatch(
      /^add rule inet egress output oifname "eth0" ip saddr 10\.40\.0\.0\/16 /,
    );
  });

  it('catches a fix placed after the rule that drops the flows', async () => {
    const c = CASES[4]!;
    const { before, fixes } = await check(c);
    const media = fixes.find((f) => f.flows.includes('*:8089/udp'))!;
    const policy = before.policies[0]!;
    const flows = before.results.filter((r) => media.flows.includes(label(r.flow))).map((r) => r.flow);
    // The same line after the drop (line 5) instead of before it.
    const late = media.edits.map((e) => ({ ...e, line: 6 }));
    expect(await verifyFix(before, policy, late, flows)).toMatch(/still blocked/);
    expect(await verifyFix(before, policy, media.edits, flows)).toBeUndefined();
  });

  it('JSON exports get no edits: the commands of the text listing, not offered as proven', async () => {
    const c = { ...CASES[0]!, sources: ['10.20.0.0/16'] };
    const text = await check(c);
    const { fixes } = await check({ ...c, path: 'fixtures/nftables/router-listing.json' });
    expect(fixes.map((f) => f.flows)).toEqual(text.fixes.map((f) => f.flows));
    const commands: string[] = [];
    for (const [i, f] of fixes.entries()) {
      expect(f.verified).toBe(false);
      expect(f.edits).toEqual([]);
      expect(f.reason).toMatch(
        /^nft -j JSON exports are not edited, so this fix is not proven by re-reading the file\./,
      );
      // The same commands, with the same handles, as for the text listing of the same ruleset.
      for (const cmd of text.fixes[i]!.commands) expect(f.reason).toContain(cmd);
      commands.push(...text.fixes[i]!.commands);
    }
    expect(commands.some((cmd) => /insert rule inet filter forward handle 8 /.test(cmd))).toBe(true);
    if (unavailable) return;
    // Loaded from the JSON itself (its handles come back the same in a fresh namespace), each command applies.
    const dir = mkdtempSync(join(tmpdir(), 'rsfc-nft-json-'));
    dirs.push(dir);
    writeFileSync(join(dir, 'cmds.nft'), commands.map((cmd) => `${nftWords(cmd)}\n`).join(''));
    const r = spawnSync(
      'unshare',
      [
        '--net',
        'sh',
        '-c',
        `nft -j -f fixtures/nftables/router-listing.json && nft -c -f '${join(dir, 'cmds.nft')}'`,
      ],
      { encoding: 'utf8' },
    );
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });
});

describe('hostile names', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rsfc-nft-names-'));
  dirs.push(dir);
  const ruleset = (ifname: string) =>
    `table inet filter {\n\tchain forward {\n\t\ttype filter hook forward priority filter; policy drop;\n\t\tiifname "${ifname}" tcp dport 22 accept\n\t}\n}\n`;

  it('an interface name with a quote for the shell is quoted for the shell, and loads', async () => {
    const path = join(dir, 'quote.nft');
    writeFileSync(path, ruleset("it's"));
    const { fixes } = await check({ path, sources: ['10.0.0.0/8'], sourceZones: ["it's"] }, path);
    const web = fixes.find((f) => f.rule === 'allow-remotespark-web')!;
    expect(web.verified).toBe(true);
    expect(web.commands[0]).toBe(
      `nft 'add rule inet filter forward iifname "it'\\''s" ip saddr 10.0.0.0/8 tcp dport 443 accept comment "allow-remotespark-web"'`,
    );
    if (!unavailable)
      expect(() =>
        nftCheck([{ name: 'cmd', text: `${nftWords(web.commands[0]!)}\n` }], ruleset("it's")),
      ).not.toThrow();
  });

  it('an interface named with a literal "*" is written "name\\*", not as a wildcard', async () => {
    const path = join(dir, 'star.nft');
    const text = ruleset('lan\\*');
    writeFileSync(path, text);
    const c = { path, sources: ['10.0.0.0/8'], sourceZones: ['lan*'] };
    const { fixes } = await check(c, path);
    const web = fixes.find((f) => f.rule === 'allow-remotespark-web')!;
    expect(web.verified).toBe(true);
    expect(web.edits[0]!.insert).toContain('iifname "lan\\*" ip saddr 10.0.0.0/8 tcp dport 443 accept');
    expect(web.commands[0]).toContain('iifname "lan\\*"');
    // Read back, the fix admits lan* itself and not lan0, which a wildcard "lan*" would.
    const copy = patchedCopy(path, [web]);
    for (const [zone, verdict] of [
      ['lan*', 'allowed'],
      ['lan0', 'blocked'],
    ] as const) {
      const after = await runCheck({
        configs: [copy],
        version: 'latest',
        mode: 'cloud',
        sources: ['10.0.0.0/8'],
        sourceZones: [zone],
      });
      const r = after.results.find((x) => x.flow.port === 443 && x.flow.protocol === 'tcp')!;
      expect(r.verdict, zone).toBe(verdict);
    }
    if (!unavailable) {
      expect(() => nftCheck([{ name: copy, text: readFileSync(copy, 'utf8') }])).not.toThrow();
      expect(() => nftCheck([{ name: 'cmd', text: `${nftWords(web.commands[0]!)}\n` }], text)).not.toThrow();
    }
  });

  it('a name nft strings cannot hold is refused with the reason, not written', async () => {
    const path = join(dir, 'dq.nft');
    writeFileSync(path, ruleset('lan'));
    const { fixes } = await check({ path, sources: ['10.0.0.0/8'], destinationZones: ['we"b'] }, path);
    for (const f of fixes) {
      expect(f.verified).toBe(false);
      expect(f.edits).toEqual([]);
    }
  });
});
