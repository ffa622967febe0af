/** How a failed GitHub API call is retried: server errors with backoff, rate limits by the headers. */
export interface RetryOptions {
  /** Attempts in all, the first included. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** A rate limit that resets later than this is not waited for. */
  maxWaitMs: number;
}

export const DEFAULT_RETRY: RetryOptions = {
  maxAttempts: 4,
  baseDelayMs: 1000,
  maxDelayMs: 8000,
  maxWaitMs: 60_000,
};

/** What is known of a failed call. `status` is undefined when no response came (network error, timeout). */
export interface Failure {
  status?: number;
  headers: Record<string, string | number | undefined>;
  message: string;
}

/** Primary limit exhausted, or a secondary limit (GitHub answers these with 403 or 429). */
export function isRateLimited(f: Failure): boolean {
  if (f.status !== 403 && f.status !== 429) return false;
  return (
    f.status === 429 ||
    f.headers['retry-after'] !== undefined ||
    String(f.headers['x-ratelimit-remaining']) === '0' ||
    /rate limit/i.test(f.message)
  );
}

/**
 * Milliseconds to wait before attempt `attempt + 1`, or null: do not retry. Rate limits wait what the
 * response says (Retry-After, else X-RateLimit-Reset, else a minute for a secondary limit); server errors
 * and lost connections back off exponentially with jitter.
 */
export function retryDelay(
  f: Failure,
  attempt: number,
  nowMs: number,
  options: RetryOptions = DEFAULT_RETRY,
  random: () => number = Math.random,
): number | null {
  if (attempt >= options.maxAttempts) return null;
  if (isRateLimited(f)) {
    const retryAfter = Number(f.headers['retry-after']);
    const reset = Number(f.headers['x-ratelimit-reset']);
    let wait: number;
    if (f.headers['retry-after'] !== undefined && Number.isFinite(retryAfter)) wait = retryAfter * 1000;
    else if (String(f.headers['x-ratelimit-remaining']) === '0' && Number.isFinite(reset)) {
      wait = reset * 1000 - nowMs + 1000;
    } else if (f.status === 429) wait = backoff(attempt, options, random);
    else wait = 60_000;
    wait = Math.max(0, wait);
    return wait <= options.maxWaitMs ? wait : null;
  }
  if (f.status === undefined || f.status >= 500) return backoff(attempt, options, random);
  return null;
}

function backoff(attempt: number, options: RetryOptions, random: () => number): number {
  const base = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(base * (0.8 + 0.4 * random()));
}
