/**
 * The text of `JSON.stringify(value, null, 2)` followed by a newline, handed out in pieces of about
 * `pieceSize` characters. A large export's report holds tens of thousands of warnings: made whole, its
 * text (25 MB for a 400 MiB FortiGate export), the parts V8 builds it from and the bytes written were
 * ~130 MB at the end of the check, above the read's own peak (docs/performance.md, session 11).
 *
 * The outer two levels (the report, its members) are laid out here; everything deeper is given to
 * JSON.stringify and indented to its depth. Newlines in JSON.stringify's output are only ever layout (a
 * newline inside a string is escaped), so indenting them gives the same text as one call would.
 */
export function* jsonPieces(value: unknown, pieceSize = 1 << 20): Generator<string> {
  const parts: string[] = [];
  let size = 0;
  for (const part of layout(value, 0)) {
    parts.push(part);
    size += part.length;
    if (size >= pieceSize) {
      yield parts.join('');
      parts.length = 0;
      size = 0;
    }
  }
  parts.push('\n');
  yield parts.join('');
}

/** Levels laid out here; deeper values are stringified whole. */
const WALKED = 2;

function isPlain(value: unknown): value is Record<string, unknown> | unknown[] {
  if (typeof value !== 'object' || value === null) return false;
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return false;
  if (Array.isArray(value)) return true;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/** The text JSON.stringify gives a value at this depth; undefined where it gives none (undefined, a function). */
function whole(value: unknown, depth: number): string | undefined {
  const text = JSON.stringify(value, null, 2) as string | undefined;
  return text === undefined || depth === 0 ? text : text.replaceAll('\n', `\n${'  '.repeat(depth)}`);
}

function* layout(value: unknown, depth: number): Generator<string> {
  if (depth >= WALKED || !isPlain(value)) {
    yield whole(value, depth) ?? 'null';
    return;
  }
  const inner = '  '.repeat(depth + 1);
  if (Array.isArray(value)) {
    if (value.length === 0) {
      yield '[]';
      return;
    }
    for (let i = 0; i < value.length; i++) {
      yield i === 0 ? `[\n${inner}` : `,\n${inner}`;
      // As JSON.stringify: an element it can't write (undefined, a function) is null (layout's own rule).
      yield* layout(value[i], depth + 1);
    }
    yield `\n${'  '.repeat(depth)}]`;
    return;
  }
  let first = true;
  for (const key of Object.keys(value)) {
    const item = value[key];
    let text: string | undefined;
    if (!(isPlain(item) && depth + 1 < WALKED)) {
      text = whole(item, depth + 1);
      // As JSON.stringify: a member it can't write is left out.
      if (text === undefined) continue;
    }
    yield `${first ? '{' : ','}\n${inner}${JSON.stringify(key)}: `;
    first = false;
    if (text !== undefined) yield text;
    else yield* layout(item, depth + 1);
  }
  yield first ? '{}' : `\n${'  '.repeat(depth)}}`;
}
