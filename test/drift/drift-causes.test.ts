import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { WORKING_TREE } from '../../src/check/file-source.js';
import { runDriftCheck } from '../../src/check/run-drift.js';
import { runCli } from '../cli/cli-io.js';

/*
 * Base/head pairs in real temporary git repositories: the base committed, the head in the working tree,
 * checked with --baseline HEAD. Each pair changes one thing, in two vendor formats, and the report must
 * name that change as the cause of the flow's new verdict.
 */

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function repo(name: string, base: string, head: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'rsfc-drift-'));
  dirs.push(dir);
  const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, stdio: 'pipe' });
  git('init', '-q');
  git('config', 'user.email', 'test@example.com');
  git('config', 'user.name', 'test');
  writeFileSync(join(dir, name), base);
  git('add', '.');
  git('commit', '-qm', 'base');
  writeFileSync(join(dir, name), head);
  return join(dir, name);
}

interface FlowOut {
  verdict: string;
  change: string;
  baseline: { verdict: string; rule: { name: string; line: number } | null } | null;
  cause?: { kind: string; text: string };
  rule: { name: string; line: number } | null;
}

async function compare(
  path: string,
  ...extra: string[]
): Promise<{ status: number; flow: FlowOut; report: Record<string, unknown> }> {
  const r = await runCli(
    'check',
    path,
    '--baseline',
    'HEAD',
    '--flow',
    '*:3478/udp',
    '--source',
    '10.1.0.0/24',
    '--json',
    ...extra,
  );
  const report = JSON.parse(r.stdout);
  return { status: r.status, flow: report.flows[0], report };
}

// ---- generic/v1 ----

const generic = (rules: string, clients = '10.1.0.0/16') => `format: generic/v1
name: Branch
default: deny
addresses:
  clients: [${clients}]
rules:
${rules}`;
const allowOut = (extra = '') => `  - name: allow-out
    action: allow
    sources: [clients]
    destinations: [any]
    services: [any]
${extra}`;
const denyMedia = `  - name: deny-media
    action: deny
    sources: [any]
    destinations: [any]
    services: [udp/3478]
`;

describe('drift causes, generic format', () => {
  it('a rule added in front breaks the flow and is named with its line', async () => {
    const { status, flow } = await compare(
      repo('fw.yaml', generic(allowOut()), generic(denyMedia + allowOut())),
    );
    expect(status).toBe(1);
    expect(flow).toMatchObject({
      verdict: 'blocked',
      change: 'new-failure',
      baseline: { verdict: 'allowed' },
    });
    expect(flow.cause).toEqual({
      kind: 'rule-added',
      text: expect.stringMatching(/rule "deny-media" \(.*fw\.yaml:7\) was added/),
    });
  });

  it('removing the allowing rule: removed', async () => {
    const { flow } = await compare(
      repo('fw.yaml', generic(allowOut()), generic('[]\n').replace('rules:\n[]', 'rules: []')),
    );
    expect(flow.change).toBe('new-failure');
    expect(flow.cause).toMatchObject({
      kind: 'rule-removed',
      text: expect.stringContaining('rule "allow-out"'),
    });
  });

  it('moving a deny in front of the allow: moved', async () => {
    const { flow } = await compare(
      repo('fw.yaml', generic(allowOut() + denyMedia), generic(denyMedia + allowOut())),
    );
    expect(flow.change).toBe('new-failure');
    expect(flow.cause).toMatchObject({
      kind: 'rule-moved',
      text: expect.stringContaining('rule "deny-media"'),
    });
  });

  it('disabling the allowing rule: disabled', async () => {
    const { flow } = await compare(
      repo('fw.yaml', generic(allowOut()), generic(allowOut('    enabled: false\n'))),
    );
    expect(flow.change).toBe('new-failure');
    expect(flow.cause).toMatchObject({
      kind: 'rule-disabled',
      text: expect.stringContaining('rule "allow-out"'),
    });
  });

  it('an object member changed under an unchanged rule: object changed', async () => {
    const { flow } = await compare(repo('fw.yaml', generic(allowOut()), generic(allowOut(), '10.2.0.0/16')));
    expect(flow.change).toBe('new-failure');
    expect(flow.cause).toMatchObject({
      kind: 'object-changed',
      text: expect.stringMatching(/rule "allow-out".*its sources differ/),
    });
  });

  it("editing the rule's own services: edited", async () => {
    const edited = allowOut().replace('services: [any]', 'services: [tcp/443]');
    const { flow } = await compare(repo('fw.yaml', generic(allowOut()), generic(edited)));
    expect(flow.cause).toMatchObject({
      kind: 'rule-edited',
      text: expect.stringMatching(/rule "allow-out".*services changed/),
    });
  });

  it('removing the deny fixes the flow, and --fail-on new passes a config that already failed', async () => {
    const fixed = await compare(repo('fw.yaml', generic(denyMedia + allowOut()), generic(allowOut())));
    expect(fixed.status).toBe(0);
    expect(fixed.flow).toMatchObject({ change: 'fixed', cause: { kind: 'rule-removed' } });
    const path = repo('fw.yaml', generic(denyMedia + allowOut()), generic(denyMedia + allowOut()));
    const still = await compare(path);
    expect(still.status).toBe(1);
    expect(still.flow.change).toBe('still-failing');
    expect(still.flow.cause).toBeUndefined();
    expect((await compare(path, '--fail-on', 'new')).status).toBe(0);
  });
});

// ---- Cisco ASA ----

