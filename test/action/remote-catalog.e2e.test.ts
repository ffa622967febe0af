/**
 * End-to-end: the bundled action with `catalog` set to a URL served on 127.0.0.1, downloaded through
 * @actions/tool-cache into a RUNNER_TOOL_CACHE shared by the runs, against the fake GitHub API.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sha256Hex } from '../../src/catalog/remote/sha256.js';
import { serveCatalogs, type CatalogServer } from '../catalog/catalog-server.js';
import { FakeGitHub } from '../github/fake-github/server.js';
import { BUNDLE, NODE, newWorkspace, parseOutputFile, removeRunDirectories } from './run-bundle.js';
import { PASSING_CONFIG, pullRequestOpened } from './scenario-data.js';
import { parseWorkflowCommands, type WorkflowCommand } from './workflow-commands.js';

const TOKEN = 'ghs_workflowTokenFor1234567890';
const OVERLAY = readFileSync('test/catalog/fixtures/overlay-contoso.yaml', 'utf8');
const DIGEST = sha256Hex(Buffer.from(OVERLAY));
const WRONG = 'cd'.repeat(32);
const pr = pullRequestOpened();

let github: FakeGitHub;
let server: CatalogServer;
let toolCache: string;
/** Runner temp directories (the report files live there), removed after each test. */
const temps: string[] = [];

beforeAll(async () => {
  server = await serveCatalogs({ '/contoso.yaml': OVERLAY });
});
afterAll(() => server.close());
beforeEach(async () => {
  github = new FakeGitHub();
  github.addToken(TOKEN, { login: 'github-actions[bot]', type: 'Bot', installation: true, canWrite: true });
  await github.start();
  toolCache = mkdtempSync(join(tmpdir(), 'rsfc-toolcache-'));
  server.requests.length = 0;
});
afterEach(async () => {
  await github.stop();
  removeRunDirectories();
  rmSync(toolCache, { recursive: true, force: true });
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
  expect(github.violations).toEqual([]);
});

interface Run {
  status: number | null;
  stdout: string;
  outputs: Record<string, string>;
  summary: string;
  commands: WorkflowCommand[];
}

/** As run-bundle.ts runs the action, plus the tool cache directory a runner provides. */
async function runAction(inputs: Record<string, string>, runId: number): Promise<Run> {
  const temp = mkdtempSync(join(tmpdir(), 'rsfc-runner-'));
  temps.push(temp);
  const ws = newWorkspace({ 'firewall/branch.yaml': PASSING_CONFIG });
  const files = {
    event: join(temp, 'event.json'),
    output: join(temp, 'output'),
    summary: join(temp, 's.md'),
  };
  writeFileSync(files.event, JSON.stringify(pr));
  writeFileSync(files.output, '');
  writeFileSync(files.summary, '');
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: temp,
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_EVENT_NAME: 'pull_request',
    GITHUB_EVENT_PATH: files.event,
    GITHUB_WORKSPACE: ws,
    GITHUB_REPOSITORY: pr.repository.full_name,
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_API_URL: github.url,
    GITHUB_RUN_ID: String(runId),
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_SHA: 'ec26c3e57ca3a959ca5aad62de7213c562f8c821',
    GITHUB_OUTPUT: files.output,
    GITHUB_STEP_SUMMARY: files.summary,
    RUNNER_TEMP: temp,
    RUNNER_TOOL_CACHE: toolCache,
    RUNNER_OS: 'Linux',
    NO_PROXY: '127.0.0.1',
    'INPUT_GITHUB-TOKEN': TOKEN,
    INPUT_CONFIG: 'firewall/branch.yaml',
    INPUT_COMMENT: 'always',
  };
  for (const [name, value] of Object.entries(inputs)) env[`INPUT_${name.toUpperCase()}`] = value;
  const child = spawn(NODE, [BUNDLE], { cwd: ws, env });
  let stdout = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
  child.stderr.resume();
  const status = await new Promise<number | null>((done) => child.on('close', done));
  return {
    status,
    stdout,
    outputs: parseOutputFile(readFileSync(files.output, 'utf8')),
    summary: readFileSync(files.summary, 'utf8'),
    commands: parseWorkflowCommands(stdout),
  };
}

const comment = () => github.commentsOn(pr.pull_request.number).at(-1)?.body ?? '';
const errors = (run: Run) => run.commands.filter((c) => c.command === 'error').map((c) => c.data);

describe('the catalog input as a URL', () => {
  it('downloads it once into the tool cache, keyed by its digest; the next run finds it there', async () => {
    const inputs = { catalog: `${server.url}/contoso.yaml`, 'catalog-sha256': DIGEST };
    const first = await runAction(inputs, 1);
    expect(first.status).toBe(0);
    expect(server.requests).toEqual(['/contoso.yaml']);
    // tool-cache layout: <cache>/<tool>/<version>/<arch>/<file>, with a .complete marker.
    const entry = join(toolCache, 'remotespark-firewall-check-catalog', `0.0.0-sha256-${DIGEST}`, 'any');
    expect(readFileSync(join(entry, `${DIGEST}.yaml`), 'utf8')).toBe(OVERLAY);
    expect(existsSync(`${entry}.complete`)).toBe(true);
    expect(first.stdout).toContain('downloaded and cached');
    // The overlay was applied: its Traffic Manager host is checked.
    const report = JSON.parse(readFileSync(first.outputs.report!, 'utf8'));
    expect(report.target.overlay).toBe(join(entry, `${DIGEST}.yaml`));
    const hosts = report.flows.map((f: { host: string }) => f.host);
    expect(hosts).toContain('contoso-remotespark.trafficmanager.net');
    expect(hosts).not.toContain('remotespark.trafficmanager.net');

    const second = await runAction(inputs, 2);
    expect(second.status).toBe(0);
    expect(server.requests).toHaveLength(1);
    expect(second.stdout).toContain('from the tool cache');
    // The runner's temp directory holds no leftover download.
    expect(readdirSync(toolCache)).toEqual(['remotespark-firewall-check-catalog']);
  });

  it('refuses a download with another digest (exit 2), naming both digests in the log and the comment', async () => {
    const run = await runAction({ catalog: `${server.url}/contoso.yaml`, 'catalog-sha256': WRONG }, 1);
    expect(run.status).toBe(2);
    expect(run.outputs.passed).toBe('false');
    const error = errors(run).join('\n');
    expect(error).toContain(`${server.url}/contoso.yaml has SHA-256 ${DIGEST}`);
    expect(error).toContain(`but the "catalog-sha256" input expects ${WRONG}`);
    expect(comment()).toContain(DIGEST);
    expect(comment()).toContain(WRONG);
    expect(existsSync(join(toolCache, 'remotespark-firewall-check-catalog'))).toBe(false);
  });

  it('names the URL and the status when the download fails (exit 2)', async () => {
    const run = await runAction({ catalog: `${server.url}/gone.yaml`, 'catalog-sha256': DIGEST }, 1);
    expect(run.status).toBe(2);
    expect(errors(run).join('\n')).toContain(
      `the catalog at ${server.url}/gone.yaml cannot be downloaded: HTTP 404`,
    );
  });

  it('refuses a URL without catalog-sha256 before any request, naming the inputs', async () => {
    const run = await runAction({ catalog: `${server.url}/contoso.yaml` }, 1);
    expect(run.status).toBe(2);
    expect(errors(run).join('\n')).toMatch(
      /the "catalog" input http:\/\/127\.0\.0\.1:\d+\/contoso\.yaml needs the "catalog-sha256" input, the SHA-256/,
    );
    expect(server.requests).toEqual([]);
  });
});
