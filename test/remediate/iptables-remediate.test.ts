import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCheck, type CheckOptions } from '../../src/check/run-check.js';
import { shellWord } from '../../src/formats/iptables/remediate.js';
import { applyEdits } from '../../src/remediate/apply-edits.js';
import { remediate, verifyFix, type Remediation } from '../../src/remediate/remediate.js';
import { restoreTest, restoreUnavailable } from '../formats/iptables/restore-tool.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const F = 'fixtures/iptables';
const unavailable = restoreUnavailable();

interface Case {
  configs: string[];
  sources?: string[];
  sourceZones?: string[];
  destinationZones?: string[];
}

const router = [`${F}/office-router.rules`];
const dual = [`${F}/dual-stack-v4.rules`, `${F}/dual-stack-v6.rules`];
const host = [`${F}/host-ipset.rules`, `${F}/host-ipset.ipset.save`];
const edge = [`${F}/edge-stages.rules`];
const cases: Case[] = [
  { configs: router, destinationZones: ['eth0'] },
  { configs: router, sources: ['10.20.1.0/24'], sourceZones: ['br0'], destinationZones: ['eth0'] },
  { configs: router, sources: ['10.20.0.0/16'], sourceZones: ['br0'], destinationZones: ['eth0'] },
  { configs: router, sources: ['10.30.0.0/16'], sourceZones: ['wlan0'], destinationZones: ['eth0'] },
  { configs: dual, sources: ['10.1.0.0/16'], sourceZones: ['eth1'], destinationZones: ['ppp0'] },
  { configs: dual, sources: ['2001:db8:10::/48'], sourceZones: ['eth1'], destinationZones: ['ppp0'] },
  { configs: host, sources: ['10.1.0.5'] },
  { configs: edge, sources: ['10.5.0.0/16'], sourceZones: ['enp2s0'], destinationZones: ['enp1s0'] },
  // Clients on an interface the save never names that "wlan+" matches: the fix says -i wlan+.
  { configs: router, sources: ['10.40.0.0/16'], sourceZones: ['another interface named wlan…'] },
];

const RANK = { allowed: 0, unknown: 1, partial: 2, blocked: 3 } as const;
const label = (f: { host: string; port: number; protocol: string }) => `${f.host}:${f.port}/${f.protocol}`;
const nameOf = (c: Case) =>
  [
    c.configs.join(' + '),
    c.sources && `--source ${c.sources}`,
    c.sourceZones && `--source-zone ${c.sourceZones}`,
  ]
    .filter(Boolean)
    .join(' ');

function optionsOf(c: Case, configs = c.configs): CheckOptions {
  return {
    configs,
    version: 'latest',
    mode: 'cloud',
    ...(c.sources ? { sources: c.sources } : {}),
    ...(c.sourceZones ? { sourceZones: c.sourceZones } : {}),
    ...(c.destinationZones ? { destinationZones: c.destinationZones } : {}),
  };
}

/** Copies the case's files into a folder with every offered edit applied (a firewall's saves stay together). */
function patchedCopy(c: Case, fixes: readonly Remediation[]): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'rsfc-iptables-fix-'));
  dirs.push(dir);
  return c.configs.map((path) => {
    const copy = join(dir, basename(path));
    const edits = fixes.flatMap((f) => f.edits).filter((e) => e.path === path);
    if (edits.length === 0) copyFileSync(path, copy);
    else writeFileSync(copy, applyEdits(readFileSync(path, 'utf8'), edits));
    return copy;
  });
}

describe('iptables fixes, proven by applying them', () => {
  for (const c of cases) {
    it(nameOf(c), async () => {
      const before = await runCheck(optionsOf(c));
      const fixes = await remediate(before);
      const failing = before.results.filter((r) => r.flow.severity === 'required' && r.verdict !== 'allowed');
      expect(failing.length, 'every case has something to fix').toBeGreaterThan(0);
      const offered = fixes.filter((f) => f.verified);
      expect(offered.length, JSON.stringify(fixes.map((f) => f.reason))).toBeGreaterThan(0);
      const copies = patchedCopy(c, offered);
      const after = await runCheck(optionsOf(c, copies));
      const fixed = new Set(offered.flatMap((f) => f.flows));
      after.results.forEach((r, i) => {
        const was = before.results[i]!;
        if (fixed.has(label(r.flow))) expect(r.verdict, label(r.flow)).toBe('allowed');
        expect(RANK[r.verdict], label(r.flow)).toBeLessThanOrEqual(RANK[was.verdict]);
      });
      // The patched saves load with the kernel's own parser.
      if (!unavailable) {
        expect(() =>
          restoreTest(copies.map((p) => ({ path: p, text: readFileSync(p, 'utf8') }))),
        ).not.toThrow();
      }
    });
  }
});

