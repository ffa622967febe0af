import { getOctokit } from '@actions/github';
import { TOOL_NAME, TOOL_VERSION } from '../tool-info.js';
import { DEFAULT_RETRY, isRateLimited, retryDelay, type Failure, type RetryOptions } from './retry-policy.js';

export type GitHubClient = ReturnType<typeof getOctokit>;

export interface ClientLog {
  info(message: string): void;
}

export interface ClientOptions {
  retry?: RetryOptions;
  sleep?: (ms: number) => Promise<void>;
  /** Per request; a hung connection must not hold the job. */
  timeoutMs?: number;
}

const IDEMPOTENT = new Set(['GET', 'HEAD', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** What a thrown Octokit error tells about the failed call. */
export function failureOf(e: unknown): Failure {
  const err = e as { status?: unknown; message?: unknown; response?: { headers?: Record<string, string> } };
  const status = typeof err.status === 'number' && err.status > 0 ? err.status : undefined;
  return { status, headers: err.response?.headers ?? {}, message: String(err.message ?? e) };
}

/**
 * An Octokit client from @actions/github (it honours GITHUB_API_URL and the runner's proxy settings)
 * whose requests time out and are retried: idempotent ones on server errors and rate limits, POSTs only
 * on rate limits, which GitHub answers before doing anything. A POST that failed with a server error may
 * still have been stored, so its caller decides (see upsert-comment.ts).
 */
export function createClient(token: string, log: ClientLog, options: ClientOptions = {}): GitHubClient {
  const retry = options.retry ?? DEFAULT_RETRY;
  const wait = options.sleep ?? sleep;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const octokit = getOctokit(token, {
    userAgent: `${TOOL_NAME}/${TOOL_VERSION}`,
    log: {
      debug: () => {},
      info: () => {},
      warn: (m: string) => log.info(m),
      error: (m: string) => log.info(m),
    },
  });
  octokit.hook.wrap('request', async (request, endpoint) => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await request({
          ...endpoint,
          request: { ...endpoint.request, signal: AbortSignal.timeout(timeoutMs) },
        });
      } catch (e) {
        const failure = failureOf(e);
        const safe = IDEMPOTENT.has(endpoint.method) || isRateLimited(failure);
        const delay = safe ? retryDelay(failure, attempt, Date.now(), retry) : null;
        if (delay === null) throw e;
        log.info(
          `GitHub API ${endpoint.method} ${endpoint.url}: ${failure.status ?? 'no response'}; retrying in ${(delay / 1000).toFixed(1)} s (attempt ${attempt + 1} of ${retry.maxAttempts})`,
        );
        await wait(delay);
      }
    }
  });
  return octokit;
}
