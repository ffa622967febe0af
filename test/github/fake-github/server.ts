/**
 * A stateful fake of the few GitHub REST endpoints the action uses, on 127.0.0.1. Every request is
 * checked against GitHub's REST description (openapi.ts) and so is every response the fake sends; any
 * mismatch is recorded in `violations`, which the tests expect to stay empty. It keeps issue comments
 * (ids, authors, bodies) and issues (state, lock, author), pages lists with Link headers, knows which
 * token is which account, and can be told to fail requests (5xx, rate limits) to exercise retries.
 * It also serves repository files at commits (the contents API, raw or base64 JSON, and a commit's SHA).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { githubOpenApi, type Operation } from './openapi.js';

export interface Account {
  login: string;
  type: 'User' | 'Bot';
  id: number;
  /** Installation tokens (GITHUB_TOKEN, apps) can't call GET /user. */
  installation: boolean;
  /** False: a read-only token (a fork's pull request under pull_request). */
  canWrite: boolean;
  /** Whether the token may write issues (`issues: write`); defaults to canWrite. */
  canWriteIssues?: boolean;
  /** Whether the token may read repository contents (`contents: read`); defaults to true. */
  canReadContents?: boolean;
}

/** A commit of a repository the fake serves files from. */
export interface StoredCommit {
  /** owner/repo. */
  repository: string;
  sha: string;
  /** Branch names pointing at it. */
  refs: string[];
  files: Map<string, Buffer>;
}

export interface StoredIssue {
  number: number;
  title: string;
  body: string;
  author: Account;
  state: 'open' | 'closed';
  stateReason: 'completed' | 'not_planned' | 'duplicate' | 'reopened' | null;
  locked: boolean;
  /** A pull request, which the issues list includes. */
  pullRequest: boolean;
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
}

export interface StoredComment {
  id: number;
  issueNumber: number;
  body: string;
  author: Account;
  createdAt: string;
  updatedAt: string;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: string;
  operationId?: string;
  status: number;
  body?: unknown;
  /** The Accept header, for media types. */
  accept?: string;
}

export interface Fault {
  /** Which operation to fail, e.g. 'issues/create-comment'. */
  operationId: string;
  status: number;
  headers?: Record<string, string>;
  message?: string;
  /** How many matching requests fail before they succeed again. */
  times: number;
  /** Do the work, then answer with the failure (a proxy that lost GitHub's answer). */
  afterStore?: boolean;
}

/** GitHub refuses longer comment bodies (counted in characters). */
const MAX_BODY = 65_536;

export class FakeGitHub {
  readonly api = githubOpenApi();
  readonly tokens = new Map<string, Account>();
  readonly comments: StoredComment[] = [];
  readonly requests: RecordedRequest[] = [];
  readonly violations: string[] = [];
  readonly faults: Fault[] = [];
  readonly issues: StoredIssue[] = [];
  readonly commits: StoredCommit[] = [];
  /** False: issues are turned off in the repository (GitHub answers 410). */
  issuesEnabled = true;
  private nextId = 1_000_001;
  private nextIssueNumber = 100;
  private clock = 0;
  private server?: Server;
  url = '';

  addToken(token: string, account: Omit<Account, 'id'>): Account {
    const full = { ...account, id: 40_000 + this.tokens.size };
    this.tokens.set(token, full);
    return full;
  }

  /** Comments by someone else, to make pages. */
  seed(
    issueNumber: number,
    count: number,
    author: Omit<Account, 'id'>,
    body = (i: number) => `comment ${i}`,
  ): void {
    const account = { ...author, id: 90_000 };
    for (let i = 0; i < count; i++) this.store(issueNumber, body(i), account);
  }

  /** An issue (or, with pullRequest, a pull request) written by someone, as it stands. */
  addIssue(
    author: Omit<Account, 'id'> & { id?: number },
    fields: Partial<Omit<StoredIssue, 'number' | 'author'>> & { title: string; body: string },
  ): StoredIssue {
    const now = this.now();
    const issue: StoredIssue = {
      state: 'open',
      stateReason: null,
      locked: false,
      pullRequest: false,
      createdAt: now,
      updatedAt: now,
      closedAt: null,
      ...fields,
      number: this.nextIssueNumber++,
      author: { id: 90_001, ...author },
    };
    this.issues.push(issue);
    return issue;
  }

