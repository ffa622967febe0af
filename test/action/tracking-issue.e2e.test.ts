/**
 * End-to-end: the tracking issue of scheduled and manual runs, with the bundle (dist/index.js) run as the
 * runner starts it against the fake GitHub API, which checks every request against GitHub's REST
 * description and keeps issues, their state and comments.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { commentKey } from '../../src/github/comment-marker.js';
import { trackingIssueMarker } from '../../src/github/tracking-marker.js';
import { FakeGitHub, type StoredIssue } from '../github/fake-github/server.js';
import {
  newWorkspace,
  removeRunDirectories,
  runBundle,
  type BundleRun,
  type RunOptions,
} from './run-bundle.js';
import {
  DENY_ALL_CONFIG,
  FAILING_CONFIG,
  HOSTILE_CONFIG,
  PASSING_CONFIG,
  pullRequestOpened,
} from './scenario-data.js';

const WORKFLOW_TOKEN = 'ghs_workflowTokenFor1234567890';
const NO_ISSUES_TOKEN = 'ghs_pullRequestsOnlyToken12345';
const REPO = 'Codertocat/Hello-World';
const CONFIG = 'firewall/*.yaml';
const MARKER = trackingIssueMarker(commentKey([CONFIG]));
const BOT = { login: 'github-actions[bot]', type: 'Bot', installation: true, canWrite: true } as const;
const PERSON = { login: 'octocat', type: 'User', installation: false, canWrite: true } as const;

let github: FakeGitHub;

beforeEach(async () => {
  github = new FakeGitHub();
  github.addToken(WORKFLOW_TOKEN, BOT);
  github.addToken(NO_ISSUES_TOKEN, { ...BOT, canWriteIssues: false });
  await github.start();
});

afterEach(async () => {
  await github.stop();
  removeRunDirectories();
  expect(github.violations).toEqual([]);
});

/** A `schedule` run (its payload names the cron) or a `workflow_dispatch` run of the check. */
function runScheduled(ws: string, extra: Partial<RunOptions> = {}): Promise<BundleRun> {
  return runBundle({
    workspace: ws,
    eventName: 'schedule',
    event: { schedule: '17 6 * * 1' },
    repository: REPO,
    apiUrl: github.url,
    token: WORKFLOW_TOKEN,
    inputs: { config: CONFIG, source: '10.40.0.0/16' },
    ...extra,
  });
}

const dispatch = { eventName: 'workflow_dispatch', event: { inputs: {}, ref: 'refs/heads/main' } };
const ours = (): StoredIssue[] =>
  github.issues.filter(
    (i) => !i.pullRequest && i.author.login === BOT.login && i.body.split('\n')[0] === MARKER,
  );
const open = () => ours().filter((i) => i.state === 'open');
const writes = () => github.writes().map((r) => r.operationId);
const warnings = (run: BundleRun) => run.commands.filter((c) => c.command === 'warning').map((c) => c.data);

