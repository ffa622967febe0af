/** A small seeded generator (mulberry32), so a failing ruleset can be rebuilt from its seed. */
export class Rng {
  private state: number;

  constructor(readonly seed: number) {
    this.state = seed >>> 0;
  }

  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [lo, hi]. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }

  /** `n` distinct items (fewer when there aren't enough), in random order. */
  some<T>(items: readonly T[], n: number): T[] {
    const pool = [...items];
    const out: T[] = [];
    while (out.length < n && pool.length) out.push(pool.splice(Math.floor(this.next() * pool.length), 1)[0]!);
    return out;
  }
}

/** The seed a run starts from: KERNEL_ORACLE_SEED (a number, or `random`), else CI's fixed one. */
export function baseSeed(): number {
  const given = process.env.KERNEL_ORACLE_SEED;
  // CI replays one fixed seed (a failure there reproduces exactly); KERNEL_ORACLE_SEED=random explores.
  if (given === undefined || given === '') return 20261206;
  if (given === 'random') return Math.floor(Math.random() * 2 ** 31);
  const n = Number(given);
  if (!Number.isInteger(n))
    throw new Error(`KERNEL_ORACLE_SEED must be an integer or random, not "${given}"`);
  return n;
}

/** How many rulesets each differential test runs: KERNEL_ORACLE_RUNS, default 500. */
export function runCount(): number {
  const given = process.env.KERNEL_ORACLE_RUNS;
  if (given === undefined || given === '') return 500;
  const n = Number(given);
  if (!Number.isInteger(n) || n < 1)
    throw new Error(`KERNEL_ORACLE_RUNS must be a positive integer, not "${given}"`);
  return n;
}
