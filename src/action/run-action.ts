import { inputTexts } from '../check/input-texts.js';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { setOutput } from '@actions/core';
import { CatalogUsageError } from '../catalog/index.js';
import { UsageError } from '../check/usage-error.js';
import { commentKey } from '../github/comment-marker.js';
import { InputError } from '../input/input-error.js';
import { buildJsonReport, type JsonReport } from '../report/json-report.js';
import { renderText } from '../report/text-report.js';
import { ActionLog } from './action-log.js';
import { checkWithBaseline, type BaselineRun } from './baseline.js';
import { readActionInputs, readToken } from './action-inputs.js';
import { insertNotes, notesMarkdown } from './action-notes.js';
import { postComment } from './comment-sink.js';
import { renderCouldNotRun, type CouldNotRun } from './input-error-report.js';
import { reportInputWording } from './input-names.js';
import { decideOutcome } from './outcome.js';
import { actionCatalogPath } from './remote-catalog.js';
import { readRepoConfig, readRepoConfigLoosely } from './repo-config.js';
import { runInfo } from './run-info.js';
import { commentSettingsLoosely, resolveSettings, type ActionSettings } from './settings.js';
import {
  emitFlowAnnotations,
  setVerdictOutputs,
  writeCouldNotRunSummary,
  writeJobSummary,
  writeReportFile,
} from './sinks.js';
import { splitSources } from './source-spec.js';
import { sourceWarning } from './source-warning.js';
import { postTrackingIssue } from './tracking-issue-sink.js';
import { assertInWorkspace, resolveConfigFiles } from './workspace-files.js';
import { remediate } from '../remediate/remediate.js';
import { mkdirSync, writeFileSync } from 'node:fs';

/** Exit status for bad input, as the CLI's. */
const INPUT_ERROR = 2;

interface Prepared {
  report: JsonReport;
  key: string;
  /** Said beside the result: what it does not cover. */
  notes: string[];
  /** What the check was compared with (the pull request's base), for the log and the rule links. */
  baseline: BaselineRun;
  /** The config texts as read, for the SARIF log's fixes. */
  texts: Pick<ReadonlyMap<string, string>, 'get'>;
}

/** Files and the check itself, for settings already read: everything else that may fail on the input. */
async function prepare(settings: ActionSettings, root: string, cwd: string): Promise<Prepared> {
  // The engine reads paths relative to the working directory (the workspace, on a runner).
  const forEngine = (rel: string) => relative(cwd, join(root, rel)) || '.';
  const files = resolveConfigFiles(settings.configs, root).map(forEngine);
  const catalog = await actionCatalogPath(settings.catalog, settings.catalogSha256, root, forEngine);
  const { sources, zones } = splitSources(settings.sources);
  const baselineNotes: string[] = [];
  const where = { root, cwd, env: process.env };
  const { check, drift, baseline } = await checkWithBaseline(settings, where, baselineNotes, {
    configs: files,
    version: settings.version,
    mode: settings.mode,
    sources,
    sourceZones: zones,
    destinationZones: settings.destinationZones,
    destinationZoneOverrides: settings.destinationZoneOverrides,
    read: { chain: settings.chain },
    relays: settings.relays,
    requireRecommended: settings.requireBackups,
    format: settings.format,
    catalog,
  });
  const notes = [sourceWarning(sources, zones), ...baselineNotes].filter((n): n is string => n !== undefined);
  return {
    report: buildJsonReport(check, drift, await remediate(check)),
    key: commentKey(settings.configs),
    notes,
    baseline,
    texts: inputTexts(check),
  };
}

async function guard<T>(log: ActionLog, what: string, fn: () => T | Promise<T>): Promise<T | undefined> {
  try {
    return await fn();
  } catch (e) {
    log.warn(
      `${what} failed: ${e instanceof Error ? e.message : String(e)}. The check result is not affected.`,
    );
    return undefined;
  }
}

const isInputFailure = (e: unknown): e is InputError | UsageError | CatalogUsageError =>
  e instanceof InputError || e instanceof UsageError || e instanceof CatalogUsageError;

interface FailureContext {
  log: ActionLog;
  env: NodeJS.ProcessEnv;
  workspacePath: (p: string) => string;
  /** The settings, when they could be read; else the comment is found from what can be read of them. */
  settings?: ActionSettings;
  root: string;
}

/**
 * Bad input: say where (annotation, summary), fail the step with status 2, and replace the comment of an
 * earlier run with "the check could not run", so that no earlier verdict seems to stand.
 */
