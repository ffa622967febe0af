import type { IntervalSet } from '../model/interval-set.js';
import { V6_BASE } from '../model/ip.js';

/**
 * Finds, for a region's source set, the next rule (by position) that may touch it. Rules whose sources
 * lie within one bucket (an IPv4 /24 or an IPv6 /64) are filed under it; the rest are "wide" and checked
 * for every region. A region inside one bucket only meets that bucket's rules and the wide ones, so a
 * rule list of many narrow-source rules costs each region only its neighbours.
 */
export class SourceIndex {
  private readonly buckets = new Map<string, number[]>();
  private readonly wide: number[] = [];

  constructor(
    private readonly count: number,
    sources: (position: number) => IntervalSet,
  ) {
    for (let k = 0; k < count; k++) {
      const key = bucketOf(sources(k));
      if (key === undefined) this.wide.push(k);
      else {
        const list = this.buckets.get(key);
        if (list) list.push(k);
        else this.buckets.set(key, [k]);
      }
    }
  }

  /** The smallest position >= `from` whose rule may share sources with `s`, or `count` if none. */
  next(s: IntervalSet, from: number): number {
    if (from >= this.count) return this.count;
    const key = bucketOf(s);
    if (key === undefined) return from;
    const narrow = this.buckets.get(key);
    const a = narrow ? firstAtLeast(narrow, from) : this.count;
    const b = firstAtLeast(this.wide, from);
    return Math.min(a, b);
  }
}

function bucketOf(s: IntervalSet): string | undefined {
  const lo = s.min();
  const hi = s.max();
  if (lo === undefined || hi === undefined) return undefined;
  const shift = lo < V6_BASE ? 8n : 64n;
  const key = lo >> shift;
  return key === hi >> shift ? key.toString(36) : undefined;
}

function firstAtLeast(sorted: readonly number[], from: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! < from) lo = mid + 1;
    else hi = mid;
  }
  return lo < sorted.length ? sorted[lo]! : Number.MAX_SAFE_INTEGER;
}
