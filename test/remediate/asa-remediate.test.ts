import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCheck, type CheckOptions } from '../../src/check/run-check.js';
import { applyEdits } from '../../src/remediate/apply-edits.js';
import { remediate, verifyFix, type Remediation } from '../../src/remediate/remediate.js';
import { runCli } from '../cli/cli-io.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'rsfc-asa-fix-'));
  dirs.push(dir);
  return dir;
}

const fixtures = readdirSync('fixtures/asa')
  .filter((f) => f.endsWith('.asa'))
  .map((f) => `fixtures/asa/${f}`);

/**
 * Exports where no required flow can get a proven fix, and why: an ACL-only fragment (security levels
 * unknown); host names without DNS configured; a partner interface at the egress's security level.
 */
const UNFIXABLE: Record<string, RegExp> = {
  'fixtures/asa/acl-fragment.asa': /no entry in an access list of this export can change|dns domain-lookup/,
  'fixtures/asa/security-levels.asa --source 10.50.2.0/24': /same-security-traffic permit inter-interface/,
};

const cases: { path: string; sources?: string[] }[] = [
  ...fixtures.map((path) => ({ path })),
  ...fixtures.map((path) => ({ path, sources: ['10.0.0.0/8'] })),
  { path: 'fixtures/asa/branch-office.asa', sources: ['10.20.10.0/24'] },
  { path: 'fixtures/asa/branch-office.asa', sources: ['10.20.0.0/16', '10.30.0.0/24'] },
  { path: 'fixtures/asa/outbound-acl.asa', sources: ['10.61.0.0/16'] },
  { path: 'fixtures/asa/security-levels.asa', sources: ['10.50.2.0/24'] },
];

const RANK = { allowed: 0, unknown: 1, partial: 2, blocked: 3 } as const;
const label = (f: { host: string; port: number; protocol: string }) => `${f.host}:${f.port}/${f.protocol}`;

async function check(path: string, sources?: string[], more: Partial<CheckOptions> = {}) {
  const options: CheckOptions = {
    configs: [path],
    version: 'latest',
    mode: 'cloud',
    ...(sources ? { sources } : {}),
    ...more,
  };
  const before = await runCheck(options);
  return { options, before, fixes: await remediate(before) };
}

/** Applies every offered edit to a copy and checks again: the fixed flows allowed, nothing worse. */
async function applyAndRecheck(path: string, options: CheckOptions, fixes: Remediation[]) {
  const before = await runCheck(options);
  const offered = fixes.filter((f) => f.verified);
  const copy = join(tempDir(), 'fw.asa');
  writeFileSync(
    copy,
    applyEdits(
      readFileSync(path, 'utf8'),
      offered.flatMap((f) => f.edits),
    ),
  );
  const after = await runCheck({ ...options, configs: [copy] });
  const fixed = new Set(offered.flatMap((f) => f.flows));
  after.results.forEach((r, i) => {
    const was = before.results[i]!;
    if (fixed.has(label(r.flow))) expect(r.verdict, label(r.flow)).toBe('allowed');
    expect(RANK[r.verdict], label(r.flow)).toBeLessThanOrEqual(RANK[was.verdict]);
  });
  return after;
}

describe('ASA fixes, proven by applying them', () => {
  for (const c of cases) {
    const name = `${c.path}${c.sources ? ` --source ${c.sources.join(',')}` : ''}`;
    it(name, async () => {
      const { options, before, fixes } = await check(c.path, c.sources);
      const failing = before.results.filter((r) => r.flow.severity === 'required' && r.verdict !== 'allowed');
      if (failing.length === 0) {
        expect(fixes).toEqual([]);
        return;
      }
      const offered = fixes.filter((f) => f.verified);
      const unfixable = UNFIXABLE[name] ?? UNFIXABLE[c.path];
      if (unfixable) {
        expect(offered).toEqual([]);
        for (const f of fixes) expect(f.reason).toMatch(unfixable);
        return;
      }
      expect(offered.length, JSON.stringify(fixes.map((f) => f.reason))).toBeGreaterThan(0);
      await applyAndRecheck(c.path, options, fixes);
    });
  }
});

