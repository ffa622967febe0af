import { inputTexts } from '../check/input-texts.js';
import { parseChainOption } from '../check/chain-option.js';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { CatalogUsageError, isCatalogUrl, MODES, withLocalFile, type Mode } from '../catalog/index.js';
import { gitRevisionSource } from '../check/git-revision-source.js';
import { runCheck, type CheckOptions, type CheckResult } from '../check/run-check.js';
import type { Drift } from '../drift/compare.js';
import { runDriftCheck } from '../check/run-drift.js';
import { remediate } from '../remediate/remediate.js';
import { renderPatch } from '../report/fix-text.js';
import { renderSarif } from '../report/sarif.js';
import { execFileSync } from 'node:child_process';
import { relative, resolve, sep } from 'node:path';
import { formatIds } from '../formats/registry.js';
import { UsageError } from '../check/usage-error.js';
import { InputError } from '../input/input-error.js';
import { buildJsonReport, type JsonReport } from '../report/json-report.js';
import { renderMarkdown } from '../report/markdown-report.js';
import { plainText } from '../report/escape.js';
import { renderText } from '../report/text-report.js';
import { TOOL_NAME, TOOL_VERSION } from '../tool-info.js';
import { catalogOutputs, runCatalogCommand } from './catalog-command.js';
import { localCatalogPath } from './catalog-option.js';
import { jsonError, jsonInternalError, wantsJson } from './json-error.js';
import { jsonPieces } from '../report/json-pieces.js';

export interface CliIo {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  /** Whether stdout is a terminal that takes colour. */
  color: boolean;
}

export const USAGE = `Usage:
  ${TOOL_NAME} check <config>... [options]
  ${TOOL_NAME} catalog releases [--catalog PATH] [--output table|csv|json]
  ${TOOL_NAME} catalog flows [--version V] [--mode cloud|na|eu] [--require-backups] [--relay CIDR]...
                              [--catalog PATH] [--output table|csv|json]
  ${TOOL_NAME} catalog diff A B [--mode cloud|na|eu] [--require-backups] [--catalog PATH]
                              [--output table|csv|json|markdown]
  ${TOOL_NAME} --help | --tool-version

check options:
  --version V            RemoteSpark version (x.y.z or latest; default latest)
  --mode M               cloud (Traffic Manager, default), na or eu (pinned datacentre)
  --source CIDR          client source addresses (repeatable); default: any source
  --source-zone Z        client zone or interface (repeatable); default: any zone
  --destination-zone Z   zone or interface the internet is reached through, where the config doesn't
                         tell (repeatable; a default route in the config wins)
  --destination-zone-override POLICY=Z[,Z...]
                         egress zones of one policy, replacing what its config says (repeatable)
  --flow HOST:PORT/PROTO check these flows instead of the catalog's (repeatable; HOST * = any destination)
  --relay CIDR           STUN/TURN relay addresses from Kognitiv Spark Support (repeatable)
  --require-backups      treat recommended flows (redundancies, backups) as required
  --policy NAME          check only this vsys, VDOM, device group or firewall of the input (repeatable)
  --chain C              iptables/nftables: FORWARD (a router: clients behind it) or OUTPUT (a host:
                         the machine is the client); default: worked out from the rules
  --format ID            reader to use instead of detection (auto, ${formatIds().join(', ')})
  --catalog PATH         catalog file or overlay (default: the built-in catalog); or an https:// URL,
                         downloaded once into the user's cache directory, with:
  --catalog-sha256 HEX   the SHA-256 the downloaded catalog must have (required with a URL)
  --baseline REV         compare with the configs (and --catalog file) as they are at git revision REV
  --fail-on F            required (default: exit 1 when a required flow is not allowed), recommended
                         (recommended flows too), or new (only required flows a change newly breaks;
                         needs --baseline)
  --json                 same as --output json
  --output F             text (default), json, markdown, sarif (code scanning: a result per failing
                         flow and policy, fixes attached), or patch (the proven fixes as a unified
                         diff for git apply)
  --max-input-mb N       refuse inputs larger than N MiB (default 2048: a guard against giving the
                         wrong file; PAN-OS and FortiGate exports of any size are read in chunks)

Exit status: 0 every required flow allowed; 1 a required flow not allowed; 2 usage or input error.
`;

