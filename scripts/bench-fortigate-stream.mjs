// FortiGate reader against its floor (issue 12), until `BENCH_ONLY=fortigate npm run bench` measures it:
// the whole check (`node dist/cli.js check F --json`) and a bare Node read-and-split of the same file
// (read in chunks, decode UTF-8, split into lines), alternated in fresh processes, with min, median and
// peak RSS of each. `node scripts/bench-fortigate-stream.mjs [sizeMb...]` (default 30 100); BENCH_RUNS=N.
// Run `npm run build` first (BENCH_CLI=path/to/cli.js times another build). BENCH_BASE_CLI=path/to/cli.js
// adds another build (say, before a change) to the rotation; BENCH_ARGS adds check options. `--floor FILE`
// is the floor itself.
import { Buffer } from 'node:buffer';
import { spawnSync } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  rmSync,
  statSync,
} from 'node:fs';
import { performance } from 'node:perf_hooks';
import { TextDecoder } from 'node:util';
import { generateFortigateConfig } from './bench-fortigate-config.mjs';

if (process.argv[2] === '--floor') {
  const fd = openSync(process.argv[3], 'r');
  const buffer = Buffer.allocUnsafe(1 << 20);
  const decoder = new TextDecoder('utf-8');
  let carry = '';
  let lines = 0;
  for (;;) {
    const n = readSync(fd, buffer, 0, buffer.length, null);
    const parts = (carry + decoder.decode(buffer.subarray(0, n), { stream: n > 0 })).split('\n');
    carry = parts.pop() ?? '';
    lines += parts.length;
    if (n === 0) break;
  }
  closeSync(fd);
  process.stdout.write(`${lines + (carry ? 1 : 0)}\n`);
  process.exit(0);
}

const RUNS = Math.max(1, Number(process.env.BENCH_RUNS ?? 5));
// More check options, say BENCH_ARGS="--source 10.1.0.0/16" (the generated export then fails: fixes are
// written and proven).
const extra = (process.env.BENCH_ARGS ?? '').split(' ').filter(Boolean);
const OUT = 'bench-out';
const RSS = `${OUT}/fortigate-rss.txt`;
const hasTime = spawnSync('/usr/bin/time', ['-f', '%M', 'true'], { stdio: 'ignore' }).status === 0;
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

function run(args) {
  rmSync(RSS, { force: true });
  const t0 = performance.now();
  const r = hasTime
    ? spawnSync('/usr/bin/time', ['-f', '%M %U %S', '-o', RSS, process.execPath, ...args], {
        encoding: 'utf8',
        maxBuffer: 1 << 28,
      })
    : spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 28 });
  const ms = performance.now() - t0;
  if (r.status !== 0 && r.status !== 1) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  // Peak RSS and CPU time (user + system): on a loaded machine the CPU time varies less than the wall time.
  const [kb, user, sys] = hasTime
    ? readFileSync(RSS, 'utf8').trim().split('\n').pop().split(' ').map(Number)
    : [NaN, NaN, NaN];
  return { ms, rss: kb / 1024, cpu: (user + sys) * 1000 };
}

mkdirSync(OUT, { recursive: true });
console.log(
  `node ${process.version}; ${RUNS} interleaved runs per side; peak RSS ${hasTime ? 'by /usr/bin/time' : 'not measured'}`,
);
const sizes = process.argv.slice(2).map(Number);
for (const size of sizes.length ? sizes : [30, 100]) {
  const path = `${OUT}/fortigate-${size}mb.conf`;
  if (!existsSync(path)) generateFortigateConfig(path, { sizeMb: size });
  const mb = statSync(path).size / 1024 / 1024;
  const sides = [
    ['check', process.env.BENCH_CLI ?? 'dist/cli.js'],
    ...(process.env.BENCH_BASE_CLI ? [['base', process.env.BENCH_BASE_CLI]] : []),
  ];
  const times = new Map([...sides.map(([name]) => [name, []]), ['floor', []]]);
  const limit = ['--max-input-mb', String(Math.ceil(mb) + 1), ...extra];
  for (let i = 0; i < RUNS; i++) {
    for (const [name, cli] of sides) times.get(name).push(run([cli, 'check', path, '--json', ...limit]));
    times.get('floor').push(run([new URL(import.meta.url).pathname, '--floor', path]));
  }
  const row = (name, xs) =>
    `  ${name.padEnd(6)} min ${Math.min(...xs.map((x) => x.ms))
      .toFixed(0)
      .padStart(6)} ms  median ${median(xs.map((x) => x.ms))
      .toFixed(0)
      .padStart(6)} ms  CPU median ${median(xs.map((x) => x.cpu))
      .toFixed(0)
      .padStart(6)} ms  peak RSS median ${median(xs.map((x) => x.rss)).toFixed(0)} MB`;
  const ours = times.get('check');
  const floor = times.get('floor');
  const ratio = median(ours.map((x) => x.ms)) / median(floor.map((x) => x.ms));
  const rss = median(ours.map((x) => x.rss));
  console.log(`fortigate ${mb.toFixed(1)} MiB${extra.length ? ` (check ${extra.join(' ')})` : ''}`);
  for (const [name, xs] of times) console.log(row(name, xs));
  const cpuRatio = (xs) => (median(xs.map((x) => x.cpu)) / median(floor.map((x) => x.cpu))).toFixed(2);
  if (times.has('base')) {
    const base = median(times.get('base').map((x) => x.ms)) / median(floor.map((x) => x.ms));
    console.log(`  base: ratio of medians ${base.toFixed(2)}x (CPU ${cpuRatio(times.get('base'))}x)`);
  }
  console.log(
    `  ratio of medians ${ratio.toFixed(2)}x (CPU ${cpuRatio(ours)}x) (target <= 4x); peak RSS ${rss.toFixed(0)} MB = ${(rss / mb).toFixed(2)}x the file (target <= 1.5x + 200 MB = ${(1.5 * mb + 200).toFixed(0)} MB)`,
  );
}
