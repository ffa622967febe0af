import type { Flow } from '../model/flow.js';
import type { Catalog, Mode } from './catalog-types.js';
import { resolveFlows, type FlowOptions } from './resolve-flows.js';

/** What a flow does between two versions: needed only at the second, only at the first, or differently. */
export type FlowChange = 'added' | 'dropped' | 'changed';

/** The properties of a flow (same host, port and protocol) whose change is reported. */
export type FlowField = 'role' | 'severity' | 'verified' | 'relays';

export interface FlowDiffEntry {
  change: FlowChange;
  /** The flow at the first version (absent for `added`). */
  before?: Flow;
  /** The flow at the second version (absent for `dropped`). */
  after?: Flow;
  /** For `changed`: which properties differ. */
  fields: FlowField[];
}

export interface VersionSide {
  requested: string;
  /** The catalog release the version follows. */
  release: string;
}

export interface CatalogDiff {
  from: VersionSide;
  to: VersionSide;
  catalogVersion: string;
  overlay?: string;
  mode: Mode;
  requireRecommended: boolean;
  /** Added, then changed (in the second version's order), then dropped (in the first's). */
  entries: FlowDiffEntry[];
  unchanged: number;
}

const key = (f: Flow) => `${f.host}|${f.port}|${f.protocol}`;
const relaysText = (f: Flow) => (f.relays ? f.relays.text.join(' ') : '');

function changedFields(a: Flow, b: Flow): FlowField[] {
  const fields: FlowField[] = [];
  if (a.role !== b.role) fields.push('role');
  if (a.severity !== b.severity) fields.push('severity');
  if (a.provenance.verified !== b.provenance.verified) fields.push('verified');
  if (relaysText(a) !== relaysText(b)) fields.push('relays');
  return fields;
}

/**
 * The flows a client moving from version `from` to version `to` gains, loses or needs differently, in one
 * catalog and mode. Versions resolve as for a check (the newest release at or below); an unknown one is
 * the resolver's CatalogUsageError listing the known releases.
 */
export function diffReleases(
  catalog: Catalog,
  o: { from: string; to: string } & Omit<FlowOptions, 'version'>,
): CatalogDiff {
  const a = resolveFlows(catalog, { ...o, version: o.from });
  const b = resolveFlows(catalog, { ...o, version: o.to });
  const before = new Map(a.flows.map((f) => [key(f), f]));
  const after = new Set(b.flows.map(key));
  const added: FlowDiffEntry[] = [];
  const changed: FlowDiffEntry[] = [];
  let unchanged = 0;
  for (const flow of b.flows) {
    const old = before.get(key(flow));
    if (!old) {
      added.push({ change: 'added', after: flow, fields: [] });
      continue;
    }
    const fields = changedFields(old, flow);
    if (fields.length) changed.push({ change: 'changed', before: old, after: flow, fields });
    else unchanged++;
  }
  const dropped: FlowDiffEntry[] = a.flows
    .filter((f) => !after.has(key(f)))
    .map((f) => ({ change: 'dropped', before: f, fields: [] }));
  return {
    from: { requested: o.from, release: a.release },
    to: { requested: o.to, release: b.release },
    catalogVersion: catalog.catalogVersion,
    ...(catalog.overlay !== undefined && { overlay: catalog.overlay }),
    mode: o.mode,
    requireRecommended: o.requireRecommended ?? false,
    entries: [...added, ...changed, ...dropped],
    unchanged,
  };
}