const OPTIONS = {
  version: { type: 'string' },
  mode: { type: 'string' },
  source: { type: 'string', multiple: true },
  'source-zone': { type: 'string', multiple: true },
  'destination-zone': { type: 'string', multiple: true },
  'destination-zone-override': { type: 'string', multiple: true },
  flow: { type: 'string', multiple: true },
  policy: { type: 'string', multiple: true },
  relay: { type: 'string', multiple: true },
  'require-backups': { type: 'boolean' },
  chain: { type: 'string' },
  format: { type: 'string' },
  catalog: { type: 'string' },
  'catalog-sha256': { type: 'string' },
  json: { type: 'boolean' },
  output: { type: 'string' },
  'max-input-mb': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  'tool-version': { type: 'boolean' },
  baseline: { type: 'string' },
  'fail-on': { type: 'string' },
} satisfies ParseArgsConfig['options'];

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>['values'];

function parseMode(value: string | undefined): Mode {
  const mode = value ?? 'cloud';
  if (!(MODES as readonly string[]).includes(mode)) {
    throw new UsageError(`--mode "${mode}" is not one of ${MODES.join(', ')}`);
  }
  return mode as Mode;
}

function parseOutput(values: Values, allowed: readonly string[], fallback: string): string {
  const out = values.json ? 'json' : (values.output ?? fallback);
  if (!allowed.includes(out)) throw new UsageError(`--output "${out}" is not one of ${allowed.join(', ')}`);
  return out;
}

function parseMaxMb(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0)
    throw new UsageError(`--max-input-mb "${text}" is not a positive number`);
  return Math.floor(n * 1024 * 1024);
}

const FAIL_ON = ['required', 'recommended', 'new'] as const;
type FailOn = (typeof FAIL_ON)[number];

function parseFailOn(value: string | undefined, baseline: string | undefined): FailOn {
  const v = value ?? 'required';
  if (!(FAIL_ON as readonly string[]).includes(v)) {
    throw new UsageError(`--fail-on "${v}" is not one of ${FAIL_ON.join(', ')}`);
  }
  if (v === 'new' && baseline === undefined) {
    throw new UsageError(
      '--fail-on new needs --baseline REV (the revision new failures are counted against)',
    );
  }
  return v as FailOn;
}

async function driftCheck(
  options: CheckOptions,
  ref: string,
  values: Values,
): Promise<{ check: CheckResult; drift: Drift }> {
  const revision = gitRevisionSource(ref);
  // A downloaded catalog (in the user's cache) is the same on both sides: read it from disk, not git.
  const files =
    values.catalog && isCatalogUrl(values.catalog) ? withLocalFile(revision, options.catalog!) : revision;
  const { head, drift } = await runDriftCheck(options, { ref, files });
  return { check: head, drift };
}

/** SARIF artifact URIs: relative to the root of the git repository around the working directory, else to it. */
function repoRelative(): (path: string) => string {
  let root = process.cwd();
  try {
    root = execFileSync('git', ['rev-parse', '--show-toplevel'], { stdio: ['ignore', 'pipe', 'ignore'] })
      .toString()
      .trim();
  } catch {
    // Not in a repository: paths relative to the working directory.
  }
  return (path) => relative(root, resolve(path)).split(sep).join('/');
}

/** Exit status 1 when a flow the fail-on setting counts fails; with `new`, only what the change breaks. */
function exitStatus(report: JsonReport, failOn: FailOn): { status: number; note?: string } {
  const s = report.summary;
  if (failOn === 'new') {
    if (s.drift) return { status: s.drift.newFailuresRequired > 0 ? 1 : 0 };
    // No baseline to count against: every failing required flow counts (never a silent pass).
    return {
      status: s.passed ? 0 : 1,
      note: `the baseline could not be checked (${report.baseline?.error ?? 'unknown reason'}), so --fail-on new counts every required flow not allowed`,
    };
  }
  if (failOn === 'recommended') return { status: s.passed && s.failingRecommended === 0 ? 0 : 1 };
  return { status: s.passed ? 0 : 1 };
}

/** `--catalog` as a local file: a URL is downloaded (or found in the cache) and checked first. */
function catalogPath(values: Values, io: CliIo): Promise<string | undefined> {
  return localCatalogPath(values.catalog, values['catalog-sha256'], {
    maxBytes: parseMaxMb(values['max-input-mb']),
    warn: (m) => io.stderr(`warning: ${plainText(m)}\n`),
  });
}

/**
 * A bug, not bad input: says so, naming the files the check was reading (a bug found by one input is
 * reproduced with it), and fails closed with exit 2, the check could not run (README, Exit status).
 */
