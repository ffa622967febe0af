import type { ZoneSet } from '../model/zone-set.js';
import { firstAtLeast } from './sorted-positions.js';

/**
 * Finds, for a region's zone set, the next rule (by position) whose zone set may share a name with it.
 * Rules listing zones are filed under each name; rules of "every zone but ..." are open and checked for
 * every region. A region of a few named zones (a user chain's `-i eth1`, one zone pair) skips the rules
 * of every other zone without looking at them: large rulebases split per zone or interface stay linear.
 */
export class ZoneIndex {
  private readonly byName = new Map<string, number[]>();
  private readonly open: number[] = [];

  constructor(
    private readonly count: number,
    zones: (position: number) => ZoneSet,
  ) {
    for (let k = 0; k < count; k++) {
      const z = zones(k);
      if (z.complement) this.open.push(k);
      else
        for (const name of z.names) {
          const list = this.byName.get(name);
          if (list) list.push(k);
          else this.byName.set(name, [k]);
        }
    }
  }

  /** The smallest position >= `from` whose rule may share a zone with `zones`, or `count` if none. */
  next(zones: ZoneSet, from: number): number {
    if (from >= this.count) return this.count;
    // "Every zone but ..." meets almost every rule: no skipping.
    if (zones.complement) return from;
    let best = firstAtLeast(this.open, from);
    for (const name of zones.names) {
      const list = this.byName.get(name);
      if (list) best = Math.min(best, firstAtLeast(list, from));
    }
    return Math.min(best, this.count);
  }
}
