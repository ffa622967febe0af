import type { Provenance, Severity } from '../model/flow.js';
import type { IntervalSet } from '../model/interval-set.js';
import type { SourceLocation } from '../model/location.js';
import type { Protocol } from '../model/service.js';

/** How a client reaches RemoteSpark: through the Traffic Manager (`cloud`) or pinned to one datacentre. */
export type Mode = 'cloud' | 'na' | 'eu';

export const MODES: readonly Mode[] = ['cloud', 'na', 'eu'];

export interface ModeInfo {
  id: Mode;
  label: string;
}

export interface RoleInfo {
  /** Short kebab-case id, part of the JSON report (`stun-turn`). */
  id: string;
  label: string;
  /** Whether `*` destinations of the role can be narrowed to user-supplied relay addresses. */
  relays: boolean;
}

/** Connections to each host, on each port, over each protocol, in the listed modes. */
export interface CatalogEntry {
  role: string;
  modes: readonly Mode[];
  /** Lower-case host names, or `*` for any internet destination. */
  hosts: readonly string[];
  ports: readonly number[];
  protocols: readonly Protocol[];
  severity: Severity;
  provenance: Provenance;
  /** Where the entry is written (the catalog or an overlay). */
  location: SourceLocation;
}

/** The complete rule set of a RemoteSpark release at which the rules changed. */
export interface Release {
  version: string;
  source: string;
  edition?: string;
  date?: string;
  note?: string;
  entries: readonly CatalogEntry[];
}

/** Relay addresses that replace `*` destinations of a role, as a set and as written. */
export interface RelaySet {
  set: IntervalSet;
  text: readonly string[];
}

export interface Catalog {
  catalogVersion: string;
  /** The catalog file (`catalog/remotespark.yaml` for the built-in one). */
  path: string;
  /** The overlay applied on top, if any. */
  overlay?: string;
  modes: readonly ModeInfo[];
  /** In report order. */
  roles: readonly RoleInfo[];
  /** Oldest first. */
  releases: readonly Release[];
  /** Relay addresses per role id, set by an overlay. */
  relays: ReadonlyMap<string, RelaySet>;
}
