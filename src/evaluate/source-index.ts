import type { IntervalSet } from '../model/interval-set.js';
import { V6_BASE } from '../model/ip.js';
import { firstAtLeast } from './sorted-positions.js';

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
      const key = SourceIndex.keyOf(sources(k));
      if (key === undefined) this.wide.push(k);
      else {
        const list = this.buckets.get(key);
        if (list) list.push(k);
        else this.buckets.set(key, [k]);
      }
    }
  }

  /** A source set's bucket, or undefined when it spans several (work it out once per region). */
  static keyOf(s: IntervalSet): string | undefined {
    const lo = s.min();
    const hi = s.max();
    if (lo === undefined || hi === undefined) return undefined;
    const shift = lo < V6_BASE ? 8n : 64n;
    const key = lo >> shift;
    return key === hi >> shift ? key.toString(36) : undefined;
  }

  /** The smallest position >= `from` whose rule may share sources with a region of bucket `key`. */
  next(key: string | undefined, from: number): number {
    if (from >= this.count) return this.count;
    if (key === undefined) return from;
    const narrow = this.buckets.get(key);
    const a = narrow ? firstAtLeast(narrow, from) : this.count;
    const b = firstAtLeast(this.wide, from);
    return Math.min(a, b, this.count);
  }
}