const asa = (acl: string, clients = '10.1.0.0 255.255.0.0') => `: Saved
:
ASA Version 9.8(4)
!
hostname fw1
!
interface GigabitEthernet0/0
 nameif outside
 security-level 0
 ip address 203.0.113.2 255.255.255.0
!
interface GigabitEthernet0/1
 nameif inside
 security-level 100
 ip address 10.1.0.1 255.255.0.0
!
object-group network CLIENTS
 network-object ${clients}
${acl}access-group INSIDE_IN in interface inside
route outside 0.0.0.0 0.0.0.0 203.0.113.1 1
: end
`;
const permit = 'access-list INSIDE_IN extended permit ip object-group CLIENTS any\n';
const deny = 'access-list INSIDE_IN extended deny udp any any eq 3478\n';

describe('drift causes, Cisco ASA', () => {
  it('an ACE added in front: added, though every ACE after it is renumbered', async () => {
    const { flow } = await compare(repo('fw.cfg', asa(permit), asa(deny + permit)));
    expect(flow).toMatchObject({ verdict: 'blocked', change: 'new-failure' });
    expect(flow.cause).toMatchObject({ kind: 'rule-added', text: expect.stringContaining('fw.cfg:19') });
  });

  it('the permitting ACE removed: removed', async () => {
    const { flow } = await compare(repo('fw.cfg', asa(permit + deny), asa(deny)));
    expect(flow.cause).toMatchObject({
      kind: 'rule-removed',
      text: expect.stringContaining('INSIDE_IN line 1'),
    });
  });

  it('the deny moved in front of the permit: moved', async () => {
    const { flow } = await compare(repo('fw.cfg', asa(permit + deny), asa(deny + permit)));
    expect(flow.cause?.kind).toBe('rule-moved');
  });

  it('the permit made inactive: disabled', async () => {
    const { flow } = await compare(
      repo('fw.cfg', asa(permit), asa(permit.replace('any\n', 'any inactive\n'))),
    );
    expect(flow.cause?.kind).toBe('rule-disabled');
  });

  it('an object-group member changed: object changed', async () => {
    const { flow } = await compare(repo('fw.cfg', asa(permit), asa(permit, '10.2.0.0 255.255.0.0')));
    expect(flow.change).toBe('new-failure');
    expect(flow.cause).toMatchObject({
      kind: 'object-changed',
      text: expect.stringContaining('its sources differ'),
    });
  });
});

describe('baselines that cannot be compared', () => {
  it('a file the change adds has nothing to compare: the report says so and the check stands', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rsfc-drift-'));
    dirs.push(dir);
    const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, stdio: 'pipe' });
    git('init', '-q');
    git('config', 'user.email', 'test@example.com');
    git('config', 'user.name', 'test');
    writeFileSync(join(dir, 'README'), 'x');
    git('add', '.');
    git('commit', '-qm', 'base');
    writeFileSync(join(dir, 'fw.yaml'), generic(allowOut()));
    const { status, report } = await compare(join(dir, 'fw.yaml'));
    expect(status).toBe(0);
    expect(report.baseline).toMatchObject({
      ref: 'HEAD',
      error: expect.stringContaining('no config file existed there'),
    });
    expect(report.summary).not.toHaveProperty('drift');
  });

  it('a base config that does not parse: said in the report, not a failed check', async () => {
    const { status, report, flow } = await compare(
      repo('fw.yaml', 'format: generic/v1\nrules: [\n', generic(allowOut())),
    );
    expect(status).toBe(0);
    expect(flow.verdict).toBe('allowed');
    expect((report.baseline as { error: string }).error).toMatch(/fw\.yaml:\d+/);
  });

  it('--fail-on new with no usable baseline counts every failing required flow', async () => {
    const { status } = await compare(
      repo('fw.yaml', 'format: generic/v1\nrules: [\n', generic(denyMedia + allowOut())),
      '--fail-on',
      'new',
    );
    expect(status).toBe(1);
  });

  it('an unknown revision is a usage error naming it', async () => {
    const path = repo('fw.yaml', generic(allowOut()), generic(allowOut()));
    const r = await runCli('check', path, '--baseline', 'no-such-ref', '--json');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--baseline "no-such-ref" is not a revision/);
    expect(JSON.parse(r.stdout).error.kind).toBe('usage');
  });

  it('--fail-on new without --baseline is a usage error', async () => {
    const r = await runCli('check', 'fixtures/generic/allow-all.yaml', '--fail-on', 'new');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--fail-on new needs --baseline/);
  });
});

describe('a version bump as the cause', () => {
  for (const fixture of ['fixtures/generic/https-only.yaml', 'fixtures/asa/branch-office.asa']) {
    it(`upgrading from 2.0.33 names the version for the flows it adds (${fixture})`, async () => {
      const { head, drift } = await runDriftCheck(
        { configs: [fixture], version: 'latest', mode: 'cloud', sources: ['10.20.1.0/24'] },
        { ref: 'repo config', files: WORKING_TREE, options: { version: '2.0.33' } },
      );
      const i = head.results.findIndex((r) => r.flow.port === 8089 && r.flow.protocol === 'udp');
      expect(head.results[i]!.verdict).not.toBe('allowed');
      expect(drift.flows[i]).toMatchObject({
        change: 'new-failure',
        baseline: null,
        cause: { kind: 'version-changed', text: 'RemoteSpark 2.0.33 → 2.1.80: the requirements changed' },
      });
    });
  }
});
