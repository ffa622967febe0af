import type { Edit } from './types.js';

/**
 * The text with the edits applied: each insert goes before its 1-based line (line count + 1 appends),
 * bottom-up so earlier lines keep their numbers; inserts at one line keep their given order. Inserted
 * lines take the file's line ends (CRLF where the file uses them).
 */
export function applyEdits(text: string, edits: readonly Edit[]): string {
  const crlf = text.includes('\r\n');
  const final = text.endsWith('\n');
  // With CRLF each line keeps its '\r'; the split is on '\n' only.
  const lines = (final ? text.slice(0, -1) : text).split('\n');
  const count = text === '' ? 0 : lines.length;
  const sorted = edits.map((e, i) => ({ e, i })).sort((a, b) => b.e.line - a.e.line || b.i - a.i);
  for (const { e } of sorted) {
    if (e.line < 1 || e.line > count + 1) {
      throw new Error(`an edit at line ${e.line} of ${e.path}, which has ${count} lines`);
    }
    const body = e.insert.endsWith('\n') ? e.insert.slice(0, -1) : e.insert;
    const inserted = body.split('\n').map((l) => (crlf ? `${l}\r` : l));
    if (e.line === count + 1 && !final && crlf) {
      // Appending to a file with no final newline: its last line gets one, the new last line none.
      if (count > 0) lines[count - 1] += '\r';
      inserted[inserted.length - 1] = body.split('\n').at(-1)!;
    }
    lines.splice(e.line - 1, 0, ...inserted);
  }
  return lines.join('\n') + (final ? '\n' : '');
}
