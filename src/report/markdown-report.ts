import { flowLabel } from '../model/flow.js';
import { markdownCode, markdownText } from './escape.js';
import type { JsonReport } from './json-report.js';
import { decidedByText, summaryLine } from './text-report.js';

const ICON: Record<string, string> = { allowed: '✅', partial: '⚠️', unknown: '❔', blocked: '⛔' };

/** The report as GitHub-flavoured Markdown; every piece of config text is escaped. */
export function renderMarkdown(report: JsonReport): string {
  const out: string[] = [];
  out.push(`### RemoteSpark firewall check: ${report.summary.passed ? 'pass' : 'fail'}`);
  out.push('');
  out.push(markdownText(summaryLine(report)));
  out.push('');
  out.push('| Verdict | Severity | Role | Flow | Decided by | Detail |');
  out.push('|---|---|---|---|---|---|');
  for (const f of report.flows) {
    const flow = `${markdownCode(flowLabel(f))}${f.provenance.verified ? '' : ' †'}`;
    out.push(
      `| ${ICON[f.verdict]} ${f.verdict} | ${f.severity} | ${markdownText(f.roleLabel)} | ${flow} | ${markdownText(decidedByText(f))} | ${markdownText(f.detail)} |`,
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
  return `${out.join('\n')}\n`;
}
