import { readFileSync } from 'node:fs';
import { runInNewContext } from 'node:vm';
import { constants, PerformanceObserver, performance } from 'node:perf_hooks';
import { afterEach, describe, expect, it } from 'vitest';
import { BIG_INPUT_BYTES, heapGrowthLimited, limitHeapGrowth } from '../../src/check/heap-growth.js';
import { collectGarbage } from '../../src/input/garbage.js';
import { youngGenerationHold } from '../../src/input/young-generation.js';
import type { FileSource } from '../../src/check/file-source.js';
import { runCheck, type CheckOptions } from '../../src/check/run-check.js';

// The module's state lasts for the process (vitest gives each test file its own), so the cases run in
// order: the refusals first, then the check that sets the cap.
const execArgv = process.execArgv;
afterEach(() => {
  process.execArgv = execArgv;
});

const options = (files: FileSource): CheckOptions => ({
  configs: ['fixtures/generic/https-only.yaml'],
  version: 'latest',
  mode: 'cloud',
  files,
});

/** A source whose one file says it is `size` bytes (its text is a small fixture's). */
function sourceOfSize(size: number): FileSource {
  const path = 'fixtures/generic/https-only.yaml';
  const text = readFileSync(path, 'utf8');
  return { describe: 'test', read: () => Promise.resolve({ path, text, size }) };
}

describe('heap growth for big inputs', () => {
  it('leaves small inputs to V8', async () => {
    expect(await limitHeapGrowth(BIG_INPUT_BYTES - 1)).toBe(false);
    await runCheck(options(sourceOfSize(1024)));
    expect(heapGrowthLimited()).toBe(false);
    expect(youngGenerationHold()).toBe('off');
    // Nor does it collect for them: V8 isn't even asked to expose its collector.
    collectGarbage();
    expect(runInNewContext('typeof gc')).toBe('undefined');
  });

  it("keeps the user's own growth and young-generation settings", async () => {
    process.execArgv = [...execArgv, '--heap-growing-percent=80', '--max-semi-space-size=32'];
    expect(await limitHeapGrowth(BIG_INPUT_BYTES)).toBe(false);
    expect(heapGrowthLimited()).toBe(false);
    expect(youngGenerationHold()).toBe('off');
  });

  it('caps it once a check reads big inputs (a 30 MiB export is one), and watches the young generation', async () => {
    await runCheck(options(sourceOfSize(30 * 1024 * 1024)));
    expect(heapGrowthLimited()).toBe(true);
    // Held already where the worker's young generation had grown to the size (test/input/young-generation.test.ts).
    expect(['watching', 'held']).toContain(youngGenerationHold());
  });

  it('collects once a big check has read its inputs: a forced full collection, as V8 reports it', async () => {
    const forced: number[] = [];
    const observer = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        const { kind, flags } = (e as unknown as { detail: { kind: number; flags: number } }).detail;
        if (
          kind === constants.NODE_PERFORMANCE_GC_MAJOR &&
          flags & constants.NODE_PERFORMANCE_GC_FLAGS_FORCED
        )
          forced.push(e.startTime);
      }
    });
    observer.observe({ entryTypes: ['gc'] });
    const before = performance.now();
    const check = await runCheck(options(sourceOfSize(30 * 1024 * 1024)));
    // GC entries are delivered on a later turn of the event loop.
    await new Promise((resolve) => setTimeout(resolve, 50));
    observer.disconnect();
    expect(check.results.length).toBeGreaterThan(0);
    // The fixture passes, so no fix is written: the read's end is the check's only collection.
    expect(forced.filter((t) => t >= before)).toHaveLength(1);
  });

  it('collects in a big check when asked: what nothing holds is gone', async () => {
    expect(heapGrowthLimited()).toBe(true);
    let ref: WeakRef<object> | undefined;
    (() => {
      ref = new WeakRef({ big: new Array(100_000).fill(1) });
    })();
    // A WeakRef's target lives to the end of the job that made or read it.
    await new Promise((resolve) => setTimeout(resolve, 0));
    collectGarbage();
    expect(ref!.deref()).toBeUndefined();
  });
});
