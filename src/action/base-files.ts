import { existsSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { WORKING_TREE, type FileSource } from '../check/file-source.js';
import { InputError } from '../input/input-error.js';
import { GitCheckout } from './git-checkout.js';

/**
 * Which git checkout holds each file the check names, and the file's path in that repository: the
 * workspace's own, or one checked out into a subdirectory (the pull request's files under
 * `pull_request_target`, kept apart from the base branch's settings).
 */
export class Checkouts {
  private readonly byDir = new Map<string, GitCheckout | undefined>();

  constructor(
    private readonly root: string,
    private readonly cwd: string,
  ) {}

  /** The workspace's checkout. */
  get main(): GitCheckout | undefined {
    return this.at(this.root);
  }

  private at(dir: string): GitCheckout | undefined {
    if (!this.byDir.has(dir)) this.byDir.set(dir, GitCheckout.at(dir));
    return this.byDir.get(dir);
  }

  /** Nothing for a path outside the workspace (a downloaded catalog): it is the same on both sides. */
  locate(path: string): { checkout?: GitCheckout; rel?: string } {
    const abs = resolve(this.cwd, path);
    const inRoot = relative(this.root, abs).split(sep).join('/');
    if (inRoot === '' || inRoot === '..' || inRoot.startsWith('../') || isAbsolute(inRoot)) return {};
    let dir = dirname(abs);
    while (!existsSync(dir) && dir.length > this.root.length) dir = dirname(dir);
    const checkout = this.at(dir);
    const rel = checkout?.repoPath(abs);
    return checkout && rel !== undefined ? { checkout, rel } : { rel: inRoot };
  }
}

export interface BaseFilesOptions {
  checkouts: Checkouts;
  /** The base commit, when known before reading (else the contents API resolves the ref). */
  sha?: string;
  describe: string;
  /** The contents API at the base, made on first use; throws when it can't be (no token). */
  api: () => Promise<FileSource>;
  /** Gets 'git' or 'api' for each way a file was read, for the log. */
  used: Set<'git' | 'api'>;
}

/**
 * The files at the base: read with git from the checkout holding each of them when it has the base
 * commit's objects, else through the contents API at that commit.
 */
export function baseFiles(o: BaseFilesOptions): FileSource {
  const commits = new Map<GitCheckout, string | undefined>();
  let api: Promise<FileSource> | undefined;
  const source: FileSource = {
    describe: o.describe,
    ...(o.sha ? { commit: o.sha } : {}),
    async read(path, maxBytes) {
      const { checkout, rel } = o.checkouts.locate(path);
      if (rel === undefined) return WORKING_TREE.read(path, maxBytes);
      if (checkout && o.sha) {
        if (!commits.has(checkout)) commits.set(checkout, checkout.commit(o.sha));
        const sha = commits.get(checkout);
        if (sha) {
          o.used.add('git');
          return checkout.source(sha, o.describe).read(path, maxBytes);
        }
      }
      api ??= o.api();
      let contents: FileSource;
      try {
        contents = await api;
      } catch (e) {
        throw new InputError(path, undefined, e instanceof Error ? e.message : String(e));
      }
      o.used.add('api');
      const file = await contents.read(path, maxBytes);
      source.commit ??= contents.commit;
      return file;
    },
  };
  return source;
}
