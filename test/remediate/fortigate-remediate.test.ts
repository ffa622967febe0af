import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCheck, type CheckOptions } from '../../src/check/run-check.js';
import { policyName } from '../../src/evaluate/zone-scope.js';
import { cliQuote } from '../../src/formats/fortigate/cli-quote.js';
import { applyEdits } from '../../src/remediate/apply-edits.js';
import { remediate, verifyFix, type Remediation } from '../../src/remediate/remediate.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const RANK = { allowed: 0, unknown: 1, partial: 2, blocked: 3 } as const;
const label = (f: { host: string; port: number; protocol: string }) => `${f.host}:${f.port}/${f.protocol}`;

function tempFile(name: string, text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'rsfc-fgt-fix-'));
  dirs.push(dir);
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const check = (path: string, more: Partial<CheckOptions> = {}) =>
  runCheck({ configs: [path], version: 'latest', mode: 'cloud', ...more });

/**
 * Checks, fixes, applies every offered edit to a copy and checks the copy: in each policy the fixed flows
 * are allowed, and no flow's verdict is worse anywhere.
 */
async function fixAndRecheck(options: CheckOptions): Promise<Remediation[]> {
  const path = options.configs[0]!;
  const before = await runCheck(options);
  const fixes = await remediate(before);
  const offered = fixes.filter((f) => f.verified);
  const patched = applyEdits(
    readFileSync(path, 'utf8'),
    offered.flatMap((f) => f.edits),
  );
  const after = await runCheck({ ...options, configs: [tempFile(basename(path), patched)] });
  after.results.forEach((r, i) => {
    after.policies.forEach((p, j) => {
      const now = r.perPolicy[j]!.verdict;
      const name = policyName(before.policies[j]!);
      expect(RANK[now], `${label(r.flow)} in ${name}`).toBeLessThanOrEqual(
        RANK[before.results[i]!.perPolicy[j]!.verdict],
      );
      if (offered.some((f) => f.policy === name && f.flows.includes(label(r.flow)))) {
        expect(now, `${label(r.flow)} in ${name}`).toBe('allowed');
      }
    });
  });
  return fixes;
}

const configs = readdirSync('fixtures/fortigate')
  .filter((f) => /\.(conf|txt)$/.test(f))
  .map((f) => `fixtures/fortigate/${f}`);
const cases: Partial<CheckOptions>[] = [
  ...configs.map((path) => ({ configs: [path] })),
  // Guests of hq-backup (blocked by a policy), and a subnet no fixture has (implicit deny, new objects).
  ...configs.map((path) => ({ configs: [path], sources: ['10.20.5.0/24'] })),
  { configs: ['fixtures/fortigate/hq-backup-7.2.conf'], sources: ['172.16.30.0/24'] },
  { configs: ['fixtures/fortigate/multi-vdom-6.2.conf'], sources: ['10.61.0.0/16'] },
  {
    configs: ['fixtures/fortigate/dual-stack-sdwan-7.4.conf'],
    sources: ['10.10.200.0/24', 'fd00:10::/64'],
  },
  {
    configs: ['fixtures/fortigate/trimmed-show-policy-7.0.txt'],
    sources: ['10.31.0.0/24'],
    destinationZones: ['wan1'],
  },
];

describe('FortiGate fixes, proven by applying them', () => {
  for (const c of cases) {
    it(`${c.configs![0]}${c.sources ? ` --source ${c.sources.join(',')}` : ''}`, async () => {
      const options = { version: 'latest', mode: 'cloud', ...c } as CheckOptions;
      const before = await runCheck(options);
      const failing = before.results.filter((r) => r.flow.severity === 'required' && r.verdict !== 'allowed');
      const fixes = await fixAndRecheck(options);
      if (failing.length === 0) expect(fixes).toEqual([]);
      else {
        // Every fixture's fix can be written and proven.
        expect(
          fixes.filter((f) => !f.verified).map((f) => f.reason),
          JSON.stringify(fixes.map((f) => f.reason)),
        ).toEqual([]);
        expect(fixes.length).toBeGreaterThan(0);
      }
    });
  }
});

