import type { UnknownPart } from './location.js';

export type Protocol = 'tcp' | 'udp';

/** Inclusive port range. */
export type PortRange = readonly [number, number];

/**
 * A service set as vendors write it. `ports` covers a port-carrying IP protocol by name (tcp, udp, sctp);
 * `protocol` a whole IP protocol by number (6 = TCP, 17 = UDP, every port).
 */
export type ServiceExpr =
  | { kind: 'any' }
  | { kind: 'ports'; protocol: string; ports: readonly PortRange[]; sourcePorts?: readonly PortRange[] }
  | { kind: 'protocol'; number: number }
  | { kind: 'unknown'; part: UnknownPart }
  | { kind: 'union'; members: readonly ServiceExpr[] }
  | { kind: 'not'; of: ServiceExpr };

export const ANY_SERVICE: ServiceExpr = { kind: 'any' };

/** A union of services, flattened, without repeats, `any` absorbing the rest. */
export function unionServiceExprs(members: readonly ServiceExpr[]): ServiceExpr {
  const flat = new Set<ServiceExpr>();
  for (const m of members) {
    if (m.kind === 'any') return ANY_SERVICE;
    if (m.kind === 'union') for (const x of m.members) flat.add(x);
    else flat.add(m);
  }
  const list = [...flat];
  return list.length === 1 ? list[0]! : { kind: 'union', members: list };
}

/**
 * Both must match: not(not a or not b), three-valued, so "no" where either says no and "maybe" where
 * either can't tell (an unknown part never leaks to other protocols). `any` is the identity.
 */
export function intersectServiceExprs(a: ServiceExpr, b: ServiceExpr): ServiceExpr {
  if (a.kind === 'any') return b;
  if (b.kind === 'any') return a;
  return {
    kind: 'not',
    of: {
      kind: 'union',
      members: [
        { kind: 'not', of: a },
        { kind: 'not', of: b },
      ],
    },
  };
}

export const IP_PROTOCOL_NUMBER: Record<Protocol, number> = { tcp: 6, udp: 17 };

export type Match3 = 'yes' | 'no' | 'maybe';

export interface ServiceMatch {
  result: Match3;
  why?: string;
}

/**
 * Clients send from an ephemeral source port. Every common stack draws it from 1024-65535 (IANA's
 * 49152-65535, Linux's 32768-60999, Windows' 49152-65535), so that range decides source-port conditions.
 */
const EPHEMERAL: PortRange = [1024, 65535];

function inRanges(ranges: readonly PortRange[], port: number): boolean {
  return ranges.some(([lo, hi]) => port >= lo && port <= hi);
}

function sourcePortMatch(ranges: readonly PortRange[] | undefined): ServiceMatch {
  if (!ranges) return { result: 'yes' };
  const sorted = [...ranges].sort((a, b) => a[0] - b[0]);
  let next = EPHEMERAL[0];
  for (const [lo, hi] of sorted) {
    if (lo > next) break;
    next = Math.max(next, hi + 1);
  }
  if (next > EPHEMERAL[1]) return { result: 'yes' };
  const touches = sorted.some(([lo, hi]) => hi >= EPHEMERAL[0] && lo <= EPHEMERAL[1]);
  if (!touches) return { result: 'no' };
  return {
    result: 'maybe',
    why: 'the service restricts the source port and the client picks an ephemeral one',
  };
}

/** Whether `expr` matches a packet to `port`/`protocol` from an ephemeral client port. */
export function matchService(expr: ServiceExpr, port: number, protocol: Protocol): ServiceMatch {
  switch (expr.kind) {
    case 'any':
      return { result: 'yes' };
    case 'ports':
      if (expr.protocol.toLowerCase() !== protocol || !inRanges(expr.ports, port)) return { result: 'no' };
      return sourcePortMatch(expr.sourcePorts);
    case 'protocol':
      return { result: expr.number === IP_PROTOCOL_NUMBER[protocol] ? 'yes' : 'no' };
    case 'unknown':
      return { result: 'maybe', why: expr.part.reason };
    case 'union': {
      let maybe: ServiceMatch | undefined;
      for (const m of expr.members) {
        const r = matchService(m, port, protocol);
        if (r.result === 'yes') return r;
        if (r.result === 'maybe') maybe ??= r;
      }
      return maybe ?? { result: 'no' };
    }
    case 'not': {
      const r = matchService(expr.of, port, protocol);
      return r.result === 'maybe' ? r : { result: r.result === 'yes' ? 'no' : 'yes' };
    }
  }
}

/** Merges port ranges into sorted, non-overlapping ones. */
export function mergePorts(ranges: readonly PortRange[]): PortRange[] {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0]);
  const out: [number, number][] = [];
  for (const [lo, hi] of sorted) {
    const last = out[out.length - 1];
    if (last && lo <= last[1] + 1) last[1] = Math.max(last[1], hi);
    else out.push([lo, hi]);
  }
  return out;
}
