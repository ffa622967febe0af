// What every part of `npm run bench` shares: interleaved runs of a pair (ours, floor) in fresh processes,
// min and median of each side, the ratio of medians against a target, peak RSS, and the generated inputs
// (cached beside a stamp of the generator's source, so a rerun doesn't regenerate the same bytes).
import { performance } from 'node:perf_hooks';
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';

export const OUT = 'bench-out';
export const RUNS = Math.max(1, Number(process.env.BENCH_RUNS ?? 5));
/** The CLI that is timed; BENCH_CLI lets a reader rewrite compare itself with another build. */
export const CLI = process.env.BENCH_CLI ?? 'dist/cli.js';

const TIME = '/usr/bin/time';
const HAS_TIME = spawnSync(TIME, ['-f', '%M', 'true'], { stdio: 'ignore' }).status === 0;
const RSS_HOOK = new URL('./bench-rss-hook.mjs', import.meta.url).pathname;
const RSS_FILE = join(OUT, 'rss.txt');

export const mib = (bytes) => bytes / 1024 / 1024;
export const fileMb = (path) => mib(statSync(path).size);

export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** The peak RSS target of issue 12 for a file of `bytes`: 1.5 x its size + 200 MB. */
export const rssTargetMb = (bytes) => 1.5 * mib(bytes) + 200;

/** Targets met and missed, for the summary at the end. */
export const results = [];

/** Records and says whether `value` is within `target`. */
export function verdict(what, value, target, unit = 'x') {
  const met = value !== undefined && value <= target;
  const digits = unit === 'x' ? 2 : 0;
  const shown = value === undefined ? 'n/a' : `${value.toFixed(digits)}${unit}`;
  results.push({ what, met, shown: `${shown} (target <= ${target.toFixed(digits)}${unit})` });
  return met ? 'MET' : 'MISSED';
}

/** Records a target that is met or not, said in words. */
export function record(what, met, shown) {
  results.push({ what, met, shown });
  return met ? 'MET' : 'MISSED';
}

function firstLine(cmd, args) {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.error) return 'not installed';
  return `${r.stdout}${r.stderr}`.trim().split('\n')[0];
}

export function printVersions() {
  const git = spawnSync('git', ['describe', '--always', '--dirty'], { encoding: 'utf8' }).stdout.trim();
  console.log(`node ${process.version} (${process.execPath}); CLI timed: ${CLI}; tree ${git || '?'}`);
  console.log(`xmllint: ${firstLine('xmllint', ['--version'])}`);
  console.log(`iptables: ${firstLine('iptables', ['--version'])}; nft: ${firstLine('nft', ['--version'])}`);
  const load = loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
  console.log(`${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}; load average ${load}`);
  console.log(
    `${RUNS} interleaved runs per side (BENCH_RUNS); peak RSS by ${HAS_TIME ? `${TIME} -f %M` : 'process.resourceUsage() in the child (node sides only)'}\n`,
  );
}

/**
 * Generates `name` in OUT with `generate(path)` unless the same generator (by its source) and params made
 * it before. Returns the path.
 */
export function generated(name, generatorUrl, params, generate) {
  const path = join(OUT, name);
  const stamp = createHash('sha256')
    .update(readFileSync(new URL(generatorUrl)))
    .update(JSON.stringify(params))
    .digest('hex');
  const stampPath = `${path}.stamp`;
  if (existsSync(path) && existsSync(stampPath) && readFileSync(stampPath, 'utf8') === stamp) return path;
  rmSync(stampPath, { force: true });
  const t0 = performance.now();
  generate(path);
  writeFileSync(stampPath, stamp);
  console.log(
    `(generated ${name}: ${fileMb(path).toFixed(1)} MiB in ${((performance.now() - t0) / 1000).toFixed(1)} s)`,
  );
  return path;
}

/** The CLI's default input limit in MiB, read from its help; undefined if it has none. */
let defaultLimit;
function defaultLimitMb() {
  if (defaultLimit === undefined) {
    const help = spawnSync(process.execPath, [CLI, '--help'], { encoding: 'utf8' }).stdout ?? '';
    const m = /--max-input-mb\b[^\n]*default (\d+)/.exec(help);
    defaultLimit = m ? Number(m[1]) : Infinity;
  }
  return defaultLimit;
}

/**
 * `node CLI check path --json ...extra`, with --max-input-mb raised only where the file is over the
 * default limit (said in the label), so each size is checked under default settings wherever it can be.
 */
export function checkSide(name, path, extra = []) {
  const size = fileMb(path);
  const raise = size > defaultLimitMb() ? ['--max-input-mb', String(Math.ceil(size) + 1)] : [];
  return {
    name: `${name}${raise.length ? ` (${raise.join(' ')}: over the default ${defaultLimitMb()} MiB)` : ''}`,
    cmd: process.execPath,
    args: [CLI, 'check', path, '--json', ...extra, ...raise],
    ok: [0, 1],
    node: true,
  };
}

