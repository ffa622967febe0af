import { IntervalSet } from '../../model/interval-set.js';
import { ALL_ADDRESSES } from '../../model/ip.js';
import type { UnknownPart } from '../../model/location.js';
import { ZoneSet } from '../../model/zone-set.js';

export const ALL_PROTOCOLS = IntervalSet.range(0n, 255n);
export const ALL_PORTS = IntervalSet.range(0n, 65535n);

/**
 * What one iptables rule matches, as a conjunction of independent factors (a product), so that AND is
 * exact: addresses, IP protocol numbers, ports (restricted only where every protocol carries ports),
 * interfaces (as zones, exact for wildcards too: interface-zones.ts), and parts the reader doesn't model
 * (`unknowns`).
 */
export interface Match {
  src: IntervalSet;
  dst: IntervalSet;
  proto: IntervalSet;
  dport: IntervalSet;
  sport: IntervalSet;
  sz: ZoneSet;
  dz: ZoneSet;
  unknowns: readonly UnknownPart[];
}

export const MATCH_ALL: Match = {
  src: ALL_ADDRESSES,
  dst: ALL_ADDRESSES,
  proto: ALL_PROTOCOLS,
  dport: ALL_PORTS,
  sport: ALL_PORTS,
  sz: ZoneSet.ANY,
  dz: ZoneSet.ANY,
  unknowns: [],
};

/**
 * Both sets, sharing an operand where the result is one of them (a single interval holding the other):
 * the rules' sets are shared objects, and keeping them shared saves work and memory further on.
 */
export function meet(a: IntervalSet, b: IntervalSet): IntervalSet {
  if (a === b || a.isEmpty()) return a;
  if (b.isEmpty()) return b;
  if (a.intervalCount === 1 && a.min()! <= b.min()! && b.max()! <= a.max()!) return b;
  if (b.intervalCount === 1 && b.min()! <= a.min()! && a.max()! <= b.max()!) return a;
  return a.intersect(b);
}

/** Whether `set` holds all of `all` (cheap where both are one interval, as port and protocol sets are). */
export function full(set: IntervalSet, all: IntervalSet): boolean {
  if (set === all) return true;
  if (set.isEmpty()) return all.isEmpty();
  if (all.intervalCount === 1 && set.intervalCount === 1)
    return set.min()! <= all.min()! && set.max()! >= all.max()!;
  return set.covers(all);
}

function zoneAnd(a: ZoneSet, b: ZoneSet): ZoneSet {
  if (a === b || b.isAny()) return a;
  if (a.isAny()) return b;
  return a.intersect(b);
}

export function isEmptyMatch(m: Match): boolean {
  return (
    m.src.isEmpty() ||
    m.dst.isEmpty() ||
    m.proto.isEmpty() ||
    m.dport.isEmpty() ||
    m.sport.isEmpty() ||
    m.sz.isEmpty() ||
    m.dz.isEmpty()
  );
}

/** Both matches at once: each factor intersected, unknown parts kept together. */
export function andMatch(a: Match, b: Match): Match {
  return {
    src: meet(a.src, b.src),
    dst: meet(a.dst, b.dst),
    proto: meet(a.proto, b.proto),
    dport: meet(a.dport, b.dport),
    sport: meet(a.sport, b.sport),
    sz: zoneAnd(a.sz, b.sz),
    dz: zoneAnd(a.dz, b.dz),
    unknowns:
      b.unknowns.length === 0
        ? a.unknowns
        : a.unknowns.length === 0
          ? b.unknowns
          : [...a.unknowns, ...b.unknowns],
  };
}

/** `m` with the factors `piece` gives ANDed in (the others untouched). */
export function restrict(m: Match, piece: Partial<Match>): Match {
  const out = { ...m };
  if (piece.src) out.src = meet(m.src, piece.src);
  if (piece.dst) out.dst = meet(m.dst, piece.dst);
  if (piece.proto) out.proto = meet(m.proto, piece.proto);
  if (piece.dport) out.dport = meet(m.dport, piece.dport);
  if (piece.sport) out.sport = meet(m.sport, piece.sport);
  if (piece.sz) out.sz = zoneAnd(m.sz, piece.sz);
  if (piece.dz) out.dz = zoneAnd(m.dz, piece.dz);
  if (piece.unknowns?.length)
    out.unknowns = m.unknowns.length === 0 ? piece.unknowns : [...m.unknowns, ...piece.unknowns];
  return out;
}

/**
 * `ctx` and not `m`, exactly, as a list of products: not (f1 and f2 ...) is (not f1) or (f1 and not f2)
 * or ..., each piece a product again. An unknown factor's negation is unknown too.
 */
export function andNotMatch(ctx: Match, m: Match): Match[] {
  const out: Match[] = [];
  let acc = ctx;
  const push = (piece: Partial<Match>) => {
    const p = restrict(acc, piece);
    if (!isEmptyMatch(p)) out.push(p);
  };
  const step = (piece: Partial<Match>, keep: Partial<Match>) => {
    push(piece);
    acc = restrict(acc, keep);
  };
  if (!full(m.src, ALL_ADDRESSES)) step({ src: ALL_ADDRESSES.subtract(m.src) }, { src: m.src });
  if (!full(m.dst, ALL_ADDRESSES)) step({ dst: ALL_ADDRESSES.subtract(m.dst) }, { dst: m.dst });
  if (!full(m.proto, ALL_PROTOCOLS)) step({ proto: ALL_PROTOCOLS.subtract(m.proto) }, { proto: m.proto });
  if (!full(m.dport, ALL_PORTS)) step({ dport: ALL_PORTS.subtract(m.dport) }, { dport: m.dport });
  if (!full(m.sport, ALL_PORTS)) step({ sport: ALL_PORTS.subtract(m.sport) }, { sport: m.sport });
  if (!m.sz.isAny()) step({ sz: m.sz.negate() }, { sz: m.sz });
  if (!m.dz.isAny()) step({ dz: m.dz.negate() }, { dz: m.dz });
  for (const u of m.unknowns) {
    step({ unknowns: [{ ...u, reason: `whether it is not so: ${u.reason}` }] }, { unknowns: [u] });
  }
  if (isEmptyMatch(acc)) return out;
  return out;
}