  /** A commit of `repository` (owner/repo) holding these files, so that the contents API serves them. */
  addCommit(
    repository: string,
    sha: string,
    files: Record<string, string | Buffer>,
    refs: string[] = [],
  ): void {
    const map = new Map(Object.entries(files).map(([p, t]) => [p, Buffer.isBuffer(t) ? t : Buffer.from(t)]));
    this.commits.push({ repository, sha, refs, files: map });
  }

  commentsOn(issueNumber: number): StoredComment[] {
    return this.comments.filter((c) => c.issueNumber === issueNumber);
  }

  writes(): RecordedRequest[] {
    return this.requests.filter((r) => r.method !== 'GET');
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => this.handle(req, Buffer.concat(chunks).toString('utf8'), res));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  private store(issueNumber: number, body: string, author: Account): StoredComment {
    const now = new Date(Date.UTC(2026, 10, 24, 12, 0, 0) + this.comments.length * 1000).toISOString();
    const c = { id: this.nextId++, issueNumber, body, author, createdAt: now, updatedAt: now };
    this.comments.push(c);
    return c;
  }

  /** A clock that moves a second per write, so that updated_at orders writes. */
  private now(): string {
    return new Date(Date.UTC(2026, 10, 24, 13, 0, 0) + this.clock++ * 1000).toISOString();
  }

  private userJson(a: Account): Record<string, unknown> {
    const u = this.api.example('simple-user');
    const base = `${this.url}/users/${encodeURIComponent(a.login)}`;
    return {
      ...u,
      login: a.login,
      id: a.id,
      node_id: `U_${a.id}`,
      type: a.type,
      url: base,
      html_url: `https://github.com/${a.login}`,
    };
  }

  private commentJson(owner: string, repo: string, c: StoredComment): Record<string, unknown> {
    const example = this.api.example('issue-comment');
    return {
      ...example,
      id: c.id,
      node_id: `IC_${c.id}`,
      url: `${this.url}/repos/${owner}/${repo}/issues/comments/${c.id}`,
      html_url: `https://github.com/${owner}/${repo}/pull/${c.issueNumber}#issuecomment-${c.id}`,
      issue_url: `${this.url}/repos/${owner}/${repo}/issues/${c.issueNumber}`,
      body: c.body,
      user: this.userJson(c.author),
      created_at: c.createdAt,
      updated_at: c.updatedAt,
      author_association: 'NONE',
      performed_via_github_app: null,
    };
  }

  private issueJson(owner: string, repo: string, i: StoredIssue): Record<string, unknown> {
    const { pull_request: pullRequest, ...example } = this.api.example('issue');
    const api = `${this.url}/repos/${owner}/${repo}`;
    const html = `https://github.com/${owner}/${repo}/${i.pullRequest ? 'pull' : 'issues'}/${i.number}`;
    return {
      ...example,
      ...(i.pullRequest ? { pull_request: { ...(pullRequest as object), html_url: html } } : {}),
      id: 5_000_000 + i.number,
      node_id: `I_${i.number}`,
      url: `${api}/issues/${i.number}`,
      repository_url: api,
      labels_url: `${api}/issues/${i.number}/labels{/name}`,
      comments_url: `${api}/issues/${i.number}/comments`,
      events_url: `${api}/issues/${i.number}/events`,
      html_url: html,
      number: i.number,
      state: i.state,
      state_reason: i.stateReason,
      title: i.title,
      body: i.body,
      user: this.userJson(i.author),
      labels: [],
      assignee: null,
      assignees: [],
      milestone: null,
      locked: i.locked,
      active_lock_reason: i.locked ? 'resolved' : null,
      comments: this.commentsOn(i.number).length,
      created_at: i.createdAt,
      updated_at: i.updatedAt,
      closed_at: i.closedAt,
      closed_by: null,
      author_association: 'NONE',
    };
  }

