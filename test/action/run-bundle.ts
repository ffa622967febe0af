/**
 * Runs the committed action bundle (dist/index.js) as a child process, with the environment the Actions
 * runner gives a JavaScript action: GITHUB_* variables, the event payload file, INPUT_* inputs, and the
 * GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files; then reads back what it wrote.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseWorkflowCommands, type WorkflowCommand } from './workflow-commands.js';

export const BUNDLE = resolve('dist/index.js');
/** CI runs the suite under Node 24 as well, through this variable. */
export const NODE = process.env.RSFC_E2E_NODE || process.execPath;

const made: string[] = [];

/** Removes the runner temp directories and workspaces made so far (the report files live there). */
export function removeRunDirectories(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}

export interface BundleRun {
  status: number | null;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
  commands: WorkflowCommand[];
}

export interface RunOptions {
  workspace: string;
  eventName: string;
  event: unknown;
  repository: string;
  inputs?: Record<string, string>;
  apiUrl?: string;
  token?: string;
  runId?: number;
}

/** GITHUB_OUTPUT's heredoc format: name<<DELIMITER / value / DELIMITER. */
export function parseOutputFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = /^([^<=]+)<<(.+)$/.exec(lines[i]!);
    if (!m) continue;
    const value: string[] = [];
    for (i++; i < lines.length && lines[i] !== m[2]; i++) value.push(lines[i]!);
    out[m[1]!] = value.join('\n');
  }
  return out;
}

export function newWorkspace(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'rsfc-ws-'));
  made.push(dir);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

/** The runner's environment for one run, in a new runner temp directory holding the event and output files. */
export function runnerEnvironment(o: RunOptions): {
  env: Record<string, string>;
  outputPath: string;
  summaryPath: string;
} {
  const temp = mkdtempSync(join(tmpdir(), 'rsfc-runner-'));
  made.push(temp);
  const eventPath = join(temp, 'event.json');
  const outputPath = join(temp, 'output');
  const summaryPath = join(temp, 'summary.md');
  writeFileSync(eventPath, JSON.stringify(o.event));
  writeFileSync(outputPath, '');
  writeFileSync(summaryPath, '');
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: temp,
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_EVENT_NAME: o.eventName,
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_WORKSPACE: o.workspace,
    GITHUB_REPOSITORY: o.repository,
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_API_URL: o.apiUrl ?? 'http://127.0.0.1:9',
    GITHUB_GRAPHQL_URL: `${o.apiUrl ?? 'http://127.0.0.1:9'}/graphql`,
    GITHUB_RUN_ID: String(o.runId ?? 4242),
    GITHUB_RUN_NUMBER: '17',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_WORKFLOW: 'Firewall check',
    GITHUB_SHA: 'ec26c3e57ca3a959ca5aad62de7213c562f8c821',
    GITHUB_OUTPUT: outputPath,
    GITHUB_STEP_SUMMARY: summaryPath,
    RUNNER_TEMP: temp,
    RUNNER_OS: 'Linux',
    NO_PROXY: '127.0.0.1',
    'INPUT_GITHUB-TOKEN': o.token ?? 'ghs_defaultWorkflowToken',
  };
  for (const [name, value] of Object.entries(o.inputs ?? {})) env[`INPUT_${name.toUpperCase()}`] = value;

  return { env, outputPath, summaryPath };
}

export async function runBundle(o: RunOptions): Promise<BundleRun> {
  const { env, outputPath, summaryPath } = runnerEnvironment(o);
  const child = spawn(NODE, [BUNDLE], { cwd: o.workspace, env });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
  const status = await new Promise<number | null>((done) => child.on('close', (code) => done(code)));
  return {
    status,
    stdout,
    stderr,
    outputs: parseOutputFile(readFileSync(outputPath, 'utf8')),
    summary: readFileSync(summaryPath, 'utf8'),
    commands: parseWorkflowCommands(stdout),
  };
}
