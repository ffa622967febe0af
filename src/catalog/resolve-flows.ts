import type { Flow, Severity } from '../model/flow.js';
import type { Catalog, Mode, RelaySet } from './catalog-types.js';
import { CatalogUsageError } from './catalog-usage-error.js';
import { parseRelays } from './relays.js';
import { resolveRelease } from './resolve-release.js';

export interface FlowOptions {
  /** `latest` or `x.y.z`. */
  version: string;
  mode: Mode;
  /** Treat `recommended` entries (redundancies, backups) as `required` (`--require-backups`). */
  requireRecommended?: boolean;
  /**
   * Relay addresses from the command line (address, CIDR or range). When given, they replace the `*`
   * destination of every role that takes relays (STUN/TURN), and any relays an overlay set.
   */
  relays?: readonly string[];
}

export interface ResolvedFlows {
  /** The catalog release the version resolved to. */
  release: string;
  catalogVersion: string;
  /** The overlay applied to the catalog, if any. */
  overlay?: string;
  mode: Mode;
  flows: Flow[];
}

/**
 * The flows a client at `options.version` in `options.mode` needs: one per (host, port, protocol), in
 * role order, then host, port, protocol. Where two roles need the same flow, the first role keeps it and
 * it is required if either entry is.
 */
export function resolveFlows(catalog: Catalog, options: FlowOptions): ResolvedFlows {
  const release = resolveRelease(catalog, options.version);
  if (!catalog.modes.some((m) => m.id === options.mode)) {
    throw new CatalogUsageError(
      `mode "${String(options.mode)}" is not in the catalog; modes: ${catalog.modes.map((m) => m.id).join(', ')}`,
    );
  }
  const cliRelays =
    options.relays && options.relays.length > 0
      ? parseRelays(
          options.relays,
          (i, reason) => new CatalogUsageError(`relay address "${options.relays![i]}": ${reason}`),
        )
      : undefined;
  const roleOrder = new Map(catalog.roles.map((r, i) => [r.id, i]));

  const candidates: Flow[] = [];
  for (const entry of release.entries) {
    if (!entry.modes.includes(options.mode)) continue;
    const role = catalog.roles.find((r) => r.id === entry.role)!;
    const relays: RelaySet | undefined = role.relays ? (cliRelays ?? catalog.relays.get(role.id)) : undefined;
    const severity: Severity = options.requireRecommended ? 'required' : entry.severity;
    for (const host of entry.hosts) {
      for (const port of entry.ports) {
        for (const protocol of entry.protocols) {
          candidates.push({
            role: role.id,
            roleLabel: role.label,
            host,
            port,
            protocol,
            severity,
            provenance: { ...entry.provenance },
            ...(host === '*' && relays && { relays: { set: relays.set, text: relays.text } }),
          });
        }
      }
    }
  }

  // Stable sort: within one role, entries keep catalog order before the host/port/protocol keys decide.
  candidates.sort(
    (a, b) =>
      roleOrder.get(a.role)! - roleOrder.get(b.role)! ||
      compare(a.host, b.host) ||
      a.port - b.port ||
      compare(a.protocol, b.protocol),
  );
  const byKey = new Map<string, Flow>();
  for (const flow of candidates) {
    const key = `${flow.host}|${flow.port}|${flow.protocol}`;
    const kept = byKey.get(key);
    if (!kept) byKey.set(key, flow);
    else if (flow.severity === 'required') kept.severity = 'required';
  }

  return {
    release: release.version,
    catalogVersion: catalog.catalogVersion,
    ...(catalog.overlay !== undefined && { overlay: catalog.overlay }),
    mode: options.mode,
    flows: [...byKey.values()],
  };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
