import { describe, expect, it } from 'vitest';
import { commentKey, commentMarker, hasMarker } from '../../src/github/comment-marker.js';
import { authorRank } from '../../src/github/identity.js';
import { isForkPullRequest, pullRequestNumber } from '../../src/github/events.js';

describe('comment marker', () => {
  it('keys a config set independently of order, spacing and repeats', () => {
    expect(commentKey(['b.yaml', ' a.yaml', 'a.yaml'])).toBe(commentKey(['a.yaml', 'b.yaml']));
    expect(commentKey(['a.yaml'])).not.toBe(commentKey(['b.yaml']));
    expect(commentKey(['a.yaml'])).toMatch(/^[0-9a-f]{16}$/);
  });

  it('is recognised only as the first line', () => {
    const key = commentKey(['fw/*.yaml']);
    const marker = commentMarker(key);
    expect(hasMarker(`${marker}\nbody`, key)).toBe(true);
    expect(hasMarker(`${marker}\r\nbody`, key)).toBe(true);
    expect(hasMarker(`> ${marker}\nquoted`, key)).toBe(false);
    expect(hasMarker(`hello\n${marker}`, key)).toBe(false);
    expect(hasMarker(`${commentMarker('0000000000000000')}\n`, key)).toBe(false);
    expect(hasMarker(null, key)).toBe(false);
  });
});

describe('comment author', () => {
  it('a known login matches exactly; an installation token accepts any Bot, preferring its own', () => {
    expect(authorRank({ login: 'netops-ci', anyBot: false }, { login: 'NetOps-CI', type: 'User' })).toBe(0);
    expect(
      authorRank({ login: 'netops-ci', anyBot: false }, { login: 'github-actions[bot]', type: 'Bot' }),
    ).toBeNull();
    const installation = { login: 'github-actions[bot]', anyBot: true };
    expect(authorRank(installation, { login: 'github-actions[bot]', type: 'Bot' })).toBe(0);
    expect(authorRank(installation, { login: 'my-app[bot]', type: 'Bot' })).toBe(1);
    expect(authorRank(installation, { login: 'mallory', type: 'User' })).toBeNull();
    expect(authorRank(installation, null)).toBeNull();
  });
});

describe('events', () => {
  const payload = {
    pull_request: { number: 7, head: { repo: { full_name: 'me/fork' } } },
    repository: { full_name: 'org/repo' },
  };
  it('only pull_request and pull_request_target carry a pull request to comment on', () => {
    expect(pullRequestNumber('pull_request', payload)).toBe(7);
    expect(pullRequestNumber('pull_request_target', payload)).toBe(7);
    for (const e of ['merge_group', 'push', 'workflow_dispatch', 'issue_comment']) {
      expect(pullRequestNumber(e, payload)).toBeUndefined();
    }
    expect(pullRequestNumber('pull_request', {})).toBeUndefined();
  });
  it('tells a fork', () => {
    expect(isForkPullRequest(payload)).toBe(true);
    expect(isForkPullRequest({ ...payload, repository: { full_name: 'me/fork' } })).toBe(false);
  });
});
