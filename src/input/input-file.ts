import { constants, isAscii } from 'node:buffer';
import { closeSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { InputError } from './input-error.js';
import { youngGenerationTick } from './young-generation.js';

/**
 * A text input. `text` is the whole file decoded (files on disk decode it on first use, so a reader that
 * streams never holds it); `chunks` gives the same text in pieces, decoded as read, for readers of big
 * exports; `head` is the text's start (at most HEAD_CHARS characters), for recognising the format.
 * Object literals `{ path, text }` are inputs too: use textChunks() and headOf() to read any input.
 */
export interface InputFile {
  readonly path: string;
  readonly text: string;
  /** The file's size in bytes, when known. */
  readonly size?: number;
  readonly head?: string;
  chunks?(): Iterable<string>;
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

/**
 * A guard against mistakes (a disk image given as the config), not a limit of the readers: PAN-OS and
 * FortiGate exports are read in chunks, so their size is bounded by memory for what the model keeps.
 */
export const DEFAULT_MAX_INPUT_BYTES = 2 * 1024 * 1024 * 1024;

/**
 * The most a file may hold for a reader that takes its text whole: the engine caps a string's length
 * (2^29 - 24 characters in V8). A UTF-8 or UTF-16 file never has more characters than bytes.
 */
export const MAX_WHOLE_TEXT_BYTES = constants.MAX_STRING_LENGTH;

/** How much of an input's start the format detectors see. */
export const HEAD_CHARS = 1024 * 1024;

/**
 * Bytes read at a time when streaming (a multiple of 4, so UTF-16 pairs never straddle for long). Small
 * enough that each piece's text is an ordinary young object, dead by the next scavenge: 4 MiB pieces went
 * to V8's large-object space and waited for a full collection, ~70 MiB more peak RSS on a 107 MiB
 * PAN-OS check.
 */
const CHUNK_BYTES = 64 * 1024;

const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MiB`;

/** The text of any input in pieces, in order. */
export function textChunks(file: InputFile): Iterable<string> {
  return file.chunks ? file.chunks() : [file.text];
}

/** The start of an input's text, at most `chars` characters (never more than HEAD_CHARS from a stream). */
export function headOf(file: InputFile, chars = HEAD_CHARS): string {
  const head = file.head ?? file.text;
  return head.length > chars ? head.slice(0, chars) : head;
}

export type Encoding = 'utf-8' | 'utf-16le' | 'utf-16be';

/** How the bytes are encoded (a byte-order mark, else UTF-8), refusing binary content. */
function sniff(path: string, start: Uint8Array): Encoding {
  if (start.length === 0) throw new InputError(path, 1, 'file is empty; expected a firewall export');
  if (start[0] === 0xff && start[1] === 0xfe) return 'utf-16le';
  if (start[0] === 0xfe && start[1] === 0xff) return 'utf-16be';
  const nul = start.subarray(0, 65536).indexOf(0);
  if (nul >= 0) {
    const line = countLines(start, nul);
    const head = new TextDecoder('latin1').decode(start.subarray(0, 4096));
    throw new BinaryInputError(
      path,
      line,
      `binary content (NUL byte at offset ${nul}); expected a text firewall export`,
      head,
    );
  }
  return 'utf-8';
}

/**
 * Decodes pieces of bytes in order into text, dropping a leading byte-order mark. A UTF-8 piece that is all
 * ASCII is copied as Latin-1 (the same characters, several times faster than the decoder) when the decoder
 * holds no unfinished character: that is so when the last byte it was given was ASCII, since in the
 * Encoding Standard's UTF-8 decoder an ASCII byte ends any sequence in progress.
 */
export function* decodePieces(pieces: Iterable<Uint8Array>, encoding: Encoding): Generator<string> {
  // The decoder keeps a byte-order mark (ignoreBOM), as it may not see the first piece; one is dropped here.
  const decoder = new TextDecoder(encoding, { ignoreBOM: true });
  let first = true;
  let clean = encoding === 'utf-8';
  for (const piece of pieces) {
    let text: string;
    if (clean && isAscii(piece)) {
      text = Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength).toString('latin1');
    } else {
      text = decoder.decode(piece, { stream: true });
      clean = encoding === 'utf-8' && piece.length > 0 && piece[piece.length - 1]! < 0x80;
    }
    if (first && text.length > 0) {
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      first = false;
    }
    youngGenerationTick();
    if (text.length > 0) yield text;
  }
  const rest = decoder.decode();
  if (rest.length > 0) yield first && rest.charCodeAt(0) === 0xfeff ? rest.slice(1) : rest;
}

/** A whole file's bytes as text, without a leading byte-order mark. */
function decodeWhole(bytes: Uint8Array, encoding: Encoding): string {
  const text = new TextDecoder(encoding, { ignoreBOM: true }).decode(bytes);
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

function tooBigForWholeText(path: string, size: number): InputError {
  return new InputError(
    path,
    undefined,
    `is ${mb(size)}, more than the ${Math.floor(MAX_WHOLE_TEXT_BYTES / 1024 / 1024)} MiB this format's reader can hold as one text (the PAN-OS and FortiGate readers stream any size)`,
  );
}

