import type { JsonReport } from '../report/json-report.js';
import type { ActionLog } from './action-log.js';
import type { Outcome } from './outcome.js';
import type { RunInfo } from './run-info.js';
import type { TrackingIssueMode } from './settings.js';

/** Runs with no pull request that check over time. */
export const TRACKING_EVENTS: ReadonlySet<string> = new Set(['schedule', 'workflow_dispatch']);

export interface TrackingRequest {
  mode: TrackingIssueMode;
  eventName: string;
  token: string;
  key: string;
  /** Worded for action users. */
  report: JsonReport;
  outcome: Outcome;
  label: string;
  notes: readonly string[];
  run: RunInfo;
  log: ActionLog;
}

/**
 * The tracking issue on schedule and workflow_dispatch runs, unless turned off; other events (pull
 * requests have their comment) make no call. Returns the issue's number. The GitHub client is loaded
 * only here and in the comment sink.
 */
export async function postTrackingIssue(r: TrackingRequest): Promise<number | undefined> {
  if (r.mode === 'never' || !TRACKING_EVENTS.has(r.eventName)) return undefined;
  if (!r.token) {
    r.log.info('No tracking issue: no github-token.');
    return undefined;
  }
  const { trackingIssueText } = await import('./tracking-issue-body.js');
  const text = trackingIssueText(r.report, {
    key: r.key,
    failingCount: r.outcome.failingCount,
    label: r.label,
    notes: r.notes,
    run: r.run,
    now: new Date(),
  });
  const { syncTrackingIssue } = await import('../github/tracking-issue.js');
  const result = await syncTrackingIssue({
    token: r.token,
    key: r.key,
    failing: !r.outcome.passed,
    ...text,
    log: { info: (m) => r.log.info(m), warn: (m) => r.log.warn(m) },
  });
  if (result.kind === 'failed') return undefined;
  if (result.kind === 'none') {
    r.log.info('No tracking issue: the check passes and none is open.');
    return undefined;
  }
  r.log.info(`Tracking issue ${result.kind}: ${result.url}`);
  return result.number;
}
