import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { inputFromBytes, type FileSource } from '../../src/check/file-source.js';
import { runCheck } from '../../src/check/run-check.js';
import { runDriftCheck } from '../../src/check/run-drift.js';
import { capAnnotations, flowAnnotations, flowLocation } from '../../src/report/annotations.js';
import { renderComment, type RuleUrl } from '../../src/report/comment-report.js';
import { buildJsonReport } from '../../src/report/json-report.js';
import { renderSummary } from '../../src/report/summary-report.js';
import { workflowLogText } from '../../src/report/workflow-escape.js';
import { bigCatalog, DENY_ALL_CONFIG, PASSING_CONFIG } from './scenario-data.js';

const dir = mkdtempSync(join(tmpdir(), 'rsfc-render-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
writeFileSync(join(dir, 'catalog.yaml'), bigCatalog(600));
writeFileSync(join(dir, 'deny.yaml'), DENY_ALL_CONFIG);

const check = async (configs: string[], extra = {}) =>
  buildJsonReport(await runCheck({ configs, version: 'latest', mode: 'cloud', ...extra }));
const small = await check(['fixtures/generic/https-only.yaml'], { sources: ['10.40.0.0/16'] });
const big = await check([join(dir, 'deny.yaml')], { catalog: join(dir, 'catalog.yaml') });

describe('workflow log text', () => {
  it('breaks workflow commands in either form, keeps the text readable', () => {
    expect(workflowLogText('::error::x')).toBe(':\u200b:error::x');
    expect(workflowLogText('  ::stop-commands::t')).toBe('  :\u200b:stop-commands::t');
    expect(workflowLogText('a ##[error]b')).toBe('a ##\u200b[error]b');
    expect(workflowLogText('name\n::warning::x')).toBe('name\n:\u200b:warning::x');
    expect(workflowLogText('tab\there\u001b[31m')).toBe('tab\\x09here\\x1b[31m');
    expect(workflowLogText('a :: b')).toBe('a :: b');
  });
});

describe('annotations', () => {
  it('one per flow not allowed, at the deciding rule or the default line', () => {
    const list = flowAnnotations(small, (f) => (f.severity === 'required' ? 'error' : 'warning'));
    expect(list.length).toBe(small.flows.filter((f) => f.verdict !== 'allowed').length);
    expect(list[0]).toMatchObject({ level: 'error', file: 'fixtures/generic/https-only.yaml', line: 20 });
    const viaDefault = small.flows.find((f) => f.verdict !== 'allowed' && !f.rule)!;
    expect(flowLocation(small, viaDefault)).toEqual({ file: 'fixtures/generic/https-only.yaml', line: 5 });
  });

  it('the file’s first line when neither a rule nor a located default decides', () => {
    const f = { ...small.flows[0]!, verdict: 'unknown' as const, rule: null, default: null };
    expect(flowLocation(small, f)).toEqual({ file: 'fixtures/generic/https-only.yaml', line: 1 });
  });

  it('capped per level, in order', () => {
    const list = flowAnnotations(big, () => 'error');
    const { shown, omitted } = capAnnotations(list, { error: 9, warning: 9, notice: 0 });
    expect(shown).toHaveLength(9);
    expect(shown[0]!.message).toContain('h0000.example.com:443/tcp');
    expect(omitted).toEqual({ error: 1191, warning: 0, notice: 0 });
  });
});

describe('comment', () => {
  it('fits the limit, failing flows first, and says how many were left out', () => {
    const body = renderComment(big, {
      passed: false,
      failingCount: 1200,
      maxChars: 20_000,
      summaryUrl: 'https://github.com/o/r/actions/runs/1',
    });
    expect(body.length).toBeLessThanOrEqual(20_000);
    const shown = body.split('\n').filter((l) => l.startsWith('| ⛔')).length;
    expect(shown).toBeGreaterThan(10);
    expect(body).toContain(`and ${1200 - shown} more flow(s) not shown`);
    expect(body).toContain('[job summary](https://github.com/o/r/actions/runs/1)');
  });

  it('is the resolved state when the check passes', async () => {
    const pass = await check(['fixtures/generic/allow-all.yaml'], { sourceZones: ['trust'] });
    const body = renderComment(pass, { passed: true, failingCount: 0, maxChars: 65_000 });
    expect(body).toMatch(/^### ✅ .*resolved/);
    expect(body).not.toContain('Not allowed:');
  });
});

describe('job summary', () => {
  it('the whole report as tables, cut at the byte limit with a note', () => {
    const whole = renderSummary(big, { passed: false });
    expect(whole).toContain('### Inputs');
    expect(whole).toContain('### Target');
    expect(whole.split('\n').filter((l) => l.startsWith('| ⛔')).length).toBe(1200);
    const cut = renderSummary(big, { passed: false, maxBytes: 50_000 });
    expect(Buffer.byteLength(cut)).toBeLessThanOrEqual(50_000);
    expect(cut).toMatch(/truncated .*: \d+ of 1200 flows shown/);
  });
});

describe('a compared change in the comment and summary', () => {
  // A rule name that tries to close a link, open another, inject HTML and mention a team.
  const hostile = 'x](https://evil.example) <img src=x> @org/team';
  const baseText = PASSING_CONFIG;
  const headText = PASSING_CONFIG.replace(
    'rules:\n',
    `rules:\n  - name: "${hostile}"\n    action: deny\n    sources: [any]\n    destinations: [any]\n    services: [tcp/53]\n`,
  );
  const path = join(dir, 'fw (1).yaml');
  writeFileSync(path, headText);
  const base: FileSource = {
    describe: 'main at 1a2b3c4',
    commit: '1a2b3c4'.padEnd(40, '0'),
    read: (p, max) => Promise.resolve(inputFromBytes(p, Buffer.from(baseText), max)),
  };
  const ruleUrl: RuleUrl = (side, p, line) =>
    `https://github.com/o/r/blob/${side}/${p.split('/').pop()!.replace(/ /g, '%20')}#L${line}`;
  const compared = async () => {
    const { head, drift } = await runDriftCheck(
      { configs: [path], version: 'latest', mode: 'cloud', sources: ['10.40.0.0/16'] },
      { ref: 'main', files: base },
    );
    return buildJsonReport(head, drift);
  };

  it('leads with the change; config text in causes and link texts is escaped, link targets stay whole', async () => {
    const report = await compared();
    const body = renderComment(report, { passed: false, failingCount: 1, maxChars: 65_000, ruleUrl });
    const summary = renderSummary(report, { passed: false, ruleUrl });
    for (const text of [body, summary]) {
      expect(text).toContain('**Compared with main at 1a2b3c4: breaks 1 · fixes 0 · 0 already failing\\.**');
      expect(text).not.toMatch(/<img/i);
      expect(text).not.toContain('](https://evil');
      expect(text).toContain('@\u200borg/team');
      // The parenthesis in the file name can't end the link early.
      expect(text).toContain('(https://github.com/o/r/blob/head/fw%20%281%29.yaml#L5)');
      expect(text).toContain('(https://github.com/o/r/blob/base/fw%20%281%29.yaml#L5)');
    }
    expect(body.indexOf('**Breaks**')).toBeLessThan(body.indexOf('FAIL:'));
  });

  it('collapsed earlier failures are left out whole when they do not fit', async () => {
    const report = await compared();
    const still = { ...report, flows: report.flows.map((f) => ({ ...f, change: 'still-failing' as const })) };
    const roomy = renderComment(still, { passed: false, failingCount: 1, maxChars: 65_000 });
    expect(roomy).toContain('<details><summary>');
    expect(roomy).toContain('</details>');
    const tight = renderComment(still, { passed: false, failingCount: 1, maxChars: 3_000 });
    expect(tight.includes('<details>')).toBe(tight.includes('</details>'));
  });
});
