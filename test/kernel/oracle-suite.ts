import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kernelOracleSkipReason } from './availability.js';
import { readerRegistered } from './compare.js';
import { explain, runOracle, summary, type OracleCase } from './differential.js';
import { Lab } from './lab.js';
import { baseSeed, runCount, type Rng } from './random.js';

/**
 * One format's differential test against the kernel: a lab for the suite, `KERNEL_ORACLE_RUNS` random
 * rulesets from `KERNEL_ORACLE_SEED`, and every sampled flow's verdict compared with what the kernel did.
 * Skipped with the reason where namespaces, the tools or the reader are missing.
 */
export async function describeKernelOracle(
  formatId: string,
  make: (rng: Rng, dir: string) => OracleCase,
): Promise<void> {
  const skip = await kernelOracleSkipReason();
  const missing = readerRegistered(formatId)
    ? undefined
    : `the ${formatId} reader (src/formats/${formatId}/, id "${formatId}") is not registered in src/formats/registry.ts yet`;
  const runs = runCount();
  const seed = baseSeed();

  describe.skipIf(skip !== undefined)(
    `${formatId} against the kernel${skip ? ` (skipped: ${skip})` : ''}`,
    () => {
      let lab: Lab;
      beforeAll(async () => {
        if (!missing) lab = await Lab.create();
      });
      afterAll(async () => {
        await lab?.destroy();
      });

      it.skipIf(missing !== undefined)(
        `${runs} random rulesets: every sampled flow's verdict is the kernel's${missing ? ` (skipped: ${missing})` : ''}`,
        async () => {
          const report = await runOracle(lab, formatId, runs, seed, (rng) =>
            make(rng, `kernel-oracle/${formatId}/${rng.seed}`),
          );
          console.log(summary(`${formatId} kernel oracle`, report, seed));
          expect.soft(report.readErrors, explain('read errors', report.readErrors)).toEqual([]);
          expect.soft(report.wrong, explain('disagreements with the kernel', report.wrong)).toEqual([]);
          expect.soft(report.undecided, explain('unknown/partial verdicts', report.undecided)).toEqual([]);
          // A broken lab (nothing forwarded, or no rule effective) would make agreement meaningless.
          expect(report.delivered).toBeGreaterThan(report.probes * 0.05);
          expect(report.delivered).toBeLessThan(report.probes * 0.95);
        },
        Math.max(60_000, runs * 2_000),
      );
    },
  );
}
