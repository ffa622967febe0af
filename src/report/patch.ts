import type { Edit } from '../remediate/types.js';

const CONTEXT = 3;

interface Insertion {
  /** 1-based line the text goes before (line count + 1 appends). */
  line: number;
  lines: string[];
}

/** One file's insertions as a unified diff (`git apply` format), paths as `a/PATH` and `b/PATH`. */
export function unifiedDiff(path: string, text: string, edits: readonly Edit[]): string {
  const crlf = text.includes('\r\n');
  const final = text.endsWith('\n');
  const old = text === '' ? [] : (final ? text.slice(0, -1) : text).split('\n');
  const byLine = new Map<number, string[]>();
  for (const e of edits) {
    const body = e.insert.endsWith('\n') ? e.insert.slice(0, -1) : e.insert;
    byLine.set(e.line, [
      ...(byLine.get(e.line) ?? []),
      ...body.split('\n').map((l) => (crlf ? `${l}\r` : l)),
    ]);
  }
  const inserts: Insertion[] = [...byLine]
    .map(([line, lines]) => ({ line, lines }))
    .sort((a, b) => a.line - b.line);
  // Insertions whose context overlaps share a hunk.
  const groups: Insertion[][] = [];
  for (const ins of inserts) {
    const last = groups.at(-1);
    if (last && ins.line - last.at(-1)!.line <= 2 * CONTEXT) last.push(ins);
    else groups.push([ins]);
  }
  const out = [`--- a/${path}`, `+++ b/${path}`];
  let shift = 0;
  for (const g of groups) {
    const start = Math.max(1, g[0]!.line - CONTEXT);
    const end = Math.min(old.length, g.at(-1)!.line - 1 + CONTEXT);
    const body: string[] = [];
    let added = 0;
    const at = new Map(g.map((i) => [i.line, i.lines]));
    for (let i = start; i <= end + 1; i++) {
      for (const l of at.get(i) ?? []) {
        body.push(`+${l}`);
        added++;
      }
      if (i <= end) {
        body.push(` ${old[i - 1]}`);
        if (i === old.length && !final) body.push('\\ No newline at end of file');
      }
    }
    const oldCount = end - start + 1;
    const oldStart = oldCount === 0 ? start - 1 : start;
    out.push(`@@ -${oldStart},${oldCount} +${oldStart + shift},${oldCount + added} @@`, ...body);
    shift += added;
  }
  return `${out.join('\n')}\n`;
}
