/**
 * What a run compares with, from its event: the pull request's or merge group's base. Kept apart from
 * @actions/github so that the action can decide without loading the GitHub client.
 */
export const BASELINE_EVENTS: ReadonlySet<string> = new Set([
  'pull_request',
  'pull_request_target',
  'merge_group',
]);

export interface BaseRevision {
  /** The base commit. */
  sha: string;
  /** The branch it is the tip of, for people ("main"). */
  ref: string;
  /** The repository the base commit is in (the base repository, also for a fork's pull request). */
  owner: string;
  repo: string;
  /** The pull request's head commit, when the event names one. */
  headSha?: string;
}

interface Payload {
  pull_request?: {
    base?: { sha?: unknown; ref?: unknown; repo?: { full_name?: unknown } | null };
    head?: { sha?: unknown };
  };
  merge_group?: { base_sha?: unknown; base_ref?: unknown; head_sha?: unknown };
  repository?: { full_name?: unknown };
}

const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);
const isSha = (v: string | undefined): v is string =>
  v !== undefined && /^[0-9a-f]{40}([0-9a-f]{24})?$/.test(v);

function split(fullName: string | undefined): { owner: string; repo: string } | undefined {
  const m = fullName ? /^([^/]+)\/([^/]+)$/.exec(fullName) : null;
  return m ? { owner: m[1]!, repo: m[2]! } : undefined;
}

/** The base of a pull_request, pull_request_target or merge_group event; undefined for other events. */
export function baseRevision(
  eventName: string,
  payload: unknown,
  repository?: string,
): BaseRevision | undefined {
  if (!BASELINE_EVENTS.has(eventName)) return undefined;
  const p = (payload ?? {}) as Payload;
  const fallbackRepo = split(str(p.repository?.full_name) ?? repository);
  if (eventName === 'merge_group') {
    const sha = str(p.merge_group?.base_sha);
    if (!isSha(sha) || !fallbackRepo) return undefined;
    const ref = str(p.merge_group?.base_ref)?.replace(/^refs\/heads\//, '') ?? sha.slice(0, 7);
    const head = str(p.merge_group?.head_sha);
    return { sha, ref, ...fallbackRepo, ...(isSha(head) ? { headSha: head } : {}) };
  }
  const base = p.pull_request?.base;
  const sha = str(base?.sha);
  const repo = split(str(base?.repo?.full_name)) ?? fallbackRepo;
  if (!isSha(sha) || !repo) return undefined;
  const head = str(p.pull_request?.head?.sha);
  return { sha, ref: str(base?.ref) ?? sha.slice(0, 7), ...repo, ...(isSha(head) ? { headSha: head } : {}) };
}
