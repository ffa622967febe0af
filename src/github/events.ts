/**
 * Which events carry a pull request to comment on. Kept apart from @actions/github so that the action
 * can decide without loading the GitHub client (most of its start-up cost) when there is nothing to do.
 */
export const PULL_REQUEST_EVENTS: ReadonlySet<string> = new Set(['pull_request', 'pull_request_target']);

interface PullRequestPayload {
  pull_request?: { number?: unknown; head?: { repo?: { full_name?: unknown } | null } };
  repository?: { full_name?: unknown };
}

/** The pull request an event is about, or undefined (merge_group, push, workflow_dispatch, ...). */
export function pullRequestNumber(eventName: string, payload: unknown): number | undefined {
  if (!PULL_REQUEST_EVENTS.has(eventName)) return undefined;
  const n = (payload as PullRequestPayload | undefined)?.pull_request?.number;
  return typeof n === 'number' && Number.isInteger(n) && n > 0 ? n : undefined;
}

/** Whether the pull request comes from another repository (a fork): its token is then read-only. */
export function isForkPullRequest(payload: unknown): boolean {
  const p = payload as PullRequestPayload | undefined;
  const head = p?.pull_request?.head?.repo?.full_name;
  const base = p?.repository?.full_name;
  return typeof head === 'string' && typeof base === 'string' && head !== base;
}
