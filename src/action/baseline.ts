import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { FileSource } from '../check/file-source.js';
import { runCheck, type CheckOptions, type CheckResult } from '../check/run-check.js';
import { UsageError } from '../check/usage-error.js';
import type { Drift } from '../drift/compare.js';
import { baseRevision } from '../github/base-revision.js';
import { InputError } from '../input/input-error.js';
import type { RuleUrl } from '../report/comment-report.js';
import { readActionInputs, readToken } from './action-inputs.js';
import { baseFiles, Checkouts } from './base-files.js';
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
  /** How the base was read, once it has been. */
  how: () => string;
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

/** Which commit to compare with and how to read it; undefined: no comparison on this run. */
function plan(setting: string, w: Where, checkouts: Checkouts, info: string[]): Plan | undefined {
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
    const sha = checkouts.main?.commit(setting);
    if (!sha && !repo) {
      throw new UsageError(`the "baseline" input "${setting}" is not a revision of the checkout`);
    }
    base = { ...(sha ? { sha } : {}), ref: setting, owner: repo?.owner ?? '', repo: repo?.repo ?? '' };
  }

  // The merge commit GitHub checks out for a pull request: its first parent is exactly what the pull
  // request merges into (fetch-depth: 2 fetches it), even when the base branch moved since the event.
  // (checkouts.main runs git: asked for only once a baseline is planned, so a push run starts no git.)
  const [first, second, ...more] = checkouts.main?.parents() ?? [];
  const mergeParent = base.headSha && second === base.headSha && more.length === 0 ? first : undefined;
  const sha = mergeParent ?? base.sha;
  const used = new Set<'git' | 'api'>();
  const { owner, repo } = base;
  const at = sha ?? base.ref;
  const source = baseFiles({
    checkouts,
    ...(sha ? { sha } : {}),
    describe: sha ? `${base.ref} at ${short(sha)}` : base.ref,
    used,
    api: async () => {
      const token = readToken();
      if (!token)
        throw new Error(`is not in the checkout at ${at}, and there is no github-token to read it with`);
      const { createClient } = await import('../github/client.js');
      const { githubContentsSource } = await import('../github/contents-source.js');
      return githubContentsSource({
        client: createClient(token, { info: (m) => info.push(m) }),
        owner,
        repo,
        ref: at,
        describe: source.describe,
        repoPath: (p) => checkouts.locate(p).rel,
      });
    },
  });
  const how = () =>
    [
      used.has('git')
        ? mergeParent
          ? "the merge commit's first parent, read with git"
          : 'read with git from the checkout'
        : undefined,
      used.has('api')
        ? `read through the GitHub contents API from ${owner}/${repo} (the checkout does not hold it; fetch-depth: 2 lets git read it)`
        : undefined,
    ]
      .filter(Boolean)
      .join('; ') || 'nothing read';
  return { ref: base.ref, source, owner, repo, how };
}

/** The base can't be read at all: the comparison says so and the check stands. */
class BaseUnavailable extends Error {}

type Comparable = Pick<
  CheckOptions,
  | 'version'
  | 'mode'
  | 'sources'
  | 'sourceZones'
  | 'destinationZones'
  | 'destinationZoneOverrides'
  | 'read'
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
    read: { chain: s.chain },
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
    throw new BaseUnavailable(`it cannot be read (${e.format()})`);
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
  const checkouts = new Checkouts(w.root, w.cwd);
  const p = plan(settings.baseline, w, checkouts, info);
  if (!p) return { check: await runCheck(options), baseline: { info } };

  const files = p.source;
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
    const baseline = { ref: p.ref, describe: files.describe, ...(commit ? { commit } : {}), error };
    // The head's check alone, with the comparison saying why there is none.
    info.push(`Not compared with ${baseline.describe}: ${error}.`);
    return { check: await runCheck(options), drift: { baseline, flows: [] }, baseline: { info } };
  }
  // Loaded only with a base to compare with (drift, rule identities): a push run doesn't compile them.
  const { runDriftCheck } = await import('../check/run-drift.js');
  const { head, drift } = await runDriftCheck(options, { ref: p.ref, files, options: differences });
  info.unshift(`Compared with ${drift.baseline.describe}, ${p.how()}.`);
  const baseSha = drift.baseline.commit;
  const server = w.env.GITHUB_SERVER_URL || 'https://github.com';
  const { owner, repo } = p;
  const ruleUrl: RuleUrl | undefined =
    owner && repo
      ? (side, path, line) => {
          const { checkout, rel } = checkouts.locate(path);
          const sha = side === 'base' ? baseSha : (checkout?.commit('HEAD') ?? w.env.GITHUB_SHA);
          return sha && rel ? blobUrl(server, owner, repo, sha, rel, line) : undefined;
        }
      : undefined;
  return { check: head, drift, baseline: { info, ...(ruleUrl ? { ruleUrl } : {}) } };
}
