import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kernelOracleSkipReason } from './availability.js';
import { readerRegistered } from './compare.js';
import { explain, runOracle, summary } from './differential.js';
import { generateIptables } from './iptables-gen.js';
import { Lab } from './lab.js';
import { baseSeed, runCount } from './random.js';

const skip = await kernelOracleSkipReason();
const missing = readerRegistered('iptables')
  ? undefined
  : 'the iptables reader (src/formats/iptables/, id "iptables") is not registered in src/formats/registry.ts yet';
const RUNS = runCount();
const SEED = baseSeed();

const dir = (seed: number) => `kernel-oracle/iptables/${seed}`;

// The Linux kernel is the oracle: on random iptables rulesets, our verdict for the first packet of each
// sampled flow is the kernel's (allowed = delivered, blocked = dropped), read from what iptables-save
// prints and from the restore file as written.
describe.skipIf(skip !== undefined)(`iptables against the kernel${skip ? ` (skipped: ${skip})` : ''}`, () => {
  let lab: Lab;
  beforeAll(async () => {
    if (!missing) lab = await Lab.create();
  });
  afterAll(async () => {
    await lab?.destroy();
  });

  it.skipIf(missing !== undefined)(
    `${RUNS} random rulesets: every sampled flow's verdict is the kernel's${missing ? ` (skipped: ${missing})` : ''}`,
    async () => {
      const report = await runOracle(lab, 'iptables', RUNS, SEED, (rng) => {
        const rs = generateIptables(rng, { sourcePorts: true, log: true, rawConntrack: true });
        const seed = rng.seed;
        return {
          features: rs.features,
          load: (l) => l.loadIptables(rs),
          inputs: async (l) => {
            const saved = await l.iptablesSave();
            const sets = (text: string) => (text.trim() ? [{ path: `${dir(seed)}/ipset.save`, text }] : []);
            return [
              {
                form: 'iptables-save',
                files: [
                  { path: `${dir(seed)}/saved.v4`, text: saved.v4 },
                  { path: `${dir(seed)}/saved.v6`, text: saved.v6 },
                  ...sets(saved.ipsets),
                ],
              },
              {
                form: 'restore file',
                files: [
                  { path: `${dir(seed)}/rules.v4`, text: rs.v4 },
                  { path: `${dir(seed)}/rules.v6`, text: rs.v6 },
                  ...sets(rs.ipsets),
                ],
              },
            ];
          },
        };
      });
      console.log(summary('iptables kernel oracle', report, SEED));
      expect.soft(report.readErrors, explain('read errors', report.readErrors)).toEqual([]);
      expect.soft(report.wrong, explain('disagreements with the kernel', report.wrong)).toEqual([]);
      expect.soft(report.undecided, explain('unknown/partial verdicts', report.undecided)).toEqual([]);
      // A broken lab (nothing forwarded, or no rule effective) would make agreement meaningless.
      expect(report.delivered).toBeGreaterThan(report.probes * 0.05);
      expect(report.delivered).toBeLessThan(report.probes * 0.95);
    },
    Math.max(60_000, RUNS * 2_000),
  );
});
