// The generic/v1 parts: is the reader bound by a general YAML parser's object building (our reader beside
// a bare js-yaml load, and beside JSON.parse of the same policy as JSON), and does evaluation stay linear
// (µs per rule flat from 50k to 200k rules).
import { readFileSync, writeFileSync } from 'node:fs';
import yaml from 'js-yaml';
import { comparePair, generated, interleave, median, OUT, RUNS, verdict } from './bench-lib.mjs';
import { generateGenericPolicy } from './bench-config.mjs';

const GENERATOR = new URL('./bench-config.mjs', import.meta.url);
const SOURCE = '10.20.0.0/16';
/** µs/rule at the largest size over the smallest: "flat" allows this much for noise and cache effects. */
const FLAT = 1.3;

function genericFile(rules) {
  return generated(`generic-${rules}.yaml`, GENERATOR, { rules }, (p) => generateGenericPolicy(p, rules));
}

/** The same policy as JSON (what a tool that writes JSON would give). */
function genericJson(rules) {
  const from = genericFile(rules);
  return generated(`generic-${rules}.json`, GENERATOR, { rules, json: true }, (p) =>
    writeFileSync(p, `${JSON.stringify(yaml.load(readFileSync(from, 'utf8')), null, 2)}\n`),
  );
}

const inProcess = (name, script, args) => ({
  name,
  cmd: process.execPath,
  args: ['--max-old-space-size=4096', script, ...args],
  metric: (r) => r.readMs,
  node: true,
});

export function genericRead(rules) {
  const reader = `${OUT}/bench-read-worker.mjs`;
  const floor = new URL('./bench-floor-parse.mjs', import.meta.url).pathname;
  const k = `${rules / 1000}k`;
  const yamlPath = genericFile(rules);
  const jsonPath = genericJson(rules);
  const [ours, bare] = comparePair(
    `generic ${k} rules, YAML: our reader (read, parse with lines, validate, build) vs js-yaml load`,
    [inProcess('our reader', reader, [yamlPath])],
    inProcess('readFileSync + js-yaml load', floor, ['yaml', yamlPath]),
    { unit: 'in-process read' },
  );
  comparePair(
    `generic ${k} rules, JSON: our reader vs JSON.parse`,
    [inProcess('our reader', reader, [jsonPath])],
    inProcess('readFileSync + JSON.parse', floor, ['json', jsonPath]),
    { unit: 'in-process read' },
  );
  if (!ours.error && !bare.error) {
    const share = median(bare.times) / median(ours.times);
    console.log(
      `  a bare js-yaml load is ${(share * 100).toFixed(0)}% of our YAML reader's median time (the rest: lines, schema, policy building)\n`,
    );
  }
}

export function evalLinearity(sizes) {
  const worker = `${OUT}/bench-worker.mjs`;
  const sides = sizes.flatMap((rules) => {
    const path = genericFile(rules);
    return [undefined, SOURCE].map((source) => ({
      name: `${rules / 1000}k${source ? ` --source ${source}` : ''}`,
      rules,
      source,
      cmd: process.execPath,
      args: ['--max-old-space-size=4096', worker, path, ...(source ? [source] : [])],
      metric: (r) => (r.evalMs * 1000) / r.rules,
      node: true,
    }));
  });
  console.log(`evaluation of generic/v1 policies, full RemoteSpark flow set — ${RUNS} interleaved runs each`);
  console.log(
    '  rules  source         read ms (med)  eval ms (med)  µs/rule min  µs/rule median  peak RSS  verdicts',
  );
  const measured = interleave(sides);
  sides.forEach((side, k) => {
    const m = measured[k];
    if (m.error) return console.log(`  ${side.name}: FAILED: ${m.error}`);
    const med = (f) => median(m.reports.map(f));
    console.log(
      [
        `  ${String(side.rules).padStart(6)}`,
        (side.source ?? 'any').padEnd(13),
        med((r) => r.readMs)
          .toFixed(0)
          .padStart(14),
        med((r) => r.evalMs)
          .toFixed(0)
          .padStart(14),
        Math.min(...m.times)
          .toFixed(2)
          .padStart(12),
        median(m.times).toFixed(2).padStart(15),
        `${Math.max(...m.rss, ...m.reports.map((r) => r.peakRssMb)).toFixed(0)} MiB`.padStart(9),
        ` ${JSON.stringify(m.reports[0].verdicts)}`,
      ].join(' '),
    );
  });
  const smallest = Math.min(...sizes);
  const largest = Math.max(...sizes);
  for (const source of [undefined, SOURCE]) {
    const at = (rules) => measured[sides.findIndex((s) => s.rules === rules && s.source === source)];
    const [lo, hi] = [at(smallest), at(largest)];
    const ratio = lo.error || hi.error ? undefined : median(hi.times) / median(lo.times);
    const what = `evaluation µs/rule ${largest / 1000}k/${smallest / 1000}k${source ? ' with --source' : ''}`;
    const v = verdict(what, ratio, FLAT);
    console.log(`  ${what}: ${ratio?.toFixed(2) ?? 'n/a'}x (flat: target <= ${FLAT}x): ${v}`);
  }
  console.log('');
}
