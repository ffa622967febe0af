// Where one read's time goes, step by step, beside the floor of each vendor's pair (informational: no
// target). Each step runs alone in a fresh process (scripts/bench-phase-worker.ts), timed from outside as
// the floors are, so the difference between two rows is what the later step adds.
import { CLI, OUT, comparePair, fileMb } from './bench-lib.mjs';

const worker = `${OUT}/bench-phase-worker.mjs`;
const step = (name, phase, path) => ({
  name,
  cmd: process.execPath,
  args: [worker, phase, path],
  node: true,
});
const check = (name, path, extra = []) => ({
  name,
  cmd: process.execPath,
  args: [CLI, 'check', path, '--json', ...extra],
  ok: [0, 1],
  node: true,
});

/** The PAN-OS export's read in steps, beside `xmllint --stream --noout`. */
export function panosPhases(path) {
  comparePair(
    `pan-os ${fileMb(path).toFixed(0)} MiB: one read in steps, beside xmllint`,
    [
      step('text decoded in pieces', 'decode', path),
      step('+ XML scanned into the kept element tree', 'panos-tree', path),
      step('+ policies assembled (the whole read)', 'read', path),
      check('+ evaluation and report: check of an allowed flow', path, [
        '--flow',
        'remotespark.trafficmanager.net:443/tcp',
      ]),
    ],
    { name: 'xmllint --stream --noout', cmd: 'xmllint', args: ['--stream', '--noout', path] },
  );
}

/** The FortiGate export's read in steps, beside a bare Node read-and-split. */
export function fortigatePhases(path) {
  comparePair(
    `fortigate ${fileMb(path).toFixed(0)} MiB: one read in steps, beside a bare Node read-and-split`,
    [
      step('text decoded in pieces', 'decode', path),
      step('tokenized: every statement and word', 'fortigate-tokens', path),
      step('tokens into the config tree (kept keys, held whole)', 'fortigate-tree', path),
      step('the whole read (policies built as they close)', 'read', path),
      check('+ evaluation and report: passing check', path),
    ],
    {
      name: 'node scripts/bench-floor-split.mjs',
      cmd: process.execPath,
      args: [new URL('./bench-floor-split.mjs', import.meta.url).pathname, path],
      node: true,
    },
  );
}
