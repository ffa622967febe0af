import { plainText, markdownCode, markdownText } from './escape.js';
import type { JsonReport } from './json-report.js';
import { clip } from './bounded-lines.js';
import type { Remediation } from '../remediate/remediate.js';

/** A fenced block that config text can't close: the fence is longer than any backtick run inside. */
function fenced(text: string, lang = ''): string[] {
  // Line by line, so a literal "\x0a" in config text stays text.
  const lines = text.split('\n').map(plainText);
  const longest = Math.max(2, ...lines.flatMap((l) => l.match(/`+/g) ?? []).map((r) => r.length));
  const fence = '`'.repeat(longest + 1);
  return [`${fence}${lang}`, ...lines, fence];
}

function where(r: Remediation): string {
  return 'before' in r.placement
    ? `before rule ${markdownCode(r.placement.before.name)} (${markdownCode(`${r.placement.before.path}:${r.placement.before.line}`)})`
    : 'after the last rule';
}

/**
 * The proven fixes, one collapsed block per fix (the edit and the device commands in the vendor's
 * syntax), and one line per group no fix could be proven for. Config text is escaped or fenced.
 */
export function fixMarkdownBlocks(report: JsonReport, maxText = 4000): string[][] {
  return (report.remediations ?? []).map((r) => {
    const flows = r.flows.map((f) => markdownCode(f)).join(', ');
    if (!r.verified) {
      return [
        `- No proven fix for ${markdownText(r.policy)} (${flows}): ${markdownText(clip(r.reason ?? '', 500))}`,
      ];
    }
    const lines = [
      '<details>',
      `<summary>Fix for ${markdownText(r.policy)}: rule ${markdownCode(r.rule ?? '')} ${where(r)} allows ${flows} (proven by re-checking)</summary>`,
      '',
    ];
    for (const e of r.edits) {
      lines.push(
        `Insert before line ${e.line} of ${markdownCode(e.path)}:`,
        '',
        ...fenced(clip(e.insert.replace(/\n$/, ''), maxText)),
        '',
      );
    }
    if (r.commands.length)
      lines.push('On the device:', '', ...fenced(clip(r.commands.join('\n'), maxText)), '');
    for (const n of r.notes ?? []) lines.push(`- ${markdownText(clip(n, 500))}`);
    lines.push('</details>');
    return lines;
  });
}