describe('tracking issue', () => {
  it('a scheduled failing run opens one issue; a second with the same failure writes nothing', async () => {
    // Pages of other issues, a person pasting our marker and a pull request by a bot: none is ours.
    for (let i = 0; i < 120; i++) github.addIssue(PERSON, { title: `issue ${i}`, body: 'x' });
    github.addIssue({ ...PERSON, login: 'mallory' }, { title: 'fake', body: `${MARKER}\nnot ours` });
    github.addIssue(BOT, { title: 'a pull request', body: `${MARKER}\nnot an issue`, pullRequest: true });
    const ws = newWorkspace({ 'firewall/branch.yaml': FAILING_CONFIG });

    const first = await runScheduled(ws, { runId: 1 });
    expect(first.status).toBe(1);
    expect(ours()).toHaveLength(1);
    const [issue] = ours();
    expect(issue!.state).toBe('open');
    expect(issue!.title).toBe(
      `RemoteSpark firewall check (firewall/*.yaml): ${first.outputs['failing-count']} flow(s) fail`,
    );
    expect(issue!.body).toContain('deny\\-stun\\-turn');
    expect(issue!.body).toContain('/actions/runs/1');
    expect(writes()).toEqual(['issues/create']);
    // Every page of open issues, then the closed ones, before deciding to write a new issue.
    expect(
      github.requests.filter((r) => r.operationId === 'issues/list-for-repo').map((r) => r.query),
    ).toEqual([
      '?state=open&sort=created&direction=asc&per_page=100',
      '?state=open&sort=created&direction=asc&per_page=100&page=2',
      '?state=closed&sort=updated&direction=desc&per_page=100',
    ]);
    expect(first.stdout).toContain(
      `Tracking issue created: https://github.com/${REPO}/issues/${issue!.number}`,
    );

    const before = issue!.body;
    const second = await runScheduled(ws, { runId: 2 });
    expect(second.status).toBe(1);
    expect(writes()).toEqual(['issues/create']);
    expect(ours()).toHaveLength(1);
    expect(ours()[0]!.body).toBe(before);
    expect(second.stdout).toContain('Tracking issue unchanged');
  });

  it('a changed failure updates the same issue in place', async () => {
    const ws = newWorkspace({ 'firewall/branch.yaml': FAILING_CONFIG });
    await runScheduled(ws, { runId: 1 });
    writeFileSync(join(ws, 'firewall/branch.yaml'), DENY_ALL_CONFIG);
    const changed = await runScheduled(ws, { runId: 2 });
    expect(changed.status).toBe(1);
    expect(writes()).toEqual(['issues/create', 'issues/update']);
    expect(ours()).toHaveLength(1);
    const [issue] = ours();
    expect(issue!.body).toContain('deny\\-everything');
    expect(issue!.body).not.toContain('deny\\-stun\\-turn');
    expect(issue!.body).toContain('/actions/runs/2');
    expect(issue!.title).toMatch(/: \d+ flow\(s\) fail$/);
  });

  it('a passing run closes it with a comment; a later failing run reopens the same issue', async () => {
    const ws = newWorkspace({ 'firewall/branch.yaml': FAILING_CONFIG });
    await runScheduled(ws, { runId: 1 });
    const [issue] = ours();

    writeFileSync(join(ws, 'firewall/branch.yaml'), PASSING_CONFIG);
    const passing = await runScheduled(ws, { runId: 2 });
    expect(passing.status).toBe(0);
    expect(issue!.state).toBe('closed');
    expect(issue!.stateReason).toBe('completed');
    const [closing] = github.commentsOn(issue!.number);
    expect(closing!.body).toContain('The check passes again in [Firewall check, run \\#17]');
    expect(closing!.body).toContain('/actions/runs/2');
    expect(closing!.body).toContain('PASS: all');
    expect(writes()).toEqual(['issues/create', 'issues/create-comment', 'issues/update']);

    // Passing again: nothing open to close, nothing written.
    await runScheduled(ws, { runId: 3 });
    expect(writes()).toHaveLength(3);

    writeFileSync(join(ws, 'firewall/branch.yaml'), FAILING_CONFIG);
    const again = await runScheduled(ws, { ...dispatch, runId: 4 });
    expect(again.status).toBe(1);
    expect(ours()).toHaveLength(1);
    expect(issue!.state).toBe('open');
    expect(issue!.stateReason).toBe('reopened');
    expect(github.commentsOn(issue!.number).at(-1)!.body).toContain('Failing again in');
    expect(again.stdout).toContain('Tracking issue reopened');
  });

  it('a closed issue that was locked is left alone: a new one is written', async () => {
    const ws = newWorkspace({ 'firewall/branch.yaml': FAILING_CONFIG });
    await runScheduled(ws, { runId: 1 });
    writeFileSync(join(ws, 'firewall/branch.yaml'), PASSING_CONFIG);
    await runScheduled(ws, { runId: 2 });
    ours()[0]!.locked = true;
    writeFileSync(join(ws, 'firewall/branch.yaml'), FAILING_CONFIG);
    await runScheduled(ws, { runId: 3 });
    expect(ours().map((i) => [i.state, i.locked])).toEqual([
      ['closed', true],
      ['open', false],
    ]);
  });

  it('a POST stored although the answer was 502 is found again, not written twice', async () => {
    github.faults.push({ operationId: 'issues/create', status: 502, times: 1, afterStore: true });
    const ws = newWorkspace({ 'firewall/branch.yaml': FAILING_CONFIG });
    const run = await runScheduled(ws);
    expect(run.status).toBe(1);
    expect(ours()).toHaveLength(1);
    expect(github.writes().map((r) => `${r.operationId} ${r.status}`)).toEqual(['issues/create 502']);
  });

  it('config text is escaped in the issue: no HTML, no mentions', async () => {
    const ws = newWorkspace({ 'firewall/hostile.yaml': HOSTILE_CONFIG });
    await runScheduled(ws, { inputs: { config: CONFIG } });
    const [issue] = open();
    expect(issue!.body).not.toMatch(/<img/i);
    expect(issue!.body).toContain('&lt;img');
    expect(issue!.body).not.toMatch(/@org/);
    expect(issue!.body).toContain('@\u200borg/team');
  });
});

describe('when the tracking issue cannot be kept', () => {
  it('403: a warning naming "issues: write", the exit status unchanged', async () => {
    const ws = newWorkspace({ 'firewall/branch.yaml': FAILING_CONFIG });
    const run = await runScheduled(ws, { token: NO_ISSUES_TOKEN });
    expect(run.status).toBe(1);
    expect(run.outputs.passed).toBe('false');
    expect(github.issues).toEqual([]);
    const warning = warnings(run).find((w) => w.includes('tracking issue'));
    expect(warning).toContain('HTTP 403');
    expect(warning).toContain('"issues: write" permission');
  });

  it('issues turned off (410): a warning saying so, the exit status unchanged', async () => {
    github.issuesEnabled = false;
    const ws = newWorkspace({ 'firewall/branch.yaml': PASSING_CONFIG });
    const run = await runScheduled(ws, dispatch);
    expect(run.status).toBe(0);
    expect(warnings(run).find((w) => w.includes('tracking issue'))).toContain('issues are turned off');
  });

  it('pull requests keep their comment and never touch issues; tracking-issue: never makes no call', async () => {
    const ws = newWorkspace({ 'firewall/branch.yaml': FAILING_CONFIG });
    const pr = pullRequestOpened();
    const onPr = await runScheduled(ws, { eventName: 'pull_request', event: pr });
    expect(onPr.status).toBe(1);
    expect(github.requests.some((r) => r.path.endsWith(`/repos/${REPO}/issues`))).toBe(false);
    expect(github.commentsOn(pr.pull_request.number)).toHaveLength(1);

    const before = github.requests.length;
    const off = await runScheduled(ws, { inputs: { config: CONFIG, 'tracking-issue': 'never' } });
    expect(off.status).toBe(1);
    expect(github.requests).toHaveLength(before);
  });
});