function internalError(e: unknown, argv: readonly string[], io: CliIo): number {
  const message = e instanceof Error ? e.message : String(e);
  const files = inputFiles(argv);
  const reading = files.length ? ` while checking ${files.join(', ')}` : '';
  io.stderr(
    `internal error${reading}: ${plainText(message)}\nThis is a bug in ${TOOL_NAME}; please report it with the file.\n`,
  );
  if (process.env.REMOTESPARK_DEBUG && e instanceof Error) io.stderr(`${e.stack}\n`);
  if (wantsJson(argv)) io.stdout(`${JSON.stringify(jsonInternalError(message, files), null, 2)}\n`);
  return 2;
}

/** The files a command line reads: the configs after `check`, and a local --catalog. */
function inputFiles(argv: readonly string[]): string[] {
  try {
    const { values, positionals } = parseArgs({
      args: [...argv],
      options: OPTIONS,
      allowPositionals: true,
      strict: false,
    });
    const configs = positionals[0] === 'check' ? positionals.slice(1) : [];
    const catalog = typeof values.catalog === 'string' ? [values.catalog] : [];
    return [...configs, ...catalog];
  } catch {
    return [];
  }
}

/** Runs the CLI; resolves to the exit status. Never rejects: bad input, usage and bugs all end in 2. */
export async function cliMain(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    const { values, positionals } = parseArgs({
      args: [...argv],
      options: OPTIONS,
      allowPositionals: true,
      strict: true,
    });
    if (values['tool-version']) {
      io.stdout(`${TOOL_VERSION}\n`);
      return 0;
    }
    const [command, ...rest] = positionals;
    if (command === undefined && !values.help && wantsJson(argv)) {
      throw new UsageError('no command given (check or catalog)');
    }
    if (values.help || command === undefined || command === 'help') {
      io.stdout(USAGE);
      return command === undefined && !values.help ? 2 : 0;
    }
    if (command === 'catalog') {
      const [sub = 'flows', ...args] = rest;
      const output = parseOutput(values, catalogOutputs(sub), 'table');
      io.stdout(
        runCatalogCommand(sub, args, {
          version: values.version,
          mode: parseMode(values.mode),
          requireRecommended: values['require-backups'] ?? false,
          relays: values.relay,
          catalog: await catalogPath(values, io),
          output,
        }),
      );
      return 0;
    }
    if (command !== 'check') throw new UsageError(`unknown command "${command}"`);
    const output = parseOutput(values, ['text', 'json', 'markdown', 'patch', 'sarif'], 'text');
    const failOn = parseFailOn(values['fail-on'], values.baseline);
    const options: CheckOptions = {
      configs: rest,
      version: values.version ?? 'latest',
      mode: parseMode(values.mode),
      sources: values.source,
      sourceZones: values['source-zone'],
      destinationZones: values['destination-zone'],
      destinationZoneOverrides: values['destination-zone-override'],
      flows: values.flow,
      relays: values.relay,
      requireRecommended: values['require-backups'] ?? false,
      format: values.format,
      catalog: await catalogPath(values, io),
      maxInputBytes: parseMaxMb(values['max-input-mb']),
      policies: values.policy,
      read: { chain: parseChainOption(values.chain) },
    };
    const { check, drift } = values.baseline
      ? await driftCheck(options, values.baseline, values)
      : { check: await runCheck(options), drift: undefined };
    const report = buildJsonReport(check, drift, await remediate(check));
    if (output === 'json') for (const piece of jsonPieces(report)) io.stdout(piece);
    else if (output === 'markdown') io.stdout(renderMarkdown(report));
    else if (output === 'sarif')
      io.stdout(renderSarif(report, { uriFor: repoRelative(), texts: inputTexts(check) }));
    else if (output === 'patch') io.stdout(renderPatch(report, inputTexts(check)));
    else io.stdout(renderText(report, { color: io.color }));
    const outcome = exitStatus(report, failOn);
    if (outcome.note) io.stderr(`note: ${outcome.note}\n`);
    return outcome.status;
  } catch (e) {
    const usage =
      e instanceof UsageError ||
      e instanceof CatalogUsageError ||
      (e instanceof TypeError && 'code' in e && String(e.code).startsWith('ERR_PARSE_ARGS'));
    if (!(e instanceof InputError) && !usage) return internalError(e, argv, io);
    if (wantsJson(argv)) io.stdout(`${JSON.stringify(jsonError(e), null, 2)}\n`);
    if (e instanceof InputError) io.stderr(`error: ${plainText(e.format())}\n`);
    else io.stderr(`error: ${plainText(e.message)}\nRun "${TOOL_NAME} --help" for usage.\n`);
    return 2;
  }
}
