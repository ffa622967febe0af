import { performance } from 'node:perf_hooks';
import type { InputFile } from '../../src/input/input-file.js';
import type { Probe } from './addresses.js';
import { compare, describeDisagreement, readWith } from './compare.js';
import type { Lab } from './lab.js';
import { Rng } from './random.js';
import { sampleProbes } from './universe.js';

/** One random ruleset: how the kernel loads it, and the forms our reader reads it in. */
export interface OracleCase {
  features: Set<string>;
  load(lab: Lab): Promise<void>;
  /** Each form's files, read together (the generated script, what the kernel's tools print back ...). */
  inputs(lab: Lab): Promise<{ form: string; files: InputFile[] }[]>;
}

export interface Finding {
  seed: number;
  form: string;
  message: string;
  files: InputFile[];
}

export interface OracleReport {
  runs: number;
  probes: number;
  delivered: number;
  /** Probes checked per form. */
  checked: Map<string, number>;
  wrong: Finding[];
  undecided: Finding[];
  readErrors: Finding[];
  undecidedByFeature: Map<string, number>;
  featureRuns: Map<string, number>;
  ms: { kernel: number; ours: number; total: number };
}

export const PROBES_PER_FAMILY = 20;

/**
 * Runs `runs` random rulesets (run i from seed `seed + i`) through the kernel and through our reader and
 * evaluator, collecting every probe where the two differ.
 */
export async function runOracle(
  lab: Lab,
  formatId: string,
  runs: number,
  seed: number,
  make: (rng: Rng) => OracleCase,
): Promise<OracleReport> {
  const r: OracleReport = {
    runs,
    probes: 0,
    delivered: 0,
    checked: new Map(),
    wrong: [],
    undecided: [],
    readErrors: [],
    undecidedByFeature: new Map(),
    featureRuns: new Map(),
    ms: { kernel: 0, ours: 0, total: 0 },
  };
  const bump = (m: Map<string, number>, k: string, n = 1) => m.set(k, (m.get(k) ?? 0) + n);
  const start = performance.now();
  for (let i = 0; i < runs; i++) {
    const runSeed = seed + i;
    const rng = new Rng(runSeed);
    const c = make(rng);
    const probes: Probe[] = sampleProbes(rng, PROBES_PER_FAMILY);
    const t0 = performance.now();
    await c.load(lab);
    const delivered = await lab.probe(probes);
    const forms = await c.inputs(lab);
    const t1 = performance.now();
    r.probes += probes.length;
    r.delivered += delivered.filter(Boolean).length;
    c.features.forEach((f) => bump(r.featureRuns, f));
    for (const { form, files } of forms) {
      let result;
      try {
        result = compare(await readWith(formatId, files), probes, delivered);
      } catch (e) {
        r.readErrors.push({ seed: runSeed, form, message: (e as Error).message, files });
        continue;
      }
      bump(r.checked, form, result.checked);
      for (const d of result.wrong)
        r.wrong.push({ seed: runSeed, form, message: describeDisagreement(d), files });
      for (const d of result.undecided)
        r.undecided.push({ seed: runSeed, form, message: describeDisagreement(d), files });
      if (result.undecided.length)
        c.features.forEach((f) => bump(r.undecidedByFeature, f, result.undecided.length));
    }
    r.ms.kernel += t1 - t0;
    r.ms.ours += performance.now() - t1;
  }
  r.ms.total = performance.now() - start;
  return r;
}

const list = (m: Map<string, number>) =>
  [...m]
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');

/** A few lines for the test log: counts, time, coverage. */
export function summary(name: string, r: OracleReport, seed: number): string {
  const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  return [
    `${name}: ${r.runs} rulesets from KERNEL_ORACLE_SEED=${seed}, ${r.probes} probes (${r.delivered} delivered by the kernel), checked per form: ${list(r.checked)}`,
    `  time ${s(r.ms.total)} (kernel ${s(r.ms.kernel)}, reading and evaluating ${s(r.ms.ours)})`,
    `  disagreements ${r.wrong.length}, unknown/partial ${r.undecided.length}, read errors ${r.readErrors.length}`,
    `  rulesets per construct: ${list(r.featureRuns)}`,
    ...(r.undecidedByFeature.size
      ? [`  unknown/partial by construct present: ${list(r.undecidedByFeature)}`]
      : []),
  ].join('\n');
}

/** The first findings in full (the ruleset, the probe, both answers), for an assertion message. */
export function explain(kind: string, findings: Finding[], limit = 3): string {
  if (!findings.length) return '';
  const shown = new Set<number>();
  const parts = [
    `${findings.length} ${kind}; replay one with KERNEL_ORACLE_SEED=<seed> KERNEL_ORACLE_RUNS=1`,
  ];
  for (const f of findings) {
    parts.push(`seed ${f.seed} (${f.form}): ${f.message}`);
    if (shown.size < limit && !shown.has(f.seed)) {
      shown.add(f.seed);
      for (const file of f.files) parts.push(`--- ${file.path}\n${file.text}`);
    }
    if (parts.length > 40) break;
  }
  return parts.join('\n');
}
