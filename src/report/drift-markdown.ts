import { flowLabel } from '../model/flow.js';
import type { Change } from '../drift/compare.js';
import { clip } from './bounded-lines.js';
import { changedFlows, driftHeadline } from './drift-summary.js';
import { markdownCode, markdownText } from './escape.js';
import { flowTableRow } from './flow-table.js';
import type { BaselineResultJson, FlowJson, JsonReport } from './json-report.js';
import { decidedByText } from './text-report.js';

/** A link to a rule's line at the head or base commit; undefined when none can be made. */
export type RuleUrl = (side: 'head' | 'base', path: string, line: number) => string | undefined;

/** The parts of a compared report, as Markdown lines; the caller fits them in its size limit. */
export interface DriftMarkdown {
  /** "Compared with main at 1a2b3c4: breaks 1 · fixes 0 · 2 already failing." */
  headline: string;
  /** One line per flow the change breaks or fixes, breaks first, each with its cause and rule links. */
  changes: string[];
  /** The failures that were there before: a collapsed list. Empty when there are none. */
  already: string[];
}

const CHANGE_LABEL: Record<Change, string> = {
  'new-failure': '🆕 breaks',
  fixed: '✅ fixes',
  'still-failing': 'already failing',
  unchanged: '',
};

/** An already encoded URL inside a Markdown link: nothing in it can end the link. */
export const linkTarget = (url: string) =>
  url.replace(/[()<>\s"]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);

/** "rule (path:line)" escaped, linked to that line at the commit when a URL can be made. */
function decider(
  side: 'head' | 'base',
  r: Pick<FlowJson, 'rule' | 'default'>,
  ruleUrl: RuleUrl | undefined,
  maxCell: number,
): string {
  const text = markdownText(clip(decidedByText(r), maxCell));
  const at =
    r.rule ?? (r.default?.path !== undefined && r.default.line !== undefined ? r.default : undefined);
  const url = at && ruleUrl?.(side, at.path!, at.line!);
  return url ? `[${text}](${linkTarget(url)})` : text;
}

function wasText(b: BaselineResultJson | null | undefined): string {
  return b ? b.verdict : 'not required';
}

/** What a compared report says first: what the change breaks and fixes, why, and where. */
export function driftMarkdown(
  report: JsonReport,
  ruleUrl: RuleUrl | undefined,
  maxCell = 500,
): DriftMarkdown | undefined {
  const headline = driftHeadline(report);
  if (!headline) return undefined;
  const changes = changedFlows(report).map((f) => {
    const what = f.change === 'new-failure' ? '⛔ **Breaks**' : '✅ **Fixes**';
    const cause = f.cause ? ` ${markdownText(clip(f.cause.text, maxCell))}.` : '';
    const now = `now ${decider('head', f, ruleUrl, maxCell)}`;
    const then = f.baseline ? `; before ${decider('base', f.baseline, ruleUrl, maxCell)}` : '';
    return `- ${what} ${markdownCode(flowLabel(f))} (${f.severity}): ${f.verdict}, was ${wasText(f.baseline)}.${cause} Decided ${now}${then}.`;
  });
  const before = report.flows.filter((f) => f.change === 'still-failing');
  const already = before.length
    ? [
        `<details><summary>${before.length} flow(s) already failing before this change</summary>`,
        '',
        ...before.map(
          (f) =>
            `- ${markdownCode(flowLabel(f))} (${f.severity}): ${f.verdict}, decided by ${decider('head', f, ruleUrl, maxCell)}`,
        ),
        '',
        '</details>',
      ]
    : [];
  return { headline: `**${markdownText(headline)}**`, changes, already };
}

/** The flow table's head with a first column saying what the change did to each flow. */
export function changeTableHead(head: readonly string[]): string[] {
  return [`| Change ${head[0]!}`, `|---${head[1]!}`];
}

/** A flow table row with the change in front. */
export function changeTableRow(f: FlowJson, maxCell?: number): string {
  return `| ${f.change ? CHANGE_LABEL[f.change] : ''} ${flowTableRow(f, maxCell)}`;
}