  /** One page of a list, with GitHub's Link header. */
  private page<T>(url: URL, all: T[]): { items: T[]; headers: Record<string, string> } {
    const perPage = Math.min(100, Number(url.searchParams.get('per_page') ?? 30));
    const page = Math.max(1, Number(url.searchParams.get('page') ?? 1));
    const last = Math.max(1, Math.ceil(all.length / perPage));
    const link = (p: number) => {
      const u = new URL(url);
      u.searchParams.set('page', String(p));
      u.searchParams.set('per_page', String(perPage));
      return `<${u.toString()}>`;
    };
    const links: string[] = [];
    if (page < last) links.push(`${link(page + 1)}; rel="next"`, `${link(last)}; rel="last"`);
    if (page > 1) links.push(`${link(1)}; rel="first"`, `${link(page - 1)}; rel="prev"`);
    return {
      items: all.slice((page - 1) * perPage, page * perPage),
      headers: links.length ? { link: links.join(', ') } : {},
    };
  }

  private handle(req: IncomingMessage, raw: string, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', this.url);
    const method = req.method ?? 'GET';
    const { match, problems } = this.api.validateRequest(method, url, raw, req.headers['content-type']);
    const record: RecordedRequest = {
      method,
      path: url.pathname,
      query: url.search,
      operationId: match?.operation.operationId,
      status: 0,
      ...(req.headers.accept ? { accept: req.headers.accept } : {}),
    };
    this.requests.push(record);
    const send = (status: number, body?: unknown, headers: Record<string, string> = {}) => {
      record.status = status;
      if (Buffer.isBuffer(body)) {
        // A custom media type's raw answer (file bytes, a SHA): not JSON, so not schema-checked.
        res.writeHead(status, { 'x-github-media-type': 'github.v3; format=raw', ...headers });
        res.end(body);
        return;
      }
      // Only successes are checked: the description leaves out many error statuses GitHub sends.
      if (match && body !== undefined && status < 400) {
        for (const p of this.api.validateResponse(match.operation, status, body))
          this.violations.push(`fake response: ${p}`);
      }
      res.writeHead(status, {
        'content-type': 'application/json; charset=utf-8',
        'x-github-media-type': 'github.v3',
        ...headers,
      });
      res.end(body === undefined ? '' : JSON.stringify(body));
    };
    const error = (status: number, message: string, headers: Record<string, string> = {}) =>
      send(
        status,
        { message, documentation_url: 'https://docs.github.com/rest', status: String(status) },
        headers,
      );

    if (problems.length || !match) {
      this.violations.push(...problems.map((p) => `request: ${p}`));
      return error(match ? 422 : 404, problems.join('; ') || 'Not Found');
    }
    try {
      record.body = raw ? JSON.parse(raw) : undefined;
    } catch {
      record.body = raw;
    }
    const auth = /^(?:token|bearer) (.+)$/i.exec(req.headers.authorization ?? '');
    const account = auth ? this.tokens.get(auth[1]!) : undefined;
    if (!account) return error(401, 'Bad credentials');

    const fault = this.faults.find((f) => f.operationId === match.operation.operationId && f.times > 0);
    if (fault) {
      fault.times--;
      if (fault.afterStore)
        this.dispatch(
          match.operation,
          match.params,
          url,
          record.body,
          account,
          () => {},
          () => {},
        );
      return error(fault.status, fault.message ?? 'Server Error', fault.headers);
    }
    this.dispatch(match.operation, match.params, url, record.body, account, send, error, record.accept);
  }

  private commitFor(owner: string, repo: string, ref: string): StoredCommit | undefined {
    return this.commits.find(
      (c) => c.repository === `${owner}/${repo}` && (c.sha === ref || c.refs.includes(ref)),
    );
  }

  /** GET a commit: only the SHA media type is served (that is all the action asks for). */
  private getCommit(
    owner: string,
    repo: string,
    ref: string,
    accept: string | undefined,
    account: Account,
    send: (status: number, body?: unknown, headers?: Record<string, string>) => void,
    error: (status: number, message: string) => void,
  ): void {
    if (account.canReadContents === false) return error(403, 'Resource not accessible by integration');
    const commit = this.commitFor(owner, repo, ref);
    if (!commit) return error(404, `No commit found for SHA: ${ref}`);
    if (accept !== 'application/vnd.github.sha') {
      this.violations.push(
        `get-commit asked with Accept "${accept}"; the fake serves only the sha media type`,
      );
      return error(415, 'Unsupported media type');
    }
    return send(200, Buffer.from(commit.sha), {
      'content-type': 'application/vnd.github.sha; charset=utf-8',
    });
  }

