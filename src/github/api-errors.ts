import { failureOf } from './client.js';

/**
 * A failed comment write, said so that the reader can act on it. A 403 is nearly always a token without
 * write access to pull requests, which is what a pull request from a fork gets under `pull_request`.
 */
export function commentFailureMessage(e: unknown, fork: boolean): string {
  const f = failureOf(e);
  if (f.status === 403 || f.status === 401) {
    const why = fork
      ? 'this pull request comes from a fork, and GitHub gives such runs a read-only GITHUB_TOKEN'
      : 'the token cannot write to pull requests';
    return (
      `could not write the pull-request comment (HTTP ${f.status}: ${f.message}): ${why}. ` +
      'The comment needs the "pull-requests: write" permission (permissions: pull-requests: write); ' +
      'for forks see "Fork pull requests" in docs/action.md. The check result is not affected.'
    );
  }
  if (f.status === 404) {
    return `could not write the pull-request comment (HTTP 404: ${f.message}): the token cannot see this repository or pull request. The check result is not affected.`;
  }
  return `could not write the pull-request comment (${f.status ? `HTTP ${f.status}` : 'no response'}: ${f.message}). The check result is not affected.`;
}