describe('placement and syntax', () => {
  it('puts the entry before the ACE that decides, above its remarks, with exact commands', async () => {
    const { fixes } = await check('fixtures/asa/branch-office.asa', ['10.20.10.0/24']);
    const media = fixes.find((f) => f.rule === 'allow-remotespark-media')!;
    expect(media.verified).toBe(true);
    // INSIDE_IN line 9 (file line 92): the time-range permit that may not match 8089/udp.
    expect(media.placement).toEqual({
      before: { name: 'INSIDE_IN line 9', path: 'fixtures/asa/branch-office.asa', line: 92 },
    });
    expect(media.edits).toEqual([
      {
        path: 'fixtures/asa/branch-office.asa',
        line: 84,
        insert:
          'object-group service rs-media-ports\n service-object tcp destination eq 8089\n service-object udp destination eq 8089\n',
      },
      {
        path: 'fixtures/asa/branch-office.asa',
        line: 92,
        insert:
          'access-list INSIDE_IN remark allow-remotespark-media: RemoteSpark STUN/TURN media (remotespark-firewall-check)\n' +
          'access-list INSIDE_IN extended permit object-group rs-media-ports 10.20.10.0 255.255.255.0 any4\n',
      },
    ]);
    expect(media.commands).toEqual([
      'object-group service rs-media-ports',
      ' service-object tcp destination eq 8089',
      ' service-object udp destination eq 8089',
      'access-list INSIDE_IN line 9 remark allow-remotespark-media: RemoteSpark STUN/TURN media (remotespark-firewall-check)',
      'access-list INSIDE_IN line 10 extended permit object-group rs-media-ports 10.20.10.0 255.255.255.0 any4',
    ]);
    // The implicit deny of the global ACL decides 53/tcp: the entry goes after GLOBAL_POLICY's last line.
    const dns = fixes.find((f) => f.rule === 'allow-remotespark-dns')!;
    expect(dns.edits).toEqual([
      {
        path: 'fixtures/asa/branch-office.asa',
        line: 101,
        insert:
          'access-list GLOBAL_POLICY remark allow-remotespark-dns: RemoteSpark DNS (remotespark-firewall-check)\n' +
          'access-list GLOBAL_POLICY extended permit tcp 10.20.10.0 255.255.255.0 any4 eq 53\n',
      },
    ]);
    expect(dns.commands).toEqual([
      'access-list GLOBAL_POLICY remark allow-remotespark-dns: RemoteSpark DNS (remotespark-firewall-check)',
      'access-list GLOBAL_POLICY extended permit tcp 10.20.10.0 255.255.255.0 any4 eq 53',
    ]);
  });

  it('inserts above the remark that describes the deciding ACE (remarks count in ACL line numbers)', async () => {
    const { fixes } = await check('fixtures/asa/branch-office.asa', ['10.0.0.0/8']);
    const web = fixes.find((f) => f.rule === 'allow-remotespark-web')!;
    expect(web.verified).toBe(true);
    // INSIDE_IN line 2 (the LAB_NETS deny) follows the remark at line 1 (file line 84).
    expect(web.placement).toEqual({
      before: { name: 'INSIDE_IN line 2', path: 'fixtures/asa/branch-office.asa', line: 85 },
    });
    expect(web.commands.filter((c) => c.startsWith('access-list'))).toEqual([
      'access-list INSIDE_IN line 1 remark allow-remotespark-web: RemoteSpark web endpoints (remotespark-firewall-check)',
      'access-list INSIDE_IN line 2 extended permit tcp 10.0.0.0 255.0.0.0 object-group rs-web-hosts eq 443',
    ]);
    // The existing FQDN object for the CDN is reused; the other names get new ones, defined first.
    expect(web.commands).toContain(' network-object object RS_CDN');
    expect(web.commands).toContain('object network rs-app.kognitivspark.net');
    expect(web.commands).toContain(' fqdn v4 app.kognitivspark.net');
    expect(web.commands).not.toContain('object network rs-cdn.kognitivspark.net');
    expect(web.commands.indexOf('object-group network rs-web-hosts')).toBeGreaterThan(
      web.commands.indexOf('object network rs-app.kognitivspark.net'),
    );
  });

  it('reuses a network object-group holding exactly the clients (nested groups resolved)', async () => {
    const { fixes } = await check('fixtures/asa/branch-office.asa', ['10.20.0.0/16']);
    const offered = fixes.filter((f) => f.verified);
    expect(offered.length).toBeGreaterThan(0);
    for (const f of offered) {
      // CLIENTS = WIRED (10.20.0.0/17) + WIFI (10.20.128.0/17).
      expect(f.commands.find((c) => c.includes(' extended permit '))).toMatch(/ object-group CLIENTS /);
      expect(f.notes).toContain('the clients: the existing object-group "CLIENTS" (line 67)');
    }
  });

  it('writes clients in several blocks as a new network group', async () => {
    const { options, fixes } = await check('fixtures/asa/branch-office.asa', [
      '10.20.10.0/24',
      '10.20.12.0/23',
    ]);
    const media = fixes.find((f) => f.rule === 'allow-remotespark-media')!;
    expect(media.commands.slice(0, 3)).toEqual([
      'object-group network rs-media-clients',
      ' network-object 10.20.10.0 255.255.255.0',
      ' network-object 10.20.12.0 255.255.254.0',
    ]);
    await applyAndRecheck('fixtures/asa/branch-office.asa', options, fixes);
  });

  it('gives the outbound ACL on the egress interface its own entry as well as the inbound ACL', async () => {
    const { fixes } = await check('fixtures/asa/outbound-acl.asa', ['10.61.0.0/16']);
    const media = fixes.find((f) => f.rule === 'allow-remotespark-media')!;
    expect(media.verified).toBe(true);
    const acls = media.commands.filter((c) => c.includes(' extended permit ')).map((c) => c.split(' ')[1]);
    expect(acls.sort()).toEqual(['OUTSIDE_OUT', 'WIFI_IN']);
    // OUTSIDE_OUT line 4 denies 8089/udp: the entry goes before it there.
    expect(media.commands).toContain(
      'access-list OUTSIDE_OUT line 5 extended permit object-group rs-media-ports 10.61.0.0 255.255.0.0 any4',
    );
  });

  it('finds each ACL in turn, past what an entry already there leaves (its IPv6 clients)', async () => {
    // Without --source the entry is any4: IPv6 from wifi stays denied by OUTSIDE_OUT after its entry,
    // and WIFI_IN still needs one for IPv4.
    const { options, fixes } = await check('fixtures/asa/outbound-acl.asa', undefined, {
      sourceZones: ['wifi'],
    });
    const media = fixes.find((f) => f.flows.includes('*:3478/udp'))!;
    expect(media.verified, media.reason).toBe(true);
    const acls = media.commands.filter((c) => c.includes(' extended permit ')).map((c) => c.split(' ')[1]);
    expect(acls.sort()).toEqual(['OUTSIDE_OUT', 'WIFI_IN']);
    await applyAndRecheck('fixtures/asa/outbound-acl.asa', options, fixes);
  });

  it('without --source, takes the deciding rule’s own sources, and says so', async () => {
    const { fixes } = await check('fixtures/asa/branch-office.asa');
    const media = fixes.find((f) => f.rule === 'allow-remotespark-media')!;
    expect(media.commands.at(-1)).toBe(
      'access-list INSIDE_IN line 2 extended permit udp object-group CLIENTS any4 eq 8089',
    );
    expect(media.notes?.join('\n')).toMatch(/sources of INSIDE_IN line 9 \(object-group CLIENTS\)/);
  });
});

