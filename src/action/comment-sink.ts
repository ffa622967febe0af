import { commentMarker } from '../github/comment-marker.js';
import { PULL_REQUEST_EVENTS } from '../github/events.js';
import type { ActionLog } from './action-log.js';
import type { RunInfo } from './run-info.js';
import type { CommentMode } from './settings.js';

export interface CommentRequest {
  mode: CommentMode;
  token: string;
  key: string;
  /** Whether the check failed (a failing verdict, or a check that could not run). */
  failed: boolean;
  /**
   * The body after the marker, within `maxChars`; `footer` (plain text) names the run. Called only when
   * there is a comment to write, so it may load its renderer then.
   */
  render: (maxChars: number, footer: string | undefined) => string | Promise<string>;
  run: RunInfo;
  log: ActionLog;
  eventName: string;
}

/**
 * The pull-request comment, when there is a pull request and the mode asks for one: `always` writes or
 * updates it; `on-failure` writes it only for a failing check but still brings an existing one to the
 * current state. Returns the comment id. The GitHub client is loaded only here.
 */
export async function postComment(r: CommentRequest): Promise<number | undefined> {
  if (r.mode === 'never') return undefined;
  if (!PULL_REQUEST_EVENTS.has(r.eventName)) {
    r.log.info(`No pull-request comment: a ${r.eventName || 'local'} run has no pull request.`);
    return undefined;
  }
  const marker = commentMarker(r.key);
  const { GITHUB_COMMENT_MAX_CHARS, postStickyComment } = await import('../github/sticky-comment.js');
  const footer = r.run.label ? `Updated by ${r.run.label}.` : undefined;
  const body = `${marker}\n${await r.render(GITHUB_COMMENT_MAX_CHARS - marker.length - 1, footer)}`;
  const result = await postStickyComment({
    token: r.token,
    key: r.key,
    body,
    create: r.mode === 'always' || r.failed,
    log: { info: (m) => r.log.info(m), warn: (m) => r.log.warn(m) },
  });
  if (result.kind === 'skipped') r.log.info(`No pull-request comment: ${result.reason}.`);
  if (result.kind === 'failed') return undefined;
  if (result.kind !== 'skipped') r.log.info(`Pull-request comment ${result.kind}: ${result.url}`);
  return result.kind === 'skipped' ? undefined : result.id;
}
