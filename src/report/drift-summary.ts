import { flowLabel } from '../model/flow.js';
import type { FlowJson, JsonReport } from './json-report.js';

/** "breaks 2 · fixes 1 · 3 already failing": what the compared change does, in a few words. */
export function driftHeadline(report: JsonReport): string | undefined {
  const b = report.baseline;
  if (!b) return undefined;
  if (b.error)
    return `Compared with ${b.describe}: the baseline could not be checked (${b.error}); the verdicts below are this revision's alone.`;
  const d = report.summary.drift!;
  const parts = [`breaks ${d.newFailures}`, `fixes ${d.fixed}`, `${d.stillFailing} already failing`];
  const added = b.missing?.length ? ` (new here: ${b.missing.join(', ')})` : '';
  return `Compared with ${b.describe}${added}: ${parts.join(' · ')}.`;
}

/** The flows a change breaks or fixes, breaks first. */
export function changedFlows(report: JsonReport): FlowJson[] {
  const rank = (f: FlowJson) => (f.change === 'new-failure' ? 0 : 1);
  return report.flows
    .filter((f) => f.change === 'new-failure' || f.change === 'fixed')
    .sort((a, b) => rank(a) - rank(b));
}

/** One line per changed flow (plain text, not yet escaped): what it was, what it is, and why. */
export function changeLine(f: FlowJson): string {
  const what = f.change === 'new-failure' ? 'BREAKS' : 'FIXES';
  const was = f.baseline ? f.baseline.verdict : 'not required';
  return `${what} ${flowLabel(f)} (${f.severity}): ${f.verdict}, was ${was}${f.cause ? ` — ${f.cause.text}` : ''}`;
}
