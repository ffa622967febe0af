import {
  listReleases,
  loadBuiltinCatalog,
  loadCatalogFile,
  resolveFlows,
  type Mode,
} from '../catalog/index.js';
import { UsageError } from '../check/usage-error.js';
import { flowLabel } from '../model/flow.js';
import { csvCell, plainText } from '../report/escape.js';

export interface CatalogCommandOptions {
  version: string;
  mode: Mode;
  requireRecommended: boolean;
  relays?: readonly string[];
  catalog?: string;
  output: string;
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return (
    rows
      .map((r) =>
        r
          .map((cell, c) => cell.padEnd(widths[c]!))
          .join('  ')
          .trimEnd(),
      )
      .join('\n') + '\n'
  );
}

function csv(rows: string[][]): string {
  return rows.map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

/** `catalog releases` and `catalog flows`: what network teams paste into change tickets. */
export function runCatalogCommand(sub: string, o: CatalogCommandOptions): string {
  const catalog = o.catalog ? loadCatalogFile(o.catalog) : loadBuiltinCatalog();
  if (sub === 'releases') {
    const releases = listReleases(catalog);
    if (o.output === 'json')
      return `${JSON.stringify({ catalogVersion: catalog.catalogVersion, releases }, null, 2)}\n`;
    const rows = [
      ['RELEASE', 'DATE', 'EDITION'],
      ...releases.map((r) => [r.version, r.date ?? '', r.edition ?? '']),
    ];
    return o.output === 'csv' ? csv(rows) : table(rows);
  }
  if (sub !== 'flows') throw new UsageError(`unknown catalog command "${sub}"; expected releases or flows`);
  const resolved = resolveFlows(catalog, o);
  if (o.output === 'json') {
    const flows = resolved.flows.map((f) => ({
      role: f.role,
      roleLabel: f.roleLabel,
      host: f.host,
      port: f.port,
      protocol: f.protocol,
      severity: f.severity,
      ...(f.relays ? { relays: [...f.relays.text] } : {}),
      provenance: f.provenance,
    }));
    const { release, catalogVersion, mode } = resolved;
    return `${JSON.stringify({ release, catalogVersion, mode, flows }, null, 2)}\n`;
  }
  const rows = [
    ['ROLE', 'HOST', 'PORT', 'PROTOCOL', 'SEVERITY', 'VERIFIED', 'DESTINATION'],
    ...resolved.flows.map((f) => [
      f.roleLabel,
      f.host,
      String(f.port),
      f.protocol,
      f.severity,
      f.provenance.verified ? 'yes' : 'no',
      f.relays ? f.relays.text.join(' ') : f.host === '*' ? 'any internet address' : flowLabel(f),
    ]),
  ];
  if (o.output === 'csv') return csv(rows);
  const head = plainText(
    `RemoteSpark ${resolved.release} (catalog ${resolved.catalogVersion}), mode ${resolved.mode}`,
  );
  return `${head}\n\n${table(rows.map((r) => r.map(plainText)))}`;
}
