import { constants } from 'node:buffer';
import { readFileSync, statSync } from 'node:fs';
import { InputError } from './input-error.js';

/** A text input, decoded, with what is needed to point at its lines. */
export interface InputFile {
  path: string;
  text: string;
}

/** A file refused as binary; `head` is its start as Latin-1 text, for readers to recognise a near miss. */
export class BinaryInputError extends InputError {
  constructor(
    path: string,
    line: number,
    message: string,
    readonly head: string,
  ) {
    super(path, line, message);
  }
}

export const DEFAULT_MAX_INPUT_BYTES = 128 * 1024 * 1024;

/**
 * The most a file may hold for this version to read it: its text is one string, and the engine caps a
 * string's length (2^29 - 24 characters in V8). A UTF-8 or UTF-16 file never has more characters than bytes.
 */
export const MAX_READABLE_BYTES = constants.MAX_STRING_LENGTH;

/** The largest --max-input-mb that the reader can honour. */
export const MAX_INPUT_MB = Math.floor(MAX_READABLE_BYTES / 1024 / 1024);

const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MiB`;

/**
 * Reads a file as text, refusing what can't be a firewall export: a directory, an empty or oversized
 * file, binary content. UTF-16 with a byte-order mark (PowerShell's `>` redirect writes it) is decoded.
 */
export function readInputFile(path: string, maxBytes = DEFAULT_MAX_INPUT_BYTES): InputFile {
  let size: number;
  try {
    const st = statSync(path);
    if (st.isDirectory())
      throw new InputError(path, undefined, 'is a directory; expected a firewall export file');
    if (!st.isFile())
      throw new InputError(path, undefined, 'is not a regular file; expected a firewall export file');
    size = st.size;
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError(path, undefined, `cannot be read (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  if (size > MAX_READABLE_BYTES) {
    throw new InputError(
      path,
      undefined,
      `is ${mb(size)}, more than the ${MAX_INPUT_MB} MiB a file may have for this version to read it`,
    );
  }
  if (size > maxBytes) {
    throw new InputError(
      path,
      undefined,
      `is ${mb(size)}, over the ${mb(maxBytes)} input limit (raise it with --max-input-mb)`,
    );
  }
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new InputError(path, undefined, `cannot be read (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  return { path, text: decodeText(path, bytes) };
}

export function decodeText(path: string, bytes: Uint8Array): string {
  if (bytes.length === 0) throw new InputError(path, 1, 'file is empty; expected a firewall export');
  let text: string;
  if (bytes[0] === 0xff && bytes[1] === 0xfe) text = new TextDecoder('utf-16le').decode(bytes.subarray(2));
  else if (bytes[0] === 0xfe && bytes[1] === 0xff)
    text = new TextDecoder('utf-16be').decode(bytes.subarray(2));
  else {
    const nul = bytes.subarray(0, 65536).indexOf(0);
    if (nul >= 0) {
      const line = countLines(bytes, nul);
      const head = new TextDecoder('latin1').decode(bytes.subarray(0, 4096));
      throw new BinaryInputError(
        path,
        line,
        `binary content (NUL byte at offset ${nul}); expected a text firewall export`,
        head,
      );
    }
    text = new TextDecoder('utf-8').decode(bytes);
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text.trim() === '')
    throw new InputError(path, 1, 'file holds only white space; expected a firewall export');
  return text;
}

function countLines(bytes: Uint8Array, upTo: number): number {
  let line = 1;
  for (let i = 0; i < upTo; i++) if (bytes[i] === 10) line++;
  return line;
}

/** Maps character offsets to 1-based line numbers. */
export class LineIndex {
  /**
   * Offsets at which lines start, in a typed array (a 100 MB export has millions of lines); Int32 is
   * enough, as V8 strings are shorter than 2^30.
   */
  private readonly starts: Int32Array;
  private readonly count: number;
  /** The line (0-based) found last: readers ask in document order, so the next is usually close after. */
  private last = 0;

  constructor(text: string) {
    let starts = new Int32Array(Math.max(1024, (text.length >> 4) + 1));
    let n = 1;
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) {
      if (n === starts.length) {
        const grown = new Int32Array(starts.length * 2);
        grown.set(starts);
        starts = grown;
      }
      starts[n++] = i + 1;
    }
    this.starts = starts;
    this.count = n;
  }

  lineOf(offset: number): number {
    const starts = this.starts;
    let lo = 0;
    let hi = this.count - 1;
    // Gallop forward from the last answer, then search between the bounds found.
    const last = this.last;
    if (starts[last]! <= offset) {
      lo = last;
      for (let step = 1; last + step <= hi; step *= 2) {
        if (starts[last + step]! > offset) {
          hi = last + step - 1;
          break;
        }
        lo = last + step;
      }
    }
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    this.last = lo;
    return lo + 1;
  }
}
