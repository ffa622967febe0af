import { context } from '@actions/github';
import { commentFailureMessage } from './api-errors.js';
import { createClient, type ClientOptions } from './client.js';
import { isForkPullRequest, pullRequestNumber } from './events.js';
import { resolveIdentity } from './identity.js';
import { upsertComment } from './upsert-comment.js';

/** GitHub refuses a longer issue-comment body. */
export const GITHUB_COMMENT_MAX_CHARS = 65_536;

export interface StickyCommentRequest {
  token: string;
  key: string;
  /** Marker first; at most GITHUB_COMMENT_MAX_CHARS. */
  body: string;
  create: boolean;
  log: { info(message: string): void; warn(message: string): void };
  client?: ClientOptions;
}

export type StickyCommentResult =
  | { kind: 'created' | 'updated' | 'unchanged'; id: number; url: string }
  | { kind: 'skipped'; reason: string }
  | { kind: 'failed' };

/**
 * The one comment per pull request and config set: found, then updated or written. Loaded on demand
 * (this module pulls in Octokit). Failures are warnings: the check's result is already settled.
 */
export async function postStickyComment(req: StickyCommentRequest): Promise<StickyCommentResult> {
  const number = pullRequestNumber(context.eventName, context.payload);
  if (number === undefined) {
    return { kind: 'skipped', reason: `a ${context.eventName} event has no pull request` };
  }
  if (!req.token) return { kind: 'skipped', reason: 'no github-token' };
  if (req.body.length > GITHUB_COMMENT_MAX_CHARS) throw new Error('comment body over the GitHub limit');
  const { owner, repo } = context.repo;
  try {
    const octokit = createClient(req.token, req.log, req.client);
    const identity = await resolveIdentity(octokit, req.token, req.log);
    return await upsertComment(octokit, {
      ref: { owner, repo, issueNumber: number },
      key: req.key,
      body: req.body,
      identity,
      create: req.create,
      retry: req.client?.retry,
      sleep: req.client?.sleep,
      log: req.log,
    });
  } catch (e) {
    req.log.warn(commentFailureMessage(e, isForkPullRequest(context.payload)));
    return { kind: 'failed' };
  }
}
