import { isAbsolute, relative, resolve, sep } from 'node:path';
import { inputFromBytes, type FileSource } from '../check/file-source.js';
import { InputError } from '../input/input-error.js';

/** What the workflow's checkout holds, as git tells it; every question answers undefined without git. */
export class GitCheckout {
  private constructor(readonly top: string) {}

  /** The repository holding `dir`, when it is one (and git is installed). */
  static at(dir: string): GitCheckout | undefined {
    try {
      return new GitCheckout(git(dir, ['rev-parse', '--show-toplevel']).toString().trim());
    } catch {
      return undefined;
    }
  }

  /** The commit a ref names, when its objects are here (a shallow checkout lacks the base's). */
  commit(ref: string): string | undefined {
    try {
      const sha = git(this.top, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`])
        .toString()
        .trim();
      git(this.top, ['cat-file', '-e', `${sha}^{commit}`]);
      return sha;
    } catch {
      return undefined;
    }
  }

  /** HEAD's parents (two for the merge commit GitHub checks out for a pull request). */
  parents(): string[] {
    try {
      return git(this.top, ['rev-list', '--parents', '-n', '1', 'HEAD'])
        .toString()
        .trim()
        .split(/\s+/)
        .slice(1);
    } catch {
      return [];
    }
  }

  /** A path (as the check names it) inside the repository, with / separators; undefined outside it. */
  repoPath(path: string): string | undefined {
    const rel = relative(this.top, resolve(path)).split(sep).join('/');
    return rel === '' || rel === '..' || rel.startsWith('../') || isAbsolute(rel) ? undefined : rel;
  }

  /** The files at `commit`, read with `git cat-file` (no checkout). */
  source(commit: string, describe: string): FileSource {
    return {
      describe,
      commit,
      read: (path, maxBytes) => {
        const rel = this.repoPath(path);
        let size: number;
        try {
          if (rel === undefined) throw new Error('outside');
          size = Number(
            git(this.top, ['cat-file', '-s', `${commit}:${rel}`])
              .toString()
              .trim(),
          );
        } catch {
          return Promise.resolve(undefined);
        }
        if (size > maxBytes) {
          const mib = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MiB`;
          throw new InputError(
            path,
            undefined,
            `is ${mib(size)} there, over the ${mib(maxBytes)} input limit`,
          );
        }
        const bytes = git(this.top, ['cat-file', 'blob', `${commit}:${rel}`], size + 1024);
        return Promise.resolve(inputFromBytes(path, bytes, maxBytes));
      },
    };
  }
}

function git(cwd: string, args: string[], maxBuffer = 1 << 20): Buffer {
  // Loaded on first use: child_process (with net, dgram, streams) costs ~3.5 ms of start-up, and a push
  // run never calls git.
  const { execFileSync } = process.getBuiltinModule('node:child_process');
  return execFileSync('git', args, { cwd, maxBuffer, stdio: ['ignore', 'pipe', 'pipe'] });
}
