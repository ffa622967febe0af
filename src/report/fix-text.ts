import type { JsonReport } from './json-report.js';
import { plainText } from './escape.js';
import { unifiedDiff } from './patch.js';
import type { Remediation } from '../remediate/remediate.js';

function placementText(r: Remediation): string {
  return 'before' in r.placement
    ? `before rule "${r.placement.before.name}" (${r.placement.before.path}:${r.placement.before.line})`
    : 'after the last rule';
}

/** The fixes as plain text lines (config text made plain): proven ones with their edits, the rest with why. */
export function fixTextLines(report: JsonReport): string[] {
  const out: string[] = [];
  for (const r of report.remediations ?? []) {
    const flows =
      r.flows.length <= 3
        ? r.flows.join(', ')
        : `${r.flows.length} flows (${r.flows.slice(0, 2).join(', ')}, …)`;
    if (!r.verified) {
      out.push(`no proven fix for ${plainText(r.policy)} (${flows}): ${plainText(r.reason ?? '')}`);
      continue;
    }
    out.push(
      `fix for ${plainText(r.policy)}: rule "${plainText(r.rule ?? '')}" ${plainText(placementText(r))} allows ${flows} (verified: re-read and re-checked)`,
    );
    for (const e of r.edits) {
      out.push(`  insert before line ${e.line} of ${plainText(e.path)}:`);
      for (const l of e.insert.replace(/\n+$/, '').split('\n')) out.push(l ? `    ${plainText(l)}` : '');
    }
    if (r.commands.length) {
      out.push('  on the device:');
      for (const c of r.commands) out.push(`    ${plainText(c)}`);
    }
    for (const n of r.notes ?? []) out.push(`  note: ${plainText(n)}`);
  }
  return out;
}

/** Every verified edit as one unified diff that `git apply` takes (paths as the report names them). */
export function renderPatch(report: JsonReport, texts: Pick<ReadonlyMap<string, string>, 'get'>): string {
  const byPath = new Map<string, Remediation['edits']>();
  for (const r of report.remediations ?? []) {
    if (!r.verified) continue;
    for (const e of r.edits) byPath.set(e.path, [...(byPath.get(e.path) ?? []), e]);
  }
  return [...byPath]
    .map(([path, edits]) => unifiedDiff(path.replace(/^\.\//, ''), texts.get(path) ?? '', edits))
    .join('');
}
