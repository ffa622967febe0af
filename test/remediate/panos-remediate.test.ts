import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCheck, type CheckOptions } from '../../src/check/run-check.js';
import { applyEdits } from '../../src/remediate/apply-edits.js';
import { remediate, verifyFix, type Remediation } from '../../src/remediate/remediate.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const RANK = { allowed: 0, unknown: 1, partial: 2, blocked: 3 } as const;
const label = (f: { host: string; port: number; protocol: string }) => `${f.host}:${f.port}/${f.protocol}`;

function tempCopy(name: string, text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'rsfc-panos-fix-'));
  dirs.push(dir);
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const options = (path: string, sources?: string[]): CheckOptions => ({
  configs: [path],
  version: 'latest',
  mode: 'cloud',
  ...(sources ? { sources } : {}),
});

/** Applies every offered fix to a copy and checks again: the fixed flows allowed, nothing worse. */
async function proveOffered(path: string, text: string, sources?: string[]): Promise<Remediation[]> {
  const before = await runCheck(options(path, sources));
  const fixes = await remediate(before);
  const offered = fixes.filter((f) => f.verified);
  if (!offered.length) return fixes;
  const copy = tempCopy(
    basename(path),
    applyEdits(
      text,
      offered.flatMap((f) => f.edits),
    ),
  );
  const after = await runCheck(options(copy, sources));
  const fixed = new Set(
    offered.map((f) => `${f.policy}\u0000`).flatMap((p, i) => offered[i]!.flows.map((l) => p + l)),
  );
  after.results.forEach((r, i) => {
    const was = before.results[i]!;
    r.perPolicy.forEach((pr, p) => {
      const name = after.policies[p]!.name ?? '';
      if (fixed.has(`${name}\u0000${label(r.flow)}`))
        expect(pr.verdict, `${name} ${label(r.flow)}`).toBe('allowed');
      expect(RANK[pr.verdict], `${name} ${label(r.flow)}`).toBeLessThanOrEqual(
        RANK[was.perPolicy[p]!.verdict],
      );
    });
  });
  return fixes;
}

const fixtures = readdirSync('fixtures/panos')
  .filter((f) => f.endsWith('.xml'))
  .map((f) => `fixtures/panos/${f}`);

describe('PAN-OS fixes, proven by applying them', () => {
  for (const path of fixtures) {
    for (const sources of [undefined, ['10.20.0.0/16']]) {
      it(`${path}${sources ? ` --source ${sources.join(',')}` : ''}`, async () => {
        const fixes = await proveOffered(path, readFileSync(path, 'utf8'), sources);
        for (const f of fixes) {
          if (f.verified) expect(f.edits.length).toBeGreaterThan(0);
          else expect(f.reason, f.rule).toBeTruthy();
        }
        // Only the pushed pre-rule can't be fixed on the firewall; everywhere else something is offered.
        if (fixes.length && !path.includes('managed-pushed')) {
          expect(
            fixes.some((f) => f.verified),
            JSON.stringify(fixes.map((f) => f.reason)),
          ).toBe(true);
        }
      });
    }
  }
});