describe('verification', () => {
  it('catches an entry placed after the ACE that blocks the flow', async () => {
    const { before, fixes } = await check('fixtures/asa/branch-office.asa', ['10.20.10.0/24']);
    const media = fixes.find((f) => f.rule === 'allow-remotespark-media')!;
    const flows = before.results.filter((r) => media.flows.includes(label(r.flow))).map((r) => r.flow);
    // The same entry after INSIDE_IN line 10 (file line 93, "deny tcp any any eq 8089").
    const late = media.edits.map((e) => (e.line === 92 ? { ...e, line: 94 } : e));
    expect(await verifyFix(before, before.policies[0]!, late, flows)).toMatch(
      /still (blocked|partial|unknown)/,
    );
    expect(await verifyFix(before, before.policies[0]!, media.edits, flows)).toBeUndefined();
  });
});

/** A small config around an ACL, as the ASA writes it. */
function config(body: string): string {
  return `: Saved\n:\nASA Version 9.16(4)\n!\nhostname lab-fw\n${body}: end\n`;
}

const INTERFACES = `interface GigabitEthernet0/0
 nameif outside
 security-level 50
 ip address 192.0.2.2 255.255.255.0
!
interface GigabitEthernet0/1
 nameif guest
 security-level 10
 ip address 10.9.0.1 255.255.255.0
!
dns domain-lookup outside
dns server-group DefaultDNS
 name-server 192.0.2.53
`;