function unreadable(path: string, e: unknown): InputError {
  return new InputError(path, undefined, `cannot be read (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
}

/** Where an input's bytes come from: all at once, or in pieces. */
interface ByteSource {
  size: number;
  whole(): Uint8Array;
  pieces(): Iterable<Uint8Array>;
}

/** A file on disk: read whole in one go (joining decoded pieces would hold them and the copy at once). */
function diskBytes(path: string, size: number): ByteSource {
  return {
    size,
    whole() {
      try {
        return readFileSync(path);
      } catch (e) {
        throw unreadable(path, e);
      }
    },
    pieces: () => readPieces(path),
  };
}

/** Bytes held in memory (a git blob, an API download). */
function memoryBytes(bytes: Uint8Array): ByteSource {
  return {
    size: bytes.length,
    whole: () => bytes,
    *pieces() {
      for (let i = 0; i < bytes.length; i += CHUNK_BYTES) yield bytes.subarray(i, i + CHUNK_BYTES);
    },
  };
}

/** An input whose head is decoded at once, the whole text only on demand. */
class LazyInput implements InputFile {
  private whole?: string;

  constructor(
    readonly path: string,
    private readonly bytes: ByteSource,
    private readonly encoding: Encoding,
    readonly head: string,
  ) {
    // A small file's head is all of it.
    if (head !== '' && bytes.size <= HEAD_CHARS) this.whole = head;
  }

  get size(): number {
    return this.bytes.size;
  }

  get text(): string {
    if (this.whole === undefined) {
      if (this.bytes.size > MAX_WHOLE_TEXT_BYTES) throw tooBigForWholeText(this.path, this.bytes.size);
      this.whole = decodeWhole(this.bytes.whole(), this.encoding);
    }
    return this.whole;
  }

  *chunks(): Generator<string> {
    if (this.whole !== undefined) {
      yield this.whole;
      return;
    }
    yield* decodePieces(this.bytes.pieces(), this.encoding);
  }
}

/** The file's bytes in pieces; each piece is valid only until the next is asked for. */
function* readPieces(path: string): Generator<Uint8Array> {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    throw unreadable(path, e);
  }
  try {
    // One buffer for every piece: each is decoded (copied into text) before the next is read, and a new
    // buffer per read left hundreds of MB waiting for the garbage collector on a big export.
    const buf = Buffer.allocUnsafe(CHUNK_BYTES);
    for (;;) {
      let n: number;
      try {
        n = readSync(fd, buf, 0, CHUNK_BYTES, null);
      } catch (e) {
        throw unreadable(path, e);
      }
      if (n === 0) return;
      yield buf.subarray(0, n);
    }
  } finally {
    closeSync(fd);
  }
}

/** An input over `bytes`: its head read and checked now (not blank), the rest when asked for. */
function openInput(path: string, bytes: ByteSource, encoding: Encoding): InputFile {
  const head = headFrom(new LazyInput(path, bytes, encoding, '').chunks());
  if (bytes.size <= HEAD_CHARS && head.trim() === '')
    throw new InputError(path, 1, 'file holds only white space; expected a firewall export');
  return new LazyInput(path, bytes, encoding, head);
}

/** The decoded start of some text pieces, at most HEAD_CHARS characters. */
export function headFrom(pieces: Iterable<string>): string {
  let head = '';
  for (const piece of pieces) {
    head += piece;
    if (head.length >= HEAD_CHARS) break;
  }
  return head.length > HEAD_CHARS ? head.slice(0, HEAD_CHARS) : head;
}

/**
 * Opens a file as text input, refusing what can't be a firewall export: a directory, an empty or oversized
 * file, binary content. UTF-16 with a byte-order mark (PowerShell's `>` redirect writes it) is decoded.
 * Only the head is read here; the rest when a reader asks for it.
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
    throw unreadable(path, e);
  }
  if (size > maxBytes) {
    throw new InputError(
      path,
      undefined,
      `is ${mb(size)}, over the ${mb(maxBytes)} input limit (raise it with --max-input-mb)`,
    );
  }
  const pieces = readPieces(path);
  const first = pieces.next();
  let encoding: Encoding;
  try {
    encoding = sniff(path, first.done ? new Uint8Array(0) : first.value);
  } finally {
    pieces.return(undefined); // closes the file
  }
  return openInput(path, diskBytes(path, size), encoding);
}

/** Bytes from any source, checked like a file on disk (size, binary content, encoding). */
export function inputFromBytes(
  path: string,
  bytes: Uint8Array,
  maxBytes = DEFAULT_MAX_INPUT_BYTES,
): InputFile {
  if (bytes.length > maxBytes) {
    throw new InputError(
      path,
      undefined,
      `is ${mb(bytes.length)}, over the ${mb(maxBytes)} input limit (raise it with --max-input-mb)`,
    );
  }
  return openInput(path, memoryBytes(bytes), sniff(path, bytes));
}

/** Decodes a whole file's bytes (binary content refused, UTF-16 with a byte-order mark decoded). */
export function decodeText(path: string, bytes: Uint8Array): string {
  return inputFromBytes(path, bytes, Infinity).text;
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
