import { failureOf, sleep as realSleep, type GitHubClient } from './client.js';
import { findComment, type IssueRef } from './find-comment.js';
import type { Identity } from './identity.js';
import { DEFAULT_RETRY, retryDelay, type RetryOptions } from './retry-policy.js';

export type UpsertResult =
  | { kind: 'created' | 'updated' | 'unchanged'; id: number; url: string }
  | { kind: 'skipped'; reason: string };

export interface UpsertOptions {
  ref: IssueRef;
  key: string;
  /** The whole body, marker first. */
  body: string;
  identity: Identity;
  /** false: only bring an existing comment up to date, never start one. */
  create: boolean;
  retry?: RetryOptions;
  sleep?: (ms: number) => Promise<void>;
  log?: { info(message: string): void };
}

/**
 * Updates our comment in place, or writes it. Creating is not idempotent: when the POST fails with a
 * server error the comment may exist anyway, so before each new attempt the comments are listed again
 * and a comment found then is updated instead. There is never more than one.
 */
export async function upsertComment(octokit: GitHubClient, o: UpsertOptions): Promise<UpsertResult> {
  const retry = o.retry ?? DEFAULT_RETRY;
  const wait = o.sleep ?? realSleep;
  const base = { owner: o.ref.owner, repo: o.ref.repo };
  const update = async (id: number, current: string, url: string): Promise<UpsertResult> => {
    if (current === o.body) return { kind: 'unchanged', id, url };
    const { data } = await octokit.rest.issues.updateComment({ ...base, comment_id: id, body: o.body });
    return { kind: 'updated', id: data.id, url: data.html_url };
  };

  const existing = await findComment(octokit, o.ref, o.key, o.identity);
  if (existing) return update(existing.id, existing.body, existing.htmlUrl);
  if (!o.create) return { kind: 'skipped', reason: 'no earlier comment to update' };

  for (let attempt = 1; ; attempt++) {
    try {
      const { data } = await octokit.rest.issues.createComment({
        ...base,
        issue_number: o.ref.issueNumber,
        body: o.body,
      });
      return { kind: 'created', id: data.id, url: data.html_url };
    } catch (e) {
      const failure = failureOf(e);
      const serverSide = failure.status === undefined || failure.status >= 500;
      const delay = serverSide ? retryDelay(failure, attempt, Date.now(), retry) : null;
      if (delay === null) throw e;
      o.log?.info(
        `GitHub API POST comment: ${failure.status ?? 'no response'}; looking for it again and retrying in ${(delay / 1000).toFixed(1)} s`,
      );
      await wait(delay);
      const stored = await findComment(octokit, o.ref, o.key, o.identity);
      if (stored) return update(stored.id, stored.body, stored.htmlUrl);
    }
  }
}
