import { flowLabel } from '../model/flow.js';
import { clip } from './bounded-lines.js';
import { markdownCode, markdownText } from './escape.js';
import type { FlowJson, JsonReport } from './json-report.js';
import { allowedOnlyText, decidedByText } from './text-report.js';

export const VERDICT_ICON: Record<string, string> = {
  allowed: '✅',
  partial: '⚠️',
  unknown: '❔',
  blocked: '⛔',
};

export const FLOW_TABLE_HEAD = [
  '| Verdict | Severity | Role | Flow | Decided by | Detail |',
  '|---|---|---|---|---|---|',
];

/** One Markdown table row for a flow; config text escaped, long text clipped before escaping. */
export function flowTableRow(f: FlowJson, maxCell = 2000): string {
  const flow = `${markdownCode(flowLabel(f))}${f.provenance.verified ? '' : ' †'}`;
  const cell = (s: string) => markdownText(clip(s, maxCell));
  return `| ${verdictCell(f)} | ${f.severity} | ${cell(f.roleLabel)} | ${flow} | ${cell(decidedByText(f))} | ${cell(f.detail)} |`;
}

/** The verdict with its icon; an allowed flow that holds only for some clients says for whom. */
export function verdictCell(f: FlowJson): string {
  const only = allowedOnlyText(f);
  const base = `${VERDICT_ICON[f.verdict] ?? ''} ${f.verdict}`;
  return only ? `${base}, only from ${markdownText(clip(only, 300))}` : base;
}

/** Bullet lines for the inputs' warnings (file:line: message), escaped. */
export function warningLines(report: JsonReport): string[] {
  return report.warnings.map(
    (w) =>
      `- ⚠️ ${w.path !== undefined ? `${markdownCode(`${w.path}:${w.line ?? 1}`)}: ` : ''}${markdownText(clip(w.message, 500))}`,
  );
}

/** Flows that fail the check first (required before recommended), then the rest, each in report order. */
export function failingFirst(flows: readonly FlowJson[]): FlowJson[] {
  const rank = (f: FlowJson) => (f.verdict === 'allowed' ? 2 : f.severity === 'required' ? 0 : 1);
  return flows
    .map((f, i) => ({ f, i }))
    .sort((a, b) => rank(a.f) - rank(b.f) || a.i - b.i)
    .map(({ f }) => f);
}

export const UNVERIFIED_NOTE =
  '† hostname not in the public RemoteSpark article (unverified): override it with a catalog overlay.';
