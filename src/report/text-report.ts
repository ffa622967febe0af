import { flowLabel } from '../model/flow.js';
import type { JsonReport, FlowJson, WarningJson } from './json-report.js';
import { changedFlows, changeLine, driftHeadline } from './drift-summary.js';
import { plainText } from './escape.js';
import { fixTextLines } from './fix-text.js';

export interface TextOptions {
  color: boolean;
}

const COLORS: Record<string, string> = { allowed: '32', partial: '33', unknown: '33', blocked: '31' };

function paint(text: string, verdict: string, on: boolean): string {
  return on ? `\u001b[${COLORS[verdict.replace('*', '')] ?? '0'}m${text}\u001b[0m` : text;
}

/** "sources 10.0.0.5/32, zones trust": for whom an allowed flow is allowed, when not for every client. */
export function allowedOnlyText(f: Pick<FlowJson, 'verdict' | 'allowedFrom'>): string | undefined {
  const a = f.allowedFrom;
  if (f.verdict !== 'allowed' || !a) return undefined;
  const parts = [
    a.sources && `sources ${a.sources}`,
    a.sourceZones && `zones ${a.sourceZones}`,
    a.destinationZones && `to zones ${a.destinationZones}`,
  ].filter(Boolean);
  return parts.length ? parts.join(', ') : undefined;
}

/** The verdict as a person reads it: an allowed flow that holds only for some clients says so. */
export function verdictText(f: Pick<FlowJson, 'verdict' | 'allowedFrom'>): string {
  return allowedOnlyText(f) ? `${f.verdict}*` : f.verdict;
}

export function decidedByText(f: Pick<FlowJson, 'rule' | 'default'>): string {
  if (f.rule) return `${f.rule.name} (${f.rule.path}:${f.rule.line})`;
  if (f.default) return `${f.default.name}${f.default.path ? ` (${f.default.path}:${f.default.line})` : ''}`;
  return '-';
}

function table(rows: string[][], verdictCol: number, color: boolean): string[] {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows.map((r, i) =>
    r
      .map((cell, c) => {
        const padded = c === r.length - 1 ? cell : cell.padEnd(widths[c]!);
        return i > 0 && c === verdictCol ? paint(padded, cell, color) : padded;
      })
      .join('  ')
      .trimEnd(),
  );
}

