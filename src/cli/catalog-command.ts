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

const RELEASES_FOOTNOTE =
  'RULES TRANSCRIBED: the day the rules were copied from the public article, not the day the release or the article was published.';

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
    // A release's `date` is the day its rules were transcribed from the article, not a release date
    // (catalog/remotespark.yaml): every output names it so.
    const releases = listReleases(catalog).map((r) => ({
      version: r.version,
      ...(r.edition !== undefined && { edition: r.edition }),
      ...(r.date !== undefined && { transcribed: r.date }),
    }));
    if (o.output === 'json')
      return `${JSON.stringify({ catalogVersion: catalog.catalogVersion, releases }, null, 2)}\n`;
    const rows = [
      ['RELEASE', 'EDITION', 'RULES TRANSCRIBED'],
      ...releases.map((r) => [r.version, r.edition ?? '', r.transcribed ?? '']),
    ];
    if (o.output === 'csv') return csv(rows);
    return `${table(rows.map((r) => r.map(plainText)))}\n${RELEASES_FOOTNOTE}\n`;
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
