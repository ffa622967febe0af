// Interleaved timing of the PAN-OS check beside `xmllint --stream --noout` on generated exports, with peak
// RSS, for working on the reader while `npm run bench` is elsewhere: each run alternates the sides, and
// medians are compared. Usage: node scripts/profile-panos.mjs [MB...] (default 100); PROFILE_RUNS (5),
// PROFILE_CLIS (comma-separated CLI bundles to compare, default dist/cli.js), PROFILE_ARGS (extra check
// arguments, e.g. "--source 10.0.0.0/8"). Files are generated once into bench-out/.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { generatePanosConfig } from './bench-panos-config.mjs';

const runs = Number(process.env.PROFILE_RUNS ?? 5);
const clis = (process.env.PROFILE_CLIS ?? 'dist/cli.js').split(',');
const extra = (process.env.PROFILE_ARGS ?? '').split(' ').filter(Boolean);
const sizes = process.argv.slice(2).map(Number);

function file(mb) {
  mkdirSync('bench-out', { recursive: true });
  const path = `bench-out/profile-panos-${mb}mb.xml`;
  // 50k rules and 200k addresses make ~107 MB; other sizes scale both.
  const k = mb / 100;
  if (!existsSync(path))
    generatePanosConfig(path, { rules: Math.round(50000 * k), addresses: Math.round(200000 * k) });
  return path;
}

/** Runs a command under /usr/bin/time: seconds (wall) and peak RSS in MiB. */
function timed(cmd, args) {
  const r = spawnSync('/usr/bin/time', ['-f', '%e %M', cmd, ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'ignore', 'pipe'],
    maxBuffer: 1 << 26,
  });
  const last = r.stderr.trim().split('\n').at(-1).split(' ');
  return { s: Number(last[0]), mb: Number(last[1]) / 1024 };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

console.log(`node ${process.version}, ${runs} interleaved runs`);
for (const mb of sizes.length ? sizes : [100]) {
  const path = file(mb);
  const size = statSync(path).size / 2 ** 20;
  const sides = [
    ...clis.map((cli) => ({ name: cli, cmd: 'node', args: [cli, 'check', path, '--json', ...extra] })),
    { name: 'xmllint --stream --noout', cmd: 'xmllint', args: ['--stream', '--noout', path] },
  ];
  const results = sides.map(() => ({ s: [], mb: [] }));
  for (let i = 0; i < runs; i++) {
    sides.forEach((side, k) => {
      const r = timed(side.cmd, side.args);
      results[k].s.push(r.s);
      results[k].mb.push(r.mb);
    });
  }
  const floor = median(results.at(-1).s);
  console.log(`${path}: ${size.toFixed(0)} MiB, RSS target ${(1.5 * size + 200).toFixed(0)} MiB`);
  sides.forEach((side, k) => {
    const t = median(results[k].s);
    console.log(
      `  ${side.name.padEnd(26)} median ${t.toFixed(2)} s (min ${Math.min(...results[k].s).toFixed(2)}), ${(t / floor).toFixed(2)}x xmllint, peak RSS ${median(results[k].mb).toFixed(0)} MiB`,
    );
  });
}
