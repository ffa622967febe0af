import type { GitHubClient } from './client.js';
import { authorRank, type Identity } from './identity.js';
import { hasTrackingMarker } from './tracking-marker.js';

export interface RepoRef {
  owner: string;
  repo: string;
}

export interface FoundIssue {
  number: number;
  title: string;
  body: string;
  locked: boolean;
  htmlUrl: string;
}

/**
 * Our tracking issue in one state: the first whose body starts with our marker and whose author is us,
 * pages followed to the end unless a sure match comes first (a Bot that may be us is the fallback, as
 * for the comment). Open issues come oldest first, so a duplicate left by an old race never wins;
 * closed ones most recently updated first, so the one we closed last is reopened. Pull requests, which
 * the issues list includes, are skipped.
 */
export async function findTrackingIssue(
  octokit: GitHubClient,
  ref: RepoRef,
  key: string,
  identity: Identity,
  state: 'open' | 'closed',
): Promise<FoundIssue | undefined> {
  let fallback: FoundIssue | undefined;
  const pages = octokit.paginate.iterator(octokit.rest.issues.listForRepo, {
    owner: ref.owner,
    repo: ref.repo,
    state,
    sort: state === 'open' ? 'created' : 'updated',
    direction: state === 'open' ? 'asc' : 'desc',
    per_page: 100,
  });
  for await (const page of pages) {
    for (const issue of page.data) {
      if (issue.pull_request || !hasTrackingMarker(issue.body, key)) continue;
      const rank = authorRank(identity, issue.user);
      if (rank === null) continue;
      const found = {
        number: issue.number,
        title: issue.title,
        body: issue.body ?? '',
        locked: issue.locked,
        htmlUrl: issue.html_url,
      };
      if (rank === 0) return found;
      fallback ??= found;
    }
  }
  return fallback;
}
