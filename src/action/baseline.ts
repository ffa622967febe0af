import { existsSync, readFileSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { WORKING_TREE, type FileSource } from '../check/file-source.js';
import { runCheck, type CheckOptions, type CheckResult } from '../check/run-check.js';
import { runDriftCheck } from '../check/run-drift.js';
import { UsageError } from '../check/usage-error.js';
import type { Drift } from '../drift/compare.js';
import { baseRevision } from '../github/base-revision.js';
import { InputError } from '../input/input-error.js';
import type { RuleUrl } from '../report/comment-report.js';
import { readActionInputs, readToken } from './action-inputs.js';
import { GitCheckout } from './git-checkout.js';
import { parseRepoConfig, REPO_CONFIG_PATH } from './repo-config.js';
import { resolveSettings, type ActionSettings } from './settings.js';
import { splitSources } from './source-spec.js';

export interface BaselineRun {
  /** For the log: what the run compared with, and how the base was read. */
  info: string[];
  /** Links to a rule's line at the head and base commits, when both are known. */
  ruleUrl?: RuleUrl;
}

export interface Checked {
  check: CheckResult;
  drift?: Drift;
  baseline: BaselineRun;
}

interface Where {
  root: string;
  cwd: string;
  env: NodeJS.ProcessEnv;
}

interface Plan {
  /** The ref as people know it ("main"), for the report. */
  ref: string;
  source: FileSource;
  owner: string;
  repo: string;
  how: string;
}

const short = (sha: string) => sha.slice(0, 7);

function eventPayload(env: NodeJS.ProcessEnv): unknown {
  const path = env.GITHUB_EVENT_PATH;
  if (!path || !existsSync(path)) return undefined;
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return undefined;
  }
}

function splitRepo(fullName: string | undefined): { owner: string; repo: string } | undefined {
  const m = fullName ? /^([^/]+)\/([^/]+)$/.exec(fullName) : null;
  return m ? { owner: m[1]!, repo: m[2]! } : undefined;
}

/** A path as the check names it (relative to the working directory), inside the repository. */
function repoPathOf(w: Where, checkout: GitCheckout | undefined): (path: string) => string | undefined {
  if (checkout) return (p) => checkout.repoPath(resolve(w.cwd, p));
  return (p) => {
    const rel = relative(w.root, resolve(w.cwd, p)).split(sep).join('/');
    return rel === '' || rel === '..' || rel.startsWith('../') || rel.startsWith('/') ? undefined : rel;
  };
}

/** Files outside the repository (a downloaded catalog) are the same on both sides: the working tree's. */
function outsideFromWorkingTree(source: FileSource, inRepo: (p: string) => string | undefined): FileSource {
  return {
    get describe() {
      return source.describe;
    },
    get commit() {
      return source.commit;
    },
    read: (path, maxBytes) =>
      inRepo(path) === undefined ? WORKING_TREE.read(path, maxBytes) : source.read(path, maxBytes),
  };
}

/** Which commit to compare with and how to read it; undefined: no comparison on this run. */
async function plan(
  setting: string,
  w: Where,
  checkout: GitCheckout | undefined,
  info: string[],
): Promise<Plan | undefined> {
  if (setting === 'off') return undefined;
  const eventName = w.env.GITHUB_EVENT_NAME ?? '';
  let base: { sha?: string; ref: string; owner: string; repo: string; headSha?: string } | undefined;
  if (setting === 'auto') {
    base = baseRevision(eventName, eventPayload(w.env), w.env.GITHUB_REPOSITORY);
    if (!base) {
      info.push(
        `No baseline: a ${eventName || 'local'} run has no base to compare with (the "baseline" input can name a ref).`,
      );
      return undefined;
    }
  } else {
    const repo = splitRepo(w.env.GITHUB_REPOSITORY);
    const sha = checkout?.commit(setting);
    if (!sha && !repo)
      throw new UsageError(`the "baseline" input "${setting}" is not a revision of the checkout`);
    base = { ...(sha ? { sha } : {}), ref: setting, owner: repo?.owner ?? '', repo: repo?.repo ?? '' };
  }

  if (checkout) {
    // The merge commit GitHub checks out for a pull request: its first parent is what the pull request
    // merges into, exactly (fetch-depth: 2 fetches it).
    const [first, second, ...more] = checkout.parents();
    const mergeBase = base.headSha && second === base.headSha && more.length === 0 ? first : undefined;
    const sha = mergeBase ?? (base.sha ? checkout.commit(base.sha) : undefined);
    if (sha) {
      const describe = `${base.ref} at ${short(sha)}`;
      return {
        ref: base.ref,
        source: checkout.source(sha, describe),
        owner: base.owner,
        repo: base.repo,
        how: mergeBase ? `the merge commit's first parent, read with git` : `read with git from the checkout`,
      };
    }
  }
  const at = base.sha ?? base.ref;
  const token = readToken();
  if (!token)
    throw new BaseUnavailable(
      base.ref,
      `${base.ref}: not in the checkout, and no github-token to read it with`,
    );
  const { createClient } = await import('../github/client.js');
  const { githubContentsSource } = await import('../github/contents-source.js');
  const describe = base.sha ? `${base.ref} at ${short(base.sha)}` : base.ref;
  return {
    ref: base.ref,
    source: githubContentsSource({
      client: createClient(token, { info: (m) => info.push(m) }),
      owner: base.owner,
      repo: base.repo,
      ref: at,
      describe,
      repoPath: repoPathOf(w, checkout),
    }),
    owner: base.owner,
    repo: base.repo,
    how: `read through the GitHub contents API from ${base.owner}/${base.repo} (the checkout does not hold it; fetch-depth: 2 lets git read it)`,
  };
}

