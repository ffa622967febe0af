/**
 * The semi-space size (MiB) a big check lets V8's young generation grow to: Node 20's (V8 11) own limit
 * on 64-bit machines. Node 24 (V8 13) sizes it from the heap limit, so from the machine's memory: 64 MiB
 * here (24 GB). What a reader holds for a while (an entry being built) then survives in a young
 * generation four times as big, next to the old one: the failing 30 MiB FortiGate check peaked at
 * ~280 MB on Node 24 against ~160 MB on Node 20, in the same time (docs/performance.md, session 10).
 */
export const SEMI_SPACE_MIB = 16;

let state: 'off' | 'watching' | 'held' = 'off';
let v8: typeof import('node:v8') | undefined;
/** node:v8, taken on first use: every run reads input, few read big input (no more at the action's start-up). */
const heap = () => (v8 ??= process.getBuiltinModule('node:v8'));

/** Whether this process watches its young generation (watchYoungGeneration), or holds it already. */
export function youngGenerationHold(): typeof state {
  return state;
}

/** Whether Node was started with a young-generation setting of its own (flags or NODE_OPTIONS). */
export function youngGenerationSetByUser(
  execArgv: readonly string[] = process.execArgv,
  nodeOptions: string | undefined = process.env.NODE_OPTIONS,
): boolean {
  const own = /(^|\s)--(max|min)[-_]semi[-_]space[-_]size\b|(^|\s)--semi[-_]space[-_]growth[-_]factor\b/;
  return execArgv.some((a) => own.test(a)) || own.test(nodeOptions ?? '');
}

/**
 * Holds the young generation at SEMI_SPACE_MIB once it gets there, for the rest of the process. Its
 * limit (--max-semi-space-size) is read only when V8 sets the heap up, but the growth factor each time
 * the young generation grows, and a factor of 1 keeps it as it is. So its size is watched as input is
 * read (youngGenerationTick) and the factor set when the size is reached. Where the limit is lower (a
 * small machine), it never is, and V8's own limit holds.
 */
export function watchYoungGeneration(): void {
  if (state !== 'off') return;
  state = 'watching';
  youngGenerationTick();
}

/** Called as input is read (each decoded piece): stops the young generation's growth at SEMI_SPACE_MIB. */
export function youngGenerationTick(): void {
  if (state !== 'watching') return;
  // The new space's size counts both semi-spaces.
  if (newSpaceBytes() < 2 * SEMI_SPACE_MIB * 1024 * 1024) return;
  heap().setFlagsFromString('--semi-space-growth-factor=1');
  state = 'held';
}

/** The young generation's size now: both semi-spaces, in bytes. */
export function newSpaceBytes(): number {
  return (
    heap()
      .getHeapSpaceStatistics()
      .find((s) => s.space_name === 'new_space')?.space_size ?? 0
  );
}
