import { IntervalSet } from '../../model/interval-set.js';
import { ALL_ADDRESSES } from '../../model/ip.js';
import type { UnknownPart } from '../../model/location.js';
import { ZoneSet } from '../../model/zone-set.js';

/** Interfaces a rule may name: surely matched ones (`yes`) and ones it can't tell (`maybe`, disjoint). */
export interface ZoneTri {
  yes: ZoneSet;
  maybe: ZoneSet;
}

export const ANY_ZONE: ZoneTri = { yes: ZoneSet.ANY, maybe: ZoneSet.NONE };

export const ALL_PROTOCOLS = IntervalSet.range(0n, 255n);
export const ALL_PORTS = IntervalSet.range(0n, 65535n);

/**
 * What one iptables rule matches, as a conjunction of independent factors (a product), so that AND is
 * exact: addresses, IP protocol numbers, ports (restricted only where every protocol carries ports),
 * interfaces (three-valued for `+` wildcards), and parts the reader doesn't model (`unknowns`).
 */
export interface Match {
  src: IntervalSet;
  dst: IntervalSet;
  proto: IntervalSet;
  dport: IntervalSet;
  sport: IntervalSet;
  sz: ZoneTri;
  dz: ZoneTri;
  unknowns: readonly UnknownPart[];
}

export const MATCH_ALL: Match = {
  src: ALL_ADDRESSES,
  dst: ALL_ADDRESSES,
  proto: ALL_PROTOCOLS,
  dport: ALL_PORTS,
  sport: ALL_PORTS,
  sz: ANY_ZONE,
  dz: ANY_ZONE,
  unknowns: [],
};

function zoneAnd(a: ZoneTri, b: ZoneTri): ZoneTri {
  const yes = a.yes.intersect(b.yes);
  const possible = a.yes.union(a.maybe).intersect(b.yes.union(b.maybe));
  return { yes, maybe: possible.subtract(yes) };
}

function zoneNot(a: ZoneTri): ZoneTri {
  return { yes: a.yes.union(a.maybe).negate(), maybe: a.maybe };
}

const zoneEmpty = (z: ZoneTri) => z.yes.isEmpty() && z.maybe.isEmpty();
const zoneFull = (z: ZoneTri) => z.yes.isAny();

export function isEmptyMatch(m: Match): boolean {
  return (
    m.src.isEmpty() ||
    m.dst.isEmpty() ||
    m.proto.isEmpty() ||
    m.dport.isEmpty() ||
    m.sport.isEmpty() ||
    zoneEmpty(m.sz) ||
    zoneEmpty(m.dz)
  );
}

/** Both matches at once: each factor intersected, unknown parts kept together. */
export function andMatch(a: Match, b: Match): Match {
  return {
    src: a.src.intersect(b.src),
    dst: a.dst.intersect(b.dst),
    proto: a.proto.intersect(b.proto),
    dport: a.dport.intersect(b.dport),
    sport: a.sport.intersect(b.sport),
    sz: zoneAnd(a.sz, b.sz),
    dz: zoneAnd(a.dz, b.dz),
    unknowns: b.unknowns.length === 0 ? a.unknowns : [...a.unknowns, ...b.unknowns],
  };
}

/**
 * `ctx` and not `m`, exactly, as a list of products: not (f1 and f2 ...) is (not f1) or (f1 and not f2)
 * or ..., each piece a product again. An unknown factor's negation is unknown too.
 */
export function andNotMatch(ctx: Match, m: Match): Match[] {
  const out: Match[] = [];
  let acc = ctx;
  const push = (piece: Partial<Match>) => {
    const p = andMatch(acc, { ...MATCH_ALL, ...piece });
    if (!isEmptyMatch(p)) out.push(p);
  };
  const step = (piece: Partial<Match>, keep: Partial<Match>) => {
    push(piece);
    acc = andMatch(acc, { ...MATCH_ALL, ...keep });
  };
  if (!m.src.covers(ALL_ADDRESSES)) step({ src: ALL_ADDRESSES.subtract(m.src) }, { src: m.src });
  if (!m.dst.covers(ALL_ADDRESSES)) step({ dst: ALL_ADDRESSES.subtract(m.dst) }, { dst: m.dst });
  if (!m.proto.covers(ALL_PROTOCOLS)) step({ proto: ALL_PROTOCOLS.subtract(m.proto) }, { proto: m.proto });
  if (!m.dport.covers(ALL_PORTS)) step({ dport: ALL_PORTS.subtract(m.dport) }, { dport: m.dport });
  if (!m.sport.covers(ALL_PORTS)) step({ sport: ALL_PORTS.subtract(m.sport) }, { sport: m.sport });
  if (!zoneFull(m.sz)) step({ sz: zoneNot(m.sz) }, { sz: m.sz });
  if (!zoneFull(m.dz)) step({ dz: zoneNot(m.dz) }, { dz: m.dz });
  for (const u of m.unknowns) {
    step({ unknowns: [{ ...u, reason: `whether it is not so: ${u.reason}` }] }, { unknowns: [u] });
  }
  if (isEmptyMatch(acc)) return out;
  return out;
}