/** The human report: a table of flows, the reasons for those not allowed, and a one-line summary. */
export function renderText(report: JsonReport, options: TextOptions): string {
  const out: string[] = [];
  const t = report.target;
  const what = t.customFlows
    ? 'custom flows'
    : `RemoteSpark ${t.release} (catalog ${t.catalogVersion}), mode ${t.mode}`;
  out.push(
    `Checking ${report.inputs.map((i) => `${plainText(i.path)} [${i.format}, ${i.rules} rules]`).join(', ')}`,
  );
  out.push(`against ${what}`);
  out.push('');
  const headline = driftHeadline(report);
  if (headline) {
    // What this change does comes first; flows failing on both sides stay in the table below.
    out.push(plainText(headline));
    for (const f of changedFlows(report)) out.push(`  ${plainText(changeLine(f))}`);
    out.push('');
  }
  const rows = [['VERDICT', 'SEVERITY', 'ROLE', 'FLOW', 'DECIDED BY']];
  let unverified = false;
  for (const f of report.flows) {
    const mark = f.provenance.verified ? '' : ' †';
    if (mark) unverified = true;
    rows.push([verdictText(f), f.severity, f.role, `${flowLabel(f)}${mark}`, plainText(decidedByText(f))]);
  }
  out.push(...table(rows, 0, options.color));
  // Flows allowed for the same part of the clients share one line.
  const only = new Map<string, string[]>();
  for (const f of report.flows) {
    const text = allowedOnlyText(f);
    if (text) only.set(text, [...(only.get(text) ?? []), flowLabel(f)]);
  }
  if (only.size) {
    out.push('');
    out.push('* allowed only for some clients:');
    const allowed = report.flows.filter((f) => f.verdict === 'allowed').length;
    for (const [text, flows] of only) {
      const who = flows.length === allowed && allowed > 3 ? `all ${allowed} allowed flows` : flowList(flows);
      out.push(`  ${who}: only from ${plainText(text)}`);
    }
  }
  // Flows failing for the same reason share one line.
  const reasons = new Map<string, string[]>();
  for (const f of report.flows.filter((x) => x.verdict !== 'allowed')) {
    reasons.set(f.detail, [...(reasons.get(f.detail) ?? []), flowLabel(f)]);
  }
  if (reasons.size) out.push('');
  for (const [detail, flows] of reasons) {
    out.push(`${flowList(flows)}: ${plainText(detail)}`);
  }
  if (unverified) {
    out.push('');
    out.push(
      '† hostname not in the public RemoteSpark article (unverified); override it with --catalog, see docs/catalog.md',
    );
  }
  const relays = new Map<string, string[]>();
  for (const f of report.flows) {
    const text = f.relays?.join(', ');
    if (text) relays.set(text, [...(relays.get(text) ?? []), flowLabel(f)]);
  }
  if (relays.size) out.push('');
  for (const [text, flows] of relays) out.push(`${flowList(flows)}: to relay addresses ${plainText(text)}`);
  for (const w of report.warnings) out.push(`warning: ${plainText(warningText(w))}`);
  for (const a of assumptionsOf(report)) out.push(`assumption: ${plainText(a)}`);
  for (const n of report.notes)
    if (!n.startsWith('Some catalog hostnames')) out.push(`note: ${plainText(n)}`);
  const fixes = fixTextLines(report);
  if (fixes.length) out.push('', ...fixes);
  out.push('');
  out.push(summaryLine(report));
  return `${out.join('\n')}\n`;
}

function flowList(flows: string[]): string {
  return flows.length <= 3 ? flows.join(', ') : `${flows.length} flows (${flows.slice(0, 2).join(', ')}, …)`;
}

/** "file:line: message" for a warning (plain, not yet escaped). */
export function warningText(w: WarningJson): string {
  return w.path !== undefined ? `${w.path}:${w.line ?? 1}: ${w.message}` : `${w.policy}: ${w.message}`;
}

/** Every distinct assumption the verdicts rest on, in report order. */
export function assumptionsOf(report: JsonReport): string[] {
  const all = report.flows.flatMap((f) => f.results.flatMap((r) => r.assumptions ?? []));
  return [...new Set(all)];
}

/** For whom a pass holds when required flows are allowed only for some clients: one text, or undefined. */
function passHoldsFor(report: JsonReport): string | undefined {
  const texts = report.flows
    .filter((f) => f.severity === 'required')
    .map((f) => allowedOnlyText(f))
    .filter((t): t is string => t !== undefined);
  if (texts.length === 0) return undefined;
  const distinct = [...new Set(texts)];
  const given = report.scope.sources ? '' : ' (no client sources were given: name them with --source)';
  return distinct.length === 1
    ? `for ${distinct[0]} only${given}`
    : `for some clients only, as marked *${given}`;
}

export function summaryLine(report: JsonReport): string {
  const s = report.summary;
  const required = report.flows.filter((f) => f.severity === 'required').length;
  const kinds = (['blocked', 'partial', 'unknown'] as const)
    .map((v) => [v, report.flows.filter((f) => f.verdict === v && f.severity === 'required').length] as const)
    .filter(([, n]) => n > 0)
    .map(([v, n]) => `${n} ${v}`)
    .join(', ');
  const rec = s.failingRecommended ? `; ${s.failingRecommended} recommended flow(s) not allowed` : '';
  const holds = passHoldsFor(report);
  if (s.passed) return `PASS: all ${required} required flows allowed${holds ? `, ${holds}` : ''}${rec}.`;
  return `FAIL: ${s.failingRequired} of ${required} required flows not allowed (${kinds})${rec}.`;
}
