import type { IntervalSet } from '../model/interval-set.js';
import type { ZoneSet } from '../model/zone-set.js';

/**
 * A product region of the packet space one flow spans: source zone x destination zone x source address
 * x destination. Port and protocol are fixed per flow, so they are not dimensions.
 */
export interface Box {
  sz: ZoneSet;
  dz: ZoneSet;
  s: IntervalSet;
  d: IntervalSet;
}

export function boxIsEmpty(b: Box): boolean {
  return b.s.isEmpty() || b.d.isEmpty() || b.sz.isEmpty() || b.dz.isEmpty();
}

export function boxesIntersect(a: Box, b: Box): boolean {
  return a.sz.intersects(b.sz) && a.dz.intersects(b.dz) && a.s.intersects(b.s) && a.d.intersects(b.d);
}

export function boxIntersect(a: Box, b: Box): Box | undefined {
  const r: Box = {
    sz: a.sz.intersect(b.sz),
    dz: a.dz.intersect(b.dz),
    s: a.s.intersect(b.s),
    d: a.d.intersect(b.d),
  };
  return boxIsEmpty(r) ? undefined : r;
}

/** `a` minus `b` as disjoint boxes: peel off one dimension at a time. */
export function boxSubtract(a: Box, b: Box): Box[] {
  if (!boxesIntersect(a, b)) return [a];
  const out: Box[] = [];
  const push = (x: Box) => {
    if (!boxIsEmpty(x)) out.push(x);
  };
  push({ ...a, s: a.s.subtract(b.s) });
  const s = a.s.intersect(b.s);
  push({ ...a, s, d: a.d.subtract(b.d) });
  const d = a.d.intersect(b.d);
  push({ ...a, s, d, sz: a.sz.subtract(b.sz) });
  const sz = a.sz.intersect(b.sz);
  push({ sz, dz: a.dz.subtract(b.dz), s, d });
  return out;
}