/** The base can't be read at all: the comparison says so and the check stands. */
class BaseUnavailable extends Error {
  constructor(
    readonly ref: string,
    message: string,
  ) {
    super(message);
  }
}

type Comparable = Pick<
  CheckOptions,
  | 'version'
  | 'mode'
  | 'sources'
  | 'sourceZones'
  | 'destinationZones'
  | 'destinationZoneOverrides'
  | 'relays'
  | 'requireRecommended'
  | 'format'
>;

function comparable(s: ActionSettings): Comparable {
  const { sources, zones } = splitSources(s.sources);
  return {
    version: s.version,
    mode: s.mode,
    sources,
    sourceZones: zones,
    destinationZones: s.destinationZones,
    destinationZoneOverrides: s.destinationZoneOverrides,
    relays: s.relays,
    requireRecommended: s.requireBackups,
    format: s.format,
  };
}

/**
 * What the base's settings file (.github/remotespark-firewall.yml) changes for the base's check: the
 * settings it gives that differ from this run's (a remotespark-version the pull request bumps). Inputs
 * override both sides alike.
 */
async function baseOptions(
  source: FileSource,
  settings: ActionSettings,
  w: Where,
  notes: string[],
): Promise<Partial<CheckOptions>> {
  let file;
  try {
    file = await source.read(relative(w.cwd, join(w.root, REPO_CONFIG_PATH)) || '.', 1 << 20);
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    throw new BaseUnavailable('', `it cannot be read (${e.format()})`);
  }
  const raw = file ? parseRepoConfig(file.text) : {};
  const base = resolveSettings({ ...raw, config: settings.configs }, readActionInputs());
  const head = comparable(settings);
  const then = comparable(base);
  const diff: Partial<CheckOptions> = {};
  for (const key of Object.keys(then) as (keyof Comparable)[]) {
    if (JSON.stringify(then[key]) !== JSON.stringify(head[key])) Object.assign(diff, { [key]: then[key] });
  }
  if (base.catalog !== settings.catalog) {
    if (base.catalog && /^[a-z][a-z0-9+.-]*:\/\//i.test(base.catalog)) {
      notes.push(`The base names another catalog (${base.catalog}); it is checked with this run's.`);
    } else {
      diff.catalog = base.catalog ? relative(w.cwd, join(w.root, base.catalog)) : undefined;
    }
  }
  return diff;
}

function blobUrl(
  server: string,
  owner: string,
  repo: string,
  sha: string,
  path: string,
  line: number,
): string {
  const p = path.split('/').map(encodeURIComponent).join('/');
  return `${server}/${encodeURIComponent(owner)}/${encodeURIComponent(repo)}/blob/${sha}/${p}#L${line}`;
}

const inputProblem = (e: unknown): e is InputError | UsageError =>
  e instanceof InputError || e instanceof UsageError;

/**
 * The check, compared with the baseline when there is one: on pull_request, pull_request_target and
 * merge_group runs the base commit (read with git when the checkout holds it, else through the contents
 * API), or the ref the "baseline" setting names. A base that can't be read or checked is said in the
 * comparison (drift.baseline.error); the head's check stands either way.
 */
export async function checkWithBaseline(
  settings: ActionSettings,
  w: Where,
  /** Gets what the reader should know about the comparison (said beside the result). */
  notes: string[],
  options: CheckOptions,
): Promise<Checked> {
  const info: string[] = [];
  const checkout = GitCheckout.at(w.root);
  /** The head's check alone, with the comparison saying why there is none. */
  const alone = async (baseline: Drift['baseline']): Promise<Checked> => {
    info.push(`Not compared with ${baseline.describe}: ${baseline.error}.`);
    return { check: await runCheck(options), drift: { baseline, flows: [] }, baseline: { info } };
  };
  let p: Plan | undefined;
  try {
    p = await plan(settings.baseline, w, checkout, info);
  } catch (e) {
    if (!(e instanceof BaseUnavailable)) throw e;
    return alone({ ref: e.ref, describe: e.ref, error: e.message });
  }
  if (!p) return { check: await runCheck(options), baseline: { info } };

  const inRepo = repoPathOf(w, checkout);
  const files = outsideFromWorkingTree(p.source, inRepo);
  let differences: Partial<CheckOptions>;
  try {
    differences = await baseOptions(files, settings, w, notes);
  } catch (e) {
    if (!(e instanceof BaseUnavailable) && !inputProblem(e)) throw e;
    const error =
      e instanceof BaseUnavailable
        ? e.message
        : `its settings file cannot be used (${e instanceof InputError ? e.format() : e.message})`;
    const commit = files.commit;
    return alone({ ref: p.ref, describe: files.describe, ...(commit ? { commit } : {}), error });
  }
  const { head, drift } = await runDriftCheck(options, { ref: p.ref, files, options: differences });
  info.unshift(`Compared with ${drift.baseline.describe}, ${p.how}.`);
  const baseSha = drift.baseline.commit;
  const headSha = checkout?.commit('HEAD') ?? w.env.GITHUB_SHA;
  const server = w.env.GITHUB_SERVER_URL || 'https://github.com';
  const { owner, repo } = p;
  const ruleUrl: RuleUrl | undefined =
    owner && repo
      ? (side, path, line) => {
          const sha = side === 'head' ? headSha : baseSha;
          const inside = inRepo(path);
          return sha && inside ? blobUrl(server, owner, repo, sha, inside, line) : undefined;
        }
      : undefined;
  return { check: head, drift, baseline: { info, ...(ruleUrl ? { ruleUrl } : {}) } };
}
