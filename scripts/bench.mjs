// npm run bench: each pair (ours, a floor) run alternately in fresh processes, BENCH_RUNS (default 5)
// times each; printed per side: min and median (and peak RSS), then the ratio of medians and its target.
// Run `npm run build` first: dist/cli.js is what is timed (BENCH_CLI=path times another build).
// Parts (BENCH_ONLY=panos,fortigate,... picks; docs/performance.md says what each measures):
// - panos: whole check, with and without --source, vs `xmllint --stream --noout` (<= 2.5x), peak RSS
//   <= 1.5 x file + 200 MB; sizes BENCH_PANOS_MB (default 100; BENCH_PANOS_MB=100,400 adds the 428 MiB
//   export, which takes minutes per run with today's reader, so it is left out of the default run).
// - fortigate: whole check vs a bare Node read-and-split (scripts/bench-floor-split.mjs) (<= 4x), peak
//   RSS as above; sizes BENCH_FORTIGATE_MB (default 30,100).
// - phases: one PAN-OS and one FortiGate read in steps (decoded text, tokens or element tree, the whole
//   read, the check), each beside its floor, for where the time goes (informational; the 107 MiB PAN-OS
//   and 30 MiB FortiGate exports, or the first size of BENCH_PANOS_MB / BENCH_FORTIGATE_MB).
// - generic: the generic reader on 100k rules vs a bare js-yaml load, and on the same policy as JSON vs
//   JSON.parse (BENCH_GENERIC_RULES).
// - eval: evaluation µs/rule at 50k, 100k, 200k generic rules, with and without a source (BENCH_EVAL_RULES);
//   the ratio 200k/50k must stay flat.
// - drift: `check --baseline HEAD` vs the single check (<= 2x plus the git read).
// - iptables, nftables: our reader and whole check vs `unshare -n iptables-restore --test` / `nft -c -f`.
// - huge (BENCH_HUGE=1, or named in BENCH_ONLY): a ~1 GB PAN-OS export under the CLI's default settings.
import { performance } from 'node:perf_hooks';
import { build } from 'esbuild';
import { existsSync, mkdirSync } from 'node:fs';
import { CLI, OUT, printSummary, printVersions } from './bench-lib.mjs';
import { rawText, yamlDocument } from './esbuild-plugins.mjs';

mkdirSync(OUT, { recursive: true });
if (!existsSync(CLI)) {
  console.error(`${CLI} is missing: run \`npm run build\` first`);
  process.exit(1);
}
const parts = process.env.BENCH_ONLY ?? 'panos,fortigate,phases,generic,eval,drift,iptables,nftables';
const only = new Set(parts.split(',').map((p) => p.trim()));
if (process.env.BENCH_HUGE === '1') only.add('huge');
const sizes = (name, fallback) => (process.env[name] ?? fallback).split(',').map(Number);

// The workers (reader alone; reader + evaluation; one step of a read), bundled from the sources, for the
// parts that use them (the PAN-OS and FortiGate parts time dist/cli.js only).
const needsWorkers = ['generic', 'eval', 'iptables', 'nftables', 'phases'].some((p) => only.has(p));
if (needsWorkers) {
  await build({
    entryPoints: ['scripts/bench-worker.ts', 'scripts/bench-read-worker.ts', 'scripts/bench-phase-worker.ts'],
    outdir: OUT,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    mainFields: ['module', 'main'],
    plugins: [rawText, yamlDocument],
    banner: {
      js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
    },
    define: { __TOOL_VERSION__: '"bench"' },
    logLevel: 'warning',
  });
}

printVersions();
const started = performance.now();
const { panosFile, fortigateFile, panosPair, panosHuge, fortigatePair } =
  await import('./bench-vendor-text.mjs');
const { panosPhases, fortigatePhases } = await import('./bench-phases.mjs');
const { genericRead, evalLinearity } = await import('./bench-generic.mjs');
const { drift, linuxPair } = await import('./bench-other.mjs');

if (only.has('panos')) for (const mb of sizes('BENCH_PANOS_MB', '100')) panosPair(mb);
if (only.has('fortigate')) for (const mb of sizes('BENCH_FORTIGATE_MB', '30,100')) fortigatePair(mb);
if (only.has('phases')) {
  panosPhases(panosFile(sizes('BENCH_PANOS_MB', '100')[0]));
  fortigatePhases(fortigateFile(sizes('BENCH_FORTIGATE_MB', '30,100')[0]));
}
if (only.has('generic')) genericRead(sizes('BENCH_GENERIC_RULES', '100000')[0]);
if (only.has('eval'))
  evalLinearity(sizes('BENCH_EVAL_RULES', process.env.BENCH_SIZES ?? '50000,100000,200000'));
if (only.has('drift')) drift();
if (only.has('iptables')) linuxPair('iptables');
if (only.has('nftables')) linuxPair('nftables');
if (only.has('huge')) panosHuge();

printSummary();
console.log(
  `\nbench took ${((performance.now() - started) / 60000).toFixed(1)} min (${[...only].join(',')})`,
);
