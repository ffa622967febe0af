// One benchmark measurement in a fresh process: read one config, evaluate the full RemoteSpark flow set,
// print timings and peak memory as JSON.
import { loadBuiltinCatalog, resolveFlows } from '../src/catalog/index.js';
import { evaluateAll } from '../src/evaluate/evaluate.js';
import { detectFormat, readPolicies } from '../src/formats/registry.js';
import { readInputFile } from '../src/input/input-file.js';
import { parseCidr } from '../src/model/ip.js';

const [path, source] = process.argv.slice(2);
const t0 = performance.now();
const file = readInputFile(path!, 1024 * 1024 * 1024);
const policies = await readPolicies([{ file, format: detectFormat(file) }]);
const t1 = performance.now();
const flows = resolveFlows(loadBuiltinCatalog(), { version: 'latest', mode: 'cloud' }).flows;
const results = evaluateAll(policies, flows, source ? { sources: parseCidr(source) } : {});
const t2 = performance.now();
const verdicts: Record<string, number> = {};
for (const r of results) verdicts[r.verdict] = (verdicts[r.verdict] ?? 0) + 1;
process.stdout.write(
  JSON.stringify({
    rules: policies.reduce((n, p) => n + p.rules.length, 0),
    flows: flows.length,
    readMs: t1 - t0,
    evalMs: t2 - t1,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    verdicts,
  }),
);