describe('placement and syntax', () => {
  it('goes right before the rule that denies, with exact set and move commands', async () => {
    const path = 'fixtures/panos/fw-dynamic-objects.xml';
    const fixes = await remediate(await runCheck(options(path, ['10.20.0.0/16'])));
    const web = fixes.find((f) => f.rule === 'allow-remotespark-web')!;
    expect(web.verified).toBe(true);
    expect(web.placement).toEqual({ before: { name: 'deny-threat-feed', path, line: 185 } });
    // The FQDN objects at the end of the vsys's <address> list, the rule before deny-threat-feed's line.
    expect(web.edits.map((e) => e.line)).toEqual([105, 185]);
    expect(web.edits[1]!.insert).toMatch(
      /^ {16}<entry name="allow-remotespark-web">\n {18}<from>\n {20}<member>trust<\/member>/,
    );
    const dns = fixes.find((f) => f.rule === 'allow-remotespark-dns')!;
    expect(dns.commands).toEqual([
      'set service rs-tcp-53 protocol tcp port 53',
      'set service rs-udp-53 protocol udp port 53',
      'set rulebase security rules allow-remotespark-dns from trust to untrust source 10.20.0.0/16 destination any source-user any category any application any service [ rs-tcp-53 rs-udp-53 ] action allow description "RemoteSpark DNS (remotespark-firewall-check)"',
      'move rulebase security rules allow-remotespark-dns before deny-dns-after-hours',
    ]);
    // An existing service that is exactly the port is reused (stun-udp: UDP 3478).
    const media = fixes.find((f) => f.rule === 'allow-remotespark-media')!;
    expect(media.commands[0]).toContain(' service stun-udp action allow ');
  });

  it('reuses objects that match exactly and names the vsys on a multi-vsys firewall', async () => {
    const path = 'fixtures/panos/fw-multi-vsys.xml';
    const fixes = await remediate(await runCheck(options(path, ['10.20.0.0/16'])));
    const media = fixes.find((f) => f.policy === 'vsys1' && f.rule === 'allow-remotespark-media')!;
    expect(media.verified).toBe(true);
    expect(media.commands.at(-2)).toMatch(
      /^set vsys vsys1 rulebase security rules allow-remotespark-media from corp-lan to corp-wan source corp-clients /,
    );
    expect(media.commands.at(-1)).toBe(
      'move vsys vsys1 rulebase security rules allow-remotespark-media before corp-turn',
    );
  });

  it("reuses a client object only where it is visible: a device group's own object hides Shared's", async () => {
    // Shared's office-clients is 10.20.0.0/16; Branch-EU defines its own office-clients, 10.40.0.0/16.
    const path = 'fixtures/panos/panorama-hierarchy.xml';
    const sourceOf = (f: Remediation) =>
      /<source>\s*<member>([^<]*)<\/member>\s*<\/source>/.exec(f.edits.map((e) => e.insert).join(''))?.[1];
    for (const [client, branches, eu] of [
      ['10.20.0.0/16', 'office-clients', '10.20.0.0/16'],
      ['10.40.0.0/16', '10.40.0.0/16', 'office-clients'],
    ] as const) {
      const fixes = (await remediate(await runCheck(options(path, [client])))).filter((f) => f.verified);
      // Branch-EU's rule takes the next name: Branches, its parent, has one of that name.
      const web = (policy: string) =>
        fixes.find((f) => f.policy === policy && f.rule?.startsWith('allow-remotespark-web'))!;
      expect([sourceOf(web('Branches')), sourceOf(web('Branch-EU'))], client).toEqual([branches, eu]);
    }
  });

  it("Panorama: a fix's name is free in its device group's whole hierarchy, a sibling's aside", async () => {
    // Branch-EU (a child of Branches) already has a rule of the plain name, disabled.
    const pad = '                ';
    const rule = [
      '<entry name="allow-remotespark-web">',
      ...['from', 'to', 'source', 'destination', 'application', 'service'].map(
        (k) => `  <${k}><member>any</member></${k}>`,
      ),
      '  <action>deny</action>',
      '  <disabled>yes</disabled>',
      '</entry>',
    ];
    const text = readFileSync('fixtures/panos/panorama-hierarchy.xml', 'utf8').replace(
      `${pad}<entry name="eu-pre-allow-realtime"`,
      `${rule.map((l) => pad + l).join('\n')}\n${pad}<entry name="eu-pre-allow-realtime"`,
    );
    const dir = mkdtempSync(join(tmpdir(), 'rsfc-names-'));
    try {
      const path = join(dir, 'panorama.xml');
      writeFileSync(path, text);
      const fixes = await remediate(await runCheck(options(path, ['10.20.0.0/16'])));
      const web = fixes.filter((f) => f.flows.includes('remotespark.trafficmanager.net:443/tcp'));
      expect(web.map((f) => [f.policy, f.rule, f.verified])).toEqual([
        // The parent's rule can't take the name its child uses; the child's can't take either.
        ['Branches', 'allow-remotespark-web-2', true],
        ['Branch-EU', 'allow-remotespark-web-3', true],
        // A sibling tree: the plain name is free there.
        ['Datacenter', 'allow-remotespark-web', true],
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a rule Panorama pushed as a pre-rule is not fixed on the firewall, and the report says why', async () => {
    const fixes = await remediate(await runCheck(options('fixtures/panos/fw-managed-pushed.xml')));
    const pushed = fixes.find((f) => f.flows.includes('*:8089/tcp'))!;
    expect(pushed.verified).toBe(false);
    expect(pushed.edits).toEqual([]);
    expect(pushed.reason).toMatch(/pre-rule Panorama pushed .* "pano-pre-deny-8089"/);
  });

  it('Panorama: a device group fix goes in its own post-rulebase, objects in the group, commands name it', async () => {
    const path = 'fixtures/panos/panorama-hierarchy.xml';
    const fixes = await remediate(await runCheck(options(path, ['10.20.0.0/16'])));
    // Named -2: Panorama wants a rule name unique in a device group's hierarchy, and the parent's fix
    // (Branches) has the plain name (panorama-rule-names.ts).
    const web = fixes.find((f) => f.policy === 'Branch-EU' && f.rule === 'allow-remotespark-web-2')!;
    expect(web.verified).toBe(true);
    expect(web.commands.at(-1)).toMatch(
      /^set device-group Branch-EU post-rulebase security rules allow-remotespark-web-2 from any to any source 10\.20\.0\.0\/16 destination \[ .*rs-cdn .*rs-traffic-manager .*\] /,
    );
    expect(web.commands[0]).toBe(
      'set device-group Branch-EU address rs-app.kognitivspark.net fqdn app.kognitivspark.net',
    );
  });
});

describe('verification', () => {
  it('catches a fix placed after the rule that blocks the flow', async () => {
    const path = 'fixtures/panos/fw-dynamic-objects.xml';
    const before = await runCheck(options(path, ['10.20.0.0/16']));
    const web = (await remediate(before)).find((f) => f.rule === 'allow-remotespark-web')!;
    const flows = before.results.filter((r) => web.flows.includes(label(r.flow))).map((r) => r.flow);
    // The same rule inserted before deny-embargo (line 219), which comes after deny-threat-feed.
    const late = web.edits.map((e) => (e.line === 185 ? { ...e, line: 219 } : e));
    expect(await verifyFix(before, before.policies[0]!, late, flows)).toMatch(
      /still (blocked|unknown|partial)/,
    );
    expect(await verifyFix(before, before.policies[0]!, web.edits, flows)).toBeUndefined();
  });
});

describe('hostile names', () => {
  const path = 'fixtures/panos/fw-dynamic-objects.xml';
  const text = readFileSync(path, 'utf8');

  it('quotes a rule name with spaces in the move command', async () => {
    const renamed = text.replace('<entry name="deny-threat-feed">', '<entry name="deny threat feed">');
    const copy = tempCopy('fw.xml', renamed);
    const fixes = await proveOffered(copy, renamed, ['10.20.0.0/16']);
    const web = fixes.find((f) => f.rule === 'allow-remotespark-web')!;
    expect(web.verified).toBe(true);
    expect(web.commands.at(-1)).toBe(
      'move rulebase security rules allow-remotespark-web before "deny threat feed"',
    );
  });

  it('writes no commands for a name with quotes or a line break, and still offers the edits', async () => {
    for (const hostile of ['deny &quot;threat&quot; feed', 'deny&#10;commit force']) {
      const renamed = text.replace('<entry name="deny-threat-feed">', `<entry name="${hostile}">`);
      const copy = tempCopy('fw.xml', renamed);
      const fixes = await proveOffered(copy, renamed, ['10.20.0.0/16']);
      const web = fixes.find((f) => f.rule === 'allow-remotespark-web')!;
      expect(web.verified).toBe(true);
      expect(web.commands).toEqual([]);
      expect(web.notes!.join('\n')).toMatch(
        /no CLI commands: the name "deny( \\"threat\\" feed|\\ncommit force)"/,
      );
    }
  });

  it('escapes config text copied into the XML (zone names)', async () => {
    const renamed = text
      .replaceAll('<member>trust</member>', '<member>trust &amp; &lt;lan&gt;</member>')
      .replace('<entry name="trust">', '<entry name="trust &amp; &lt;lan&gt;">');
    const copy = tempCopy('fw.xml', renamed);
    const fixes = await proveOffered(copy, renamed, ['10.20.0.0/16']);
    const web = fixes.find((f) => f.rule === 'allow-remotespark-web')!;
    expect(web.verified).toBe(true);
    expect(web.edits.map((e) => e.insert).join('')).toContain('<member>trust &amp; &lt;lan&gt;</member>');
    expect(web.commands.at(-2)).toContain(' from "trust & <lan>" to untrust ');
  });
});
