import { describe, expect, it } from 'vitest';
import { DEFAULT_RETRY, isRateLimited, retryDelay } from '../../src/github/retry-policy.js';

const NOW = 1_800_000_000_000;
const fixed = () => 0.5; // no jitter: 0.8 + 0.4 * 0.5 = 1

describe('retryDelay', () => {
  it('backs off exponentially on server errors and lost connections, then gives up', () => {
    const f = { status: 502, headers: {}, message: 'Bad Gateway' };
    expect([1, 2, 3, 4].map((a) => retryDelay(f, a, NOW, DEFAULT_RETRY, fixed))).toEqual([
      1000,
      2000,
      4000,
      null,
    ]);
    expect(retryDelay({ headers: {}, message: 'socket hang up' }, 1, NOW, DEFAULT_RETRY, fixed)).toBe(1000);
  });

  it('does not retry client errors', () => {
    for (const status of [400, 401, 403, 404, 422]) {
      expect(
        retryDelay({ status, headers: {}, message: 'Resource not accessible by integration' }, 1, NOW),
      ).toBeNull();
    }
  });

  it('waits what Retry-After says on a secondary rate limit', () => {
    const f = {
      status: 403,
      headers: { 'retry-after': '3' },
      message: 'You have exceeded a secondary rate limit',
    };
    expect(isRateLimited(f)).toBe(true);
    expect(retryDelay(f, 1, NOW)).toBe(3000);
  });

  it('waits until X-RateLimit-Reset when the primary limit is spent, if that is soon', () => {
    const soon = {
      status: 403,
      headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(NOW / 1000 + 10) },
      message: 'API rate limit exceeded',
    };
    expect(retryDelay(soon, 1, NOW)).toBe(11_000);
    const late = { ...soon, headers: { ...soon.headers, 'x-ratelimit-reset': String(NOW / 1000 + 3600) } };
    expect(retryDelay(late, 1, NOW)).toBeNull();
  });

  it('a secondary limit without headers waits a minute; a bare 429 backs off', () => {
    expect(retryDelay({ status: 403, headers: {}, message: 'secondary rate limit' }, 1, NOW)).toBe(60_000);
    expect(
      retryDelay({ status: 429, headers: {}, message: 'Too Many Requests' }, 2, NOW, DEFAULT_RETRY, fixed),
    ).toBe(2000);
  });
});
