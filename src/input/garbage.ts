let collect: (() => void) | undefined;

/**
 * Lets `collectGarbage` collect, for the rest of the process: called for big inputs only
 * (src/check/heap-growth.ts). V8 exposes `gc` only to contexts made after `--expose-gc` is set; where it
 * doesn't, collectGarbage stays a no-op (a collection only lowers the peak).
 */
export async function enableCollections(): Promise<void> {
  if (collect) return;
  const [v8, vm] = await Promise.all([import('node:v8'), import('node:vm')]);
  v8.setFlagsFromString('--expose-gc');
  const gc: unknown = vm.runInNewContext('typeof gc === "function" ? gc : undefined');
  collect = typeof gc === 'function' ? (gc as () => void) : () => {};
}

/**
 * A full collection now, once enabled: where a big check has just let go of most of what it held. V8
 * collects when the heap reaches the limit its last collection set (1.5x what was live then, in a big
 * check): left to itself it would let the heap grow to that limit first, full of what was let go.
 */
export function collectGarbage(): void {
  collect?.();
}
