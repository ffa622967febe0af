import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kernelOracleSkipReason } from './availability.js';
import { readerRegistered } from './compare.js';
import { explain, runOracle, summary } from './differential.js';
import { generateNftables } from './nftables-gen.js';
import { Lab } from './lab.js';
import { baseSeed, runCount } from './random.js';

const skip = await kernelOracleSkipReason();
const missing = readerRegistered('nftables')
  ? undefined
  : 'the nftables reader (src/formats/nftables/, id "nftables") is not registered in src/formats/registry.ts yet';
const RUNS = runCount();
const SEED = baseSeed();

const dir = (seed: number) => `kernel-oracle/nftables/${seed}`;

// The Linux kernel is the oracle: on random nftables rulesets, our verdict for the first packet of each
// sampled flow is the kernel's (allowed = delivered, blocked = dropped), read from the nft script as
// written (with its defines), from `nft list ruleset` and from `nft -j list ruleset`.
describe.skipIf(skip !== undefined)(`nftables against the kernel${skip ? ` (skipped: ${skip})` : ''}`, () => {
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
      const report = await runOracle(lab, 'nftables', RUNS, SEED, (rng) => {
        const rs = generateNftables(rng, { prerouting: true, log: true, beforeConntrack: true });
        const seed = rng.seed;
        return {
          features: rs.features,
          load: (l) => l.loadNftables(rs.text),
          inputs: async (l) => {
            const listed = await l.nftList();
            return [
              { form: 'script', files: [{ path: `${dir(seed)}/ruleset.nft`, text: rs.text }] },
              { form: 'nft list ruleset', files: [{ path: `${dir(seed)}/listed.nft`, text: listed.text }] },
              {
                form: 'nft -j list ruleset',
                files: [{ path: `${dir(seed)}/listed.json`, text: listed.json }],
              },
            ];
          },
        };
      });
      console.log(summary('nftables kernel oracle', report, SEED));
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