describe('placement and syntax', () => {
  it('appends to FORWARD before COMMIT where the policy decides, with exact lines and commands', async () => {
    const c = cases[1]!;
    const fixes = await remediate(await runCheck(optionsOf(c)));
    const dns = fixes.find((f) => f.rule === 'allow-remotespark-dns')!;
    expect(dns.verified).toBe(true);
    expect(dns.placement).toEqual({ before: { name: 'FORWARD policy DROP', path: router[0], line: 4 } });
    expect(dns.edits).toEqual([
      {
        path: router[0],
        line: 33,
        insert:
          '-A FORWARD -s 10.20.1.0/24 -i br0 -o eth0 -p tcp -m tcp --dport 53 -m comment --comment "allow-remotespark-dns" -j ACCEPT\n' +
          '-A FORWARD -s 10.20.1.0/24 -i br0 -o eth0 -p udp -m udp --dport 53 -m comment --comment "allow-remotespark-dns" -j ACCEPT\n',
      },
    ]);
    expect(dns.commands).toEqual([
      'iptables -t filter -A FORWARD -s 10.20.1.0/24 -i br0 -o eth0 -p tcp -m tcp --dport 53 -m comment --comment allow-remotespark-dns -j ACCEPT',
      'iptables -t filter -A FORWARD -s 10.20.1.0/24 -i br0 -o eth0 -p udp -m udp --dport 53 -m comment --comment allow-remotespark-dns -j ACCEPT',
    ]);
  });

  it('goes before the jump into the user chain that denies, and into mangle where mangle drops', async () => {
    const fixes = await remediate(await runCheck(optionsOf(cases[2]!)));
    const media = fixes.find((f) => f.rule === 'allow-remotespark-media')!;
    expect(media.verified).toBe(true);
    // media rule 1 (line 31) drops 10.20.5.0/24; the fix goes before FORWARD rule 3 (line 16), the jump
    // to blocklist, the first FORWARD rule on the way.
    expect(media.edits.map((e) => e.line)).toEqual([16]);
    expect(media.commands[0]).toMatch(
      /^iptables -t filter -I FORWARD 3 -s 10\.20\.0\.0\/16 -i br0 -o eth0 -p (tcp|udp) /,
    );

    const edge = await remediate(await runCheck(optionsOf(cases[7]!)));
    const m = edge.find((f) => f.flows.includes('*:8089/tcp'))!;
    expect(m.verified).toBe(true);
    expect(m.commands.some((x) => x.startsWith('iptables -t mangle -I FORWARD 1 '))).toBe(true);
  });

  it('writes ip6tables lines into the IPv6 save for IPv6 clients', async () => {
    const fixes = await remediate(await runCheck(optionsOf(cases[5]!)));
    const offered = fixes.filter((f) => f.verified);
    expect(offered.length).toBeGreaterThan(0);
    for (const f of offered) {
      expect(f.edits.every((e) => e.path === dual[1])).toBe(true);
      expect(f.commands.every((x) => x.startsWith('ip6tables '))).toBe(true);
    }
  });

  it('verification catches a fix placed after the rule that blocks the flow', async () => {
    const before = await runCheck(optionsOf(cases[2]!));
    const media = (await remediate(before)).find((f) => f.rule === 'allow-remotespark-media')!;
    const policy = before.policies[0]!;
    // The same lines at the end of the filter table: after media's DROP of 10.20.5.0/24.
    const late = media.edits.map((e) => ({ ...e, line: 33 }));
    const flows = before.results.filter((r) => media.flows.includes(label(r.flow))).map((r) => r.flow);
    expect(await verifyFix(before, policy, late, flows)).toMatch(/still (blocked|partial|unknown)/);
    expect(await verifyFix(before, policy, media.edits, flows)).toBeUndefined();
  });

  it('never writes an interface name a shell or the save could misread', async () => {
    const before = await runCheck(optionsOf({ ...cases[7]!, sourceZones: ['enp2s0$(id)'] }));
    for (const f of await remediate(before)) {
      expect(f.verified).toBe(false);
      expect(f.commands.join('\n')).not.toContain('$(id)');
    }
    expect(shellWord("we'ird chain")).toBe(`'we'\\''ird chain'`);
    expect(shellWord('FORWARD')).toBe('FORWARD');
  });
});
