import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli/cli-io.js';

const dir = mkdtempSync(join(tmpdir(), 'rsfc-sarif-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const MULTITOOL = 'node_modules/.bin/sarif-multitool';

interface SarifResult {
  ruleId: string;
  level: string;
  message: { text: string };
  locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }[];
  partialFingerprints: Record<string, string>;
  fixes?: { artifactChanges: { replacements: { insertedContent: { text: string } }[] }[] }[];
}

async function sarifOf(...args: string[]) {
  const r = await runCli('check', ...args, '--output', 'sarif');
  expect(r.status).toBe(1);
  return { text: r.stdout, log: JSON.parse(r.stdout) };
}

/** Microsoft's SARIF validator (a dev dependency); its own log lists what it found. */
function validate(text: string): { ruleId: string; level: string }[] {
  const input = join(dir, `in-${Math.random().toString(36).slice(2)}.sarif`);
  const output = `${input}.validation.sarif`;
  writeFileSync(input, text);
  execFileSync(MULTITOOL, ['validate', input, '--output', output], { stdio: 'pipe' });
  return JSON.parse(readFileSync(output, 'utf8')).runs[0].results;
}

const cases = [
  ['fixtures/generic/office-egress.yaml', '--source', '10.20.0.0/16'],
  ['fixtures/panos/panorama-hierarchy.xml'],
  ['fixtures/fortigate/multi-vdom-6.2.conf'],
  ['fixtures/asa/branch-office.asa'],
  ['fixtures/azure-firewall/hub-policy-arm.json'],
];

describe.skipIf(!existsSync(MULTITOOL))('--output sarif', () => {
  for (const args of cases) {
    it(`validates with Microsoft's SARIF validator: ${args[0]}`, async () => {
      const { text } = await sarifOf(...args);
      const found = validate(text);
      // Only the optional tool home page is missing (no public page to point at yet).
      expect(found.filter((x) => x.ruleId !== 'SARIF2005')).toEqual([]);
    }, 30_000);
  }

  it('has what code scanning needs: driver, rules, relative URIs, lines, levels, fingerprints, fixes', async () => {
    const { log } = await sarifOf('fixtures/generic/office-egress.yaml', '--source', '10.20.0.0/16');
    const run = log.runs[0];
    expect(run.tool.driver).toMatchObject({
      name: 'remotespark-firewall-check',
      version: expect.any(String),
    });
    expect(run.tool.driver.rules.map((r: { id: string }) => r.id)).toContain('remotespark/stun-turn');
    const results = run.results as SarifResult[];
    const stun = results.find((r) => r.message.text.includes('*:3478/udp'))!;
    expect(stun).toMatchObject({ ruleId: 'remotespark/stun-turn', level: 'error' });
    expect(stun.locations[0]!.physicalLocation).toEqual({
      artifactLocation: { uri: 'fixtures/generic/office-egress.yaml', uriBaseId: '%SRCROOT%' },
      region: { startLine: 19 },
    });
    expect(stun.fixes?.[0]?.artifactChanges[0]?.replacements[0]?.insertedContent.text).toMatch(
      /- name: allow-remotespark-media/,
    );
    expect(results.find((r) => r.level === 'warning')).toBeDefined();
  });

  it('keeps fingerprints when the deciding rule moves to another line', async () => {
    const path = join(dir, 'office-egress.yaml');
    const original = readFileSync('fixtures/generic/office-egress.yaml', 'utf8');
    writeFileSync(path, original);
    const before = (await sarifOf(path, '--source', '10.20.0.0/16')).log.runs[0].results as SarifResult[];
    writeFileSync(path, `# a comment\n\n${original}`);
    const after = (await sarifOf(path, '--source', '10.20.0.0/16')).log.runs[0].results as SarifResult[];
    const line = (r: SarifResult) => r.locations[0]!.physicalLocation.region.startLine;
    expect(after.map(line)).toEqual(before.map((r) => line(r) + 2));
    const fp = (rs: SarifResult[]) => rs.map((r) => r.partialFingerprints['remotesparkFlow/v1']);
    expect(fp(after)).toEqual(fp(before));
    expect(new Set(fp(before)).size).toBe(before.length);
  });
});
