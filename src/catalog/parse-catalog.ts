import schema from '../../catalog/remotespark.schema.json' with { type: 'json' };
import { formatDocPath, type PositionedDocument } from '../input/positioned.js';
import { checkPortLiterals } from '../input/number-literal.js';
import { checkDocument, compileSchema } from '../input/schema-check.js';
import type { Severity } from '../model/flow.js';
import type { Protocol } from '../model/service.js';
import type { Catalog, CatalogEntry, Mode, ModeInfo, Release, RoleInfo } from './catalog-types.js';
import { checkHostSpec } from './host-spec.js';
import { compareVersions, parseVersion, type Version } from './version.js';

export const CATALOG_WHAT = 'RemoteSpark catalog';

/** The catalog schema (catalog/remotespark.schema.json). */
export const validate = compileSchema(schema);

/** The document as the schema guarantees it. */
interface RawCatalog {
  catalogVersion: string;
  modes: { id: Mode; label: string }[];
  roles: { id: string; label: string; relays?: boolean }[];
  releases: {
    version: string;
    source: string;
    edition?: string;
    date?: string;
    note?: string;
    entries: {
      role: string;
      modes: Mode[];
      hosts: string[];
      ports: number[];
      protocols: Protocol[];
      severity: Severity;
      verified: boolean;
      note?: string;
    }[];
  }[];
}

/**
 * Reads a full catalog document: schema first, then what the schema can't say (ids declared once,
 * entries naming declared roles and modes, versions `x.y.z` and unique, valid host names). Every error is
 * an InputError at the offending line.
 */
export function catalogFromDocument(
  doc: PositionedDocument,
  options: { schemaChecked?: boolean } = {},
): Catalog {
  if (!options.schemaChecked) checkDocument(doc, validate, CATALOG_WHAT);
  const raw = doc.value as RawCatalog;

  const modes: ModeInfo[] = [];
  raw.modes.forEach((m, i) => {
    if (modes.some((x) => x.id === m.id)) throw duplicate(doc, ['modes', i, 'id'], 'mode', m.id);
    modes.push({ id: m.id, label: m.label });
  });
  const roles: RoleInfo[] = [];
  raw.roles.forEach((r, i) => {
    if (roles.some((x) => x.id === r.id)) throw duplicate(doc, ['roles', i, 'id'], 'role', r.id);
    roles.push({ id: r.id, label: r.label, relays: r.relays ?? false });
  });

  const releases: { release: Release; parsed: Version }[] = [];
  raw.releases.forEach((rel, ri) => {
    const parsed = parseVersion(rel.version);
    if (!parsed) {
      throw doc.error(
        ['releases', ri, 'version'],
        `${formatDocPath(['releases', ri, 'version'])}: "${rel.version}" is not a version x.y.z (${CATALOG_WHAT})`,
      );
    }
    if (releases.some((x) => compareVersions(x.parsed, parsed) === 0)) {
      throw duplicate(doc, ['releases', ri, 'version'], 'release', rel.version);
    }
    const entries = rel.entries.map((e, ei): CatalogEntry => {
      const at = ['releases', ri, 'entries', ei] as const;
      if (!roles.some((r) => r.id === e.role)) {
        throw doc.error(
          [...at, 'role'],
          `${formatDocPath([...at, 'role'])}: role "${e.role}" is not in roles (${CATALOG_WHAT})`,
        );
      }
      e.modes.forEach((m, mi) => {
        if (!modes.some((x) => x.id === m)) {
          throw doc.error(
            [...at, 'modes', mi],
            `${formatDocPath([...at, 'modes', mi])}: mode "${m}" is not in modes (${CATALOG_WHAT})`,
          );
        }
      });
      const hosts = e.hosts.map((h, hi) => checkHostSpec(doc, [...at, 'hosts', hi], h, CATALOG_WHAT));
      const dup = hosts.findIndex((h, i) => hosts.indexOf(h) !== i);
      if (dup >= 0) throw duplicate(doc, [...at, 'hosts', dup], 'host', hosts[dup]!);
      checkPortLiterals(doc, [...at, 'ports'], e.ports.length, CATALOG_WHAT);
      return {
        role: e.role,
        modes: e.modes,
        hosts,
        ports: e.ports,
        protocols: e.protocols,
        severity: e.severity,
        provenance: {
          source: rel.source,
          ...(rel.edition !== undefined && { edition: rel.edition }),
          ...(rel.date !== undefined && { date: rel.date }),
          verified: e.verified,
          ...(e.note !== undefined && { note: e.note }),
        },
        location: { path: doc.path, line: doc.lineAt(at) },
      };
    });
    const release: Release = {
      version: rel.version,
      source: rel.source,
      ...(rel.edition !== undefined && { edition: rel.edition }),
      ...(rel.date !== undefined && { date: rel.date }),
      ...(rel.note !== undefined && { note: rel.note }),
      entries,
    };
    releases.push({ release, parsed });
  });
  releases.sort((a, b) => compareVersions(a.parsed, b.parsed));

  return {
    catalogVersion: raw.catalogVersion,
    path: doc.path,
    modes,
    roles,
    releases: releases.map((r) => r.release),
    relays: new Map(),
  };
}

function duplicate(doc: PositionedDocument, at: (string | number)[], what: string, id: string) {
  return doc.error(at, `${formatDocPath(at)}: ${what} "${id}" is listed twice (${CATALOG_WHAT})`);
}
