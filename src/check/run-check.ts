import { limitHeapGrowth } from './heap-growth.js';
import { collectGarbage } from '../input/garbage.js';
import type { ReadOptions } from '../formats/read-options.js';
import {
  loadBuiltinCatalog,
  loadCatalogText,
  resolveFlows,
  type Catalog,
  type Mode,
} from '../catalog/index.js';
import { evaluateAll, type FlowResult, type Scope } from '../evaluate/evaluate.js';
import { checkZoneOptions, parseEgressOverrides } from './zone-options.js';
import {
  detectFormat,
  explainBinary,
  formatById,
  formatIds,
  readPolicies,
  type ReadInput,
} from '../formats/registry.js';
import { BinaryInputError, DEFAULT_MAX_INPUT_BYTES, type InputFile } from '../input/input-file.js';
import { WORKING_TREE, type FileSource } from './file-source.js';
import type { Flow } from '../model/flow.js';
import { IntervalSet } from '../model/interval-set.js';
import { AddressSyntaxError, parseIpSpec } from '../model/ip.js';
import type { Policy } from '../model/policy.js';
import { ZoneSet } from '../model/zone-set.js';
import { policyName } from '../evaluate/zone-scope.js';
import { parseFlowSpec } from './flow-spec.js';
import { UsageError } from './usage-error.js';

export interface CheckOptions {
  configs: readonly string[];
  /** `latest` or x.y.z. */
  version: string;
  mode: Mode;
  sources?: readonly string[];
  sourceZones?: readonly string[];
  destinationZones?: readonly string[];
  /** `POLICY=ZONE[,ZONE...]`: egress zones that replace what a policy's config says. */
  destinationZoneOverrides?: readonly string[];
  /** `HOST:PORT/PROTO` specs that replace the catalog's flows. */
  flows?: readonly string[];
  format?: string;
  catalog?: string;
  requireRecommended?: boolean;
  relays?: readonly string[];
  maxInputBytes?: number;
  /** Names of the policies (vsys, VDOM, device group, firewall ...) to check; default all. */
  policies?: readonly string[];
  /** Where config and catalog files are read from (default: the working tree). */
  files?: FileSource;
  /** How to read the configs (--chain). */
  read?: ReadOptions;
}

export interface InputSummary {
  path: string;
  format: string;
  formatName: string;
  /** Rules read from this file (all policies that name it as their main file). */
  rules: number;
  policies: string[];
}

export interface CheckTarget {
  requestedVersion: string;
  /** The catalog release applied (the newest at or below the requested version). */
  release: string | null;
  catalogVersion: string;
  catalogPath: string;
  overlay?: string;
  mode: Mode;
  requireRecommended: boolean;
  /** True when --flow replaced the catalog's flows. */
  customFlows: boolean;
}

export interface CheckResult {
  /** What the files were read from, when not the working tree (a git revision ...). */
  source?: { describe: string; commit?: string };
  /** Config paths that don't exist at that source (files a change adds), skipped. */
  missing?: string[];
  target: CheckTarget;
  scope: {
    sources: string[] | null;
    sourceZones: string[] | null;
    destinationZones: string[] | null;
    destinationZoneOverrides?: string[];
  };
  inputs: InputSummary[];
  policies: Policy[];
  results: FlowResult[];
  /** What the evaluation used, for re-checking a patched policy the same way (remediation). */
  evaluation: { scope: Scope; flows: Flow[]; inputs: ReadInput[]; read: ReadOptions };
}

function parseSources(texts: readonly string[]): IntervalSet {
  return IntervalSet.unionAll(
    texts.map((t) => {
      try {
        return parseIpSpec(t);
      } catch (e) {
        if (e instanceof AddressSyntaxError) throw new UsageError(`--source "${t}": ${e.message}`);
        throw e;
      }
    }),
  );
}

function nonEmpty<T>(list: readonly T[] | undefined): readonly T[] | undefined {
  return list && list.length > 0 ? list : undefined;
}

/** Keeps the named policies (a file that holds several: VDOMs the clients never use, say). */
function selectPolicies(policies: Policy[], names: readonly string[] | undefined): Policy[] {
  if (!names) return policies;
  for (const name of names) {
    if (!policies.some((p) => policyName(p) === name)) {
      throw new UsageError(
        `--policy "${name}" is not in the input; policies: ${policies.map(policyName).join(', ')}`,
      );
    }
  }
  return policies.filter((p) => names.includes(policyName(p)));
}

