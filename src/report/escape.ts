/**
 * Untrusted text (rule and object names, descriptions) on its way out. Terminals get no control
 * characters (no ANSI escape injection); Markdown gets no markup, HTML or @-mentions.
 */

// C0 and C1 controls, DEL, and the bidi overrides that can make text read differently than it is.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/** For terminals and logs: control characters shown as \xNN / \uNNNN. */
export function plainText(s: string): string {
  return s.replace(CONTROL, (c) => {
    const code = c.charCodeAt(0);
    return code < 0x100
      ? `\\x${code.toString(16).padStart(2, '0')}`
      : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/** For Markdown (also inside table cells): every markup character escaped, @ and HTML neutralised. */
export function markdownText(s: string): string {
  return plainText(s)
    .replace(/[\\`*_{}[\]()#+\-.!|~]/g, (c) => `\\${c}`)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/@/g, '@\u200b')
    .replace(/\r?\n/g, ' ');
}

/** For Markdown code spans (also in table cells): backticks can't close the span, pipes can't split the cell. */
export function markdownCode(s: string): string {
  const t = plainText(s).replace(/\r?\n/g, ' ').replace(/\|/g, '\\|');
  const fence = t.includes('`') ? '`` ' : '`';
  return `${fence}${t}${fence === '`` ' ? ' ``' : '`'}`;
}

/** For CSV cells (RFC 4180), with spreadsheet formula injection defused. */
export function csvCell(s: string): string {
  const t = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
  return /[",\n\r]/.test(t) ? `"${t.replace(/"/g, '""')}"` : t;
}
