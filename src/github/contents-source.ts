import { inputFromBytes, type FileSource } from '../check/file-source.js';
import { InputError } from '../input/input-error.js';
import { failureOf, type GitHubClient } from './client.js';

export interface ContentsSourceOptions {
  client: GitHubClient;
  owner: string;
  repo: string;
  /** A commit, or any ref the API takes; resolved to its commit before the first file is read. */
  ref: string;
  /** For reports: "main at 1a2b3c4". */
  describe: string;
  /** The path inside the repository of a path as the check names it; undefined when outside it. */
  repoPath: (path: string) => string | undefined;
}

// The raw media type returns a file's bytes, up to 100 MB; the JSON one stops at 1 MB. Directories and
// submodules answer JSON whatever is asked. https://docs.github.com/en/rest/repos/contents
const RAW = 'application/vnd.github.raw+json';
// "To return only the SHA-1 hash of the commit reference, provide the sha custom media type"
// (https://docs.github.com/en/rest/commits/commits#get-a-commit).
const SHA = 'application/vnd.github.sha';

const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MiB`;

/** The body of a response asked for unparsed, stopping past `max` bytes. */
async function bodyBytes(body: unknown, max: number): Promise<Uint8Array | undefined> {
  if (body instanceof ArrayBuffer) return body.byteLength > max ? undefined : new Uint8Array(body);
  if (typeof body === 'string') return new TextEncoder().encode(body);
  const reader = (body as ReadableStream<Uint8Array> | null)?.getReader();
  if (!reader) return new Uint8Array();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > max) {
      await reader.cancel();
      return undefined;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

function apiMessage(e: unknown): string {
  const f = failureOf(e);
  return `${f.status ? `HTTP ${f.status}` : 'no response'}: ${f.message}`;
}

/**
 * The files as they are at a commit of a GitHub repository, read through the REST contents API: the
 * base of a pull request when the checkout doesn't hold it (the default shallow checkout, a fork's
 * pull request). The commit is looked up first, so that a 404 for a file means the file isn't there
 * (one the change adds), not a token that can't read the repository. A path outside the repository
 * is not there. Any failure is an InputError naming the file: the comparison reports it.
 */
export function githubContentsSource(o: ContentsSourceOptions): FileSource {
  let resolving: Promise<string> | undefined;
  const resolveCommit = async (path: string): Promise<string> => {
    try {
      const { data } = await o.client.request('GET /repos/{owner}/{repo}/commits/{ref}', {
        owner: o.owner,
        repo: o.repo,
        ref: o.ref,
        headers: { accept: SHA },
        request: { parseSuccessResponseBody: false },
      });
      const sha = new TextDecoder().decode(await bodyBytes(data, 1024)).trim();
      if (!/^[0-9a-f]{40,64}$/.test(sha)) throw new Error(`unexpected answer "${sha.slice(0, 80)}"`);
      return sha;
    } catch (e) {
      const status = failureOf(e).status;
      const hint =
        status === 404 || status === 403 || status === 401
          ? `: the token cannot read ${o.owner}/${o.repo} at ${o.ref} (the workflow needs "contents: read"), or the commit is not there`
          : '';
      throw new InputError(path, undefined, `cannot be read at ${o.ref} (${apiMessage(e)})${hint}`);
    }
  };

  const source: FileSource = {
    describe: o.describe,
    async read(path, maxBytes) {
      const inRepo = o.repoPath(path);
      if (inRepo === undefined) return undefined;
      resolving ??= resolveCommit(path);
      const commit = await resolving;
      source.commit = commit;
      let response;
      try {
        response = await o.client.request('GET /repos/{owner}/{repo}/contents/{path}', {
          owner: o.owner,
          repo: o.repo,
          path: inRepo,
          ref: commit,
          headers: { accept: RAW },
          request: { parseSuccessResponseBody: false },
        });
      } catch (e) {
        if (failureOf(e).status === 404) return undefined;
        throw new InputError(
          path,
          undefined,
          `cannot be read at ${o.ref} through the GitHub API (${apiMessage(e)})`,
        );
      }
      const type = String(response.headers['content-type'] ?? '');
      if (/^application\/json\b/.test(type)) {
        await bodyBytes(response.data, 16 * 1024 * 1024);
        throw new InputError(path, undefined, `is a directory or submodule at ${o.ref}, not a file`);
      }
      const bytes = await bodyBytes(response.data, maxBytes);
      if (!bytes) {
        throw new InputError(path, undefined, `is over the ${mb(maxBytes)} input limit at ${o.ref}`);
      }
      return inputFromBytes(path, bytes, maxBytes);
    },
  };
  return source;
}
