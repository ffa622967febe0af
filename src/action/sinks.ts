import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setOutput, summary } from '@actions/core';
import {
  capAnnotations,
  flowAnnotations,
  warningAnnotations,
  type Annotation,
} from '../report/annotations.js';
import type { RuleUrl } from '../report/drift-markdown.js';
import { plainText } from '../report/escape.js';
import { jsonPieces } from '../report/json-pieces.js';
import type { FlowJson, JsonReport } from '../report/json-report.js';
import { renderSummary } from '../report/summary-report.js';
import type { ActionLog } from './action-log.js';
import { insertNotes } from './action-notes.js';
import type { Outcome } from './outcome.js';

/**
 * An annotation per failing flow at its deciding rule, within GitHub's per-step limits: one error is kept
 * for setFailed and one warning for a side effect that may go wrong; a notice counts the rest.
 */
export function emitFlowAnnotations(
  log: ActionLog,
  report: JsonReport,
  outcome: Outcome,
  workspacePath: (p: string) => string,
): void {
  // Flows first, those the change breaks before the rest: when GitHub's per-kind limit bites, they are
  // what must show.
  const all = [...changeFirst(report, outcome), ...warningAnnotations(report)];
  const { shown, omitted } = capAnnotations(all, {
    error: log.room('error', outcome.exitCode !== 0 ? 1 : 0),
    warning: log.room('warning', 1),
    notice: 0,
  });
  for (const a of shown) log.emit(a, workspacePath(a.file));
  const more = omitted.error + omitted.warning;
  if (more > 0) {
    log.annotate(
      'notice',
      `${more} more flow(s) not allowed are not annotated (${omitted.error} error, ${omitted.warning} warning): GitHub shows at most 10 annotations of each kind per step. The job summary lists every flow.`,
      { title: 'RemoteSpark firewall check: more flows in the job summary' },
    );
  }
}

/**
 * The failing flows' annotations, a compared change's new failures first, titled as such and naming
 * their cause. flowAnnotations makes one per failing flow with a level, in report order.
 */
function changeFirst(report: JsonReport, outcome: Outcome): Annotation[] {
  const annotated = report.flows.filter((f) => f.verdict !== 'allowed');
  const list = flowAnnotations(report, outcome.levelOf).map((a, i) => {
    const f: FlowJson = annotated[i]!;
    if (f.change !== 'new-failure') return { a, fresh: false };
    const cause = f.cause ? `: ${plainText(f.cause.text)}` : '';
    return {
      a: { ...a, title: `New failure: ${a.title}`, message: `${a.message} (new in this change${cause})` },
      fresh: true,
    };
  });
  return [...list.filter((x) => x.fresh), ...list.filter((x) => !x.fresh)].map((x) => x.a);
}

/** Writes the JSON report where later steps can read it (the runner's temp directory); returns its path. */
export function writeReportFile(report: JsonReport, key: string, env: NodeJS.ProcessEnv): string {
  const dir = join(env.RUNNER_TEMP || tmpdir(), 'remotespark-firewall-check');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `report-${key}.json`);
  const fd = openSync(path, 'w');
  try {
    for (const piece of jsonPieces(report)) writeSync(fd, piece);
  } finally {
    closeSync(fd);
  }
  return path;
}

export async function writeJobSummary(
  report: JsonReport,
  outcome: Outcome,
  label: string,
  reportPath: string | undefined,
  notes: readonly string[] = [],
  ruleUrl?: RuleUrl,
): Promise<boolean> {
  if (!process.env.GITHUB_STEP_SUMMARY) return false;
  // The notes are a few hundred bytes: the summary's limit keeps a margin under GitHub's 1 MiB for them.
  const markdown = insertNotes(
    renderSummary(report, {
      passed: outcome.passed,
      label,
      ruleUrl,
      reportHint: reportPath
        ? `The complete report is the JSON file in the action's "report" output (${reportPath}).`
        : undefined,
    }),
    notes,
  );
  await summary.addRaw(markdown).write();
  return true;
}

/** The summary of a run that could not check, so that the failure is explained where people look. */
export async function writeCouldNotRunSummary(markdown: string): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) return;
  await summary.addRaw(markdown).write();
}

export function setVerdictOutputs(outcome: Outcome, reportPath: string | undefined): void {
  setOutput('passed', String(outcome.passed));
  setOutput('failing-count', String(outcome.failingCount));
  setOutput('report', reportPath ?? '');
}
