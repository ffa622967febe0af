import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, describe, expect, it } from 'vitest';
import schema from '../../schemas/report.schema.json' with { type: 'json' };
import { cliMain } from '../../src/cli/cli-main.js';
import { runCli } from './cli-io.js';

const validateReport = new Ajv2020({ strict: true, allowUnionTypes: true }).compile(schema);
const dir = mkdtempSync(join(tmpdir(), 'rsfc-check-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const OFFICE = 'fixtures/generic/office-egress.yaml';
const HTTPS_ONLY = 'fixtures/generic/https-only.yaml';

describe('check --json', () => {
  it('follows the report schema, with deciding rules and file:line', async () => {
    const r = await runCli('check', HTTPS_ONLY, '--json', '--source', '10.40.0.0/16');
    expect(r.status).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(validateReport(report), JSON.stringify(validateReport.errors)).toBe(true);
    expect(report.inputs).toEqual([
      {
        path: HTTPS_ONLY,
        format: 'generic',
        formatName: expect.any(String),
        rules: 3,
        policies: ['Branch office, HTTPS only'],
      },
    ]);
    expect(report.target).toMatchObject({ requestedVersion: 'latest', release: '2.1.80', mode: 'cloud' });
    const stun = report.flows.find(
      (f: { host: string; port: number; protocol: string }) =>
        f.host === '*' && f.port === 3478 && f.protocol === 'udp',
    );
    expect(stun).toMatchObject({
      verdict: 'blocked',
      severity: 'required',
      role: 'stun-turn',
      rule: { name: 'deny-stun-turn', path: HTTPS_ONLY, line: 20, action: 'deny' },
      default: null,
    });
    const p8089 = report.flows.find(
      (f: { port: number; protocol: string }) => f.port === 8089 && f.protocol === 'udp',
    );
    expect(p8089).toMatchObject({
      verdict: 'blocked',
      rule: null,
      default: { name: 'default action', action: 'deny', path: HTTPS_ONLY, line: 5 },
    });
    const cdn = report.flows.find((f: { host: string }) => f.host === 'cdn.kognitivspark.net');
    expect(cdn).toMatchObject({
      verdict: 'allowed',
      rule: { name: 'allow-https', line: 8 },
      provenance: { verified: true },
    });
    expect(report.summary.passed).toBe(false);
    expect(report.summary.failingRequired).toBe(
      report.flows.filter(
        (f: { verdict: string; severity: string }) => f.verdict !== 'allowed' && f.severity === 'required',
      ).length,
    );
  });

  it('marks unverified catalog hostnames in every report', async () => {
    const report = JSON.parse((await runCli('check', OFFICE, '--json')).stdout);
    const tm = report.flows.find((f: { role: string }) => f.role === 'traffic-manager');
    expect(tm.provenance.verified).toBe(false);
    expect(report.notes.join(' ')).toMatch(/unverified/);
    const text = (await runCli('check', OFFICE)).stdout;
    expect(text).toMatch(/remotespark\.trafficmanager\.net:443\/tcp †/);
    expect(text).toMatch(/† hostname not in the public RemoteSpark article/);
    expect((await runCli('check', OFFICE, '--output', 'markdown')).stdout).toMatch(
      /† hostname not in the public RemoteSpark article/,
    );
  });

  it('exits 0 when every required flow is allowed, reporting recommended failures without failing', async () => {
    const policy = join(dir, 'ports-only.yaml');
    writeFileSync(
      policy,
      `format: generic/v1
default: deny
rules:
  - name: remotespark-ports
    action: allow
    sources: [any]
    destinations: [any]
    services: [tcp/443, tcp/3478, udp/3478, tcp/8089, udp/8089, tcp/53, udp/53]
`,
    );
    const overlay = join(dir, 'overlay.yaml');
    writeFileSync(
      overlay,
      `overlay: 1
roles:
  backup:
    addFlows:
      - { hosts: [backup.example.net], ports: [9999], protocols: [udp], severity: recommended }
`,
    );
    const r = await runCli('check', policy, '--catalog', overlay, '--json');
    expect(r.status).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(validateReport(report)).toBe(true);
    expect(report.summary).toMatchObject({ passed: true, failingRequired: 0, failingRecommended: 1 });
    expect(report.target.overlay).toBe(overlay);
    expect((await runCli('check', policy, '--catalog', overlay)).stdout).toMatch(
      /^PASS: all 13 required flows allowed; 1 recommended flow\(s\) not allowed\.$/m,
    );
    const strict = await runCli('check', policy, '--catalog', overlay, '--require-backups', '--json');
    expect(strict.status).toBe(1);
    expect(JSON.parse(strict.stdout).summary.failingRequired).toBe(1);
  });

  it('--policy narrows a multi-VDOM input to the VDOMs the clients use', async () => {
    const multi = 'fixtures/fortigate/multi-vdom-6.2.conf';
    const all = JSON.parse((await runCli('check', multi, '--json')).stdout);
    expect(all.inputs[0].policies).toEqual(['root', 'customer-a', 'lab']);
    const root = JSON.parse((await runCli('check', multi, '--policy', 'root', '--json')).stdout);
    expect(root.inputs[0].policies).toEqual(['root']);
    expect(root.flows.every((f: { results: unknown[] }) => f.results.length === 1)).toBe(true);
    const bad = await runCli('check', multi, '--policy', 'nope');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/--policy "nope" is not in the input; policies: root, customer-a, lab/);
  });

  it('--flow replaces the catalog flows, addresses included', async () => {
    const r = await runCli(
      'check',
      HTTPS_ONLY,
      '--json',
      '--flow',
      '*:443/tcp',
      '--flow',
      '[2001:db8::1]:443/tcp',
      '--flow',
      '52.1.2.3:3478/udp',
    );
    const report = JSON.parse(r.stdout);
    expect(validateReport(report)).toBe(true);
    expect(report.flows.map((f: { host: string; port: number }) => `${f.host}:${f.port}`)).toEqual([
      '*:443',
      '2001:db8::1:443',
      '52.1.2.3:3478',
    ]);
    expect(report.target.customFlows).toBe(true);
    expect(report.target.release).toBeNull();
  });
});

describe('text and markdown output', () => {
  const hostile = join(dir, 'hostile.yaml');
  writeFileSync(
    hostile,
    `format: generic/v1
default: deny
rules:
  - name: "evil \\e[31m::error::@org/team <img src=x onerror=alert(1)> | x"
    action: deny
    sources: [any]
    destinations: [any]
    services: [any]
`,
  );
  it('prints a table and a one-line summary, without colour when not on a terminal', async () => {
    const r = await runCli('check', HTTPS_ONLY, '--source', '10.40.0.0/16');
    expect(r.stdout).toMatch(/^VERDICT\s+SEVERITY\s+ROLE\s+FLOW\s+DECIDED BY$/m);
    expect(r.stdout).toMatch(
      /^blocked\s+required\s+stun-turn\s+\*:3478\/udp\s+deny-stun-turn \(fixtures\/generic\/https-only\.yaml:20\)$/m,
    );
    expect(r.stdout.trim().split('\n').at(-1)).toMatch(
      /^FAIL: \d+ of \d+ required flows not allowed \(\d+ blocked\)/,
    );
    expect(r.stdout).not.toContain('\u001b[');
  });
  it('colours verdicts on a terminal', async () => {
    let out = '';
    await cliMain(['check', HTTPS_ONLY], { stdout: (x) => (out += x), stderr: () => {}, color: true });
    const esc = '\u001b';
    expect(out).toContain(`${esc}[31mblocked`);
    expect(out).toContain(`${esc}[32mallowed`);
  });
  it('never passes control characters from config text to the terminal', async () => {
    const r = await runCli('check', hostile);
    expect(r.stdout).not.toContain('\u001b');
    expect(r.stdout).toContain('\\x1b[31m');
  });
  it('escapes config text in markdown: no HTML, no mentions, no table breaks', async () => {
    const md = (await runCli('check', hostile, '--output', 'markdown')).stdout;
    expect(md).not.toContain('<img');
    expect(md).toContain('&lt;img');
    expect(md).not.toMatch(/@org/);
    for (const row of md.split('\n').filter((l) => l.startsWith('| ⛔')))
      expect(row.split(/(?<!\\)\|/).length).toBe(8);
  });
});

describe('catalog command', () => {
  it('lists releases', async () => {
    const r = await runCli('catalog', 'releases');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^2\.0\.33\b/m);
    expect(r.stdout).toMatch(/^2\.1\.80\b/m);
  });
  it('prints a pinned-mode flow list as CSV for change tickets', async () => {
    const r = await runCli('catalog', 'flows', '--mode', 'na', '--output', 'csv');
    expect(r.status).toBe(0);
    const lines = r.stdout.trim().split('\r\n');
    expect(lines[0]).toBe('ROLE,HOST,PORT,PROTOCOL,SEVERITY,VERIFIED,DESTINATION');
    for (const port of ['3478', '8089', '5349']) {
      for (const proto of ['tcp', 'udp'])
        expect(lines.some((l) => l.includes(`,*,${port},${proto},required,`))).toBe(true);
    }
    expect(r.stdout).not.toContain('trafficmanager');
  });
  it('prints JSON for a version, with relays narrowing STUN/TURN', async () => {
    const r = await runCli('catalog', 'flows', '--version', '2.0.50', '--json', '--relay', '52.1.2.0/28');
    const out = JSON.parse(r.stdout);
    expect(out.release).toBe('2.0.33');
    expect(out.flows.some((f: { port: number }) => f.port === 8089)).toBe(false);
    const stun = out.flows.find((f: { role: string }) => f.role === 'stun-turn');
    expect(stun.relays).toEqual(['52.1.2.0/28']);
  });
});
