// npm run bench: generated generic configs of 10k, 50k and 100k rules; per size, the read time, the
// evaluation time of the full RemoteSpark flow set, and peak memory, each in a fresh process.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { mkdirSync, statSync } from 'node:fs';
import { generateGenericPolicy } from './bench-config.mjs';

const OUT = 'bench-out';
mkdirSync(OUT, { recursive: true });
await build({
  entryPoints: ['scripts/bench-worker.ts'],
  outfile: `${OUT}/bench-worker.mjs`,
  bundle: true,
  platform: 'node',
  format: 'esm',
  mainFields: ['module', 'main'],
  loader: { '.yaml': 'text' },
  plugins: [
    {
      name: 'raw',
      setup(b) {
        b.onResolve({ filter: /\?raw$/ }, async (a) => ({
          path: (await import('node:path')).resolve(a.resolveDir, a.path.slice(0, -4)),
          namespace: 'file',
        }));
      },
    },
  ],
  banner: {
    js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
  },
  define: { __TOOL_VERSION__: '"bench"' },
  logLevel: 'warning',
});

const sizes = (process.env.BENCH_SIZES ?? '10000,50000,100000').split(',').map(Number);
const rows = [];
for (const n of sizes) {
  const path = `${OUT}/generic-${n}.yaml`;
  generateGenericPolicy(path, n);
  for (const source of [undefined, '10.20.0.0/16']) {
    const args = [`${OUT}/bench-worker.mjs`, path, ...(source ? [source] : [])];
    const r = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 24 });
    if (r.status !== 0) {
      console.error(r.stderr);
      process.exit(1);
    }
    const m = JSON.parse(r.stdout);
    rows.push({ n, mb: statSync(path).size / 1e6, source: source ?? '(none)', ...m });
  }
}
console.log('generic/v1 configs, full RemoteSpark flow set (cloud, latest)');
console.log('rules    file MB  --source       read ms   eval ms  eval µs/rule  peak RSS MB  verdicts');
for (const r of rows) {
  console.log(
    [
      String(r.rules).padStart(6),
      r.mb.toFixed(1).padStart(9),
      String(r.source).padEnd(13),
      r.readMs.toFixed(0).padStart(9),
      r.evalMs.toFixed(0).padStart(9),
      ((r.evalMs * 1000) / r.rules).toFixed(2).padStart(13),
      r.peakRssMb.toFixed(0).padStart(12),
      ` ${JSON.stringify(r.verdicts)}`,
    ].join(' '),
  );
}
