// Cold start of the action bundle: `node dist/index.js` checking a small config (a push event, so no
// GitHub API call) against bare `node -e 0`, interleaved in the same run (min and median of each); and the
// bundle's size. Target: the action at most 2.5x bare Node (ratio of medians).
// Usage: npm run bench:action [-- --runs N] [-- --node PATH] [-- --compare OTHER/dist/index.js]
// (--compare times another build of the bundle in the same rounds, e.g. one built from the previous commit.)
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const runs = Number(arg('runs', '21'));
const node = arg('node', process.execPath);
const other = arg('compare', undefined);
const TARGET = 2.5;

const dir = mkdtempSync(join(tmpdir(), 'rsfc-bench-'));
const event = join(dir, 'event.json');
writeFileSync(event, JSON.stringify({ ref: 'refs/heads/main', repository: { full_name: 'o/r' } }));
const env = {
  PATH: process.env.PATH,
  GITHUB_ACTIONS: 'true',
  GITHUB_EVENT_NAME: 'push',
  GITHUB_EVENT_PATH: event,
  GITHUB_WORKSPACE: process.cwd(),
  GITHUB_REPOSITORY: 'o/r',
  GITHUB_OUTPUT: join(dir, 'output'),
  GITHUB_STEP_SUMMARY: join(dir, 'summary'),
  RUNNER_TEMP: dir,
  INPUT_CONFIG: 'fixtures/generic/https-only.yaml',
  INPUT_SOURCE: '10.40.0.0/16',
  'INPUT_GITHUB-TOKEN': 'ghs_bench',
};

function time(args, expected) {
  writeFileSync(env.GITHUB_OUTPUT, '');
  writeFileSync(env.GITHUB_STEP_SUMMARY, '');
  const start = process.hrtime.bigint();
  const r = spawnSync(node, args, { env, encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== expected) {
    throw new Error(`${args.join(' ')} exited ${r.status}, expected ${expected}\n${r.stderr}${r.stdout}`);
  }
  return ms;
}

const bare = [];
const action = [];
const compared = [];
// Warm the file cache, as a runner's second step would find it.
time(['dist/index.js'], 1);
if (other) time([other], 1);
for (let i = 0; i < runs; i++) {
  bare.push(time(['-e', '0'], 0));
  action.push(time(['dist/index.js'], 1)); // the config blocks STUN/TURN: exit 1
  if (other) compared.push(time([other], 1));
}
rmSync(dir, { recursive: true, force: true });

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const kb = (bytes) => `${(bytes / 1024).toFixed(1)} kB`;
const size = (p) => statSync(p).size;
const chunks = readdirSync('dist/chunks').filter((f) => f.endsWith('.js'));
const chunkBytes = chunks.reduce((n, f) => n + size(join('dist/chunks', f)), 0);
// The files every run compiles: the entry and the start chunk (scripts/merge-start-chunks.mjs).
const startChunk = chunks.find((f) => /^start-[0-9A-F]+\.js$/.test(f));
const startBytes = size('dist/index.js') + (startChunk ? size(join('dist/chunks', startChunk)) : 0);
const ratio = median(action) / median(bare);
const line = (label, xs) =>
  `  ${label.padEnd(22)} median ${median(xs).toFixed(1).padStart(6)} ms   min ${Math.min(...xs)
    .toFixed(1)
    .padStart(6)} ms   ratio of medians ${(median(xs) / median(bare)).toFixed(2)}x`;

const version = spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout.trim();
console.log(`node ${version}, ${runs} runs each, interleaved`);
console.log(
  `  node -e 0              median ${median(bare).toFixed(1).padStart(6)} ms   min ${Math.min(...bare)
    .toFixed(1)
    .padStart(6)} ms`,
);
console.log(line('node dist/index.js', action));
if (other) console.log(line(`node ${other}`, compared));
if (!process.argv.includes('--reference')) {
  console.log(`  target: at most ${TARGET}x: ${ratio <= TARGET ? 'MET' : 'MISSED'}`);
}
console.log(
  `bundle: dist/index.js and ${startChunk ?? 'no start chunk'} ${kb(startBytes)} (loaded at start), dist/chunks ${kb(chunkBytes)} in ${chunks.length} files (the start chunk, vendor readers, the GitHub client, the rest loaded when needed); total ${kb(size('dist/index.js') + chunkBytes)}`,
);
// `--reference`: a run under another Node (this machine's), printed for comparison; the target applies to
// the action's own runtime, Node 24 (action.yml `runs.using: node24`), which `npm run bench:action` uses.
if (process.argv.includes('--reference')) {
  console.log(`(reference run under ${version}; the target applies to the action's runtime, Node 24)`);
} else if (ratio > TARGET) {
  console.error(`FAIL: cold start is ${ratio.toFixed(2)}x bare node, over ${TARGET}x`);
  process.exitCode = 1;
}