/** None of the config files (or the catalog file) exists where the check reads from (a git revision). */
export class MissingAtSourceError extends Error {
  constructor(readonly paths: readonly string[]) {
    super(`${paths.join(', ')} ${paths.length === 1 ? 'does' : 'do'} not exist there`);
  }
}

/** The whole check, minus output: options in, verdicts out. Throws InputError or UsageError. */
export async function runCheck(options: CheckOptions): Promise<CheckResult> {
  if (options.configs.length === 0) throw new UsageError('no config file given');
  const forced =
    options.format === undefined || options.format === 'auto' ? undefined : formatById(options.format);
  if (options.format !== undefined && options.format !== 'auto' && !forced) {
    throw new UsageError(
      `--format "${options.format}" is not known; formats: auto, ${formatIds().join(', ')}`,
    );
  }
  const sources = nonEmpty(options.sources);
  const sourceZones = nonEmpty(options.sourceZones);
  const destinationZones = nonEmpty(options.destinationZones);
  const scope: Scope = {
    sources: sources ? parseSources(sources) : undefined,
    sourceZones: sourceZones ? ZoneSet.of(sourceZones) : undefined,
    destinationZones: destinationZones ? ZoneSet.of(destinationZones) : undefined,
  };

  const files = options.files ?? WORKING_TREE;
  const maxBytes = options.maxInputBytes ?? DEFAULT_MAX_INPUT_BYTES;
  const catalogFile = options.catalog ? await files.read(options.catalog, maxBytes) : undefined;
  const catalog: Catalog = catalogFile ? loadCatalogText(catalogFile) : loadBuiltinCatalog();
  const customFlows = nonEmpty(options.flows);
  const resolved = resolveFlows(catalog, {
    version: options.version,
    mode: options.mode,
    requireRecommended: options.requireRecommended,
    relays: nonEmpty(options.relays),
  });
  const flows: Flow[] = customFlows ? customFlows.map(parseFlowSpec) : resolved.flows;

  const inputs: ReadInput[] = [];
  // A catalog file missing there (a baseline from before it was added) leaves the built-in catalog.
  const missing: string[] = options.catalog && !catalogFile ? [options.catalog] : [];
  for (const path of options.configs) {
    let file: InputFile | undefined;
    try {
      file = await files.read(path, maxBytes);
    } catch (e) {
      throw e instanceof BinaryInputError ? explainBinary(e) : e;
    }
    if (file) inputs.push({ file, format: forced ?? detectFormat(file) });
    else missing.push(path);
  }
  if (inputs.length === 0) throw new MissingAtSourceError(options.configs);
  const readOptions = options.read ?? {};
  await limitHeapGrowth(inputs.reduce((n, i) => n + (i.file.size ?? 0), 0));
  const read = await readPolicies(inputs, readOptions);
  // The readers have let go of their tables (objects, names, what was being built): collected now, a big
  // check's heap goes into evaluation and the report at what its model holds. Left to V8, it carried the
  // garbage to the end: the 400 MiB FortiGate check peaked there (docs/performance.md, session 11).
  collectGarbage();
  const policies = selectPolicies(read, nonEmpty(options.policies));
  checkZoneOptions(policies, { sourceZones, destinationZones });
  const overrides = nonEmpty(options.destinationZoneOverrides);
  if (overrides) scope.egressOverrides = parseEgressOverrides(policies, overrides);
  const results = evaluateAll(policies, flows, scope);

  return {
    ...(options.files
      ? { source: { describe: files.describe, ...(files.commit ? { commit: files.commit } : {}) } }
      : {}),
    ...(missing.length ? { missing } : {}),
    target: {
      requestedVersion: options.version,
      release: customFlows ? null : resolved.release,
      catalogVersion: resolved.catalogVersion,
      catalogPath: catalog.path,
      overlay: resolved.overlay,
      mode: options.mode,
      requireRecommended: options.requireRecommended ?? false,
      customFlows: customFlows !== undefined,
    },
    scope: {
      sources: sources ? [...sources] : null,
      sourceZones: sourceZones ? [...sourceZones] : null,
      destinationZones: destinationZones ? [...destinationZones] : null,
      ...(overrides ? { destinationZoneOverrides: [...overrides] } : {}),
    },
    inputs: inputs.map(({ file, format }) => {
      const mine = policies.filter((p) => p.paths[0] === file.path);
      return {
        path: file.path,
        format: format.id,
        formatName: format.name,
        rules: mine.reduce((n, p) => n + p.rules.length, 0),
        policies: mine.map(policyName),
      };
    }),
    policies,
    results,
    evaluation: { scope, flows, inputs, read: readOptions },
  };
}
