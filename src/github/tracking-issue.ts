import { context } from '@actions/github';
import {
  createClient,
  failureOf,
  sleep as realSleep,
  type ClientOptions,
  type GitHubClient,
} from './client.js';
import { findTrackingIssue, type FoundIssue, type RepoRef } from './find-issue.js';
import { resolveIdentity, type Identity } from './identity.js';
import { trackingIssueFailureMessage } from './issue-errors.js';
import { DEFAULT_RETRY, retryDelay } from './retry-policy.js';
import { trackingContent } from './tracking-marker.js';

/** GitHub refuses a longer issue body. */
export const GITHUB_ISSUE_MAX_CHARS = 65_536;

export interface TrackingIssueRequest {
  token: string;
  key: string;
  /** Whether a flow fails the check: the issue is kept open, else it is closed. */
  failing: boolean;
  /** The issue as it should read while failing: marker first, stamp line last. */
  title: string;
  body: string;
  /** Said when closing and when reopening (Markdown). */
  closeComment: string;
  reopenComment: string;
  log: { info(message: string): void; warn(message: string): void };
  client?: ClientOptions;
}

export type TrackingIssueResult =
  | { kind: 'created' | 'updated' | 'unchanged' | 'reopened' | 'closed'; number: number; url: string }
  | { kind: 'none' }
  | { kind: 'failed' };

/**
 * The one open issue per repository and config set that lists what fails: written, brought up to date
 * only when its content changes, closed with a comment once everything passes, and reopened (or
 * written anew when the old one is locked or gone) when something fails again. Loaded on demand (this
 * module pulls in Octokit). Failures are warnings: the check's result is already settled.
 */
export async function syncTrackingIssue(req: TrackingIssueRequest): Promise<TrackingIssueResult> {
  if (req.body.length > GITHUB_ISSUE_MAX_CHARS) throw new Error('issue body over the GitHub limit');
  try {
    const octokit = createClient(req.token, req.log, req.client);
    const identity = await resolveIdentity(octokit, req.token, req.log);
    return await sync(octokit, context.repo, identity, req);
  } catch (e) {
    req.log.warn(trackingIssueFailureMessage(e));
    return { kind: 'failed' };
  }
}

async function sync(
  octokit: GitHubClient,
  ref: RepoRef,
  identity: Identity,
  req: TrackingIssueRequest,
): Promise<TrackingIssueResult> {
  const find = (state: 'open' | 'closed') => findTrackingIssue(octokit, ref, req.key, identity, state);
  const comment = (issue: number, body: string) =>
    octokit.rest.issues.createComment({ ...ref, issue_number: issue, body });
  const open = await find('open');

  if (!req.failing) {
    if (!open) return { kind: 'none' };
    // The comment first, so that the notification of the close says why.
    await comment(open.number, req.closeComment);
    await octokit.rest.issues.update({
      ...ref,
      issue_number: open.number,
      state: 'closed',
      state_reason: 'completed',
    });
    return { kind: 'closed', number: open.number, url: open.htmlUrl };
  }

  if (open) return bringUpToDate(octokit, ref, open, req);
  const closed = await find('closed');
  // A locked issue is one people ended the talk on: a new one is started instead.
  if (closed && !closed.locked) {
    const { data } = await octokit.rest.issues.update({
      ...ref,
      issue_number: closed.number,
      state: 'open',
      title: req.title,
      body: req.body,
    });
    await comment(closed.number, req.reopenComment);
    return { kind: 'reopened', number: data.number, url: data.html_url };
  }
  return create(octokit, ref, req, () => find('open'));
}

async function bringUpToDate(
  octokit: GitHubClient,
  ref: RepoRef,
  issue: FoundIssue,
  req: TrackingIssueRequest,
): Promise<TrackingIssueResult> {
  if (issue.title === req.title && trackingContent(issue.body) === trackingContent(req.body)) {
    return { kind: 'unchanged', number: issue.number, url: issue.htmlUrl };
  }
  const { data } = await octokit.rest.issues.update({
    ...ref,
    issue_number: issue.number,
    title: req.title,
    body: req.body,
  });
  return { kind: 'updated', number: data.number, url: data.html_url };
}

/**
 * Creating is not idempotent: when the POST fails with a server error the issue may exist anyway, so
 * before each new attempt the open issues are listed again and one found then is brought up to date.
 */
async function create(
  octokit: GitHubClient,
  ref: RepoRef,
  req: TrackingIssueRequest,
  findOpen: () => Promise<FoundIssue | undefined>,
): Promise<TrackingIssueResult> {
  const retry = req.client?.retry ?? DEFAULT_RETRY;
  const wait = req.client?.sleep ?? realSleep;
  for (let attempt = 1; ; attempt++) {
    try {
      const { data } = await octokit.rest.issues.create({ ...ref, title: req.title, body: req.body });
      return { kind: 'created', number: data.number, url: data.html_url };
    } catch (e) {
      const failure = failureOf(e);
      const serverSide = failure.status === undefined || failure.status >= 500;
      const delay = serverSide ? retryDelay(failure, attempt, Date.now(), retry) : null;
      if (delay === null) throw e;
      req.log.info(
        `GitHub API POST issue: ${failure.status ?? 'no response'}; looking for it again and retrying in ${(delay / 1000).toFixed(1)} s`,
      );
      await wait(delay);
      const stored = await findOpen();
      if (stored) return bringUpToDate(octokit, ref, stored, req);
    }
  }
}
