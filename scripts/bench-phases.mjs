// Where one read's time goes, step by step, beside the floor of each vendor's pair (informational: no
// target). Each step runs alone in a fresh process (scripts/bench-phase-worker.ts), timed from outside as
// the floors are, so the difference between two rows is what the later step adds.
import { OUT, checkSide, comparePair, fileMb } from './bench-lib.mjs';
import { ALLOWED_FLOW, readAndSplit, xmllint } from './bench-vendor-text.mjs';

const worker = `${OUT}/bench-phase-worker.mjs`;
const step = (name, phase, path) => ({
  name,
  cmd: process.execPath,
  args: [worker, phase, path],
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
      checkSide('+ evaluation and report: check of an allowed flow', path, ['--flow', ALLOWED_FLOW]),
    ],
    xmllint(path),
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
      checkSide('+ evaluation and report: passing check', path),
    ],
    readAndSplit(path),
  );
}