describe('placement and commands', () => {
  it('hq-backup guests: before the deny policy 12 (by position, not id), with exact CLI commands', async () => {
    const before = await check('fixtures/fortigate/hq-backup-7.2.conf', { sources: ['10.20.5.0/24'] });
    const [media, ...rest] = await remediate(before);
    expect(rest).toEqual([]);
    expect(media!.verified).toBe(true);
    expect(media!.placement).toEqual({
      before: { name: 'guest-no-realtime', path: 'fixtures/fortigate/hq-backup-7.2.conf', line: 178 },
    });
    expect(media!.edits).toHaveLength(1);
    expect(media!.edits[0]!.line).toBe(178);
    expect(readFileSync('fixtures/fortigate/hq-backup-7.2.conf', 'utf8').split('\n')[177]).toBe(
      '    edit 12',
    );
    // The guests' subnet object and the media service already exist: reused, nothing created.
    expect(media!.commands).toEqual([
      'config firewall policy',
      '    edit 43',
      '        set name "allow-remotespark-media"',
      '        set srcintf "LAN"',
      '        set dstintf "wan1"',
      '        set action accept',
      '        set srcaddr "guest-wifi"',
      '        set dstaddr "all"',
      '        set schedule "always"',
      '        set service "RemoteSpark-Media"',
      '        set nat enable',
      '        set comments "RemoteSpark STUN/TURN media (remotespark-firewall-check)"',
      '    next',
      '    move 43 before 12',
      'end',
    ]);
  });

  it('a VDOM: the rule goes in that VDOM, the commands enter it', async () => {
    const before = await check('fixtures/fortigate/multi-vdom-6.2.conf', {
      sources: ['10.61.0.0/16'],
      policies: ['customer-a'],
    });
    const [media] = await remediate(before);
    expect(media!.verified).toBe(true);
    expect(media!.edits.map((e) => e.line)).toEqual([141]);
    expect(media!.commands.slice(0, 4)).toEqual([
      'config vdom',
      'edit "customer-a"',
      'config firewall policy',
      '    edit 7',
    ]);
    expect(media!.commands).toContain('        set service "STUN-TURN"');
    expect(media!.commands.slice(-3)).toEqual(['    move 7 before 5', 'end', 'end']);
  });

  it('web fixes reuse an FQDN address that matches exactly and create the others', async () => {
    const before = await check('fixtures/fortigate/dual-stack-sdwan-7.4.conf', { sources: ['10.20.5.0/24'] });
    const web = (await remediate(before)).find((f) => f.rule === 'allow-remotespark-web')!;
    expect(web.verified).toBe(true);
    const dstaddr = web.commands.find((c) => c.trim().startsWith('set dstaddr'))!;
    expect(dstaddr).toContain('"rs-cdn"');
    expect(dstaddr).not.toContain('"cdn.kognitivspark.net"');
    expect(web.commands.join('\n')).toContain(
      '    edit "app.kognitivspark.net"\n        set type fqdn\n        set fqdn "app.kognitivspark.net"\n',
    );
    // The new objects go at the end of the existing address table (before its `end`).
    const lines = readFileSync('fixtures/fortigate/dual-stack-sdwan-7.4.conf', 'utf8').split('\n');
    const objectEdit = web.edits.find((e) => e.insert.includes('set type fqdn'))!;
    expect(lines[objectEdit.line - 1]).toBe('end');
  });
});

describe('verification', () => {
  it('catches the same policy placed after the one that blocks the flow', async () => {
    const path = 'fixtures/fortigate/hq-backup-7.2.conf';
    const before = await check(path, { sources: ['10.20.5.0/24'] });
    const [media] = await remediate(before);
    const lines = readFileSync(path, 'utf8').split('\n');
    // Right after "guest-no-realtime" (policy 12): the `edit 3` line that follows it.
    const after12 = lines.indexOf('    edit 3') + 1;
    const late = media!.edits.map((e) => ({ ...e, line: after12 }));
    const flows = before.results.filter((r) => media!.flows.includes(label(r.flow))).map((r) => r.flow);
    expect(await verifyFix(before, before.policies[0]!, late, flows)).toMatch(/still blocked/);
    expect(await verifyFix(before, before.policies[0]!, media!.edits, flows)).toBeUndefined();
  });
});

