/**
 * End-to-end: the committed bundle (dist/index.js) as the runner starts it, against a fake GitHub API on
 * 127.0.0.1 that checks every request against GitHub's REST description and keeps comment state.
 */
import { existsSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import reportSchema from '../../schemas/report.schema.json' with { type: 'json' };
import { FakeGitHub } from '../github/fake-github/server.js';
import {
  newWorkspace,
  removeRunDirectories,
  runBundle,
  type BundleRun,
  type RunOptions,
} from './run-bundle.js';
import {
  BROKEN_CONFIG,
  bigCatalog,
  DENY_ALL_CONFIG,
  FAILING_CONFIG,
  forkPullRequest,
  HOSTILE_CONFIG,
  mergeGroup,
  PASSING_CONFIG,
  pullRequestOpened,
  push,
} from './scenario-data.js';

const WORKFLOW_TOKEN = 'ghs_workflowTokenFor1234567890';
const FORK_TOKEN = 'ghs_readOnlyForkToken123456789';
const PAT = 'ghp_personalAccessToken12345678901';
const MARKER = /^<!-- remotespark-firewall-check:comment key=[0-9a-f]{16} -->$/;
const validateReport = new Ajv2020({ strict: true, allowUnionTypes: true }).compile(reportSchema);

let github: FakeGitHub;

beforeEach(async () => {
  github = new FakeGitHub();
  github.addToken(WORKFLOW_TOKEN, {
    login: 'github-actions[bot]',
    type: 'Bot',
    installation: true,
    canWrite: true,
  });
  github.addToken(FORK_TOKEN, {
    login: 'github-actions[bot]',
    type: 'Bot',
    installation: true,
    canWrite: false,
  });
  github.addToken(PAT, { login: 'netops-ci', type: 'User', installation: false, canWrite: true });
  await github.start();
});

afterEach(async () => {
  await github.stop();
  removeRunDirectories();
  expect(github.violations).toEqual([]);
});

const workspace = newWorkspace;

const pr = pullRequestOpened();
const REPO = pr.repository.full_name;
const PR_NUMBER = pr.pull_request.number;

function runPr(ws: string, extra: Partial<RunOptions> = {}): Promise<BundleRun> {
  return runBundle({
    workspace: ws,
    eventName: 'pull_request',
    event: pr,
    repository: REPO,
    apiUrl: github.url,
    token: WORKFLOW_TOKEN,
    inputs: { config: 'firewall/*.yaml', source: '10.40.0.0/16' },
    ...extra,
  });
}

const annotations = (run: BundleRun, level: string) => run.commands.filter((c) => c.command === level);
const ourComments = () => github.commentsOn(PR_NUMBER).filter((c) => MARKER.test(c.body.split('\n')[0]!));

describe('pull request comment', () => {
  it('first run: comments once, found again across pages of other comments', async () => {
    // 150 comments by people, one of them pasting our marker: never taken for ours.
    github.seed(PR_NUMBER, 150, { login: 'octocat', type: 'User', installation: false, canWrite: true });
    github.seed(
      PR_NUMBER,
      1,
      { login: 'mallory', type: 'User', installation: false, canWrite: true },
      () => '<!-- remotespark-firewall-check:comment key=0000000000000000 -->\nnot ours',
    );
    const ws = workspace({ 'firewall/branch.yaml': FAILING_CONFIG });
    const run = await runPr(ws);

    expect(run.status).toBe(1);
    const mine = ourComments().filter((c) => c.author.login === 'github-actions[bot]');
    expect(mine).toHaveLength(1);
    expect(run.outputs['comment-id']).toBe(String(mine[0]!.id));
    expect(run.outputs.passed).toBe('false');
    expect(Number(run.outputs['failing-count'])).toBeGreaterThan(0);
    expect(mine[0]!.body).toContain('fail the check');
    expect(mine[0]!.body).toContain('deny\\-stun\\-turn');
    // Listed every page (Link rel="next") before deciding to create.
    expect(
      github.requests.filter((r) => r.operationId === 'issues/list-comments').map((r) => r.query),
    ).toEqual(['?per_page=100', '?per_page=100&page=2']);
    expect(github.writes().map((r) => r.operationId)).toEqual(['issues/create-comment']);

    const report = JSON.parse(readFileSync(run.outputs.report!, 'utf8'));
    expect(validateReport(report), JSON.stringify(validateReport.errors)).toBe(true);
    expect(report.inputs[0].path).toBe('firewall/branch.yaml');
  });

  it('second run updates the same comment in place', async () => {
    const ws = workspace({ 'firewall/branch.yaml': FAILING_CONFIG });
    const first = await runPr(ws, { runId: 1 });
    const second = await runPr(ws, { runId: 2 });
    expect([first.status, second.status]).toEqual([1, 1]);
    expect(ourComments()).toHaveLength(1);
    expect(second.outputs['comment-id']).toBe(first.outputs['comment-id']);
    expect(github.writes().map((r) => r.operationId)).toEqual([
      'issues/create-comment',
      'issues/update-comment',
    ]);
    expect(ourComments()[0]!.body).toContain('/actions/runs/2');
  });

  it('a fixed config turns the comment to its resolved state and exits 0', async () => {
    const ws = workspace({ 'firewall/branch.yaml': FAILING_CONFIG });
    const failing = await runPr(ws, { runId: 1 });
    writeFileSync(join(ws, 'firewall/branch.yaml'), PASSING_CONFIG);
    const fixed = await runPr(ws, { runId: 2 });

    expect(failing.status).toBe(1);
    expect(fixed.status).toBe(0);
    expect(fixed.outputs.passed).toBe('true');
    expect(fixed.outputs['failing-count']).toBe('0');
    const [comment] = ourComments();
    expect(ourComments()).toHaveLength(1);
    expect(comment!.body).toContain('resolved');
    expect(comment!.body).not.toContain('fail the check');
    expect(annotations(fixed, 'error')).toEqual([]);
  });

  it('on-failure writes no comment for a passing check', async () => {
    const ws = workspace({ 'firewall/branch.yaml': PASSING_CONFIG });
    const run = await runPr(ws);
    expect(run.status).toBe(0);
    expect(github.writes()).toEqual([]);
    expect(run.outputs['comment-id']).toBe('');
  });

  it('a personal access token finds its comment by its own login (GET /user)', async () => {
    const ws = workspace({ 'firewall/branch.yaml': FAILING_CONFIG });
    await runPr(ws, { token: PAT, runId: 1 });
    await runPr(ws, { token: PAT, runId: 2 });
    const mine = ourComments();
    expect(mine).toHaveLength(1);
    expect(mine[0]!.author.login).toBe('netops-ci');
    expect(github.requests.filter((r) => r.operationId === 'users/get-authenticated')).toHaveLength(2);
  });

  it('several config sets in one workflow keep one comment each', async () => {
    const ws = workspace({ 'hq/fw.yaml': FAILING_CONFIG, 'branch/fw.yaml': FAILING_CONFIG });
    await runPr(ws, { inputs: { config: 'hq/fw.yaml' }, runId: 1 });
    await runPr(ws, { inputs: { config: 'branch/fw.yaml' }, runId: 1 });
    await runPr(ws, { inputs: { config: 'hq/fw.yaml' }, runId: 2 });
    expect(ourComments()).toHaveLength(2);
    expect(new Set(ourComments().map((c) => c.body.split('\n')[0])).size).toBe(2);
  });

  it('pull_request_target comments on the pull request too', async () => {
    const ws = workspace({ 'firewall/branch.yaml': FAILING_CONFIG });
    const run = await runPr(ws, { eventName: 'pull_request_target' });
    expect(run.status).toBe(1);
    expect(ourComments()).toHaveLength(1);
  });
});

describe('GitHub failures never change the verdict', () => {
  it('a fork pull request (read-only token, 403): a warning naming the permission, exit status unchanged', async () => {
    const ws = workspace({ 'firewall/branch.yaml': FAILING_CONFIG });
    const failing = await runPr(ws, { event: forkPullRequest(), token: FORK_TOKEN });
    expect(failing.status).toBe(1);
    const warning = annotations(failing, 'warning').find((w) => w.data.includes('pull-requests: write'));
    expect(warning?.data).toContain('fork');
    expect(failing.outputs['comment-id']).toBe('');
    expect(github.commentsOn(PR_NUMBER)).toEqual([]);

    writeFileSync(join(ws, 'firewall/branch.yaml'), PASSING_CONFIG);
    const passing = await runPr(ws, {
      event: forkPullRequest(),
      token: FORK_TOKEN,
      inputs: { config: 'firewall/*.yaml', comment: 'always' },
    });
    expect(passing.status).toBe(0);
    expect(annotations(passing, 'warning').some((w) => w.data.includes('pull-requests: write'))).toBe(true);
  });

  it('502 on the comment POST, then success: exactly one comment', async () => {
    github.faults.push({
      operationId: 'issues/create-comment',
      status: 502,
      message: 'Bad Gateway',
      times: 1,
    });
    const ws = workspace({ 'firewall/branch.yaml': FAILING_CONFIG });
    const run = await runPr(ws);
    expect(run.status).toBe(1);
    expect(ourComments()).toHaveLength(1);
    expect(
      github.requests.filter((r) => r.operationId === 'issues/create-comment').map((r) => r.status),
    ).toEqual([502, 201]);
    expect(run.stdout).toContain('retrying');
  });

  it('a POST that was stored although the answer was 502 is updated, not posted again', async () => {
    github.faults.push({ operationId: 'issues/create-comment', status: 502, times: 1, afterStore: true });
    const ws = workspace({ 'firewall/branch.yaml': FAILING_CONFIG });
    const run = await runPr(ws);
    expect(run.status).toBe(1);
    expect(ourComments()).toHaveLength(1);
    // Listed again after the 502, found the stored comment (already up to date): no second POST.
    expect(github.writes().map((r) => `${r.operationId} ${r.status}`)).toEqual(['issues/create-comment 502']);
    expect(run.outputs['comment-id']).toBe(String(ourComments()[0]!.id));
  });

  it('502 and a rate limit on listing are retried with backoff', async () => {
    github.faults.push({ operationId: 'issues/list-comments', status: 502, times: 1 });
    github.faults.push({
      operationId: 'issues/list-comments',
      status: 429,
      headers: { 'retry-after': '1' },
      message: 'You have exceeded a secondary rate limit',
      times: 1,
    });
    const ws = workspace({ 'firewall/branch.yaml': FAILING_CONFIG });
    const run = await runPr(ws);
    expect(run.status).toBe(1);
    expect(ourComments()).toHaveLength(1);
    expect(
      github.requests.filter((r) => r.operationId === 'issues/list-comments').map((r) => r.status),
    ).toEqual([502, 429, 200]);
  });

  it('a GitHub API that stays down: a warning, the verdict stands', async () => {
    github.faults.push({ operationId: 'issues/list-comments', status: 503, times: 100 });
    const ws = workspace({ 'firewall/branch.yaml': PASSING_CONFIG });
    const run = await runPr(ws, { inputs: { config: 'firewall/*.yaml', comment: 'always' } });
    expect(run.status).toBe(0);
    expect(run.outputs.passed).toBe('true');
    expect(
      annotations(run, 'warning').some((w) => w.data.includes('could not write the pull-request comment')),
    ).toBe(true);
  }, 60_000);
});

describe('limits', () => {
  it('5,000 failing flows: a comment under 65,536 characters pointing to the summary, capped annotations', async () => {
    const ws = workspace({ 'firewall/locked.yaml': DENY_ALL_CONFIG, '.github/catalog.yaml': bigCatalog() });
    const run = await runPr(ws, {
      inputs: { config: 'firewall/locked.yaml', catalog: '.github/catalog.yaml' },
    });
    expect(run.status).toBe(1);
    expect(run.outputs['failing-count']).toBe('5000');
    const [comment] = ourComments();
    expect([...comment!.body].length).toBeLessThanOrEqual(65_536);
    expect(comment!.body).toMatch(/and \d+ more flow\(s\) not shown/);
    expect(comment!.body).toContain('https://github.com/Codertocat/Hello-World/actions/runs/4242');
    // 9 flow errors + setFailed's own error = GitHub's 10; one notice counts the rest.
    expect(annotations(run, 'error')).toHaveLength(10);
    expect(annotations(run, 'notice')).toHaveLength(1);
    expect(annotations(run, 'notice')[0]!.data).toContain('4991 more');
    // The whole report when it fits GitHub's 1 MiB (summary-report.test.ts covers the cut).
    expect(Buffer.byteLength(run.summary)).toBeLessThanOrEqual(1024 * 1024);
    expect(run.summary).toContain('h2499.example.com:443/udp');
  });
});

describe('untrusted config text', () => {
  it('rule names carrying workflow commands, mentions and HTML inject nothing', async () => {
    const ws = workspace({ 'firewall/hostile.yaml': HOSTILE_CONFIG });
    const run = await runPr(ws, { inputs: { config: 'firewall/hostile.yaml', comment: 'always' } });
    expect(run.status).toBe(1);

    // The runner sees only our own commands: annotations, and our stop-commands pause with its random token.
    const kinds = new Set(run.commands.map((c) => c.command));
    expect([...kinds].every((k) => ['error', 'warning', 'notice', 'stop-commands'].includes(k))).toBe(true);
    expect(run.commands.filter((c) => c.command === 'stop-commands')).toHaveLength(1);
    expect(run.commands.some((c) => c.legacy)).toBe(false);
    for (const stop of run.commands.filter((c) => c.command === 'stop-commands')) {
      expect(stop.data).toMatch(/^[0-9a-f-]{36}$/);
    }
    // Annotations still count after the hostile text: the pause was ended by our token, not theirs.
    const errors = annotations(run, 'error');
    expect(errors.at(-1)!.properties).toEqual({});
    expect(errors.some((e) => e.data.includes('::error::injected-error'))).toBe(true);
    for (const e of errors.filter((x) => x.properties.file))
      expect(e.properties.file).toBe('firewall/hostile.yaml');
    expect(run.outputs.passed).toBe('false');

    const [comment] = ourComments();
    for (const text of [comment!.body, run.summary]) {
      expect(text).not.toMatch(/<img/i);
      expect(text).toContain('&lt;img');
      expect(text).not.toMatch(/@org/);
      expect(text).toContain('@\u200borg/team');
    }
  });
});

describe('the missing rules', () => {
  it('the comment shows the proven fix in a collapsed block, and the sarif input writes a SARIF log', async () => {
    const ws = workspace({ 'firewall/branch.yaml': FAILING_CONFIG });
    const run = await runPr(ws, {
      inputs: { config: 'firewall/*.yaml', source: '10.40.0.0/16', sarif: 'results/rsfc.sarif' },
    });
    expect(run.status).toBe(1);
    const [comment] = ourComments();
    expect(comment!.body).toContain('The missing rules, in this config');
    expect(comment!.body).toMatch(/<details>\n<summary>Fix for .*`allow-remotespark-media`/);
    expect(comment!.body).toMatch(/```+\n *- name: allow-remotespark-media\n/);
    const sarif = JSON.parse(readFileSync(join(ws, 'results/rsfc.sarif'), 'utf8'));
    const results = sarif.runs[0].results as {
      locations: { physicalLocation: { artifactLocation: { uri: string } } }[];
      fixes?: unknown[];
    }[];
    expect(results.length).toBeGreaterThan(0);
    expect(results[0]!.locations[0]!.physicalLocation.artifactLocation.uri).toBe('firewall/branch.yaml');
    expect(results.some((r) => r.fixes?.length)).toBe(true);
  });

  it('a sarif path outside the workspace is refused with a warning, the verdict stands', async () => {
    const ws = workspace({ 'firewall/branch.yaml': FAILING_CONFIG });
    const run = await runPr(ws, { inputs: { config: 'firewall/*.yaml', sarif: '../escape.sarif' } });
    expect(run.status).toBe(1);
    expect(annotations(run, 'warning').some((w) => /SARIF/.test(w.data) && /workspace/.test(w.data))).toBe(
      true,
    );
  });
});

describe('events and input errors', () => {
  it('merge_group: the verdict and annotations, no comment; the API only reads the base', async () => {
    const event = mergeGroup();
    const ws = workspace({ 'firewall/branch.yaml': FAILING_CONFIG });
    const run = await runBundle({
      workspace: ws,
      eventName: 'merge_group',
      event,
      repository: event.repository.full_name,
      apiUrl: github.url,
      token: WORKFLOW_TOKEN,
      inputs: { config: 'firewall/branch.yaml', comment: 'always' },
    });
    expect(run.status).toBe(1);
    expect(annotations(run, 'error').length).toBeGreaterThan(0);
    // The merge group's base commit, which this fake repository doesn't hold: compared with nothing.
    expect(github.requests.map((r) => `${r.operationId} ${r.path}`)).toEqual([
      `repos/get-commit /repos/octo-org/octo-repo/commits/${event.merge_group.base_sha}`,
    ]);
    expect(run.summary).toContain('the baseline could not be checked');
    expect(run.outputs['comment-id']).toBe('');
  });

  it('push: no pull request, no API call', async () => {
    const event = push();
    const ws = workspace({ 'firewall/branch.yaml': PASSING_CONFIG });
    const run = await runBundle({
      workspace: ws,
      eventName: 'push',
      event,
      repository: event.repository.full_name,
      apiUrl: github.url,
      inputs: { config: 'firewall/branch.yaml', comment: 'always' },
    });
    expect(run.status).toBe(0);
    expect(github.requests).toEqual([]);
  });

  it('a broken config: a clear failure at its line, and the comment says the check could not run', async () => {
    const ws = workspace({ 'firewall/branch.yaml': BROKEN_CONFIG });
    const run = await runPr(ws, { inputs: { config: 'firewall/*.yaml', comment: 'always' } });
    expect(run.status).toBe(2);
    const [error] = annotations(run, 'error');
    expect(error!.properties.file).toBe('firewall/branch.yaml');
    expect(Number(error!.properties.line)).toBeGreaterThan(1);
    expect(error!.data).toContain('firewall/branch.yaml');
    expect(run.outputs.passed).toBe('false');
    expect(run.summary).toContain('the check could not run');
    expect(run.summary).toMatch(/`firewall\/branch\.yaml:\d+`: invalid YAML/);
    expect(ourComments()).toHaveLength(1);
    expect(run.outputs['comment-id']).toBe(String(ourComments()[0]!.id));
  });

  it('an earlier passing comment is replaced when the head config no longer reads', async () => {
    const ws = workspace({ 'firewall/branch.yaml': PASSING_CONFIG });
    const passing = await runPr(ws, { inputs: { config: 'firewall/*.yaml', comment: 'always' }, runId: 1 });
    expect(passing.status).toBe(0);
    expect(ourComments()[0]!.body).toContain('every required flow is allowed');

    writeFileSync(join(ws, 'firewall/branch.yaml'), BROKEN_CONFIG);
    // The default mode (on-failure) too: a run that can't check is a failing check.
    const broken = await runPr(ws, { inputs: { config: 'firewall/*.yaml' }, runId: 2 });
    expect(broken.status).toBe(2);
    const [comment] = ourComments();
    expect(ourComments()).toHaveLength(1);
    expect(broken.outputs['comment-id']).toBe(passing.outputs['comment-id']);
    expect(github.writes().map((r) => r.operationId)).toEqual([
      'issues/create-comment',
      'issues/update-comment',
    ]);
    expect(comment!.body.split('\n')[1]).toBe(
      '### ⛔ RemoteSpark firewall check (firewall/\\*\\.yaml): the check could not run',
    );
    expect(comment!.body).toMatch(/`firewall\/branch\.yaml:7`: invalid YAML/);
    expect(comment!.body).toContain('(https://github.com/Codertocat/Hello-World/actions/runs/2)');
    expect(comment!.body).not.toContain('allowed');
    expect(comment!.body).toContain('<sub>Updated by Firewall check, run \\#17\\.</sub>');
  });

  it("an input error's quoted config text is escaped in the comment and summary", async () => {
    const ws = workspace({
      'firewall/branch.yaml': PASSING_CONFIG.replace(
        'destinations: [any]',
        'destinations: ["<img src=x onerror=alert(1)>@org/team"]',
      ),
    });
    const run = await runPr(ws, { inputs: { config: 'firewall/branch.yaml', comment: 'always' } });
    expect(run.status).toBe(2);
    const [comment] = ourComments();
    for (const text of [comment!.body, run.summary]) {
      expect(text).toContain('bad address');
      expect(text).not.toMatch(/<img/i);
      expect(text).toContain('&lt;img');
      expect(text).not.toMatch(/@org/);
      expect(text).toContain('@\u200borg/team');
    }
  });

  it('comment: never leaves GitHub alone on an input error too', async () => {
    const ws = workspace({ 'firewall/branch.yaml': BROKEN_CONFIG });
    const run = await runPr(ws, { inputs: { config: 'firewall/*.yaml', comment: 'never' } });
    expect(run.status).toBe(2);
    // Reading the pull request's base comes first; nothing is written.
    expect(github.writes()).toEqual([]);
    expect(run.outputs['comment-id']).toBe('');
  });

  it('a config symlinked outside the workspace is refused, and the comment says so', async () => {
    const ws = workspace({ 'firewall/.keep': '' });
    symlinkSync('/etc/hostname', join(ws, 'firewall/evil.yaml'));
    const run = await runPr(ws, { inputs: { config: 'firewall/evil.yaml' } });
    expect(run.status).toBe(2);
    expect(run.stdout).toContain('outside the workspace');
    const [comment] = ourComments();
    expect(comment!.body).toContain('outside the workspace');
    expect(comment!.body).toContain('the check could not run');
  });

  it('settings come from .github/remotespark-firewall.yml; inputs override them', async () => {
    const ws = workspace({
      'firewall/branch.yaml': FAILING_CONFIG,
      '.github/remotespark-firewall.yml': 'config: firewall/branch.yaml\nfail-on: never\ncomment: never\n',
    });
    const fromFile = await runPr(ws, { inputs: {} });
    expect(fromFile.status).toBe(0);
    expect(fromFile.outputs.passed).toBe('false');
    expect(github.writes()).toEqual([]);
    const overridden = await runPr(ws, { inputs: { 'fail-on': 'required' } });
    expect(overridden.status).toBe(1);
  });

  it('a mistake in the repo config file is an input error at its line; its comment is still found', async () => {
    const ws = workspace({
      'firewall/branch.yaml': FAILING_CONFIG,
      '.github/remotespark-firewall.yml': 'config: firewall/branch.yaml\n',
    });
    const failing = await runPr(ws, { inputs: {}, runId: 1 });
    expect(failing.status).toBe(1);
    writeFileSync(join(ws, '.github/remotespark-firewall.yml'), 'config: firewall/branch.yaml\nmode: moon\n');
    const run = await runPr(ws, { inputs: {}, runId: 2 });
    expect(run.status).toBe(2);
    const [error] = annotations(run, 'error');
    expect(error!.properties).toMatchObject({ file: '.github/remotespark-firewall.yml', line: '2' });
    // The settings failed their schema, but their "config" still keys the same comment.
    expect(ourComments()).toHaveLength(1);
    expect(ourComments()[0]!.body).toContain('`.github/remotespark-firewall.yml:2`');
    expect(ourComments()[0]!.body).not.toContain('fail the check');
  });

  it('a repo config file that is not YAML: the config input still keys the comment', async () => {
    const ws = workspace({
      'firewall/branch.yaml': PASSING_CONFIG,
      '.github/remotespark-firewall.yml': 'fail-on: [required\n',
    });
    const run = await runPr(ws, { inputs: { config: 'firewall/branch.yaml' } });
    expect(run.status).toBe(2);
    expect(ourComments()).toHaveLength(1);
    expect(ourComments()[0]!.body).toContain('the check could not run');
  });

  it('no config anywhere: no comment to find, and the log says why', async () => {
    const ws = workspace({ 'firewall/branch.yaml': PASSING_CONFIG });
    const run = await runPr(ws, { inputs: {} });
    expect(run.status).toBe(2);
    expect(github.requests).toEqual([]);
    expect(run.stdout).toContain('No pull-request comment: the "config" setting could not be read');
  });
});

describe("what people read names the action's inputs", () => {
  it('without "source" a warning says the verdicts hold for some source, in the log, summary and comment', async () => {
    const ws = workspace({ 'firewall/branch.yaml': PASSING_CONFIG });
    const open = await runPr(ws, { inputs: { config: 'firewall/*.yaml', comment: 'always' }, runId: 1 });
    expect(open.status).toBe(0);
    const warning = annotations(open, 'warning').find((w) => w.data.includes('"source" input is not set'));
    expect(warning?.data).toContain('a policy that lets a single host out passes');
    expect(open.summary).toContain('⚠️ The &quot;source&quot; input is not set');
    expect(ourComments()[0]!.body.split('\n')[3]).toContain('⚠️ The &quot;source&quot; input is not set');

    const pinned = await runPr(ws, {
      inputs: { config: 'firewall/*.yaml', comment: 'always', source: '10.40.0.0/16' },
      runId: 2,
    });
    expect(annotations(pinned, 'warning')).toEqual([]);
    expect(pinned.summary).not.toContain('⚠️');
    expect(ourComments()[0]!.body).not.toContain('⚠️');
  });

  it('zones without addresses: the warning names them', async () => {
    const ws = workspace({ 'firewall/branch.yaml': PASSING_CONFIG });
    const run = await runPr(ws, { inputs: { config: 'firewall/*.yaml', source: 'zone:trust' } });
    expect(annotations(run, 'warning').map((w) => w.data)).toEqual([
      expect.stringContaining('The "source" input names zones (trust) but no client addresses'),
    ]);
  });

  it('a usage error names the input, not the CLI flag', async () => {
    const ws = workspace({ 'firewall/branch.yaml': PASSING_CONFIG });
    const run = await runPr(ws, { inputs: { config: 'firewall/*.yaml', format: 'panos9' } });
    expect(run.status).toBe(2);
    const [error] = annotations(run, 'error');
    expect(error!.data).toContain('the "format" input "panos9" is not known');
    expect(run.stdout).not.toContain('--format');
    expect(ourComments()[0]!.body).toContain('the &quot;format&quot; input &quot;panos9&quot; is not known');
  });

  it("a verdict's detail names the input in the log, annotations, summary and comment; the JSON report keeps the CLI's words", async () => {
    const ws = workspace({ 'firewall/branch.yaml': FAILING_CONFIG });
    const run = await runPr(ws, {
      inputs: { config: 'firewall/*.yaml', source: '2001:db8::/32', relay: '203.0.113.0/24' },
    });
    expect(run.status).toBe(1);
    const said = 'check the relay addresses and the "source" input';
    expect(run.stdout).toContain(said);
    expect(annotations(run, 'error').some((e) => e.data.includes(said))).toBe(true);
    expect(run.summary).toContain('check the relay addresses and the &quot;source&quot; input');
    expect(ourComments()[0]!.body).toContain('check the relay addresses and the &quot;source&quot; input');
    for (const text of [run.stdout, run.summary, ourComments()[0]!.body]) {
      expect(text).not.toMatch(/--(source|catalog|relay)\b/);
    }
    const report = readFileSync(run.outputs.report!, 'utf8');
    expect(report).toContain('check the relay addresses and --source');
  });
});

it('writes the report file where the output says', async () => {
  const ws = workspace({ 'firewall/branch.yaml': PASSING_CONFIG });
  const run = await runPr(ws);
  expect(existsSync(run.outputs.report!)).toBe(true);
});
