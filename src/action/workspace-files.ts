import { existsSync, readdirSync, realpathSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { UsageError } from '../check/usage-error.js';
import { compileSegments, expandBraces, isGlob, matchSegments } from './glob.js';

/** Directories never searched by a glob: version control and installed packages. */
const SKIP_DIRS = new Set(['.git', 'node_modules']);

const toPosix = (p: string) => p.split(sep).join('/');

function inside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/**
 * Refuses a file whose real location is outside the workspace. Configs come from the pull request, and
 * under pull_request_target a symbolic link to the runner's files (or /proc/self/environ, which holds the
 * token) would otherwise be read, and its content quoted in parse errors.
 */
export function assertInWorkspace(root: string, path: string, what: string): void {
  const abs = resolve(root, path);
  if (!inside(root, abs)) throw new UsageError(`${what} "${path}" is outside the workspace`);
  if (!existsSync(abs)) return; // the reader reports a missing file with its own message
  if (!inside(realpathSync(root), realpathSync(abs))) {
    throw new UsageError(
      `${what} "${path}" is a symbolic link to a file outside the workspace; only files in the repository are read`,
    );
  }
}

function listFiles(root: string): string[] {
  const out: string[] = [];
  walk(root, root, out);
  return out;
}

function walk(root: string, dir: string, out: string[]): void {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries) {
    const abs = join(dir, e.name);
    if (e.isDirectory()) {
      if (!SKIP_DIRS.has(e.name)) walk(root, abs, out);
    } else if (e.isFile() || e.isSymbolicLink()) {
      // Symbolic links are listed (and checked later); linked directories are not followed.
      out.push(toPosix(relative(root, abs)));
    }
  }
}

/** The directory a glob can start from: its leading segments without glob characters. */
function staticPrefix(pattern: string): string {
  const parts = pattern.split('/');
  const fixed: string[] = [];
  for (const p of parts.slice(0, -1)) {
    if (isGlob(p)) break;
    fixed.push(p);
  }
  return fixed.join('/');
}

/**
 * Expands the `config` patterns (relative to the workspace) into workspace-relative file paths, in
 * pattern order, each once.
 * A pattern starting with `!` removes matches. A plain path is kept as given even if missing (the reader
 * then says it cannot be read); a glob that matches nothing is a usage error.
 */
export function resolveConfigFiles(patterns: readonly string[], root: string): string[] {
  const includes = patterns.filter((p) => !p.startsWith('!'));
  const excludes = patterns
    .filter((p) => p.startsWith('!'))
    .flatMap((p) => expandBraces(p.slice(1)))
    .map(compileSegments);
  if (includes.length === 0) throw new UsageError('input "config": no config file pattern given');
  const excluded = (rel: string) => excludes.some((m) => matchSegments(m, rel.split('/')));
  const found: string[] = [];
  let tree: string[] | undefined;
  for (const pattern of includes) {
    const matches = new Set<string>();
    for (const alt of expandBraces(pattern)) {
      const rel = toPosix(relative(root, resolve(root, alt)));
      if (!inside(root, resolve(root, alt))) {
        throw new UsageError(`config "${pattern}" is outside the workspace`);
      }
      if (!isGlob(alt)) {
        matches.add(rel);
        continue;
      }
      const matchers = compileSegments(rel);
      const prefix = staticPrefix(rel);
      if (prefix && !existsSync(join(root, prefix))) continue;
      tree ??= listFiles(root);
      for (const file of tree) {
        if (matchSegments(matchers, file.split('/'))) matches.add(file);
      }
    }
    const kept = [...matches].filter((m) => !excluded(m)).sort();
    if (kept.length === 0 && isGlob(pattern)) {
      throw new UsageError(`config pattern "${pattern}" matched no file in the workspace`);
    }
    for (const m of kept) {
      if (!found.includes(m)) found.push(m);
    }
  }
  for (const f of found) assertInWorkspace(root, f, 'config');
  return found;
}
