// npm run bench: generated configs, each measured in a fresh process (read time, evaluation time of the
// full RemoteSpark flow set, peak memory):
// - generic/v1 policies of 10k, 50k and 100k rules (evaluation must grow linearly);
// - a ~30 MB FortiGate backup;
// - a ~100 MB PAN-OS running-config (50k rules, 200k address objects), whose whole check (the CLI, end to
//   end) is timed beside `xmllint --stream --noout` on the same file (target: within 3x, peak < 1.5 GB).
// - drift: the same PAN-OS export in a git repository, one rule edited; `check --baseline HEAD` (both
//   revisions checked and compared) beside the single check, interleaved, 5 runs each, medians (target:
//   at most 2x plus the git read).
// - iptables: a 200k-rule `iptables-save` (scripts/bench-iptables-config.mjs); the reader alone (a fresh
//   process running scripts/bench-read-worker.ts) and the whole check from the RemoteSpark clients beside
//   `unshare -n iptables-restore --test` on the same file, interleaved, 5 runs each, medians (target: the
//   reader within 3x the vendor's parse).
// - nftables: a ruleset with a 100k-element interval set (scripts/bench-nftables-config.mjs), the same way
//   beside `unshare -n nft -c -f`.
// BENCH_ONLY=generic,fortigate,panos,drift,iptables,nftables picks parts; BENCH_SIZES=10000,... the generic sizes.
import { build } from 'esbuild';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { generateGenericPolicy } from './bench-config.mjs';
import { rawText, yamlDocument } from './esbuild-plugins.mjs';

const OUT = 'bench-out';
mkdirSync(OUT, { recursive: true });
const only = (process.env.BENCH_ONLY ?? 'generic,fortigate,panos,drift,iptables,nftables').split(',');

