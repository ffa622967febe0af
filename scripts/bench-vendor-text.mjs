// The large vendor exports of issue 12: PAN-OS beside `xmllint --stream --noout`, FortiGate beside a bare
// Node read-and-split, and the opt-in ~1 GB PAN-OS export under the CLI's default settings.
import { statSync } from 'node:fs';
import {
  CLI,
  checkSide,
  comparePair,
  fileMb,
  generated,
  interleave,
  record,
  rssTargetMb,
  verdict,
} from './bench-lib.mjs';
import { generateFortigateConfig } from './bench-fortigate-config.mjs';
import { generatePanosConfig } from './bench-panos-config.mjs';

const PANOS_GENERATOR = new URL('./bench-panos-config.mjs', import.meta.url);
const FORTIGATE_GENERATOR = new URL('./bench-fortigate-config.mjs', import.meta.url);

/** A PAN-OS running-config of about `mb` MB: 500 rules and 2,000 address objects per MB (50k rules: 107 MiB). */
export function panosFile(mb) {
  const params = { rules: 500 * mb, addresses: 2000 * mb };
  return generated(`panos-${mb}mb.xml`, PANOS_GENERATOR, params, (path) => generatePanosConfig(path, params));
}

/** A flow every generated PAN-OS export allows. */
export const ALLOWED_FLOW = 'remotespark.trafficmanager.net:443/tcp';

/** The PAN-OS floor. */
export const xmllint = (path) => ({
  name: 'xmllint --stream --noout',
  cmd: 'xmllint',
  args: ['--stream', '--noout', path],
});

export function panosPair(mb) {
  const path = panosFile(mb);
  comparePair(
    `pan-os ${fileMb(path).toFixed(0)} MiB: whole check vs xmllint`,
    [
      { ...checkSide('check --json', path), target: 2.5 },
      { ...checkSide('check --json --source 10.0.0.0/8', path, ['--source', '10.0.0.0/8']), target: 2.5 },
      // An allowed flow: one read and nothing to fix, where the sides above also prove their fixes by
      // reading the patched export again (so they cost about two reads).
      { ...checkSide(`check --json --flow ${ALLOWED_FLOW}`, path, ['--flow', ALLOWED_FLOW]), target: 2.5 },
    ],
    xmllint(path),
    { rssTarget: rssTargetMb(statSync(path).size) },
  );
}

/** A FortiGate backup of about `mb` MiB (scripts/bench-fortigate-config.mjs). */
export function fortigateFile(mb) {
  const params = { sizeMb: mb };
  return generated(`fortigate-${mb}mb.conf`, FORTIGATE_GENERATOR, params, (p) =>
    generateFortigateConfig(p, params),
  );
}

/** The FortiGate floor: a bare Node read-and-split of the file. */
export const readAndSplit = (path) => ({
  name: 'node scripts/bench-floor-split.mjs',
  cmd: process.execPath,
  args: [new URL('./bench-floor-split.mjs', import.meta.url).pathname, path],
  node: true,
});

export function fortigatePair(mb) {
  const path = fortigateFile(mb);
  comparePair(
    `fortigate ${fileMb(path).toFixed(0)} MiB: whole check vs a bare Node read-and-split`,
    [
      { ...checkSide('check --json', path), target: 4 },
      // The generated export allows every flow; from these sources it does not, so fixes are written and
      // proven (a second read of the patched export).
      {
        ...checkSide('check --json --source 10.1.0.0/16', path, ['--source', '10.1.0.0/16']),
        target: 4,
      },
    ],
    readAndSplit(path),
    { rssTarget: rssTargetMb(statSync(path).size) },
  );
}

/**
 * One run each (a run takes minutes): the whole check with no options beyond --json, and xmllint.
 * BENCH_HUGE_MB (default 1000, ~1.07 GiB) sets the size.
 */
export function panosHuge() {
  const path = panosFile(Number(process.env.BENCH_HUGE_MB ?? 1000));
  const bytes = statSync(path).size;
  const check = {
    name: 'check --json (default settings)',
    cmd: process.execPath,
    args: [CLI, 'check', path, '--json'],
    ok: [0, 1],
    node: true,
  };
  console.log(`pan-os ${fileMb(path).toFixed(0)} MiB (BENCH_HUGE), default CLI settings: 1 run each`);
  const [ours, floor] = interleave([check, xmllint(path)], 1);
  const checked = ours.error === undefined;
  console.log(
    `  whole check: ${checked ? `${(ours.times[0] / 1000).toFixed(1)} s, peak RSS ${ours.rss[0]?.toFixed(0) ?? 'n/a'} MiB` : `FAILED: ${ours.error}`}`,
  );
  console.log(`  xmllint --stream --noout: ${floor.error ?? `${(floor.times[0] / 1000).toFixed(1)} s`}`);
  record(
    `pan-os ${fileMb(path).toFixed(0)} MiB checks under default settings`,
    checked,
    checked ? 'checked' : 'failed',
  );
  if (checked && !floor.error) {
    const ratio = ours.times[0] / floor.times[0];
    console.log(`  ratio ${ratio.toFixed(2)}x (one run each; for information)`);
  }
  const target = rssTargetMb(bytes);
  const v = verdict(`pan-os ${fileMb(path).toFixed(0)} MiB: peak RSS`, ours.rss[0], target, ' MiB');
  console.log(`  peak RSS target <= ${target.toFixed(0)} MiB: ${v}\n`);
}
