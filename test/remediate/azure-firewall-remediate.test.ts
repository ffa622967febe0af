import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCheck, type CheckOptions } from '../../src/check/run-check.js';
import { collectionObject } from '../../src/formats/azure-firewall/fix-text.js';
import type { Container } from '../../src/formats/azure-firewall/fix-layout.js';
import { applyEdits } from '../../src/remediate/apply-edits.js';
import { remediate, verifyFix, type Remediation } from '../../src/remediate/remediate.js';
import { runCli } from '../cli/cli-io.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const DIR = 'fixtures/azure-firewall';
/** Files read together with a fixture (IP groups in another export). */
const WITH: Record<string, string[]> = { 'az-rcg-show-branch.json': ['ip-groups-branch.json'] };
const fixtures = [
  'hub-policy-arm.json',
  'org-base-and-branch-arm.json',
  'child-missing-parent-arm.json',
  'hub-firewalls-policy-chain-arm.json',
  'trimmed-export-ip-groups-arm.json',
  'az-rcg-list-hub.json',
  'az-rcg-show-branch.json',
  'classic-rules-arm.json',
  'bicep-premium-lab.json',
  'bicep-module-site.json',
];
const SOURCES: Record<string, string> = {
  'hub-policy-arm.json': '10.20.0.0/16',
  'org-base-and-branch-arm.json': '10.30.0.0/16',
  'hub-firewalls-policy-chain-arm.json': '10.0.0.0/8',
  'classic-rules-arm.json': '10.60.0.0/16',
  'az-rcg-list-hub.json': '10.40.0.0/16',
  'bicep-module-site.json': '10.90.0.0/16',
  'bicep-premium-lab.json': '10.70.0.0/16',
};
const cases: { file: string; sources?: string[] }[] = [
  ...fixtures.map((file) => ({ file })),
  ...fixtures.filter((f) => SOURCES[f]).map((file) => ({ file, sources: [SOURCES[file]!] })),
];

const RANK = { allowed: 0, unknown: 1, partial: 2, blocked: 3 } as const;
const label = (f: { host: string; port: number; protocol: string }) => `${f.host}:${f.port}/${f.protocol}`;

async function check(file: string, sources?: string[], dir = DIR) {
  const options: CheckOptions = {
    configs: [join(dir, file), ...(WITH[file] ?? []).map((f) => join(dir, f))],
    version: 'latest',
    mode: 'cloud',
    ...(sources ? { sources } : {}),
  };
  return { options, result: await runCheck(options) };
}

/** Applies every offered edit to copies of the files and checks again. */
async function applied(file: string, offered: Remediation[], sources?: string[]) {
  const dir = mkdtempSync(join(tmpdir(), 'rsfc-azfix-'));
  dirs.push(dir);
  for (const f of [file, ...(WITH[file] ?? [])]) {
    const path = join(DIR, f);
    const edits = offered.flatMap((r) => r.edits).filter((e) => e.path === path);
    writeFileSync(join(dir, f), applyEdits(readFileSync(path, 'utf8'), edits));
  }
  return (await check(file, sources, dir)).result;
}

const verified: string[] = [];

describe('Azure Firewall fixes, proven by applying them', () => {
  for (const c of cases) {
    it(`${c.file}${c.sources ? ` --source ${c.sources.join(',')}` : ''}`, async () => {
      const { result: before } = await check(c.file, c.sources);
      const fixes = await remediate(before);
      const failing = before.results.filter((r) => r.flow.severity === 'required' && r.verdict !== 'allowed');
      if (failing.length === 0) {
        expect(fixes).toEqual([]);
        return;
      }
      expect(fixes.length).toBeGreaterThan(0);
      for (const f of fixes) if (!f.verified) expect(f.reason, JSON.stringify(f)).toBeTruthy();
      const offered = fixes.filter((f) => f.verified);
      if (offered.length) verified.push(c.file);
      const after = await applied(c.file, offered, c.sources);
      const fixed = new Set(
        offered.filter((f) => f.policy).flatMap((f) => f.flows.map((l) => `${f.policy}|${l}`)),
      );
      after.results.forEach((r, i) => {
        const was = before.results[i]!;
        r.perPolicy.forEach((p, k) => {
          const key = `${after.policies[k]!.name}|${label(r.flow)}`;
          if (fixed.has(key)) expect(p.verdict, key).toBe('allowed');
          expect(RANK[p.verdict], key).toBeLessThanOrEqual(RANK[was.perPolicy[k]!.verdict]);
        });
      });
    });
  }

  it('offers proven fixes for most fixtures', () => {
    expect(new Set(verified).size).toBeGreaterThanOrEqual(5);
  });
});

