import type { CatalogDiff, FlowDiffEntry, FlowField, VersionSide } from '../catalog/index.js';
import type { Flow } from '../model/flow.js';
import { markdownCode, markdownText, plainText } from '../report/escape.js';
import { csv, destination, table } from './catalog-table.js';

const HEAD = ['CHANGE', 'ROLE', 'HOST', 'PORT', 'PROTOCOL', 'SEVERITY', 'VERIFIED', 'DESTINATION'];

const verified = (f: Flow) => (f.provenance.verified ? 'yes' : 'no');

/** A changed property shows both values; the others show the flow's one value. */
function cells(e: FlowDiffEntry, arrow: string): string[] {
  const now = (e.after ?? e.before)!;
  const show = (field: FlowField | undefined, get: (f: Flow) => string) =>
    field && e.fields.includes(field) ? `${get(e.before!)} ${arrow} ${get(e.after!)}` : get(now);
  return [
    e.change,
    show('role', (f) => f.roleLabel),
    now.host,
    String(now.port),
    now.protocol,
    show('severity', (f) => f.severity),
    show('verified', verified),
    show('relays', destination),
  ];
}

const side = (s: VersionSide) =>
  s.requested.trim() === s.release ? s.release : `${s.requested} (release ${s.release})`;

function counts(d: CatalogDiff): Record<'added' | 'dropped' | 'changed' | 'unchanged', number> {
  const n = (c: string) => d.entries.filter((e) => e.change === c).length;
  return { added: n('added'), dropped: n('dropped'), changed: n('changed'), unchanged: d.unchanged };
}

function scope(d: CatalogDiff): string {
  const overlay = d.overlay ? ` with overlay ${d.overlay}` : '';
  return `catalog ${d.catalogVersion}${overlay}, mode ${d.mode}${d.requireRecommended ? ', backups required' : ''}`;
}

function summaryLine(d: CatalogDiff): string {
  const c = counts(d);
  return `${c.added} added, ${c.dropped} dropped, ${c.changed} changed, ${c.unchanged} unchanged (${scope(d)})`;
}

/** As summaryLine, with what the upgrade needs in bold. */
function markdownSummary(d: CatalogDiff): string {
  const c = counts(d);
  const added = `${c.added} added`;
  return `${c.added ? `**${added}**` : added}, ${c.dropped} dropped, ${c.changed} changed, ${c.unchanged} unchanged (${markdownText(scope(d))})`;
}

function sameRelease(d: CatalogDiff): string | undefined {
  return d.from.release === d.to.release
    ? `Both versions follow release ${d.from.release}: the same flows.`
    : undefined;
}

function json(d: CatalogDiff): string {
  const flow = (f: Flow) => ({
    role: f.role,
    roleLabel: f.roleLabel,
    host: f.host,
    port: f.port,
    protocol: f.protocol,
    severity: f.severity,
    verified: f.provenance.verified,
    ...(f.relays ? { relays: [...f.relays.text] } : {}),
  });
  const old = (e: FlowDiffEntry) => {
    const b = e.before!;
    const values: Record<FlowField, unknown> = {
      role: b.role,
      severity: b.severity,
      verified: b.provenance.verified,
      relays: b.relays ? [...b.relays.text] : null,
    };
    return Object.fromEntries(e.fields.map((f) => [f, values[f]]));
  };
  const flows = d.entries.map((e) => ({
    change: e.change,
    ...flow((e.after ?? e.before)!),
    ...(e.change === 'changed' ? { before: old(e) } : {}),
  }));
  const { from, to, catalogVersion, overlay, mode, requireRecommended } = d;
  const body = { from, to, catalogVersion, overlay, mode, requireRecommended, summary: counts(d), flows };
  return `${JSON.stringify(body, null, 2)}\n`;
}

function markdown(d: CatalogDiff): string {
  const lines = [
    `### RemoteSpark ${markdownText(side(d.from))} → ${markdownText(side(d.to))}: what the version change needs`,
    '',
    `${markdownSummary(d)}.`,
    '',
  ];
  const same = sameRelease(d);
  if (same) return `${[...lines, same].join('\n')}\n`;
  if (d.entries.length === 0) return `${[...lines, 'No flow changes.'].join('\n')}\n`;
  lines.push(
    `| ${HEAD.map((h) => h[0] + h.slice(1).toLowerCase()).join(' | ')} |`,
    `|${HEAD.map(() => ' --- ').join('|')}|`,
  );
  for (const e of d.entries) {
    const c = cells(e, '→');
    const code = new Set([2, 7]);
    lines.push(
      `| ${c.map((cell, i) => (code.has(i) ? markdownCode(cell) : markdownText(cell))).join(' | ')} |`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/** `catalog diff` as table (default), csv, json or markdown. */
export function renderCatalogDiff(d: CatalogDiff, output: string): string {
  if (output === 'json') return json(d);
  if (output === 'markdown') return markdown(d);
  const rows = [HEAD, ...d.entries.map((e) => cells(e, '->'))];
  if (output === 'csv') return csv(rows);
  const head = plainText(`RemoteSpark ${side(d.from)} -> ${side(d.to)}: ${summaryLine(d)}`);
  const same = sameRelease(d);
  if (same) return `${head}\n\n${same}\n`;
  if (d.entries.length === 0) return `${head}\n\nNo flow changes.\n`;
  return `${head}\n\n${table(rows.map((r) => r.map(plainText)))}`;
}
