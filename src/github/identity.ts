import type { ClientLog, GitHubClient } from './client.js';
import { failureOf } from './client.js';

/** The login GitHub shows for comments written with a workflow's GITHUB_TOKEN. */
export const ACTIONS_BOT = 'github-actions[bot]';

/** Who our comments are written by, as far as the token lets us know. */
export interface Identity {
  /** The exact author login, when known. */
  login: string;
  /**
   * An installation token (GITHUB_TOKEN or a GitHub App's) cannot ask who it is: GET /user and GET /app
   * both refuse it. Its comments are written by a Bot account, `github-actions[bot]` for GITHUB_TOKEN and
   * `<app-slug>[bot]` for an app; so any Bot author is accepted, the exact login preferred.
   */
  anyBot: boolean;
}

export interface Author {
  login?: string;
  type?: string;
}

/** 0: written by us for sure; 1: by a Bot that may be us; null: not ours. */
export function authorRank(identity: Identity, user: Author | null | undefined): 0 | 1 | null {
  if (!user?.login) return null;
  if (user.login.toLowerCase() === identity.login.toLowerCase()) return 0;
  return identity.anyBot && user.type === 'Bot' ? 1 : null;
}

/**
 * Installation tokens start with `ghs_` (GitHub's token prefixes); for them we go straight to the Bot
 * rule. Personal access tokens (`ghp_`, `github_pat_`), OAuth and user-to-server tokens (`gho_`, `ghu_`)
 * can call GET /user, which names the account the comments will carry. If that fails, the Bot rule is the
 * fallback (a comment written then by a user account will not be found again, so a new one is written).
 */
export async function resolveIdentity(
  octokit: GitHubClient,
  token: string,
  log: ClientLog,
): Promise<Identity> {
  const installation: Identity = { login: ACTIONS_BOT, anyBot: true };
  if (token.startsWith('ghs_')) return installation;
  try {
    const { data } = await octokit.rest.users.getAuthenticated();
    return { login: data.login, anyBot: false };
  } catch (e) {
    log.info(
      `GET /user failed (${failureOf(e).status ?? 'no response'}): looking for our comment by its marker and a Bot author`,
    );
    return installation;
  }
}