describe('what no entry can fix', () => {
  it('leaves an interface without an inbound ACL (security levels decide) to the admin, saying why', async () => {
    const path = join(tempDir(), 'levels.asa');
    writeFileSync(path, config(`${INTERFACES}route outside 0.0.0.0 0.0.0.0 192.0.2.1 1\n`));
    const { fixes } = await check(path, ['10.9.0.0/24']);
    expect(fixes.length).toBeGreaterThan(0);
    for (const f of fixes) {
      expect(f.verified).toBe(false);
      expect(f.edits).toEqual([]);
      expect(f.reason).toMatch(/no ACL is applied inbound .* security levels decide/);
    }
  });
});

describe('several ACLs and security levels', () => {
  it('writes the entry an ACL can take where security levels also deny some clients', async () => {
    // No default route: every interface may be the egress. Where it is "high", security levels deny
    // traffic from "wan" and "peer" (no entry changes that); where it is "wan", WAN_OUT denies, which an
    // entry fixes, and the flows are allowed from some interface whichever it is.
    const path = join(tempDir(), 'out.asa');
    const intf = (n: number, name: string, level: number) =>
      `interface GigabitEthernet0/${n}\n nameif ${name}\n security-level ${level}\n ip address 10.${n}.0.1 255.255.255.0\n!\n`;
    writeFileSync(
      path,
      config(`${intf(0, 'wan', 50)}${intf(1, 'peer', 50)}${intf(2, 'low', 10)}${intf(3, 'high', 100)}same-security-traffic permit inter-interface
same-security-traffic permit intra-interface
access-list WAN_OUT extended permit tcp any any eq https
access-list LOW_IN extended permit ip any any
access-group WAN_OUT out interface wan
access-group LOW_IN in interface low
`),
    );
    const { options, fixes } = await check(path);
    const media = fixes.find((f) => f.flows.includes('*:3478/udp'))!;
    expect(media.verified, media.reason).toBe(true);
    expect(media.commands.filter((c) => c.includes(' extended permit ')).map((c) => c.split(' ')[1])).toEqual(
      ['WAN_OUT'],
    );
    await applyAndRecheck(path, options, fixes);
  });
});

