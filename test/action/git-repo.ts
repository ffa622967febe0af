/** Real git repositories for the end-to-end tests: a base commit, a head commit, shallow clones. */
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { newWorkspace } from './run-bundle.js';

const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', ['-c', 'user.name=Octo Cat', '-c', 'user.email=octo@example.com', ...args], {
    cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
    .toString()
    .trim();

export type Files = Record<string, string | null>;

/** Writes the files (null removes one) and commits them; returns the commit's SHA. */
export function commit(dir: string, files: Files, message: string): string {
  for (const [path, text] of Object.entries(files)) {
    if (text === null) rmSync(join(dir, path), { force: true });
    else {
      mkdirSync(join(dir, path, '..'), { recursive: true });
      writeFileSync(join(dir, path), text);
    }
  }
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '--allow-empty', '-m', message);
  return git(dir, 'rev-parse', 'HEAD');
}

/** A repository with a base commit and a head commit on top of it, checked out at the head. */
export function basePair(base: Files, head: Files): { dir: string; base: string; head: string } {
  const dir = newWorkspace({});
  git(dir, 'init', '-q', '-b', 'main');
  const b = commit(dir, base, 'base');
  const h = commit(dir, head, 'head');
  return { dir, base: b, head: h };
}

/** A clone holding only the head commit, as actions/checkout's default fetch-depth: 1 leaves it. */
export function shallowClone(dir: string, into = join(newWorkspace({}), 'checkout')): string {
  execFileSync('git', ['clone', '-q', '--depth', '1', `file://${dir}`, into], { stdio: 'ignore' });
  return into;
}

/** A full clone checked out at `sha`. */
export function cloneAt(dir: string, sha: string): string {
  const into = join(newWorkspace({}), 'checkout');
  execFileSync('git', ['clone', '-q', `file://${dir}`, into], { stdio: 'ignore' });
  git(into, 'checkout', '-q', '--detach', sha);
  return into;
}

/** GitHub's merge commit for a pull request: base and head merged, checked out with fetch-depth: 2. */
export function mergeCommit(dir: string, base: string, head: string): string {
  git(dir, 'checkout', '-q', '--detach', base);
  git(dir, 'merge', '-q', '--no-ff', '-m', 'Merge head into base', head);
  return git(dir, 'rev-parse', 'HEAD');
}
