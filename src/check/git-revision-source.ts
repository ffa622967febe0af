import { execFileSync } from 'node:child_process';
import { dirname, relative, resolve, sep } from 'node:path';
import { existsSync } from 'node:fs';
import { InputError } from '../input/input-error.js';
import { inputFromBytes } from '../input/input-file.js';
import type { FileSource } from './file-source.js';
import { RevisionError } from './revision-error.js';

const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MiB`;

function git(cwd: string, args: string[], maxBuffer = 1 << 20): Buffer {
  return execFileSync('git', args, { cwd, maxBuffer, stdio: ['ignore', 'pipe', 'pipe'] });
}

function gitMessage(e: unknown): string {
  const stderr = (e as { stderr?: Buffer }).stderr?.toString().trim();
  return stderr || (e instanceof Error ? e.message : String(e));
}

/**
 * The files as they are at git revision `rev` of the repository that holds each of them, read with
 * `git cat-file` (no checkout). A ref git doesn't know is a usage error naming it.
 */
export function gitRevisionSource(rev: string): FileSource {
  const tops = new Map<string, { top: string; commit: string }>();
  const repoOf = (path: string) => {
    // A file the change removed may have taken its folder with it: ask git from the nearest one left.
    let dir = dirname(resolve(path));
    while (!existsSync(dir) && dirname(dir) !== dir) dir = dirname(dir);
    let found = tops.get(dir);
    if (found) return found;
    let top: string;
    try {
      top = git(dir, ['rev-parse', '--show-toplevel']).toString().trim();
    } catch (e) {
      throw new RevisionError(`--baseline ${rev}: ${path} is not in a git repository (${gitMessage(e)})`);
    }
    let commit: string;
    try {
      commit = git(top, ['rev-parse', '--verify', '--quiet', `${rev}^{commit}`])
        .toString()
        .trim();
    } catch {
      throw new RevisionError(`--baseline "${rev}" is not a revision of the repository at ${top}`);
    }
    found = { top, commit };
    tops.set(dir, found);
    return found;
  };
  const source: FileSource = {
    describe: `git revision ${rev}`,
    read(path, maxBytes) {
      const { top, commit } = repoOf(path);
      source.commit ??= commit;
      source.describe = `git ${commit.slice(0, 12)} (${rev})`;
      const rel = relative(top, resolve(path)).split(sep).join('/');
      let size: number;
      try {
        size = Number(
          git(top, ['cat-file', '-s', `${commit}:${rel}`])
            .toString()
            .trim(),
        );
      } catch {
        return Promise.resolve(undefined);
      }
      if (size > maxBytes) {
        throw new InputError(
          path,
          undefined,
          `is ${mb(size)} at ${rev}, over the ${mb(maxBytes)} input limit (raise it with --max-input-mb)`,
        );
      }
      const bytes = git(top, ['cat-file', 'blob', `${commit}:${rel}`], size + 1024);
      return Promise.resolve(inputFromBytes(path, bytes, maxBytes));
    },
  };
  return source;
}