/** A fixture's text changed, written to a temporary directory. */
function variant(file: string, change: (text: string) => string): string {
  const dir = mkdtempSync(join(tmpdir(), 'rsfc-azvar-'));
  dirs.push(dir);
  writeFileSync(join(dir, file), change(readFileSync(join(DIR, file), 'utf8')));
  return dir;
}

describe('placement and commands', () => {
  it('classic rules: the media collection goes right before the denying collection, with its az commands', async () => {
    const { result } = await check('classic-rules-arm.json', ['10.60.0.0/16']);
    const fixes = await remediate(result);
    const media = fixes.find((f) => f.flows.includes('*:8089/udp'))!;
    expect(media.verified).toBe(true);
    expect(media.placement).toEqual({
      before: { name: 'deny-stun-all', path: 'fixtures/azure-firewall/classic-rules-arm.json', line: 61 },
    });
    // Inserted before the "deny-realtime" collection (priority 300), with priority 298 in the same list.
    expect(media.edits.map((e) => e.line)).toEqual([55]);
    expect(media.edits[0]!.insert).toMatch(
      /^ {10}\{\n {12}"name": "allow-remotespark-media",\n {12}"properties": \{\n {14}"priority": 298,/,
    );
    expect(media.commands).toEqual([
      `az network firewall network-rule create --resource-group "$RESOURCE_GROUP" --firewall-name fw-plant-lyon --collection-name allow-remotespark-media --priority 298 --action Allow --name allow-remotespark-media-udp --description 'RemoteSpark STUN/TURN media (remotespark-firewall-check)' --source-addresses 10.60.0.0/16 --protocols UDP --destination-addresses '*' --destination-ports 8089`,
      `az network firewall network-rule create --resource-group "$RESOURCE_GROUP" --firewall-name fw-plant-lyon --collection-name allow-remotespark-media --name allow-remotespark-media-tcp --description 'RemoteSpark STUN/TURN media (remotespark-firewall-check)' --source-addresses 10.60.0.0/16 --protocols TCP --destination-addresses '*' --destination-ports 3478 8089`,
    ]);
    // Web flows a network rule denies (quarantine-web) can't be fixed by an application rule.
    const web = fixes.find((f) => f.flows.includes('cdn.kognitivspark.net:443/tcp'))!;
    expect(web.verified).toBe(true);
    expect(web.edits[0]!.insert).toContain('"destinationFqdns"');
    expect(web.edits[0]!.insert).not.toContain('targetFqdns');
  });

  it('az CLI output: a new rule collection group before the full default group, and its commands', async () => {
    const { result } = await check('az-rcg-list-hub.json', ['10.40.0.0/16']);
    const media = (await remediate(result)).find((f) => f.flows.includes('*:3478/udp'))!;
    expect(media.verified).toBe(true);
    expect(media.placement).toEqual({
      before: { name: 'deny-stun', path: 'fixtures/azure-firewall/az-rcg-list-hub.json', line: 28 },
    });
    expect(media.edits[0]!.line).toBe(12);
    expect(media.edits[0]!.insert).toContain('"name": "rcg-remotespark-media"');
    expect(media.commands[0]).toBe(
      'az network firewall policy rule-collection-group create --resource-group rg-hub-weu --policy-name fwpol-hub-weu --name rcg-remotespark-media --priority 198',
    );
    expect(media.commands[1]).toMatch(
      /^az network firewall policy rule-collection-group collection add-filter-collection --resource-group rg-hub-weu --policy-name fwpol-hub-weu --rule-collection-group-name rcg-remotespark-media --name allow-remotespark-media --collection-priority 100 --action Allow --rule-type NetworkRule /,
    );
  });

  it('catches the same collection given a priority after the denying one', async () => {
    const { result } = await check('classic-rules-arm.json', ['10.60.0.0/16']);
    const media = (await remediate(result)).find((f) => f.flows.includes('*:8089/udp'))!;
    const flows = result.results.filter((r) => media.flows.includes(label(r.flow))).map((r) => r.flow);
    const late = media.edits.map((e) => ({
      ...e,
      insert: e.insert.replace('"priority": 298', '"priority": 301'),
    }));
    expect(late[0]!.insert).not.toBe(media.edits[0]!.insert);
    expect(await verifyFix(result, result.policies[0]!, late, flows)).toMatch(/still (blocked|partial)/);
    expect(await verifyFix(result, result.policies[0]!, media.edits, flows)).toBeUndefined();
  });
});

describe('what is not written', () => {
  it('a network rule denies web flows and DNS proxy is off: unfixable, saying why', async () => {
    const dir = variant('classic-rules-arm.json', (t) =>
      t.replace('"Network.DNS.EnableProxy": "true"', '"Network.DNS.EnableProxy": "false"'),
    );
    const { result } = await check('classic-rules-arm.json', ['10.60.0.0/16'], dir);
    const web = (await remediate(result)).find((f) => f.flows.includes('cdn.kognitivspark.net:443/tcp'))!;
    expect(web.verified).toBe(false);
    expect(web.edits).toEqual([]);
    expect(web.reason).toMatch(/network rule "quarantine-web" denies these web flows.*DNS proxy/);
  });

  it('a parent policy not in the input decides first: unfixable', async () => {
    const { result } = await check('child-missing-parent-arm.json');
    const fixes = await remediate(result);
    expect(fixes.length).toBeGreaterThan(0);
    for (const f of fixes) {
      expect(f.verified).toBe(false);
      expect(f.reason).toMatch(
        /parent policy fwpol-global \(not in the input\).*not a rule written in a rule collection/,
      );
    }
  });
});

describe('config text in the fix', () => {
  it('quotes hostile policy and group names in commands and keeps the patched export readable', async () => {
    const policy = "fw pol'; $(touch pwned) #";
    const group = 'Default "Net"\nGroup';
    const dir = variant('az-rcg-list-hub.json', (t) =>
      t
        .replaceAll('fwpol-hub-weu', policy)
        .replaceAll('DefaultNetworkRuleCollectionGroup', JSON.stringify(group).slice(1, -1)),
    );
    const { result } = await check('az-rcg-list-hub.json', ['10.40.0.0/16'], dir);
    const fixes = await remediate(result);
    const dns = fixes.find((f) => f.flows.includes('*:53/udp'))!;
    expect(dns.verified, dns.reason).toBe(true);
    expect(dns.commands[0]).toContain(`--policy-name 'fw pol'\\''; $(touch pwned) #'`);
    expect(dns.commands[0]).toContain(`--rule-collection-group-name 'Default "Net"\nGroup'`);
    const media = fixes.find((f) => f.flows.includes('*:3478/udp'))!;
    expect(media.verified, media.reason).toBe(true);
    expect(media.commands[0]).toBe(
      `az network firewall policy rule-collection-group create --resource-group rg-hub-weu --policy-name 'fw pol'\\''; $(touch pwned) #' --name rcg-remotespark-media --priority 198`,
    );
  });

  it('writes literal strings starting with [ escaped in ARM templates', () => {
    const template = { kind: 'group', template: true, collections: [] } as unknown as Container;
    const obj = collectionObject(template, {
      name: 'allow-remotespark-web',
      priority: 100,
      rules: [
        {
          name: 'allow-remotespark-web',
          description: 'd',
          phase: 'application',
          sources: { addresses: [{ edit: '10.0.0.0/8', cli: '10.0.0.0/8' }], ipGroups: [] },
          targetFqdns: ["[concat('x')]"],
        },
      ],
    });
    expect(JSON.stringify(obj)).toContain(`"targetFqdns":["[[concat('x')]"]`);
  });
});

describe('--output patch', () => {
  it('a diff git apply accepts on the committed ARM template, which then passes the check', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rsfc-azpatch-'));
    dirs.push(dir);
    const rel = 'infra/hub-policy-arm.json';
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), readFileSync(join(DIR, 'hub-policy-arm.json')));
    const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, stdio: 'pipe' });
    git('init', '-q');
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      const r = await runCli('check', rel, '--source', '10.20.0.0/16', '--output', 'patch');
      expect(r.stdout).toMatch(/^--- a\/infra\/hub-policy-arm\.json\n/);
      writeFileSync(join(dir, 'fix.patch'), r.stdout);
      git('apply', '--check', 'fix.patch');
      git('apply', 'fix.patch');
      const again = JSON.parse((await runCli('check', rel, '--source', '10.20.0.0/16', '--json')).stdout);
      expect(again.summary.passed).toBe(true);
    } finally {
      process.chdir(cwd);
    }
  });
});
