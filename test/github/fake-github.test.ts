import { describe, expect, it } from 'vitest';
import { githubOpenApi } from './fake-github/openapi.js';

/** The fake's request checker must itself catch what GitHub would refuse. */
describe("checking requests against GitHub's REST description", () => {
  const api = githubOpenApi();
  const check = (method: string, path: string, body = '', type = 'application/json') =>
    api.validateRequest(method, new URL(`http://127.0.0.1${path}`), body, type).problems;

  it('accepts what the action sends', () => {
    expect(check('GET', '/repos/o/r/issues/2/comments?per_page=100&page=2')).toEqual([]);
    expect(check('POST', '/repos/o/r/issues/2/comments', '{"body":"x"}')).toEqual([]);
    expect(check('PATCH', '/repos/o/r/issues/comments/5', '{"body":"x"}')).toEqual([]);
    expect(check('GET', '/user')).toEqual([]);
    expect(check('GET', '/repos/o/r/issues?state=closed&sort=updated&direction=desc&per_page=100')).toEqual(
      [],
    );
    expect(check('POST', '/repos/o/r/issues', '{"title":"t","body":"x"}')).toEqual([]);
    expect(check('PATCH', '/repos/o/r/issues/7', '{"state":"closed","state_reason":"completed"}')).toEqual(
      [],
    );
  });

  it('refuses unknown operations, parameters and bodies', () => {
    expect(check('GET', '/repos/o/r/issues/2/comment')).toHaveLength(1);
    expect(check('DELETE', '/user')).toHaveLength(1);
    expect(check('GET', '/repos/o/r/issues/2/comments?perpage=100')[0]).toContain('perpage');
    expect(check('GET', '/repos/o/r/issues/two/comments')[0]).toContain('integer');
    expect(check('POST', '/repos/o/r/issues/2/comments', '{"text":"x"}')[0]).toContain("'body'");
    expect(check('POST', '/repos/o/r/issues/2/comments', '{"body":1}')[0]).toContain('string');
    expect(check('POST', '/repos/o/r/issues/2/comments')[0]).toContain('required');
    expect(check('GET', '/user', '{"x":1}')[0]).toContain('no request body');
    expect(check('GET', '/repos/o/r/issues?state=any')[0]).toContain('allowed values');
    expect(check('POST', '/repos/o/r/issues', '{"body":"x"}')[0]).toContain("'title'");
    expect(check('PATCH', '/repos/o/r/issues/7', '{"state":"reopened"}')[0]).toContain('allowed values');
  });

  it('checks the fake answers too', () => {
    const op = api.match('PATCH', '/repos/o/r/issues/comments/5')!.operation;
    expect(api.validateResponse(op, 200, api.example('issue-comment'))).toEqual([]);
    expect(api.validateResponse(op, 200, { id: 'x' }).length).toBeGreaterThan(0);
  });
});