const HOSTILE = `config system interface
    edit "wan1"
        set ip 192.0.2.2 255.255.255.0
    next
    edit "lan \\"x\\" \\\\ y"
        set ip 10.9.0.1 255.255.255.0
    next
end
config firewall address
    edit "all"
    next
    edit "clients \\"ops\\" \\\\ team"
        set subnet 10.9.0.0 255.255.255.0
    next
end
config firewall policy
    edit 1
        set name "block \\"all\\""
        set srcintf "lan \\"x\\" \\\\ y"
        set dstintf "wan1"
        set srcaddr "all"
        set dstaddr "all"
        set schedule "always"
        set service "ALL"
    next
end
config router static
    edit 1
        set gateway 192.0.2.1
        set device "wan1"
    next
end
`;

describe('quoting', () => {
  it('cliQuote escapes backslashes and double quotes, and refuses line breaks', () => {
    expect(cliQuote('a "b" \\ c')).toBe('"a \\"b\\" \\\\ c"');
    expect(cliQuote('a\nb')).toBeUndefined();
    expect(cliQuote('a\rb')).toBeUndefined();
  });

  it('names with quotes and backslashes are quoted in edits and commands, and read back the same', async () => {
    const path = tempFile('hostile.conf', HOSTILE);
    const fixes = await fixAndRecheck({
      configs: [path],
      version: 'latest',
      mode: 'cloud',
      sources: ['10.9.0.0/24'],
    });
    expect(fixes.map((f) => f.verified)).toEqual([true, true, true]);
    const media = fixes.find((f) => f.rule === 'allow-remotespark-media')!;
    expect(media.commands).toContain('        set srcintf "lan \\"x\\" \\\\ y"');
    expect(media.commands).toContain('        set srcaddr "clients \\"ops\\" \\\\ team"');
    // No service table in the export: a new one goes just before the policy table.
    expect(media.commands.slice(0, 2)).toEqual([
      'config firewall service custom',
      '    edit "remotespark-media"',
    ]);
    const serviceEdit = media.edits.find((e) => e.insert.startsWith('config firewall service custom'))!;
    expect(HOSTILE.split('\n')[serviceEdit.line - 1]).toBe('config firewall policy');
  });

  it('a name with a line break is not written: the fix is unfixable and says why', async () => {
    const text = HOSTILE.replaceAll('lan \\"x\\" \\\\ y', 'lan\ntwo');
    const before = await check(tempFile('newline.conf', text), { sources: ['10.9.0.0/24'] });
    const fixes = await remediate(before);
    expect(fixes.length).toBeGreaterThan(0);
    for (const f of fixes) {
      expect(f.verified).toBe(false);
      expect(f.edits).toEqual([]);
      expect(f.reason).toMatch(/line break/);
    }
  });
});

describe('what is not written', () => {
  it('a firewall ACL drop: no policy can fix it', async () => {
    const acl = HOSTILE.replace(
      'config firewall policy',
      'config firewall acl\n    edit 1\n        set interface "lan \\"x\\" \\\\ y"\n        set srcaddr "all"\n        set dstaddr "all"\n        set service "ALL"\n    next\nend\nconfig firewall policy',
    );
    const before = await check(tempFile('acl.conf', acl), { sources: ['10.9.0.0/24'] });
    const fixes = await remediate(before);
    expect(fixes.length).toBeGreaterThan(0);
    for (const f of fixes) expect(f.reason).toMatch(/ACL/);
  });

  it('IPv6 clients on FortiOS 6.2 (their rules go in config firewall policy6)', async () => {
    const before = await check('fixtures/fortigate/edge-show-6.2.txt', { sources: ['2001:db8:99::/48'] });
    const fixes = await remediate(before);
    expect(fixes.length).toBeGreaterThan(0);
    for (const f of fixes) expect(f.reason).toMatch(/policy6/);
  });
});
