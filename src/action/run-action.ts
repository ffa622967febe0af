import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { setOutput } from '@actions/core';
import { CatalogUsageError } from '../catalog/index.js';
import { runCheck } from '../check/run-check.js';
import { UsageError } from '../check/usage-error.js';
import { commentKey } from '../github/comment-marker.js';
import { InputError } from '../input/input-error.js';
import { buildJsonReport, type JsonReport } from '../report/json-report.js';
import { renderText } from '../report/text-report.js';
import { ActionLog } from './action-log.js';
import { readActionInputs, readToken } from './action-inputs.js';
import { postComment } from './comment-sink.js';
import { decideOutcome } from './outcome.js';
import { readRepoConfig } from './repo-config.js';
import { runInfo } from './run-info.js';
import { resolveSettings, type ActionSettings } from './settings.js';
import {
  emitFlowAnnotations,
  setVerdictOutputs,
  writeInputErrorSummary,
  writeJobSummary,
  writeReportFile,
} from './sinks.js';
import { splitSources } from './source-spec.js';
import { assertInWorkspace, resolveConfigFiles } from './workspace-files.js';

/** Exit status for bad input, as the CLI's. */
const INPUT_ERROR = 2;

interface Prepared {
  settings: ActionSettings;
  report: JsonReport;
  key: string;
}

/** Settings, files and the check itself: everything that may fail because of the input. */
async function prepare(root: string, cwd: string): Promise<Prepared> {
  const settings = resolveSettings(readRepoConfig(root), readActionInputs());
  // The engine reads paths relative to the working directory (the workspace, on a runner).
  const forEngine = (rel: string) => relative(cwd, join(root, rel)) || '.';
  const files = resolveConfigFiles(settings.configs, root).map(forEngine);
  if (settings.catalog) assertInWorkspace(root, settings.catalog, 'catalog');
  const { sources, zones } = splitSources(settings.sources);
  const check = await runCheck({
    configs: files,
    version: settings.version,
    mode: settings.mode,
    sources,
    sourceZones: zones,
    destinationZones: settings.destinationZones,
    relays: settings.relays,
    requireRecommended: settings.requireBackups,
    format: settings.format,
    catalog: settings.catalog ? forEngine(relative(root, resolve(root, settings.catalog))) : undefined,
  });
  return { settings, report: buildJsonReport(check), key: commentKey(settings.configs) };
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

/** Bad input: say where (annotation, summary), fail the step with status 2, and write nothing to GitHub. */
async function inputFailure(
  e: unknown,
  log: ActionLog,
  workspacePath: (p: string) => string,
): Promise<number> {
  const text = e instanceof InputError ? e.format() : (e as Error).message;
  if (e instanceof InputError) {
    const file = workspacePath(e.path);
    const located = e.line !== undefined && !file.startsWith('..') && !isAbsolute(file);
    log.annotate('error', `remotespark-firewall-check could not check: ${e.format()}`, {
      title: 'RemoteSpark firewall check: input error',
      ...(located ? { file, startLine: e.line } : {}),
    });
  } else {
    log.fail(`remotespark-firewall-check: ${(e as Error).message}`);
  }
  await guard(log, 'Setting outputs', () => setOutput('passed', 'false'));
  await guard(log, 'Writing the job summary', () => writeInputErrorSummary(text));
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

  let prepared: Prepared;
  try {
    prepared = await prepare(root, cwd);
  } catch (e) {
    if (e instanceof InputError || e instanceof UsageError || e instanceof CatalogUsageError) {
      onVerdict(INPUT_ERROR);
      return inputFailure(e, log, workspacePath);
    }
    throw e;
  }
  const { settings, report, key } = prepared;
  const outcome = decideOutcome(report, settings.failOn);
  onVerdict(outcome.exitCode);
  const label = settings.configs.join(', ');

  // Settled. Everything below is reporting.
  await guard(log, 'Printing the report', () => log.untrusted(renderText(report, { color: false })));
  await guard(log, 'Annotations', () => emitFlowAnnotations(log, report, outcome, workspacePath));
  if (outcome.exitCode !== 0) {
    log.fail(
      `${outcome.failingCount} RemoteSpark flow(s) not allowed by the firewall config (${label}); see the annotations and the job summary.`,
    );
  } else if (!outcome.passed) {
    log.info(`${outcome.failingCount} flow(s) not allowed; fail-on: never keeps the step green.`);
  }
  const reportPath = await guard(log, 'Writing the JSON report', () => writeReportFile(report, key, env));
  await guard(log, 'Setting outputs', () => setVerdictOutputs(outcome, reportPath));
  await guard(log, 'Writing the job summary', () => writeJobSummary(report, outcome, label, reportPath));
  const commentId = await guard(log, 'The pull-request comment', () =>
    postComment({
      mode: settings.comment,
      token: readToken(),
      key,
      label,
      report,
      outcome,
      run: runInfo(env),
      log,
      eventName: env.GITHUB_EVENT_NAME ?? '',
    }),
  );
  await guard(log, 'Setting the comment-id output', () => setOutput('comment-id', commentId ?? ''));
  return outcome.exitCode;
}