  /**
   * GET contents at a ref: a file's raw bytes (raw media type, up to 100 MB), its base64 JSON (1 MB at
   * most; larger files come back with empty content and encoding "none"), or a directory's listing as
   * JSON whatever is asked. https://docs.github.com/en/rest/repos/contents
   */
  private getContent(
    owner: string,
    repo: string,
    path: string,
    url: URL,
    accept: string | undefined,
    account: Account,
    send: (status: number, body?: unknown, headers?: Record<string, string>) => void,
    error: (status: number, message: string) => void,
  ): void {
    if (account.canReadContents === false) return error(403, 'Resource not accessible by integration');
    const ref = url.searchParams.get('ref');
    const commit = ref ? this.commitFor(owner, repo, ref) : undefined;
    if (!commit) return error(404, `No commit found for the ref ${ref ?? ''}`);
    const api = `${this.url}/repos/${owner}/${repo}`;
    const entry = (p: string, type: 'file' | 'dir', size: number, content?: Buffer) => ({
      type,
      ...(content ? { encoding: content.length <= 1024 * 1024 ? 'base64' : 'none' } : {}),
      size,
      name: p.split('/').pop()!,
      path: p,
      ...(content ? { content: content.length <= 1024 * 1024 ? content.toString('base64') : '' } : {}),
      sha: '0'.repeat(40),
      url: `${api}/contents/${p}?ref=${commit.sha}`,
      git_url: `${api}/git/blobs/${'0'.repeat(40)}`,
      html_url: `https://github.com/${owner}/${repo}/blob/${commit.sha}/${p}`,
      download_url:
        type === 'file' ? `https://raw.githubusercontent.com/${owner}/${repo}/${commit.sha}/${p}` : null,
      _links: {
        self: `${api}/contents/${p}?ref=${commit.sha}`,
        git: `${api}/git/blobs/${'0'.repeat(40)}`,
        html: `https://github.com/${owner}/${repo}/blob/${commit.sha}/${p}`,
      },
    });
    const file = commit.files.get(path);
    if (file) {
      if (accept?.startsWith('application/vnd.github.raw')) {
        return send(200, file, { 'content-type': 'application/vnd.github.raw' });
      }
      return send(200, entry(path, 'file', file.length, file));
    }
    const children = [...commit.files.keys()].filter((p) => p.startsWith(`${path}/`));
    if (children.length === 0) return error(404, 'Not Found');
    const names = [...new Set(children.map((p) => p.slice(path.length + 1).split('/')[0]!))];
    return send(
      200,
      names.map((n) => {
        const p = `${path}/${n}`;
        const f = commit.files.get(p);
        return { ...entry(p, f ? 'file' : 'dir', f?.length ?? 0), download_url: null };
      }),
    );
  }

