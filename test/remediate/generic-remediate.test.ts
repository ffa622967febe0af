import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCheck, type CheckOptions } from '../../src/check/run-check.js';
import { applyEdits } from '../../src/remediate/apply-edits.js';
import { remediate, verifyFix } from '../../src/remediate/remediate.js';
import { runCli } from '../cli/cli-io.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const yamlFixtures = readdirSync('fixtures/generic')
  .filter((f) => f.endsWith('.yaml') && !f.endsWith('.expected.yaml'))
  .map((f) => `fixtures/generic/${f}`);
const cases: { path: string; sources?: string[] }[] = [
  ...yamlFixtures.map((path) => ({ path })),
  ...yamlFixtures.map((path) => ({ path, sources: ['10.20.0.0/16'] })),
  { path: 'examples/branch-office.yaml', sources: ['10.40.0.0/16'] },
];

const RANK = { allowed: 0, unknown: 1, partial: 2, blocked: 3 } as const;

describe('generic fixes, proven by applying them', () => {
  for (const c of cases) {
    it(`${c.path}${c.sources ? ` --source ${c.sources.join(',')}` : ''}`, async () => {
      const options: CheckOptions = {
        configs: [c.path],
        version: 'latest',
        mode: 'cloud',
        ...(c.sources ? { sources: c.sources } : {}),
      };
      const before = await runCheck(options);
      const fixes = await remediate(before);
      const failing = before.results.filter((r) => r.flow.severity === 'required' && r.verdict !== 'allowed');
      if (failing.length === 0) {
        expect(fixes).toEqual([]);
        return;
      }
      const offered = fixes.filter((f) => f.verified);
      expect(offered.length, JSON.stringify(fixes.map((f) => f.reason))).toBeGreaterThan(0);
      // Apply every offered edit to a copy and check again: the fixed flows allowed, nothing worse.
      const dir = mkdtempSync(join(tmpdir(), 'rsfc-fix-'));
      dirs.push(dir);
      const copy = join(dir, 'fw.yaml');
      writeFileSync(
        copy,
        applyEdits(
          readFileSync(c.path, 'utf8'),
          offered.flatMap((f) => f.edits),
        ),
      );
      const after = await runCheck({ ...options, configs: [copy] });
      const fixed = new Set(offered.flatMap((f) => f.flows));
      after.results.forEach((r, i) => {
        const was = before.results[i]!;
        const label = `${r.flow.host}:${r.flow.port}/${r.flow.protocol}`;
        if (fixed.has(label)) expect(r.verdict, label).toBe('allowed');
        expect(RANK[r.verdict], label).toBeLessThanOrEqual(RANK[was.verdict]);
      });
    });
  }
});

describe('what a fix overrides', () => {
  it('a fix placed before a deny for part of the clients says which rule and sources it opens', async () => {
    const check = await runCheck({
      configs: ['fixtures/generic/office-egress.yaml'],
      version: 'latest',
      mode: 'cloud',
      sources: ['10.20.0.0/16'],
    });
    const media = (await remediate(check)).find((f) => f.flows.includes('*:3478/udp'))!;
    expect(media.verified).toBe(true);
    expect(media.placement).toMatchObject({ before: { name: 'block-guest-wifi', line: 19 } });
    expect(media.notes?.join(' ')).toMatch(
      /which denies these flows for 10\.20\.5\.0\/24: the new rule allows them for those clients too/,
    );
  });
});

describe('verification', () => {
  it('catches a fix placed after the rule that blocks the flow', async () => {
    const before = await runCheck({
      configs: ['fixtures/generic/https-only.yaml'],
      version: 'latest',
      mode: 'cloud',
      sources: ['10.40.0.0/16'],
    });
    const media = (await remediate(before)).find((f) => f.flows.includes('*:3478/udp'))!;
    expect(media.verified).toBe(true);
    const policy = before.policies[0]!;
    const lines = readFileSync('fixtures/generic/https-only.yaml', 'utf8').split('\n').length;
    // The same rule text appended at the end of the file (after the deny that blocks the flow).
    const late = media.edits.map((e) => ({ ...e, line: lines, insert: `\n${e.insert}` }));
    const flows = before.results
      .filter((r) => media.flows.includes(`${r.flow.host}:${r.flow.port}/${r.flow.protocol}`))
      .map((r) => r.flow);
    expect(await verifyFix(before, policy, late, flows)).toMatch(/still (blocked|partial)/);
    expect(await verifyFix(before, policy, media.edits, flows)).toBeUndefined();
  });

  it('a JSON generic file gets no unproven edits, and the report says why', async () => {
    const before = await runCheck({
      configs: ['fixtures/generic/warehouse.json'],
      version: 'latest',
      mode: 'cloud',
      sources: ['10.0.0.0/8'],
    });
    const fixes = await remediate(before);
    for (const f of fixes) {
      expect(f.verified).toBe(false);
      expect(f.edits).toEqual([]);
      expect(f.reason).toMatch(/JSON/);
    }
  });
});

describe('--output patch', () => {
  it('prints a diff that git apply accepts on the committed file, and that fixes the check', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rsfc-patch-'));
    dirs.push(dir);
    const rel = 'fw/office-egress.yaml';
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), readFileSync('fixtures/generic/office-egress.yaml'));
    const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, stdio: 'pipe' });
    git('init', '-q');
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      const r = await runCli('check', rel, '--source', '10.20.0.0/16', '--output', 'patch');
      expect(r.status).toBe(1);
      expect(r.stdout).toMatch(/^--- a\/fw\/office-egress\.yaml\n\+\+\+ b\/fw\/office-egress\.yaml\n@@ /);
      writeFileSync(join(dir, 'fix.patch'), r.stdout);
      git('apply', '--check', 'fix.patch');
      git('apply', 'fix.patch');
      const again = await runCli('check', rel, '--source', '10.20.0.0/16', '--json');
      const report = JSON.parse(again.stdout);
      expect(report.summary.passed).toBe(true);
    } finally {
      process.chdir(cwd);
    }
  });
});
