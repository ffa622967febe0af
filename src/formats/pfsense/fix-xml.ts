import { createHash } from 'node:crypto';

/** XML character data: `&`, `<` and `>` escaped, so config text can't open markup. */
export function xmlText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** The indentation of a line, and one level deeper in the file's own style (tabs or spaces). */
export function indentOf(line: string): { pad: string; step: string } {
  const pad = /^[ \t]*/.exec(line)![0];
  return { pad, step: pad.includes('\t') || pad === '' ? '\t' : '  ' };
}

/** Indents an element written with one tab per level: `pad` before each line, `step` for each tab. */
export function indentBlock(lines: readonly string[], pad: string, step: string): string {
  return lines.map((l) => pad + l.replace(/^\t+/, (t) => step.repeat(t.length))).join('\n') + '\n';
}

/** A stable UUID-shaped id for an MVC element made from its name (OPNsense keys items by uuid). */
export function uuidFor(name: string): string {
  const h = createHash('sha256').update(`remotespark-firewall-check:${name}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
