import { STAMP_PREFIX, trackingIssueMarker } from '../github/tracking-marker.js';
import { clip } from '../report/bounded-lines.js';
import { renderComment } from '../report/comment-report.js';
import { markdownText } from '../report/escape.js';
import type { JsonReport } from '../report/json-report.js';
import { summaryLine } from '../report/text-report.js';
import { insertNotes, notesMarkdown } from './action-notes.js';
import type { RunInfo } from './run-info.js';

/** GitHub refuses an issue body over 65,536 characters, as a comment's. */
const ISSUE_MAX_CHARS = 65_536;

export interface TrackingIssueText {
  title: string;
  /** Marker first, the stamp line last. */
  body: string;
  closeComment: string;
  reopenComment: string;
}

export interface TrackingIssueTextOptions {
  key: string;
  failingCount: number;
  /** The config patterns (plain text). */
  label: string;
  notes: readonly string[];
  run: RunInfo;
  now: Date;
}

/** A run as a Markdown link, its label escaped (plain text when the runner gave no URL). */
function runLink(run: RunInfo): string {
  const text = markdownText(run.label ?? 'a workflow run');
  return run.url ? `[${text}](${encodeURI(run.url).replace(/[()]/g, encodeURIComponent)})` : text;
}

/**
 * What the tracking issue says. The body is the pull-request comment's Markdown (every piece of config
 * text escaped by it) with nothing in it that differs from run to run but the stamp line, so that an
 * unchanged failure leaves the issue alone.
 */
export function trackingIssueText(report: JsonReport, o: TrackingIssueTextOptions): TrackingIssueText {
  const marker = trackingIssueMarker(o.key);
  const stamp = `${STAMP_PREFIX}${runLink(o.run)} on ${o.now.toISOString().slice(0, 10)}.</sub>`;
  const about =
    'This issue is kept by the scheduled RemoteSpark firewall check: updated when what fails changes, ' +
    'closed when every flow the check requires is allowed again. The job summary of the run below lists ' +
    'every flow.';
  const around = [marker, about, stamp].reduce((n, l) => n + l.length + 3, 0);
  const content = insertNotes(
    renderComment(report, {
      passed: false,
      failingCount: o.failingCount,
      maxChars: ISSUE_MAX_CHARS - around - notesMarkdown(o.notes).length,
      label: o.label,
    }),
    o.notes,
  );
  return {
    // Titles are plain text; the patterns come from the workflow, clipped so the title stays short.
    title: `RemoteSpark firewall check (${clip(o.label, 120)}): ${o.failingCount} flow(s) fail`,
    body: `${marker}\n${content.trimEnd()}\n\n${about}\n\n${stamp}\n`,
    closeComment: `✅ The check passes again in ${runLink(o.run)}: ${markdownText(summaryLine(report))} Closing this issue; it is reopened if a flow fails again.`,
    reopenComment: `⛔ Failing again in ${runLink(o.run)}: ${o.failingCount} flow(s) fail the check, listed above.`,
  };
}