/**
 * One run of a side in a fresh process: wall ms, or the side's own figure (`metric` of the JSON it prints),
 * peak RSS (MiB) where it can be had, and that JSON. Throws on an unexpected exit status, with its stderr.
 */
function runOnce(side) {
  let cmd = side.cmd;
  let args = side.args;
  const env = { ...process.env, ...side.env };
  rmSync(RSS_FILE, { force: true });
  if (HAS_TIME) {
    args = ['-f', '%M', '-o', RSS_FILE, cmd, ...args];
    cmd = TIME;
  } else if (side.node) {
    args = ['--import', RSS_HOOK, ...args];
    env.BENCH_RSS_FILE = RSS_FILE;
  }
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, args, {
    env,
    encoding: 'utf8',
    stdio: ['ignore', side.metric ? 'pipe' : 'ignore', 'pipe'],
    maxBuffer: 1 << 26,
  });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.error) throw new Error(`${side.cmd}: ${r.error.message}`);
  if (!(side.ok ?? [0]).includes(r.status)) {
    throw new Error(`${side.name} exited ${r.status}: ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`);
  }
  let rss;
  if (existsSync(RSS_FILE)) {
    // GNU time writes "Command exited with non-zero status N" before the figure when the status isn't 0.
    const figure = Number(readFileSync(RSS_FILE, 'utf8').trim().split('\n').pop());
    if (Number.isFinite(figure) && figure > 0) rss = figure / 1024;
  }
  const report = side.metric ? JSON.parse(r.stdout) : undefined;
  return { ms: side.metric ? side.metric(report) : ms, rss, report };
}

/** Runs the sides alternately, `runs` times each; per side its times, peak RSS, reports (or the error). */
export function interleave(sides, runs = RUNS) {
  const out = sides.map(() => ({ times: [], rss: [], reports: [] }));
  for (let i = 0; i < runs; i++) {
    sides.forEach((side, k) => {
      if (out[k].error) return;
      try {
        const { ms, rss, report } = runOnce(side);
        out[k].times.push(ms);
        if (rss !== undefined) out[k].rss.push(rss);
        if (report !== undefined) out[k].reports.push(report);
      } catch (e) {
        out[k].error = e.message;
      }
    });
  }
  return out;
}

const ms = (x) => (x >= 10000 ? `${(x / 1000).toFixed(2)} s` : `${x.toFixed(x < 100 ? 1 : 0)} ms`);

/**
 * Measures `ours` sides against one `floor`, interleaved, and prints each side's min and median (and peak
 * RSS), then each ours side's ratio of medians to the floor against its `target` (a side without one is
 * printed for information). `rssTarget` (MiB) applies to the largest peak of the ours sides that have one.
 */
export function comparePair(title, ours, floor, { runs = RUNS, rssTarget, unit = 'wall' } = {}) {
  console.log(`${title} — ${runs} interleaved runs each, ${unit} time`);
  const sides = [...ours, floor];
  const measured = interleave(sides, runs);
  const width = Math.max(...sides.map((s) => s.name.length)) + 2;
  sides.forEach((side, k) => {
    const m = measured[k];
    const role = side.role ?? (k === sides.length - 1 ? 'floor' : 'ours ');
    if (m.error) {
      console.log(`  ${role} ${side.name.padEnd(width)} FAILED: ${m.error}`);
      return;
    }
    const rss = m.rss.length ? `  peak RSS ${Math.max(...m.rss).toFixed(0)} MiB` : '';
    console.log(
      `  ${role} ${side.name.padEnd(width)} min ${ms(Math.min(...m.times)).padStart(9)}  median ${ms(median(m.times)).padStart(9)}${rss}`,
    );
  });
  const base = measured[sides.length - 1];
  ours.forEach((side, k) => {
    const m = measured[k];
    if (side.role || (side.target === undefined && m.error)) return;
    const ratio = m.error || base.error ? undefined : median(m.times) / median(base.times);
    const shown = ratio === undefined ? 'n/a' : `${ratio.toFixed(2)}x`;
    if (side.target === undefined) {
      console.log(`  ${side.name}: ratio of medians ${shown}`);
    } else {
      const v = verdict(`${title}: ${side.name}`, ratio, side.target);
      console.log(`  ${side.name}: ratio of medians ${shown}, target <= ${side.target}x: ${v}`);
    }
  });
  if (rssTarget !== undefined) {
    const peaks = ours.flatMap((s, k) => (s.target !== undefined ? measured[k].rss : []));
    const peak = peaks.length ? Math.max(...peaks) : undefined;
    const v = verdict(`${title}: peak RSS`, peak, rssTarget, ' MiB');
    console.log(
      `  peak RSS ${peak === undefined ? 'n/a' : `${peak.toFixed(0)} MiB`}, target <= ${rssTarget.toFixed(0)} MiB (1.5 x file + 200): ${v}`,
    );
  }
  console.log('');
  return measured;
}

/** The targets met and missed, once every part has run. */
export function printSummary() {
  if (!results.length) return;
  console.log('targets:');
  for (const r of results) console.log(`  ${r.met ? 'MET   ' : 'MISSED'} ${r.what}: ${r.shown}`);
}