  private dispatch(
    op: Operation,
    params: Record<string, string>,
    url: URL,
    body: unknown,
    account: Account,
    send: (status: number, body?: unknown, headers?: Record<string, string>) => void,
    error: (status: number, message: string) => void,
    accept?: string,
  ): void {
    const { owner = '', repo = '' } = params;
    switch (op.operationId) {
      case 'repos/get-commit':
        return this.getCommit(owner, repo, params.ref!, accept, account, send, error);
      case 'repos/get-content':
        return this.getContent(owner, repo, params.path!, url, accept, account, send, error);
      case 'users/get-authenticated': {
        if (account.installation) return error(403, 'Resource not accessible by integration');
        return send(200, {
          ...this.api.example('private-user'),
          ...this.userJson(account),
          user_view_type: 'private',
        });
      }
      case 'issues/list-comments': {
        const { items, headers } = this.page(url, this.commentsOn(Number(params.issue_number)));
        return send(
          200,
          items.map((c) => this.commentJson(owner, repo, c)),
          headers,
        );
      }
      case 'issues/list-for-repo': {
        if (!this.issuesEnabled) return error(410, 'Issues are disabled for this repo');
        const state = url.searchParams.get('state') ?? 'open';
        const by = url.searchParams.get('sort') === 'updated' ? 'updatedAt' : 'createdAt';
        const sign = url.searchParams.get('direction') === 'asc' ? 1 : -1;
        const all = this.issues
          .filter((i) => state === 'all' || i.state === state)
          .sort((a, b) => sign * (a[by].localeCompare(b[by]) || a.number - b.number));
        const { items, headers } = this.page(url, all);
        return send(
          200,
          items.map((i) => this.issueJson(owner, repo, i)),
          headers,
        );
      }
      case 'issues/create': {
        if (!this.issuesEnabled) return error(410, 'Issues are disabled for this repo');
        if (!(account.canWriteIssues ?? account.canWrite))
          return error(403, 'Resource not accessible by integration');
        const { title, body: text = '' } = body as { title: string; body?: string };
        if ([...text].length > MAX_BODY)
          return error(422, `Body is too long (maximum is ${MAX_BODY} characters)`);
        const issue = this.addIssue(account, { title, body: text });
        return send(201, this.issueJson(owner, repo, issue), {
          location: `${this.url}/repos/${owner}/${repo}/issues/${issue.number}`,
        });
      }
      case 'issues/update': {
        if (!this.issuesEnabled) return error(410, 'Issues are disabled for this repo');
        const issue = this.issues.find((i) => i.number === Number(params.issue_number));
        if (!issue) return error(404, 'Not Found');
        if (!(account.canWriteIssues ?? account.canWrite))
          return error(403, 'Resource not accessible by integration');
        const change = body as {
          title?: string;
          body?: string;
          state?: 'open' | 'closed';
          state_reason?: StoredIssue['stateReason'];
        };
        if (change.body !== undefined && [...change.body].length > MAX_BODY)
          return error(422, `Body is too long (maximum is ${MAX_BODY} characters)`);
        const now = this.now();
        if (change.title !== undefined) issue.title = change.title;
        if (change.body !== undefined) issue.body = change.body;
        if (change.state === 'closed' && issue.state === 'open') {
          Object.assign(issue, {
            state: 'closed',
            closedAt: now,
            stateReason: change.state_reason ?? 'completed',
          });
        } else if (change.state === 'open' && issue.state === 'closed') {
          Object.assign(issue, { state: 'open', closedAt: null, stateReason: 'reopened' });
        }
        issue.updatedAt = now;
        return send(200, this.issueJson(owner, repo, issue));
      }
      case 'issues/create-comment': {
        const issue = this.issues.find((i) => i.number === Number(params.issue_number));
        const allowed =
          issue && !issue.pullRequest ? (account.canWriteIssues ?? account.canWrite) : account.canWrite;
        if (!allowed) return error(403, 'Resource not accessible by integration');
        if (issue) issue.updatedAt = this.now();
        const text = (body as { body: string }).body;
        if ([...text].length > MAX_BODY)
          return error(422, `Body is too long (maximum is ${MAX_BODY} characters)`);
        const c = this.store(Number(params.issue_number), text, account);
        return send(201, this.commentJson(owner, repo, c), {
          location: `${this.url}/repos/${owner}/${repo}/issues/comments/${c.id}`,
        });
      }
      case 'issues/update-comment': {
        const c = this.comments.find((x) => x.id === Number(params.comment_id));
        if (!c) return error(404, 'Not Found');
        if (!account.canWrite || c.author.login !== account.login) {
          return error(403, 'Resource not accessible by integration');
        }
        const text = (body as { body: string }).body;
        if ([...text].length > MAX_BODY)
          return error(422, `Body is too long (maximum is ${MAX_BODY} characters)`);
        c.body = text;
        c.updatedAt = new Date(Date.parse(c.updatedAt) + 60_000).toISOString();
        return send(200, this.commentJson(owner, repo, c));
      }
      default:
        this.violations.push(`unexpected call: ${op.operationId}`);
        return error(404, 'Not Found');
    }
  }
}
