// Drift (`check --baseline HEAD` beside the single check) and the Linux readers beside the kernel tools'
// own parse (`iptables-restore --test`, `nft -c -f`, each in a fresh network namespace).
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { CLI, comparePair, fileMb, generated, median, OUT, record } from './bench-lib.mjs';
import { generateIptablesSave } from './bench-iptables-config.mjs';
import { generateNftSet } from './bench-nftables-config.mjs';
import { panosFile } from './bench-vendor-text.mjs';

/** The same PAN-OS export in a git repository with one rule edited; target: at most 2x plus the git read. */
export function drift() {
  const repo = `${OUT}/drift-repo`;
  rmSync(repo, { recursive: true, force: true });
  mkdirSync(repo, { recursive: true });
  const path = `${repo}/panos.xml`;
  copyFileSync(panosFile(100), path);
  const git = (...args) => execFileSync('git', args, { cwd: repo, stdio: 'ignore' });
  const who = ['-c', 'user.email=bench@example.com', '-c', 'user.name=bench'];
  git('init', '-q');
  git(...who, 'add', '.');
  git(...who, 'commit', '-qm', 'base');
  // The head: the first allow rule turned into a deny (a typical one-rule change).
  const text = readFileSync(path, 'utf8');
  const at = text.indexOf('<action>allow</action>');
  writeFileSync(path, `${text.slice(0, at)}<action>deny</action>${text.slice(at + 22)}`);
  const check = (name, extra) => ({
    name,
    cmd: process.execPath,
    args: [CLI, 'check', path, '--json', ...extra],
    ok: [0, 1],
    node: true,
  });
  const gitRead = {
    name: 'git show HEAD:panos.xml (the read alone)',
    role: 'info ',
    cmd: 'git',
    args: ['-C', repo, 'show', 'HEAD:panos.xml'],
  };
  const [d, g, s] = comparePair(
    `drift on pan-os ${fileMb(path).toFixed(0)} MiB`,
    [check('check --baseline HEAD', ['--baseline', 'HEAD']), gitRead],
    check('single check', []),
  );
  if (d.error || g.error || s.error) return;
  const ratio = (median(d.times) - median(g.times)) / median(s.times);
  const v = record(
    'drift: (baseline - git read) / single',
    ratio <= 2,
    `${ratio.toFixed(2)}x (target <= 2x)`,
  );
  console.log(`  (baseline - git read) / single: ${ratio.toFixed(2)}x, target <= 2x: ${v}\n`);
}

const LINUX = {
  iptables: {
    title: 'iptables 200k rules',
    file: () =>
      generated('iptables-200k.rules', new URL('./bench-iptables-config.mjs', import.meta.url), {}, (p) =>
        generateIptablesSave(p, { rules: 200000 }),
      ),
    // From the clients: "any source" over 200k random CIDR rules splits the region past what the
    // evaluator handles in reasonable time (docs/formats/iptables.md, Speed).
    check: ['--source', '10.20.0.0/16', '--flow', '*:443/tcp'],
    vendor: (path) => ['iptables-restore', '--test', path],
  },
  nftables: {
    title: 'nftables 100k-element set',
    file: () =>
      generated('nft-set-100k.nft', new URL('./bench-nftables-config.mjs', import.meta.url), {}, (p) =>
        generateNftSet(p, { elements: 100000 }),
      ),
    check: ['--flow', '*:443/tcp'],
    vendor: (path) => ['nft', '-c', '-f', path],
  },
};

/** Our reader alone (target <= 3x) and whole check beside the vendor tool, as root in a fresh netns. */
export function linuxPair(which) {
  const { title, file, check, vendor } = LINUX[which];
  if (process.getuid?.() !== 0) {
    console.log(`${title}: the vendor comparison needs root (unshare -n); skipped\n`);
    return;
  }
  const path = file();
  const tool = vendor(path);
  const probe = spawnSync('unshare', ['-n', ...tool], { stdio: 'ignore' });
  if (probe.error || probe.status !== 0) {
    const why = probe.error?.message ?? `exit ${probe.status}`;
    console.log(`${title}: \`unshare -n ${tool.join(' ')}\` failed (${why}); skipped\n`);
    return;
  }
  comparePair(
    `${title} (${fileMb(path).toFixed(1)} MiB)`,
    [
      {
        name: 'reader alone (process start, detect, read)',
        cmd: process.execPath,
        args: ['--max-old-space-size=4096', `${OUT}/bench-read-worker.mjs`, path],
        node: true,
        target: 3,
      },
      {
        name: `whole check (check --json ${check.join(' ')})`,
        cmd: process.execPath,
        args: [CLI, 'check', path, '--json', ...check],
        ok: [0, 1],
        node: true,
      },
    ],
    { name: `unshare -n ${tool[0]} ${tool.slice(1, -1).join(' ')}`, cmd: 'unshare', args: ['-n', ...tool] },
  );
}