describe('IPv6 clients', () => {
  it('names hosts with fqdn v4 and fqdn v6 objects for dual-stack clients', async () => {
    const path = join(tempDir(), 'v6.asa');
    writeFileSync(
      path,
      config(
        `${INTERFACES.replace(' ip address 10.9.0.1 255.255.255.0\n', ' ip address 10.9.0.1 255.255.255.0\n ipv6 address 2001:db8:9::1/64\n')}` +
          'access-list GUEST_IN extended deny ip any any\naccess-group GUEST_IN in interface guest\n' +
          'same-security-traffic permit inter-interface\nroute outside 0.0.0.0 0.0.0.0 192.0.2.1 1\n' +
          'ipv6 route outside ::/0 2001:db8:ffff::1\n',
      ),
    );
    const { options, fixes } = await check(path, ['10.9.0.0/24', '2001:db8:9::/64']);
    const web = fixes.find((f) => f.rule === 'allow-remotespark-web')!;
    expect(web.verified, web.reason).toBe(true);
    expect(web.commands).toContain(' fqdn v4 cdn.kognitivspark.net');
    expect(web.commands).toContain(' fqdn v6 cdn.kognitivspark.net');
    expect(web.commands).toContain('object network rs-cdn.kognitivspark.net-v6');
    const media = fixes.find((f) => f.rule === 'allow-remotespark-media')!;
    expect(media.commands.at(-1)).toMatch(/ object-group rs-media-clients any$/);
    await applyAndRecheck(path, options, fixes);
  });
});

describe('names from the config', () => {
  it('writes hostile ACL and object names verbatim as single words, and avoids taken object names', async () => {
    // The ASA has no quoting: a name is one word without white space, so it can't break a command line.
    const acl = 'GUEST"IN$(id);`x`::error::';
    const path = join(tempDir(), 'hostile.asa');
    writeFileSync(
      path,
      config(
        `${INTERFACES}object-group service rs-dns-ports\n service-object tcp destination eq 25\n` +
          `access-list ${acl} remark "quoted" remark; $(not a command)\n` +
          `access-list ${acl} extended deny udp any any eq domain\n` +
          `access-group ${acl} in interface guest\nsame-security-traffic permit inter-interface\n` +
          'route outside 0.0.0.0 0.0.0.0 192.0.2.1 1\n',
      ),
    );
    const { options, fixes } = await check(path, ['10.9.0.0/24']);
    const dns = fixes.find((f) => f.rule === 'allow-remotespark-dns')!;
    expect(dns.verified, dns.reason).toBe(true);
    expect(dns.commands).toEqual([
      'object-group service rs-dns-ports-2',
      ' service-object tcp destination eq 53',
      ' service-object udp destination eq 53',
      `access-list ${acl} line 1 remark allow-remotespark-dns: RemoteSpark DNS (remotespark-firewall-check)`,
      `access-list ${acl} line 2 extended permit object-group rs-dns-ports-2 10.9.0.0 255.255.255.0 any4`,
    ]);
    for (const f of fixes) for (const c of f.commands) expect(c).not.toMatch(/[\r\n]/);
    await applyAndRecheck(path, options, fixes);
  });
});

describe('--output patch', () => {
  it('prints a diff that git apply accepts on the committed export, and that fixes the check', async () => {
    const dir = tempDir();
    const rel = 'fw/branch-office.asa';
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), readFileSync('fixtures/asa/branch-office.asa'));
    const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, stdio: 'pipe' });
    git('init', '-q');
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      const r = await runCli('check', rel, '--source', '10.20.10.0/24', '--output', 'patch');
      expect(r.stdout).toMatch(/^--- a\/fw\/branch-office\.asa\n\+\+\+ b\/fw\/branch-office\.asa\n@@ /);
      writeFileSync(join(dir, 'fix.patch'), r.stdout);
      git('apply', '--check', 'fix.patch');
      git('apply', 'fix.patch');
      const again = await runCli('check', rel, '--source', '10.20.10.0/24', '--json');
      const report = JSON.parse(again.stdout);
      const required = report.flows.filter((f: { severity: string }) => f.severity === 'required');
      expect(required.filter((f: { verdict: string }) => f.verdict !== 'allowed')).toEqual([]);
    } finally {
      process.chdir(cwd);
    }
  });
});
