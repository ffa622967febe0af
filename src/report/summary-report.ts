import { flowLabel } from '../model/flow.js';
import { fixMarkdownBlocks } from './fix-markdown.js';
import { BoundedLines, clip, utf8Length } from './bounded-lines.js';
import { changeTableHead, changeTableRow, driftMarkdown, type RuleUrl } from './drift-markdown.js';
import { markdownCode, markdownText } from './escape.js';
import {
  FLOW_TABLE_HEAD,
  failingFirst,
  flowTableRow,
  UNVERIFIED_NOTE,
  VERDICT_ICON,
  warningLines,
} from './flow-table.js';
import type { JsonReport } from './json-report.js';
import { assumptionsOf, decidedByText, summaryLine } from './text-report.js';

/** GitHub refuses a step summary over 1 MiB; keep a margin for what other steps' tooling may add. */
export const SUMMARY_MAX_BYTES = 1000 * 1024;

export interface SummaryOptions {
  /** Which check this is, when a workflow runs several (already plain text). */
  label?: string;
  /** Whether the check failed under the action's fail-on setting. */
  passed: boolean;
  /** Where the complete JSON report is, for the truncation note. */
  reportHint?: string;
  maxBytes?: number;
  /** Links a deciding rule's line at the head or base commit, for the changes a comparison shows. */
  ruleUrl?: RuleUrl;
}

/**
 * The job summary: the whole report as Markdown tables (flows, per-policy results, inputs, target, notes),
 * every piece of config text escaped. Past the size limit, rows are dropped from the end with a note.
 */
export function renderSummary(report: JsonReport, options: SummaryOptions): string {
  const out = new BoundedLines(options.maxBytes ?? SUMMARY_MAX_BYTES, utf8Length);
  const hint = markdownText(
    options.reportHint ?? "The complete report is the JSON report file (the action's `report` output).",
  );
  const note = (shown: number) =>
    `\n_… truncated (a job summary holds at most 1 MiB): ${shown} of ${report.flows.length} flows shown. ${hint}_`;
  const reserve = utf8Length(note(report.flows.length)) + 1;
  let truncated = false;
  let flowsShown = 0;
  /** Adds lines until one does not fit; after that, nothing more is added. */
  const section = (lines: readonly string[], flowRows = false) => {
    if (truncated) return;
    const added = out.addAll(lines, reserve);
    if (added < lines.length) truncated = true;
    if (flowRows) flowsShown += added;
  };

  const label = options.label ? ` (${markdownText(options.label)})` : '';
  section([
    `## ${options.passed ? '✅' : '⛔'} RemoteSpark firewall check${label}: ${options.passed ? 'pass' : 'fail'}`,
  ]);
  // What the compared change breaks and fixes comes first, as in the comment.
  const drift = driftMarkdown(report, options.ruleUrl, 2000);
  if (drift) {
    section(['', drift.headline]);
    if (drift.changes.length) section(['', ...drift.changes]);
    if (drift.already.length) section(['', ...drift.already]);
  }
  const compared = report.summary.drift !== undefined;
  section([
    '',
    markdownText(summaryLine(report)),
    '',
    '### Flows',
    '',
    ...(compared ? changeTableHead(FLOW_TABLE_HEAD) : FLOW_TABLE_HEAD),
  ]);
  section(
    failingFirst(report.flows).map((f) => (compared ? changeTableRow(f) : flowTableRow(f))),
    true,
  );
  if (report.flows.some((f) => !f.provenance.verified)) section(['', UNVERIFIED_NOTE]);

  section([
    '',
    '### Inputs',
    '',
    '| File | Format | Rules | Policies |',
    '|---|---|---|---|',
    ...report.inputs.map(
      (i) =>
        `| ${markdownCode(i.path)} | ${markdownText(i.formatName)} (${markdownCode(i.format)}) | ${i.rules} | ${i.policies.map(markdownText).join(', ')} |`,
    ),
  ]);

  const t = report.target;
  const s = report.scope;
  const list = (xs: string[] | null) => (xs ? xs.map(markdownCode).join(', ') : 'any');
  section([
    '',
    '### Target',
    '',
    '| | |',
    '|---|---|',
    `| RemoteSpark | ${t.customFlows ? 'custom flows' : `${markdownText(t.release ?? '')} (asked for ${markdownText(t.requestedVersion)})`} |`,
    `| Catalog | ${markdownText(t.catalogVersion)} (${markdownCode(t.catalogPath)}${t.overlay ? `, overlay ${markdownCode(t.overlay)}` : ''}) |`,
    `| Mode | ${t.mode} |`,
    `| Recommended flows required | ${t.requireRecommended ? 'yes' : 'no'} |`,
    `| Sources | ${list(s.sources)} |`,
    `| Source zones | ${list(s.sourceZones)} |`,
    `| Destination zones | ${list(s.destinationZones)} |`,
    `| Tool | ${markdownText(report.tool.name)} ${markdownText(report.tool.version)} |`,
    ...(report.baseline
      ? [
          `| Compared with | ${markdownText(report.baseline.describe)}${report.baseline.commit ? ` (${markdownCode(report.baseline.commit)})` : ''}${report.baseline.error ? `: not checked, ${markdownText(clip(report.baseline.error, 2000))}` : ''} |`,
        ]
      : []),
  ]);

  // Each flow's verdict per firewall, when several were checked.
  const policies = new Set(report.flows.flatMap((f) => f.results.map((r) => `${r.path}\0${r.policy}`)));
  if (policies.size > 1) {
    section([
      '',
      '### Per policy',
      '',
      '| Flow | Policy | Verdict | Decided by | Detail |',
      '|---|---|---|---|---|',
      ...report.flows.flatMap((f) =>
        f.results.map(
          (r) =>
            `| ${markdownCode(flowLabel(f))} | ${markdownText(r.policy)} (${markdownCode(r.path)}) | ${VERDICT_ICON[r.verdict] ?? ''} ${r.verdict} | ${markdownText(clip(decidedByText(r), 2000))} | ${markdownText(clip(r.detail, 2000))} |`,
        ),
      ),
    ]);
  }

  const fixes = fixMarkdownBlocks(report);
  if (fixes.length) section(['', '### The missing rules', '', ...fixes.flatMap((b) => [...b, ''])]);
  if (report.warnings.length) section(['', '### Warnings', '', ...warningLines(report)]);
  const assumptions = assumptionsOf(report);
  if (assumptions.length)
    section(['', '### Assumptions', '', ...assumptions.map((a) => `- ${markdownText(a)}`)]);
  if (report.notes.length) section(['', '### Notes', '', ...report.notes.map((n) => `- ${markdownText(n)}`)]);
  return truncated ? `${out.text()}${note(flowsShown)}\n` : out.text();
}
