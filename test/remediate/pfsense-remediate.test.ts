import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCheck, type CheckOptions } from '../../src/check/run-check.js';
import { applyEdits } from '../../src/remediate/apply-edits.js';
import { remediate, verifyFix } from '../../src/remediate/remediate.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const BRANCH = 'fixtures/pfsense/branch-office.xml';
const HQ = 'fixtures/opnsense/hq.xml';
const HOME = 'fixtures/pfsense/home-default.xml';
const cases: { path: string; sources?: string[]; zones?: string[] }[] = [
  { path: BRANCH, sources: ['192.168.10.0/24'] },
  { path: BRANCH, sources: ['10.50.0.0/24'] },
  { path: BRANCH, sources: ['10.60.0.0/24'] },
  { path: BRANCH, zones: ['opt2'] },
  { path: HQ, sources: ['172.16.2.0/24'] },
  { path: HQ, sources: ['172.16.3.0/24'] },
  { path: HOME, sources: ['192.168.1.0/24'] },
];

const RANK = { allowed: 0, unknown: 1, partial: 2, blocked: 3 } as const;

async function check(c: (typeof cases)[number], path = c.path) {
  const options: CheckOptions = {
    configs: [path],
    version: 'latest',
    mode: 'cloud',
    ...(c.sources ? { sources: c.sources } : {}),
    ...(c.zones ? { sourceZones: c.zones } : {}),
  };
  return runCheck(options);
}

describe('pfSense and OPNsense fixes, proven by applying them', () => {
  for (const c of cases) {
    it(`${c.path} ${c.sources ? `--source ${c.sources.join(',')}` : `--source-zone ${c.zones!.join(',')}`}`, async () => {
      const before = await check(c);
      const fixes = await remediate(before);
      const failing = before.results.filter((r) => r.flow.severity === 'required' && r.verdict !== 'allowed');
      if (failing.length === 0) return expect(fixes).toEqual([]);
      const offered = fixes.filter((f) => f.verified);
      expect(offered.length, JSON.stringify(fixes.map((f) => f.reason))).toBeGreaterThan(0);
      const dir = mkdtempSync(join(tmpdir(), 'rsfc-pf-fix-'));
      dirs.push(dir);
      const copy = join(dir, 'config.xml');
      writeFileSync(
        copy,
        applyEdits(
          readFileSync(c.path, 'utf8'),
          offered.flatMap((f) => f.edits),
        ),
      );
      const after = await check(c, copy);
      const fixed = new Set(offered.flatMap((f) => f.flows));
      after.results.forEach((r, i) => {
        const label = `${r.flow.host}:${r.flow.port}/${r.flow.protocol}`;
        if (fixed.has(label)) expect(r.verdict, label).toBe('allowed');
        expect(RANK[r.verdict], label).toBeLessThanOrEqual(RANK[before.results[i]!.verdict]);
      });
    });
  }
});

describe('placement and text', () => {
  it('leaves a flow an OPNsense MVC rule blocks to the admin, saying where the rule goes', async () => {
    const before = await check({ path: HQ, sources: ['172.16.1.0/24'] });
    const media = (await remediate(before)).find((f) => f.flows.includes('*:8089/tcp'))!;
    expect(media.verified).toBe(false);
    expect(media.reason).toMatch(/"No 8089 TCP out \(new rules\)" is one of OPNsense's new \(MVC\) rules/);
  });

  it('fixes LAN media in both stages: a quick floating pass out before the WAN block, a group-tab pass before the STUN block', async () => {
    const before = await check({ path: BRANCH, sources: ['192.168.10.0/24'] });
    const media = (await remediate(before)).find((f) => f.flows.includes('*:3478/udp'))!;
    expect(media.verified, media.reason).toBe(true);
    expect(media.placement).toMatchObject({ before: { name: 'Block 8089 UDP out on WAN', line: 112 } });
    expect(media.edits.map((e) => e.line).sort()).toEqual([112, 185]);
    const out = media.edits.find((e) => e.line === 112)!.insert;
    expect(out).toContain('<interface>wan</interface>');
    expect(out).toContain(
      '<floating>yes</floating>\n\t\t\t<quick>yes</quick>\n\t\t\t<direction>out</direction>',
    );
    expect(media.commands).toEqual([]);
    expect(media.notes?.join(' ')).toMatch(
      /Firewall > Rules > INTERNAL above "Block STUN from internal networks"/,
    );
    const rule = media.edits.find((e) => e.line === 185)!.insert;
    expect(rule).toContain(
      '\t\t<rule>\n\t\t\t<type>pass</type>\n\t\t\t<interface>INTERNAL</interface>\n\t\t\t<ipprotocol>inet</ipprotocol>\n',
    );
    expect(rule).toContain('\t\t\t<source>\n\t\t\t\t<address>192.168.10.0/24</address>\n\t\t\t</source>');
  });

  it('reuses the host alias that names exactly the CDN, and adds a pass rule at the end of the IoT tab', async () => {
    const before = await check({ path: BRANCH, zones: ['opt2'] });
    const web = (await remediate(before)).find((f) => f.flows.some((x) => x.endsWith(':443/tcp')))!;
    expect(web.verified, web.reason).toBe(true);
    expect(web.edits.map((e) => e.insert).join('')).toMatch(/<network>opt2<\/network>/);
  });

  it('a fix placed after the blocking rule is caught by the proof', async () => {
    const before = await check({ path: BRANCH, sources: ['192.168.10.0/24'] });
    const media = (await remediate(before)).find((f) => f.flows.includes('*:3478/udp'))!;
    const text = readFileSync(BRANCH, 'utf8').split('\n');
    const end = text.findIndex((l) => l.includes('</filter>')) + 1;
    const late = media.edits.map((e) => (e.line === 185 ? { ...e, line: end } : e));
    const flows = before.results
      .filter((r) => media.flows.includes(`${r.flow.host}:${r.flow.port}/${r.flow.protocol}`))
      .map((r) => r.flow);
    expect(await verifyFix(before, before.policies[0]!, late, flows)).toMatch(/still (blocked|partial)/);
    expect(await verifyFix(before, before.policies[0]!, media.edits, flows)).toBeUndefined();
  });

  it('escapes config text it writes into the XML', async () => {
    const hostile = readFileSync(BRANCH, 'utf8').replace(
      'Block STUN from internal networks',
      'Block ]]> <rule> & "STUN"',
    );
    const dir = mkdtempSync(join(tmpdir(), 'rsfc-pf-hostile-'));
    dirs.push(dir);
    const path = join(dir, 'config.xml');
    writeFileSync(
      path,
      hostile.replace('<![CDATA[Block ]]> <rule> & "STUN"]]>', 'Block ]]&gt; &lt;rule&gt; &amp; "STUN"'),
    );
    const before = await check({ path, sources: ['192.168.10.0/24'] });
    const media = (await remediate(before)).find((f) => f.flows.includes('*:3478/udp'))!;
    expect(media.verified, media.reason).toBe(true);
    expect(media.notes?.join(' ')).toContain('above "Block ]]> <rule> & "STUN""');
  });
});
