/** The first value >= `from` in an ascending list, or Number.MAX_SAFE_INTEGER when there is none. */
export function firstAtLeast(sorted: readonly number[], from: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! < from) lo = mid + 1;
    else hi = mid;
  }
  return lo < sorted.length ? sorted[lo]! : Number.MAX_SAFE_INTEGER;
}
