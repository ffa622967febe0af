import {
  diffReleases,
  listReleases,
  loadBuiltinCatalog,
  loadCatalogFile,
  resolveFlows,
  type Mode,
} from '../catalog/index.js';
import { UsageError } from '../check/usage-error.js';
import { plainText } from '../report/escape.js';
import { renderCatalogDiff } from './catalog-diff-output.js';
import { csv, destination, table } from './catalog-table.js';

export interface CatalogCommandOptions {
  /** `--version` (flows only); default latest. */
  version?: string;
  mode: Mode;
  requireRecommended: boolean;
  relays?: readonly string[];
  catalog?: string;
  output: string;
}

const RELEASES_FOOTNOTE =
  'RULES TRANSCRIBED: the day the rules were copied from the public article, not the day the release or the article was published.';

const OUTPUTS = ['table', 'csv', 'json'];

/** The --output values a catalog subcommand takes. */
export function catalogOutputs(sub: string): string[] {
  return sub === 'diff' ? [...OUTPUTS, 'markdown'] : OUTPUTS;
}

function diffArguments(args: readonly string[], o: CatalogCommandOptions): [string, string] {
  if (args.length !== 2) {
    throw new UsageError(
      `catalog diff takes two RemoteSpark versions (catalog diff A B); got ${args.length === 0 ? 'none' : args.join(' ')}`,
    );
  }
  if (o.version !== undefined) {
    throw new UsageError('catalog diff takes its two versions as arguments, not --version');
  }
  return [args[0]!, args[1]!];
}

/**
 * `catalog releases`, `catalog flows` and `catalog diff A B`: what network teams paste into change
 * tickets. `args` are the words after the subcommand.
 */
export function runCatalogCommand(sub: string, args: readonly string[], o: CatalogCommandOptions): string {
  if (!['releases', 'flows', 'diff'].includes(sub)) {
    throw new UsageError(`unknown catalog command "${sub}"; expected releases, flows or diff`);
  }
  if (sub !== 'diff' && args.length) throw new UsageError(`unexpected argument "${args[0]}"`);
  const catalog = o.catalog ? loadCatalogFile(o.catalog) : loadBuiltinCatalog();
  if (sub === 'diff') {
    const [from, to] = diffArguments(args, o);
    const diff = diffReleases(catalog, {
      from,
      to,
      mode: o.mode,
      requireRecommended: o.requireRecommended,
      relays: o.relays,
    });
    return renderCatalogDiff(diff, o.output);
  }
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
  const resolved = resolveFlows(catalog, { ...o, version: o.version ?? 'latest' });
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
      destination(f),
    ]),
  ];
  if (o.output === 'csv') return csv(rows);
  const head = plainText(
    `RemoteSpark ${resolved.release} (catalog ${resolved.catalogVersion}), mode ${resolved.mode}`,
  );
  return `${head}\n\n${table(rows.map((r) => r.map(plainText)))}`;
}