await build({
  entryPoints: ['scripts/bench-worker.ts', 'scripts/bench-read-worker.ts'],
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

/** One measurement in a fresh process: JSON from scripts/bench-worker.ts. */
function measure(path, source) {
  const args = [`${OUT}/bench-worker.mjs`, path, ...(source ? [source] : [])];
  const r = spawnSync(process.execPath, ['--max-old-space-size=4096', ...args], {
    encoding: 'utf8',
    maxBuffer: 1 << 24,
  });
  if (r.status !== 0) {
    console.error(r.stderr);
    process.exit(1);
  }
  return JSON.parse(r.stdout);
}

/** Wall time of a command, best of `runs`. */
function wallMs(cmd, args, runs = 3) {
  let best = Infinity;
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    const r = spawnSync(cmd, args, { stdio: 'ignore' });
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    if (r.error) return undefined;
    best = Math.min(best, ms);
  }
  return best;
}

const mb = (path) => statSync(path).size / 1024 / 1024;
const row = (label, path, m) =>
  [
    label.padEnd(22),
    String(m.rules).padStart(7),
    mb(path).toFixed(1).padStart(8),
    m.readMs.toFixed(0).padStart(8),
    m.evalMs.toFixed(0).padStart(8),
    ((m.evalMs * 1000) / m.rules).toFixed(2).padStart(12),
    m.peakRssMb.toFixed(0).padStart(9),
    ` ${JSON.stringify(m.verdicts)}`,
  ].join(' ');
const HEAD = 'config                   rules  file MB  read ms  eval ms  eval µs/rule  peak MB  verdicts';

if (only.includes('generic')) {
  console.log('generic/v1 policies, full RemoteSpark flow set (cloud, latest)');
  console.log(HEAD);
  for (const n of (process.env.BENCH_SIZES ?? '10000,50000,100000').split(',').map(Number)) {
    const path = `${OUT}/generic-${n}.yaml`;
    generateGenericPolicy(path, n);
    console.log(row(`generic ${n / 1000}k`, path, measure(path)));
    console.log(row(`generic ${n / 1000}k --source`, path, measure(path, '10.20.0.0/16')));
  }
  console.log('');
}

if (only.includes('fortigate')) {
  const { generateFortigateConfig } = await import('./bench-fortigate-config.mjs');
  const path = `${OUT}/fortigate-30mb.conf`;
  generateFortigateConfig(path, { sizeMb: 30 });
  console.log(HEAD);
  console.log(row('fortigate 30 MB', path, measure(path)));
  console.log('');
}

if (only.includes('panos') && existsSync('scripts/bench-panos-config.mjs')) {
  const { generatePanosConfig } = await import('./bench-panos-config.mjs');
  const path = `${OUT}/panos-100mb.xml`;
  generatePanosConfig(path, { rules: 50000, addresses: 200000 });
  console.log(HEAD);
  const m = measure(path);
  console.log(row('pan-os 100 MB', path, m));
  const check = wallMs(process.execPath, ['dist/cli.js', 'check', path, '--json']);
  const xmllint = wallMs('xmllint', ['--stream', '--noout', path]);
  if (xmllint === undefined) {
    console.log(
      `whole check ${check.toFixed(0)} ms; xmllint not installed (apt-get install libxml2-utils) for the comparison`,
    );
  } else {
    console.log(
      `whole check (node dist/cli.js check --json) ${check.toFixed(0)} ms vs xmllint --stream --noout ${xmllint.toFixed(0)} ms: ` +
        `${(check / xmllint).toFixed(2)}x (target <= 3x); peak ${m.peakRssMb.toFixed(0)} MB (target < 1536 MB)`,
    );
  }
}

/** Wall times of several commands run interleaved `runs` times: each command's times, in order. */
function interleaved(commands, runs = 5) {
  const times = commands.map(() => []);
  for (let i = 0; i < runs; i++) {
    commands.forEach(([cmd, args], k) => {
      const t0 = process.hrtime.bigint();
      const r = spawnSync(cmd, args, { stdio: 'ignore' });
      if (r.error) throw r.error;
      times[k].push(Number(process.hrtime.bigint() - t0) / 1e6);
    });
  }
  return times;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

if (only.includes('drift') && existsSync('scripts/bench-panos-config.mjs')) {
  const { generatePanosConfig } = await import('./bench-panos-config.mjs');
  const repo = `${OUT}/drift-repo`;
  rmSync(repo, { recursive: true, force: true });
  mkdirSync(repo, { recursive: true });
  const path = `${repo}/panos.xml`;
  generatePanosConfig(path, { rules: 50000, addresses: 200000 });
  const git = (...args) => execFileSync('git', args, { cwd: repo, stdio: 'ignore' });
  git('init', '-q');
  git('-c', 'user.email=bench@example.com', '-c', 'user.name=bench', 'add', '.');
  git('-c', 'user.email=bench@example.com', '-c', 'user.name=bench', 'commit', '-qm', 'base');
  // The head: the first allow rule turned into a deny (a typical one-rule change).
  const text = readFileSync(path, 'utf8');
  const at = text.indexOf('<action>allow</action>');
  writeFileSync(
    path,
    `${text.slice(0, at)}<action>deny</action>${text.slice(at + '<action>allow</action>'.length)}`,
  );
  const single = [process.execPath, ['dist/cli.js', 'check', path, '--json']];
  const drift = [process.execPath, ['dist/cli.js', 'check', path, '--json', '--baseline', 'HEAD']];
  const [a, b] = interleaved([single, drift]);
  const fmt = (xs) => `median ${median(xs).toFixed(0)} ms (min ${Math.min(...xs).toFixed(0)})`;
  console.log(`drift on pan-os ${mb(path).toFixed(0)} MB, node ${process.version}, 5 interleaved runs each:`);
  console.log(`  single check: ${fmt(a)}`);
  console.log(`  --baseline HEAD (read at HEAD with git, both checked, compared): ${fmt(b)}`);
  console.log(`  ratio of medians ${(median(b) / median(a)).toFixed(2)}x (target <= 2x plus the git read)`);
}

/**
 * Our reader alone and our whole check beside a vendor tool's own parse of the same file (run in a fresh
 * network namespace as root, so the host's tables are never touched), interleaved.
 */
function vendorComparison(label, path, check, vendor) {
  if (process.getuid?.() !== 0) {
    console.log(`${label}: the vendor comparison needs root (unshare -n); skipped`);
    return;
  }
  const probe = spawnSync('unshare', ['-n', ...vendor], { stdio: 'ignore' });
  if (probe.error || probe.status !== 0) {
    console.log(
      `${label}: \`unshare -n ${vendor.join(' ')}\` failed (${probe.error?.message ?? `exit ${probe.status}`}); skipped`,
    );
    return;
  }
  const reader = [process.execPath, ['--max-old-space-size=4096', `${OUT}/bench-read-worker.mjs`, path]];
  const whole = [process.execPath, ['dist/cli.js', 'check', path, '--json', ...check]];
  const [r, w, v] = interleaved([reader, whole, ['unshare', ['-n', ...vendor]]]);
  const { rules } = JSON.parse(spawnSync(process.execPath, reader[1], { encoding: 'utf8' }).stdout);
  const fmt = (xs) => `median ${median(xs).toFixed(0)} ms (min ${Math.min(...xs).toFixed(0)})`;
  console.log(
    `${label}: ${mb(path).toFixed(1)} MB, ${rules} rules read, node ${process.version}, 5 interleaved runs each:`,
  );
  console.log(`  reader alone (process start, detect, read): ${fmt(r)}`);
  console.log(`  whole check (node dist/cli.js check --json ${check.join(' ')}): ${fmt(w)}`);
  console.log(`  unshare -n ${vendor.join(' ')}: ${fmt(v)}`);
  console.log(
    `  ratio of medians: reader ${(median(r) / median(v)).toFixed(2)}x (target <= 3x), whole check ${(median(w) / median(v)).toFixed(2)}x`,
  );
}

if (only.includes('iptables')) {
  const { generateIptablesSave } = await import('./bench-iptables-config.mjs');
  const path = `${OUT}/iptables-200k.rules`;
  generateIptablesSave(path, { rules: 200000 });
  // From the clients: "any source" over 200k random CIDR rules splits the region past what the evaluator
  // handles in reasonable time (see docs/formats/iptables.md, Speed).
  vendorComparison(
    'iptables 200k rules',
    path,
    ['--source', '10.20.0.0/16', '--flow', '*:443/tcp'],
    ['iptables-restore', '--test', path],
  );
}

if (only.includes('nftables')) {
  const { generateNftSet } = await import('./bench-nftables-config.mjs');
  const path = `${OUT}/nft-set-100k.nft`;
  generateNftSet(path, { elements: 100000 });
  vendorComparison('nftables 100k-element set', path, ['--flow', '*:443/tcp'], ['nft', '-c', '-f', path]);
}
