import schema from '../../catalog/overlay.schema.json' with { type: 'json' };
import { formatDocPath, type DocPath, type PositionedDocument } from '../input/positioned.js';
import { checkPortLiterals } from '../input/number-literal.js';
import { checkDocument, compileSchema } from '../input/schema-check.js';
import type { Provenance, Severity } from '../model/flow.js';
import type { Protocol } from '../model/service.js';
import type { Catalog, CatalogEntry, Mode, RelaySet, Release } from './catalog-types.js';
import { checkHostSpec } from './host-spec.js';
import { parseRelays } from './relays.js';
import { compareVersions, parseVersion, type Version } from './version.js';

export const OVERLAY_WHAT = 'RemoteSpark catalog overlay';

/** The top-level key that marks a file as an overlay rather than a full catalog. */
export const OVERLAY_MARKER = 'overlay';

const validate = compileSchema(schema);

interface RawFlow {
  hosts: string[];
  ports: number[];
  protocols: Protocol[];
  modes?: Mode[];
  since?: string;
  severity?: Severity;
}

interface RawRoleOverride {
  hosts?: string[];
  addHosts?: string[];
  addFlows?: RawFlow[];
  relays?: string[];
  severity?: Severity;
  note?: string;
}

interface RawOverlay {
  overlay: 1;
  note?: string;
  roles: Record<string, RawRoleOverride>;
}

export function isOverlayDocument(doc: PositionedDocument): boolean {
  return (
    typeof doc.value === 'object' &&
    doc.value !== null &&
    !Array.isArray(doc.value) &&
    OVERLAY_MARKER in doc.value
  );
}

/**
 * Applies an overlay to every release of `base`, role by role, in this order: `hosts` replaces the hosts
 * of the role's entries, `addHosts` adds hosts on the same ports, protocols and modes, `addFlows` adds
 * entries, `severity` sets the severity of the role's entries (added flows keep their own), `relays` sets
 * the relay addresses of the role. What the overlay sets carries the overlay as its provenance.
 */
export function applyOverlay(base: Catalog, doc: PositionedDocument): Catalog {
  checkDocument(doc, validate, OVERLAY_WHAT);
  const raw = doc.value as RawOverlay;
  const knownRoles = base.roles.map((r) => r.id);
  const relays = new Map(base.relays);
  let releases = base.releases;

  for (const [roleId, override] of Object.entries(raw.roles)) {
    const at: DocPath = ['roles', roleId];
    const role = base.roles.find((r) => r.id === roleId);
    if (!role) {
      throw doc.error(
        at,
        `${formatDocPath(at)}: unknown role "${roleId}"; known roles: ${knownRoles.join(', ')} (${OVERLAY_WHAT})`,
      );
    }
    const provenance: Provenance = {
      source: doc.path,
      verified: true,
      note: ['set by user overlay', override.note ?? raw.note].filter(Boolean).join(': '),
    };
    const location = { path: doc.path, line: doc.lineAt(at) };
    const hosts = (key: 'hosts' | 'addHosts') =>
      override[key]?.map((h, i) => checkHostSpec(doc, [...at, key, i], h, OVERLAY_WHAT));
    const replaced = hosts('hosts');
    const added = hosts('addHosts');
    const flows = override.addFlows?.map((f, i) => readFlow(doc, base, [...at, 'addFlows', i], f));

    releases = releases.map((release) => {
      const entries: CatalogEntry[] = [];
      for (const e of release.entries) {
        if (e.role !== roleId) {
          entries.push(e);
          continue;
        }
        const severity = override.severity ?? e.severity;
        if (replaced)
          entries.push({ ...e, hosts: replaced, severity, provenance: withPorts(provenance, e), location });
        else entries.push({ ...e, severity });
        if (added)
          entries.push({ ...e, hosts: added, severity, provenance: withPorts(provenance, e), location });
      }
      const version = parseVersion(release.version)!;
      for (const f of flows ?? []) {
        if (f.since && compareVersions(version, f.since) < 0) continue;
        entries.push({
          role: roleId,
          modes: f.modes,
          hosts: f.hosts,
          ports: f.ports,
          protocols: f.protocols,
          severity: f.severity ?? override.severity ?? 'required',
          provenance,
          location: f.location,
        });
      }
      return { ...release, entries } satisfies Release;
    });

    if (override.relays) {
      if (!role.relays) {
        const able = base.roles.filter((r) => r.relays).map((r) => r.id);
        throw doc.error(
          [...at, 'relays'],
          `${formatDocPath([...at, 'relays'])}: role "${roleId}" takes no relay addresses; only ${able.join(', ') || 'none'} (${OVERLAY_WHAT})`,
        );
      }
      const set: RelaySet = parseRelays(override.relays, (i, reason) =>
        doc.error(
          [...at, 'relays', i],
          `${formatDocPath([...at, 'relays', i])}: relay address "${override.relays![i]}": ${reason} (${OVERLAY_WHAT})`,
        ),
      );
      relays.set(roleId, set);
    }
  }

  return { ...base, overlay: doc.path, releases, relays };
}

/** Overlay hosts on the catalog's ports: say where the ports come from. */
function withPorts(provenance: Provenance, entry: CatalogEntry): Provenance {
  const from = [entry.provenance.source, entry.provenance.edition && `${entry.provenance.edition} edition`]
    .filter(Boolean)
    .join(', ');
  return { ...provenance, note: `${provenance.note}; ports and protocols from ${from}` };
}

interface OverlayFlow {
  hosts: string[];
  ports: number[];
  protocols: Protocol[];
  modes: Mode[];
  since?: Version;
  severity?: Severity;
  location: { path: string; line: number };
}

function readFlow(doc: PositionedDocument, base: Catalog, at: DocPath, f: RawFlow): OverlayFlow {
  let since: Version | undefined;
  if (f.since !== undefined) {
    // A release of the catalog, so that the flows apply from exactly where the rules change.
    since = parseVersion(f.since);
    const releases = base.releases.map((r) => r.version);
    if (!since || !releases.includes(f.since)) {
      throw doc.error(
        [...at, 'since'],
        `${formatDocPath([...at, 'since'])}: "${f.since}" is not a release of the catalog; releases: ${releases.join(', ')} (${OVERLAY_WHAT})`,
      );
    }
  }
  const known = base.modes.map((m) => m.id);
  f.modes?.forEach((m, i) => {
    if (!known.includes(m)) {
      throw doc.error(
        [...at, 'modes', i],
        `${formatDocPath([...at, 'modes', i])}: mode "${m}" is not in the catalog (${OVERLAY_WHAT})`,
      );
    }
  });
  checkPortLiterals(doc, [...at, 'ports'], f.ports.length, OVERLAY_WHAT);
  return {
    hosts: f.hosts.map((h, i) => checkHostSpec(doc, [...at, 'hosts', i], h, OVERLAY_WHAT)),
    ports: f.ports,
    protocols: f.protocols,
    modes: f.modes ?? known,
    ...(since && { since }),
    ...(f.severity && { severity: f.severity }),
    location: { path: doc.path, line: doc.lineAt(at) },
  };
}
