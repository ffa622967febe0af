import type { IntervalSet } from './interval-set.js';
import type { Protocol } from './service.js';

export type Severity = 'required' | 'recommended';

/** Where a catalog entry comes from, and whether its content was checked against that source. */
export interface Provenance {
  source: string;
  edition?: string;
  date?: string;
  verified: boolean;
  note?: string;
}

/** One connection RemoteSpark clients must be able to open. */
export interface Flow {
  role: string;
  roleLabel: string;
  /** A host name, or `*` for any internet destination. */
  host: string;
  port: number;
  protocol: Protocol;
  severity: Severity;
  provenance: Provenance;
  /** User-supplied relay addresses that replace "any internet destination" (STUN/TURN). */
  relays?: { set: IntervalSet; text: readonly string[] };
}

export function flowLabel(flow: Pick<Flow, 'host' | 'port' | 'protocol'>): string {
  return `${flow.host}:${flow.port}/${flow.protocol}`;
}
