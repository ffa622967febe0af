/**
 * End-to-end: what a pull request breaks or fixes. The bundled action runs in real git repositories
 * (a base commit and a head commit), against the fake GitHub API, which checks every request against
 * GitHub's REST description and serves the base's files through the contents API.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeGitHub } from '../github/fake-github/server.js';
import { basePair, cloneAt, commit, mergeCommit, shallowClone } from './git-repo.js';
import {
  newWorkspace,
  removeRunDirectories,
  runBundle,
  type BundleRun,
  type RunOptions,
} from './run-bundle.js';
import {
  BROKEN_CONFIG,
  FAILING_CONFIG,
  forkPullRequest,
  PASSING_CONFIG,
  pullRequestOpened,
  push,
} from './scenario-data.js';

const TOKEN = 'ghs_workflowTokenFor1234567890';
const FORK_TOKEN = 'ghs_readOnlyForkToken123456789';
const MARKER = /^<!-- remotespark-firewall-check:comment key=[0-9a-f]{16} -->$/;
const REPO = 'Codertocat/Hello-World';
const BLOB = `https://github.com/${REPO}/blob`;

/** PASSING_CONFIG with DNS over TCP denied first: one required flow (53/tcp) breaks. */
const DENY_DNS_TCP = PASSING_CONFIG.replace(
  'rules:\n',
  'rules:\n  - name: deny-dns-over-tcp\n    action: deny\n    sources: [any]\n    destinations: [any]\n    services: [tcp/53]\n',
);
/** Everything out but 8089, which RemoteSpark 2.1.x needs and 2.0.x does not. */
const DENY_8089 = PASSING_CONFIG.replace(
  'rules:\n',
  'rules:\n  - name: deny-8089\n    action: deny\n    sources: [any]\n    destinations: [any]\n    services: [tcp/8089, udp/8089]\n',
);

let github: FakeGitHub;

beforeEach(async () => {
  github = new FakeGitHub();
  github.addToken(TOKEN, { login: 'github-actions[bot]', type: 'Bot', installation: true, canWrite: true });
  github.addToken(FORK_TOKEN, {
    login: 'github-actions[bot]',
    type: 'Bot',
    installation: true,
    canWrite: false,
  });
  await github.start();
});

afterEach(async () => {
  await github.stop();
  removeRunDirectories();
  expect(github.violations).toEqual([]);
});

interface PrPayload {
  pull_request: { number: number; base: { sha: string; ref: string }; head: { sha: string } };
}

function prEvent(base: string, head: string, fork = false): PrPayload {
  const e = (fork ? forkPullRequest() : pullRequestOpened()) as unknown as PrPayload;
  e.pull_request.base.sha = base;
  e.pull_request.base.ref = 'main';
  e.pull_request.head.sha = head;
  return e;
}

function runPr(workspace: string, event: unknown, extra: Partial<RunOptions> = {}): Promise<BundleRun> {
  return runBundle({
    workspace,
    eventName: 'pull_request',
    event,
    repository: REPO,
    apiUrl: github.url,
    token: TOKEN,
    ...extra,
    inputs: { config: 'firewall/*.yaml', source: '10.40.0.0/16', comment: 'always', ...extra.inputs },
  });
}

const comment = () => {
  const ours = github.comments.filter((c) => MARKER.test(c.body.split('\n')[0]!));
  expect(ours).toHaveLength(1);
  return ours[0]!.body;
};
const report = (run: BundleRun) => JSON.parse(readFileSync(run.outputs.report!, 'utf8'));
const contentReads = () => github.requests.filter((r) => r.operationId === 'repos/get-content');
const annotations = (run: BundleRun, level: string) => run.commands.filter((c) => c.command === level);

