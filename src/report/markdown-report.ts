import { flowLabel } from '../model/flow.js';
import { markdownCode, markdownText } from './escape.js';
import type { JsonReport } from './json-report.js';
import { changedFlows, changeLine, driftHeadline } from './drift-summary.js';
import { verdictCell, warningLines } from './flow-table.js';
import { assumptionsOf, decidedByText, summaryLine } from './text-report.js';

/** The report as GitHub-flavoured Markdown; every piece of config text is escaped. */
export function renderMarkdown(report: JsonReport): string {
  const out: string[] = [];
  out.push(`### RemoteSpark firewall check: ${report.summary.passed ? 'pass' : 'fail'}`);
  out.push('');
  out.push(markdownText(summaryLine(report)));
  out.push('');
  const headline = driftHeadline(report);
  if (headline) {
    out.push(`**${markdownText(headline)}**`);
    const changed = changedFlows(report);
    if (changed.length) out.push('', ...changed.map((f) => `- ${markdownText(changeLine(f))}`));
    out.push('');
  }
  out.push('| Verdict | Severity | Role | Flow | Decided by | Detail |');
  out.push('|---|---|---|---|---|---|');
  for (const f of report.flows) {
    const flow = `${markdownCode(flowLabel(f))}${f.provenance.verified ? '' : ' †'}`;
    out.push(
      `| ${verdictCell(f)} | ${f.severity} | ${markdownText(f.roleLabel)} | ${flow} | ${markdownText(decidedByText(f))} | ${markdownText(f.detail)} |`,
    );
  }
  out.push('');
  const t = report.target;
  out.push(
    `Inputs: ${report.inputs.map((i) => `${markdownCode(i.path)} (${markdownText(i.format)}, ${i.rules} rules)`).join(', ')}. ` +
      (t.customFlows
        ? 'Custom flows.'
        : `RemoteSpark ${markdownText(t.release ?? '')}, catalog ${markdownText(t.catalogVersion)}, mode ${t.mode}.`),
  );
  if (report.flows.some((f) => !f.provenance.verified)) {
    out.push('');
    out.push(
      '† hostname not in the public RemoteSpark article (unverified): override it with a catalog overlay.',
    );
  }
  if (report.warnings.length) out.push('', '**Warnings**', '', ...warningLines(report));
  const assumptions = assumptionsOf(report);
  if (assumptions.length)
    out.push('', '**Assumptions**', '', ...assumptions.map((a) => `- ${markdownText(a)}`));
  return `${out.join('\n')}\n`;
}
