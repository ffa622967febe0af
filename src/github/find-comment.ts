import type { GitHubClient } from './client.js';
import { hasMarker } from './comment-marker.js';
import { authorRank, type Identity } from './identity.js';

export interface IssueRef {
  owner: string;
  repo: string;
  issueNumber: number;
}

export interface FoundComment {
  id: number;
  body: string;
  htmlUrl: string;
}

/**
 * Our comment on the pull request: the first (oldest) one whose first line is our marker and whose
 * author is us. Pages through every comment (100 a page, following the Link header) and stops at a sure
 * match; a comment by a Bot that may be us is kept as the fallback.
 */
export async function findComment(
  octokit: GitHubClient,
  ref: IssueRef,
  key: string,
  identity: Identity,
): Promise<FoundComment | undefined> {
  let fallback: FoundComment | undefined;
  const pages = octokit.paginate.iterator(octokit.rest.issues.listComments, {
    owner: ref.owner,
    repo: ref.repo,
    issue_number: ref.issueNumber,
    per_page: 100,
  });
  for await (const page of pages) {
    for (const c of page.data) {
      if (!hasMarker(c.body, key)) continue;
      const rank = authorRank(identity, c.user);
      if (rank === null) continue;
      const found = { id: c.id, body: c.body ?? '', htmlUrl: c.html_url };
      if (rank === 0) return found;
      fallback ??= found;
    }
  }
  return fallback;
}