async function inputFailure(
  e: InputError | UsageError | CatalogUsageError,
  c: FailureContext,
): Promise<number> {
  const { log } = c;
  let why: CouldNotRun = { message: e.message };
  if (e instanceof InputError) {
    const file = c.workspacePath(e.path);
    const inside = !file.startsWith('..') && !isAbsolute(file);
    why = { path: inside ? file : e.path, line: e.line, message: e.message };
    log.annotate('error', `remotespark-firewall-check could not check: ${e.format()}`, {
      title: 'RemoteSpark firewall check: input error',
      ...(inside && e.line !== undefined ? { file, startLine: e.line } : {}),
    });
  } else {
    log.fail(`remotespark-firewall-check: ${e.message}`);
  }
  const target = c.settings ?? commentSettingsLoosely(readRepoConfigLoosely(c.root), readActionInputs());
  const label = target.configs.join(', ') || undefined;
  await guard(log, 'Setting outputs', () => setOutput('passed', 'false'));
  await guard(log, 'Writing the job summary', () =>
    writeCouldNotRunSummary(renderCouldNotRun(why, { heading: '##', label })),
  );
  if (target.configs.length === 0) {
    log.info(
      'No pull-request comment: the "config" setting could not be read, so this check\'s comment is unknown.',
    );
    return INPUT_ERROR;
  }
  const commentId = await guard(log, 'The pull-request comment', () =>
    postComment({
      mode: target.comment,
      token: readToken(),
      key: commentKey(target.configs),
      failed: true,
      render: (_max, footer) =>
        renderCouldNotRun(why, {
          heading: '###',
          label,
          runUrl: runInfo(c.env).url,
          footer,
        }),
      run: runInfo(c.env),
      log,
      eventName: c.env.GITHUB_EVENT_NAME ?? '',
    }),
  );
  await guard(log, 'Setting the comment-id output', () => setOutput('comment-id', commentId ?? ''));
  return INPUT_ERROR;
}

/**
 * The action: settings -> check -> verdict -> sinks. The exit status is settled from the verdicts before
 * any side effect; annotations, outputs, the summary and the comment each fail on their own, as a
 * warning, and never change it.
 */
export async function runAction(
  log = new ActionLog(),
  onVerdict: (exitCode: number) => void = () => {},
): Promise<number> {
  const env = process.env;
  const cwd = process.cwd();
  const root = resolve(env.GITHUB_WORKSPACE || cwd);
  const workspacePath = (p: string) => relative(root, resolve(cwd, p)).split(sep).join('/');

  let settings: ActionSettings | undefined;
  let prepared: Prepared;
  try {
    settings = resolveSettings(readRepoConfig(root), readActionInputs());
    prepared = await prepare(settings, root, cwd);
  } catch (e) {
    if (!isInputFailure(e)) throw e;
    onVerdict(INPUT_ERROR);
    return inputFailure(e, { log, env, workspacePath, settings, root });
  }
  const { key, notes } = prepared;
  const outcome = decideOutcome(prepared.report, settings.failOn);
  onVerdict(outcome.exitCode);
  if (outcome.note) notes.push(outcome.note);
  const { ruleUrl } = prepared.baseline;
  const label = settings.configs.join(', ');
  // What people read names the action's inputs; the JSON report file stays the CLI's, word for word.
  const report = reportInputWording(prepared.report);

  // Settled. Everything below is reporting.
  for (const line of prepared.baseline.info) log.info(line);
  for (const note of notes) log.warn(note);
  await guard(log, 'Printing the report', () => log.untrusted(renderText(report, { color: false })));
  await guard(log, 'Annotations', () => emitFlowAnnotations(log, report, outcome, workspacePath));
  if (outcome.exitCode !== 0) {
    const what =
      settings.failOn === 'new' && prepared.report.summary.drift
        ? 'required RemoteSpark flow(s) this change breaks in'
        : 'RemoteSpark flow(s) not allowed by';
    log.fail(
      `${outcome.failingCount} ${what} the firewall config (${label}); see the annotations and the job summary.`,
    );
  } else if (!outcome.passed) {
    log.info(`${outcome.failingCount} flow(s) not allowed; fail-on: never keeps the step green.`);
  }
  const reportPath = await guard(log, 'Writing the JSON report', () =>
    writeReportFile(prepared.report, key, env),
  );
  await guard(log, 'Setting outputs', () => setVerdictOutputs(outcome, reportPath));
  const sarif = settings.sarif;
  if (sarif) {
    await guard(log, 'Writing the SARIF log', async () => {
      // Loaded only when asked for, like the comment's renderer: a run without them doesn't compile them.
      const { renderSarif } = await import('../report/sarif.js');
      assertInWorkspace(root, sarif, 'sarif');
      mkdirSync(dirname(resolve(root, sarif)), { recursive: true });
      writeFileSync(
        resolve(root, sarif),
        renderSarif(prepared.report, { uriFor: workspacePath, texts: prepared.texts }),
      );
    });
  }
  await guard(log, 'Writing the job summary', () =>
    writeJobSummary(report, outcome, label, reportPath, notes, ruleUrl),
  );
  const commentId = await guard(log, 'The pull-request comment', () =>
    postComment({
      mode: settings.comment,
      token: readToken(),
      key,
      failed: !outcome.passed,
      render: async (maxChars, footer) => {
        const { renderComment } = await import('../report/comment-report.js');
        return insertNotes(
          renderComment(report, {
            passed: outcome.passed,
            failingCount: outcome.failingCount,
            maxChars: maxChars - notesMarkdown(notes).length,
            label,
            summaryUrl: runInfo(env).url,
            footer,
            ruleUrl,
          }),
          notes,
        );
      },
      run: runInfo(env),
      log,
      eventName: env.GITHUB_EVENT_NAME ?? '',
    }),
  );
  await guard(log, 'Setting the comment-id output', () => setOutput('comment-id', commentId ?? ''));
  await guard(log, 'The tracking issue', () =>
    postTrackingIssue({
      mode: settings.trackingIssue,
      eventName: env.GITHUB_EVENT_NAME ?? '',
      token: readToken(),
      key,
      report,
      outcome,
      label,
      notes,
      run: runInfo(env),
      log,
    }),
  );
  return outcome.exitCode;
}
