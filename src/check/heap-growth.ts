import { enableCollections } from '../input/garbage.js';
import { watchYoungGeneration, youngGenerationSetByUser } from '../input/young-generation.js';

/**
 * How far V8 lets the heap grow past what a full collection found live before it collects again. Left to
 * itself V8 picks a factor of up to 4 when collections are fast next to allocation (as they are while a
 * reader streams a big export), so a big check's peak was mostly garbage. With a fixed 1.5 (interleaved
 * runs, docs/performance.md, session 5): the failing 107 MiB PAN-OS check peaks at ~320-345 MiB instead of
 * ~336-380, the failing 100 MiB FortiGate check at ~600 MB instead of ~850, a 100k-rule generic policy at
 * ~0.9 GB instead of 1.3-1.45 (Node 20). The cost: ~20% more time on the failing FortiGate check, whose
 * large live heap is marked more often; a factor of 2 keeps that time but misses the PAN-OS figure.
 */
export const HEAP_GROWING_PERCENT = 50;

/**
 * From this much input on. Smaller checks hardly reach a second full collection. A failing check of a
 * 30 MiB FortiGate export does (its proof reads the export again): uncapped it peaked at 316-336 MiB,
 * capped at 241-244 MiB (session 6).
 */
export const BIG_INPUT_BYTES = 16 * 1024 * 1024;

let limited = false;

/** Whether limitHeapGrowth has set the cap in this process. */
export function heapGrowthLimited(): boolean {
  return limited;
}

/**
 * Once the inputs are big: enables full collections at a check's turns, and caps V8's heap growth factor
 * for the rest of the process unless Node was started with a growth setting of its own. Returns whether
 * the cap is (now) in force.
 */
export async function limitHeapGrowth(inputBytes: number): Promise<boolean> {
  if (limited) return true;
  if (inputBytes < BIG_INPUT_BYTES) return false;
  // Collections where a big check lets go of most of what it held (src/input/garbage.ts): once the readers
  // let go of their tables (run-check.ts) and after the first model is released (remediate.ts). They took
  // the failing 100 MiB FortiGate check from ~370 to ~300 MB (docs/performance.md, sessions 9 and 11).
  await enableCollections();
  // Node 24's young generation grows four times as big as Node 20's: held at Node 20's size
  // (src/input/young-generation.ts).
  if (!youngGenerationSetByUser()) watchYoungGeneration();
  if (process.execArgv.some((a) => /^--heap[-_]growing[-_]percent\b/.test(a))) return false;
  // The flag is read each time V8 sets the next collection's limit, so setting it now takes effect.
  const v8 = await import('node:v8');
  v8.setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
  limited = true;
  return true;
}
