import { failureOf } from './client.js';
import { isRateLimited } from './retry-policy.js';

/** A failed tracking-issue call, said so that the reader can act on it. */
export function trackingIssueFailureMessage(e: unknown): string {
  const f = failureOf(e);
  const what = `could not update the tracking issue (${f.status ? `HTTP ${f.status}` : 'no response'}: ${f.message})`;
  const after = 'The check result is not affected.';
  if (isRateLimited(f)) return `${what}: GitHub's rate limit; the next run tries again. ${after}`;
  if (f.status === 403 || f.status === 401) {
    return (
      `${what}: the token cannot write issues. The tracking issue needs the "issues: write" permission ` +
      `(permissions: issues: write), or set tracking-issue: never. ${after}`
    );
  }
  // GitHub answers 410 Gone when issues are turned off in the repository.
  if (f.status === 410) {
    return `${what}: issues are turned off in this repository; turn them on or set tracking-issue: never. ${after}`;
  }
  if (f.status === 404) return `${what}: the token cannot see this repository. ${after}`;
  return `${what}. ${after}`;
}