describe('a pull request compared with its base, read with git', () => {
  it('the head adds a deny: one new failure naming the rule at the head’s file:line, exit 1', async () => {
    const { dir, base, head } = basePair(
      { 'firewall/branch.yaml': PASSING_CONFIG },
      { 'firewall/branch.yaml': DENY_DNS_TCP },
    );
    const run = await runPr(dir, prEvent(base, head));

    expect(run.status).toBe(1);
    const body = comment();
    expect(body).toContain(
      `**Compared with main at ${base.slice(0, 7)}: breaks 1 · fixes 0 · 0 already failing\\.**`,
    );
    expect(body).toMatch(/⛔ \*\*Breaks\*\* `[^`]+:53\/tcp` \(required\): blocked, was allowed\./);
    expect(body).toContain(
      'rule &quot;deny\\-dns\\-over\\-tcp&quot; \\(firewall/branch\\.yaml:5\\) was added',
    );
    // The deciding rule now (head) and then (base), each linked at its commit and line.
    expect(body).toContain(`(${BLOB}/${head}/firewall/branch.yaml#L5)`);
    expect(body).toContain(
      `[allow\\-all\\-outbound \\(firewall/branch\\.yaml:5\\)](${BLOB}/${base}/firewall/branch.yaml#L5)`,
    );
    // The changes lead; the full table follows with a change column.
    expect(body.indexOf('**Breaks**')).toBeLessThan(body.indexOf('| Change | Verdict |'));
    expect(body).toContain('| 🆕 breaks | ⛔ blocked | required |');
    expect(run.outputs['failing-count']).toBe('1');

    const [error] = annotations(run, 'error');
    expect(error!.properties).toMatchObject({ file: 'firewall/branch.yaml', line: '5' });
    expect(error!.properties.title).toMatch(/^New failure: /);
    expect(error!.data).toContain(
      'new in this change: rule "deny-dns-over-tcp" (firewall/branch.yaml:5) was added',
    );

    expect(run.summary).toContain('breaks 1 · fixes 0 · 0 already failing');
    expect(run.summary).toContain(`(${BLOB}/${head}/firewall/branch.yaml#L5)`);
    const r = report(run);
    expect(r.summary.drift).toMatchObject({ newFailures: 1, fixed: 0, newFailuresRequired: 1 });
    expect(r.baseline).toMatchObject({ ref: 'main', commit: base });
    expect(contentReads()).toEqual([]);
    expect(run.stdout).toContain('read with git from the checkout');
  });

  it('the head removes the deny: the flow shows as fixed, exit 0', async () => {
    const { dir, base, head } = basePair(
      { 'firewall/branch.yaml': DENY_DNS_TCP },
      { 'firewall/branch.yaml': PASSING_CONFIG },
    );
    const run = await runPr(dir, prEvent(base, head));

    expect(run.status).toBe(0);
    const body = comment();
    expect(body.split('\n')[1]).toContain('resolved, every required flow is allowed');
    expect(body).toContain('breaks 0 · fixes 1 · 0 already failing');
    expect(body).toMatch(/✅ \*\*Fixes\*\* `[^`]+:53\/tcp` \(required\): allowed, was blocked\./);
    expect(body).toContain(`(${BLOB}/${base}/firewall/branch.yaml#L5)`);
    expect(annotations(run, 'error')).toEqual([]);
    expect(report(run).summary.drift).toMatchObject({ newFailures: 0, fixed: 1 });
  });

  it("GitHub's merge commit (fetch-depth: 2): compared with its first parent", async () => {
    const { dir, base, head } = basePair(
      { 'firewall/branch.yaml': PASSING_CONFIG },
      { 'firewall/branch.yaml': DENY_DNS_TCP },
    );
    // main moved on after the event's base: the merge's first parent is what the pull request merges into.
    const { execFileSync } = await import('node:child_process');
    execFileSync('git', ['checkout', '-q', '-b', 'later', base], { cwd: dir });
    const moved = commit(dir, { 'README.md': 'docs\n' }, 'unrelated change on main');
    mergeCommit(dir, moved, head);

    const run = await runPr(dir, prEvent(base, head));
    expect(run.status).toBe(1);
    expect(report(run).baseline.commit).toBe(moved);
    expect(run.stdout).toContain("the merge commit's first parent");
  });

  it('a remotespark-version bump in the settings file is the cause', async () => {
    const settings = (v: string) => `config: firewall/branch.yaml\nremotespark-version: "${v}"\n`;
    const { dir, base, head } = basePair(
      { 'firewall/branch.yaml': DENY_8089, '.github/remotespark-firewall.yml': settings('2.0.33') },
      { '.github/remotespark-firewall.yml': settings('2.1.80') },
    );
    const run = await runPr(dir, prEvent(base, head), { inputs: { config: '' } });

    expect(run.status).toBe(1);
    const body = comment();
    // Two required flows and eight recommended ones are new in 2.1.80.
    expect(body).toContain('breaks 10 · fixes 0 · 0 already failing');
    expect(body).toMatch(
      /Breaks\*\* `[^`]+:8089\/udp` \(required\): blocked, was not required\. RemoteSpark 2\\\.0\\\.33 → 2\\\.1\\\.80/,
    );
    expect(body).toContain('deny\\-8089');
  });
});

describe('the base read through the contents API', () => {
  it('a shallow checkout (base objects absent): the base comes from the API at the base commit', async () => {
    const { dir, base, head } = basePair(
      { 'firewall/branch.yaml': PASSING_CONFIG },
      { 'firewall/branch.yaml': DENY_DNS_TCP },
    );
    github.addCommit(REPO, base, { 'firewall/branch.yaml': PASSING_CONFIG });
    const run = await runPr(shallowClone(dir), prEvent(base, head));

    expect(run.status).toBe(1);
    expect(comment()).toContain('breaks 1 · fixes 0 · 0 already failing');
    expect(report(run).baseline).toMatchObject({ ref: 'main', commit: base });
    const reads = contentReads().map(
      (r) => `${decodeURIComponent(r.path)}${r.query} ${r.status} ${r.accept}`,
    );
    expect(reads).toEqual([
      `/repos/${REPO}/contents/.github/remotespark-firewall.yml?ref=${base} 404 application/vnd.github.raw+json`,
      `/repos/${REPO}/contents/firewall/branch.yaml?ref=${base} 200 application/vnd.github.raw+json`,
    ]);
    expect(github.requests.filter((r) => r.operationId === 'repos/get-commit')).toHaveLength(1);
    expect(run.stdout).toContain('read through the GitHub contents API');
  });

  it("a fork's pull request: the base is read from the base repository with the read-only token", async () => {
    const { dir, base, head } = basePair(
      { 'firewall/branch.yaml': PASSING_CONFIG },
      { 'firewall/branch.yaml': DENY_DNS_TCP },
    );
    github.addCommit(REPO, base, { 'firewall/branch.yaml': PASSING_CONFIG });
    const run = await runPr(shallowClone(dir), prEvent(base, head, true), { token: FORK_TOKEN });

    expect(run.status).toBe(1);
    expect(contentReads().every((r) => r.path.startsWith(`/repos/${REPO}/contents/`))).toBe(true);
    expect(contentReads().map((r) => r.status)).toContain(200);
    // The comment can't be written (read-only token); the summary still leads with the change.
    expect(annotations(run, 'warning').some((w) => w.data.includes('pull-requests: write'))).toBe(true);
    expect(run.summary).toContain('breaks 1 · fixes 0 · 0 already failing');
  });

  it('pull_request_target with the pull request checked out into pr/: its files are read at the base by their repository paths', async () => {
    const { dir, base, head } = basePair(
      { 'firewall/branch.yaml': PASSING_CONFIG },
      { 'firewall/branch.yaml': DENY_DNS_TCP },
    );
    github.addCommit(REPO, base, { 'firewall/branch.yaml': PASSING_CONFIG });
    // The README's fork workflow: the base branch at the root, the pull request's head as data in pr/.
    const root = cloneAt(dir, base);
    shallowClone(dir, join(root, 'pr'));
    const run = await runPr(root, prEvent(base, head, true), {
      eventName: 'pull_request_target',
      inputs: { config: 'pr/firewall/*.yaml' },
    });

    expect(run.status).toBe(1);
    expect(contentReads().map((r) => `${decodeURIComponent(r.path)}${r.query}`)).toEqual([
      `/repos/${REPO}/contents/firewall/branch.yaml?ref=${base}`,
    ]);
    const body = comment();
    expect(body).toContain('breaks 1 · fixes 0 · 0 already failing');
    expect(body).toContain(`(${BLOB}/${head}/firewall/branch.yaml#L5)`);
    expect(body).toContain(`(${BLOB}/${base}/firewall/branch.yaml#L5)`);
  });

  it('API 404 for a file the pull request adds: a new file, nothing to compare; the check stands', async () => {
    const { dir, base, head } = basePair(
      { 'firewall/branch.yaml': PASSING_CONFIG },
      { 'firewall/lab.yaml': FAILING_CONFIG },
    );
    github.addCommit(REPO, base, { 'firewall/branch.yaml': PASSING_CONFIG });
    const run = await runPr(shallowClone(dir), prEvent(base, head));

    expect(run.status).toBe(1);
    expect(report(run).baseline.missing).toEqual(['firewall/lab.yaml']);
    expect(comment()).toContain('\\(new here: firewall/lab\\.yaml\\)');
    expect(contentReads().map((r) => r.status)).toEqual([404, 200, 404]);
  });

  it('a token without contents: read: the comparison says so, the check stands', async () => {
    github.addToken('ghs_noContents123456789012345678', {
      login: 'github-actions[bot]',
      type: 'Bot',
      installation: true,
      canWrite: true,
      canReadContents: false,
    });
    const ws = newWorkspace({ 'firewall/branch.yaml': DENY_DNS_TCP });
    const run = await runPr(ws, prEvent('1'.repeat(40), '2'.repeat(40)), {
      token: 'ghs_noContents123456789012345678',
    });
    expect(run.status).toBe(1);
    expect(comment()).toContain('the baseline could not be checked');
    expect(comment()).toContain('contents: read');
    expect(contentReads()).toEqual([]);
  });
});

describe('a base that cannot be checked', () => {
  it('an unreadable base config: the comparison says so, the check is not failed by it', async () => {
    const { dir, base, head } = basePair(
      { 'firewall/branch.yaml': BROKEN_CONFIG },
      { 'firewall/branch.yaml': PASSING_CONFIG },
    );
    const run = await runPr(dir, prEvent(base, head));

    expect(run.status).toBe(0);
    const body = comment();
    expect(body).toMatch(/the baseline could not be checked \\\(firewall\/branch\\\.yaml:\d+: invalid YAML/);
    expect(body).toContain('resolved, every required flow is allowed');
    expect(run.summary).toContain('the baseline could not be checked');
    expect(report(run).baseline.error).toMatch(/^firewall\/branch\.yaml:\d+: invalid YAML/);
  });

  it('a broken settings file at the base: the comparison says so', async () => {
    const { dir, base, head } = basePair(
      { 'firewall/branch.yaml': PASSING_CONFIG, '.github/remotespark-firewall.yml': 'mode: moon\n' },
      { 'firewall/branch.yaml': DENY_DNS_TCP, '.github/remotespark-firewall.yml': 'mode: cloud\n' },
    );
    const run = await runPr(dir, prEvent(base, head));
    expect(run.status).toBe(1);
    expect(report(run).baseline.error).toMatch(
      /settings file cannot be used \(\.github\/remotespark-firewall\.yml:1/,
    );
    expect(comment()).toContain('the baseline could not be checked');
  });
});

describe('fail-on: new', () => {
  it('a failure that was there before: collapsed, and exit 0', async () => {
    const { dir, base, head } = basePair(
      { 'firewall/branch.yaml': FAILING_CONFIG },
      { 'firewall/branch.yaml': `${FAILING_CONFIG}\n# reviewed\n` },
    );
    const run = await runPr(dir, prEvent(base, head), { inputs: { 'fail-on': 'new' } });

    expect(run.status).toBe(0);
    expect(run.outputs.passed).toBe('true');
    const body = comment();
    expect(body.split('\n')[1]).toMatch(/no new failures \(\d+ required flow\(s\) were failing already\)$/);
    expect(body).toMatch(/<details><summary>\d+ flow\(s\) already failing before this change<\/summary>/);
    expect(body).toContain('breaks 0 · fixes 0 ·');
    expect(annotations(run, 'error')).toEqual([]);
    expect(annotations(run, 'warning').length).toBeGreaterThan(0);
  });

  it('counts only what the change breaks', async () => {
    const { dir, base, head } = basePair(
      { 'firewall/branch.yaml': FAILING_CONFIG },
      { 'firewall/branch.yaml': FAILING_CONFIG.replace('services: [tcp/443]', 'services: [tcp/8443]') },
    );
    const run = await runPr(dir, prEvent(base, head), { inputs: { 'fail-on': 'new' } });
    expect(run.status).toBe(1);
    expect(Number(run.outputs['failing-count'])).toBe(report(run).summary.drift.newFailuresRequired);
    expect(annotations(run, 'error')[0]!.properties.title).toMatch(/^New failure: /);
  });

  it('with no baseline every failing required flow counts, said in a warning', async () => {
    const event = push();
    const ws = newWorkspace({ 'firewall/branch.yaml': FAILING_CONFIG });
    const run = await runBundle({
      workspace: ws,
      eventName: 'push',
      event,
      repository: event.repository.full_name,
      apiUrl: github.url,
      inputs: { config: 'firewall/branch.yaml', source: '10.40.0.0/16', 'fail-on': 'new' },
    });
    expect(run.status).toBe(1);
    expect(
      annotations(run, 'warning').some((w) => w.data.includes('fail-on: new counts every required flow')),
    ).toBe(true);
    expect(github.requests).toEqual([]);
  });

  it('baseline: off compares with nothing', async () => {
    const { dir, base, head } = basePair(
      { 'firewall/branch.yaml': PASSING_CONFIG },
      { 'firewall/branch.yaml': DENY_DNS_TCP },
    );
    const run = await runPr(dir, prEvent(base, head), { inputs: { baseline: 'off' } });
    expect(run.status).toBe(1);
    expect(report(run).baseline).toBeUndefined();
    expect(comment()).not.toContain('Compared with');
  });
});
