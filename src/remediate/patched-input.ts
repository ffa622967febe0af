import { headFrom, textChunks, type InputFile } from '../input/input-file.js';
import { applyEdits } from './apply-edits.js';
import type { Edit } from './types.js';

/** What the inserts need to know of the text: its line ends, whether it ends a line, how many lines. */
interface Shape {
  crlf: boolean;
  final: boolean;
  count: number;
}

function shapeOf(file: InputFile): Shape {
  let crlf = false;
  let newlines = 0;
  let last = '';
  let any = false;
  for (const piece of textChunks(file)) {
    if (piece.length === 0) continue;
    if (!crlf && (piece.includes('\r\n') || (last === '\r' && piece[0] === '\n'))) crlf = true;
    for (let i = piece.indexOf('\n'); i >= 0; i = piece.indexOf('\n', i + 1)) newlines++;
    last = piece[piece.length - 1]!;
    any = true;
  }
  const final = last === '\n';
  // As applyEdits counts: the lines of the text without its final newline.
  const count = !any ? 0 : final ? newlines : newlines + 1;
  return { crlf, final, count };
}

/**
 * The file with the edits applied (see applyEdits), as an input a streaming reader takes in pieces: the
 * inserted lines are put in as the pieces pass, so proving a fix never decodes a big export whole. The
 * whole text, where a reader asks for it, is applyEdits' own. Appending to a file whose last line has no
 * newline is left to applyEdits (its line-end rules differ there).
 */
export function patchedInput(file: InputFile, edits: readonly Edit[]): InputFile {
  let whole: string | undefined;
  let head: string | undefined;
  // One pass for the shape, however often the pieces are asked for (a reader's head, then its read).
  let shape: Shape | undefined;
  const text = () => (whole ??= applyEdits(file.text, edits));
  const patched: InputFile = {
    path: file.path,
    get text() {
      return text();
    },
    get head() {
      return (head ??= headFrom(patched.chunks!()));
    },
    chunks() {
      return patchedChunks(file, edits, (shape ??= shapeOf(file)), text);
    },
  };
  return patched;
}

function* patchedChunks(
  file: InputFile,
  edits: readonly Edit[],
  { crlf, final, count }: Shape,
  whole: () => string,
): Generator<string> {
  for (const e of edits) {
    if (e.line < 1 || e.line > count + 1)
      throw new Error(`an edit at line ${e.line} of ${e.path}, which has ${count} lines`);
  }
  if (count === 0 || (!final && edits.some((e) => e.line === count + 1))) {
    yield whole();
    return;
  }
  // The text to put in before each line, in the edits' given order.
  const before = new Map<number, string>();
  for (const e of edits) {
    const body = e.insert.endsWith('\n') ? e.insert.slice(0, -1) : e.insert;
    const lines = body.split('\n').map((l) => `${l}${crlf ? '\r' : ''}\n`);
    before.set(e.line, (before.get(e.line) ?? '') + lines.join(''));
  }
  let line = 1;
  const first = before.get(1);
  if (first !== undefined) yield first;
  for (const piece of textChunks(file)) {
    let from = 0;
    for (let i = piece.indexOf('\n'); i >= 0; i = piece.indexOf('\n', i + 1)) {
      line++;
      const insert = before.get(line);
      if (insert === undefined) continue;
      yield piece.slice(from, i + 1);
      yield insert;
      from = i + 1;
    }
    if (from < piece.length) yield from === 0 ? piece : piece.slice(from);
  }
}
