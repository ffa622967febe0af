import { flowLabel } from '../model/flow.js';
import { BoundedLines, clip, utf16Length } from './bounded-lines.js';
import { fixMarkdownBlocks } from './fix-markdown.js';
import {
  changeTableHead,
  changeTableRow,
  driftMarkdown,
  linkTarget,
  type RuleUrl,
} from './drift-markdown.js';
import { markdownCode, markdownText } from './escape.js';
import { FLOW_TABLE_HEAD, failingFirst, flowTableRow, UNVERIFIED_NOTE, warningLines } from './flow-table.js';
import type { JsonReport } from './json-report.js';
import { allowedOnlyText, summaryLine } from './text-report.js';

export type { RuleUrl } from './drift-markdown.js';

/** GitHub refuses an issue comment body over 65,536 characters. */
export const COMMENT_MAX_CHARS = 65_536;

export interface CommentOptions {
  /** Whether the check passes under the action's fail-on setting. */
  passed: boolean;
  /** How many flows fail the check under that setting. */
  failingCount: number;
  /** The whole limit for the body, including what the caller adds (the hidden marker). */
  maxChars: number;
  /** Which check this is, when a workflow runs several (plain text). */
  label?: string;
  /** The workflow run page, where the job summary holds the whole report. */
  summaryUrl?: string;
  /** A short line naming the revision and run (plain text). */
  footer?: string;
  /** Links a deciding rule's line at the head or base commit, for the changes a comparison shows. */
  ruleUrl?: RuleUrl;
}

/**
 * The pull-request comment: a verdict headline, the flows not allowed (the ones that fail the check
 * first) and a pointer to the job summary for everything else. When everything required passes it is
 * the resolved state. Rows that do not fit the limit are dropped with a note saying how many.
 */
export function renderComment(report: JsonReport, options: CommentOptions): string {
  const out = new BoundedLines(options.maxChars, utf16Length);
  const label = options.label ? ` (${markdownText(options.label)})` : '';
  const summary = options.summaryUrl
    ? `[job summary](${linkTarget(encodeURI(options.summaryUrl))})`
    : 'job summary';
  const notAllowed = failingFirst(report.flows).filter((f) => f.verdict !== 'allowed');
  const tail = [
    '',
    `All ${report.flows.length} flows, per-policy results and the inputs: see the ${summary}.`,
    ...(options.footer ? ['', `<sub>${markdownText(options.footer)}</sub>`] : []),
  ];
  const truncation = (hidden: number) =>
    `\n_… and ${hidden} more flow(s) not shown: a comment holds at most ${COMMENT_MAX_CHARS.toLocaleString('en-US')} characters. See the ${summary}._`;
  const reserve =
    tail.reduce((n, l) => n + utf16Length(l) + 1, 0) + utf16Length(truncation(notAllowed.length)) + 1;

  const t = report.target;
  const against = t.customFlows
    ? 'custom flows'
    : `RemoteSpark ${markdownText(t.release ?? '')} (catalog ${markdownText(t.catalogVersion)}), mode ${t.mode}`;
  const inputs = report.inputs.map((i) => markdownCode(i.path)).join(', ');
  const stillFailing = report.summary.failingRequired;
  const head = !options.passed
    ? `### ⛔ RemoteSpark firewall check${label}: ${options.failingCount} flow(s) fail the check`
    : stillFailing > 0
      ? `### ✅ RemoteSpark firewall check${label}: no new failures (${stillFailing} required flow(s) were failing already)`
      : `### ✅ RemoteSpark firewall check${label}: resolved, every required flow is allowed`;
  out.add(head);
  // What the change does comes first; the state it leaves follows.
  const drift = driftMarkdown(report, options.ruleUrl);
  if (drift) {
    const fits = (lines: readonly string[]) =>
      out.size + lines.reduce((n, l) => n + utf16Length(l) + 1, 0) + reserve <= options.maxChars;
    out.addAll(['', drift.headline], reserve);
    if (drift.changes.length) {
      out.add('', reserve);
      const added = out.addAll(drift.changes, reserve);
      if (added < drift.changes.length) {
        out.add(`_… and ${drift.changes.length - added} more change(s): see the ${summary}._`, reserve);
      }
    }
    if (drift.already.length && fits(['', ...drift.already])) out.addAll(['', ...drift.already], reserve);
  }
  out.addAll(['', markdownText(summaryLine(report)), '', `Checked ${inputs} against ${against}.`], reserve);

  let shown = 0;
  if (notAllowed.length) {
    const title = options.passed ? 'Not allowed, but not failing the check:' : 'Not allowed:';
    const compared = report.summary.drift !== undefined;
    const intro = ['', title, '', ...(compared ? changeTableHead(FLOW_TABLE_HEAD) : FLOW_TABLE_HEAD)];
    if (out.addAll(intro, reserve) === intro.length) {
      shown = out.addAll(
        notAllowed.map((f) => (compared ? changeTableRow(f, 500) : flowTableRow(f, 500))),
        reserve,
      );
    }
    if (shown === notAllowed.length && notAllowed.some((f) => !f.provenance.verified)) {
      out.add('', reserve);
      out.add(UNVERIFIED_NOTE, reserve);
    }
  }
  const only = report.flows.filter((f) => allowedOnlyText(f));
  if (only.length) {
    out.addAll(
      [
        '',
        'Allowed only for some clients:',
        '',
        ...only.map(
          (f) => `- ${markdownCode(flowLabel(f))}: only from ${markdownText(clip(allowedOnlyText(f)!, 300))}`,
        ),
      ],
      reserve,
    );
  }
  if (report.warnings.length) {
    out.addAll(
      [
        '',
        'Read around (each makes the rules using it unknown, never allowed):',
        '',
        ...warningLines(report),
      ],
      reserve,
    );
  }
  const fixes = fixMarkdownBlocks(report);
  if (fixes.length) {
    out.add('', reserve);
    out.add("The missing rules, in this config's own syntax:", reserve);
    // Each fix whole or not at all: a cut block would not close its fence.
    for (const block of fixes) {
      const lines = ['', ...block];
      const need = lines.reduce((n, l) => n + utf16Length(l) + 1, 0);
      if (out.size + need + reserve > options.maxChars) break;
      out.addAll(lines, reserve);
    }
  }
  let text = out.text();
  if (shown < notAllowed.length) text += `${truncation(notAllowed.length - shown)}\n`;
  return text + tail.join('\n') + '\n';
}
