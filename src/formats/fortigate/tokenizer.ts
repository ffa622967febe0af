import { InputError } from '../../input/input-error.js';

/**
 * One CLI statement of a FortiOS configuration (`config firewall policy`, `edit 3`, `set srcaddr "a" "b"`,
 * `next`, `end` ...): its words with quotes and escapes resolved, and the line it starts on.
 */
export interface Statement {
  line: number;
  words: string[];
  /**
   * Set when the statement's quoting is broken from word `malformedAt` on (a quote glued to other text, as
   * in `""HTTPS"`): `words` holds the words before it, and the reason says what was wrong.
   */
  malformed?: { reason: string; at: number };
  /** Set when the reader asked to skip the statement's values: `words` holds only the verb and key. */
  skipped?: true;
}

/**
 * Asked after a statement's first two words (the verb and, for `set`, the key): true skips the rest of
 * the statement, scanned for its end but not split into words.
 */
export type SkipRest = (verb: string, key: string) => boolean;

/**
 * Called with each statement as read. `indent` gives the spaces and tabs its line starts with (asked for
 * a few statements only, so not made for the others).
 */
export type Visit = (statement: Statement, indent: () => string) => void;

/** Called with a `#config-version=...` header line (a comment at the start of a line), as read. */
export type HeaderHook = (line: string) => void;

/**
 * A statement longer than this (a quote that never closes, a file that is not a configuration) is refused:
 * a real one is at most a certificate or a script, a few hundred kilobytes.
 */
export const MAX_STATEMENT_CHARS = 64 * 1024 * 1024;

const SPACE = 32;
const TAB = 9;
const LF = 10;
const CR = 13;
const HASH = 35;
const DQUOTE = 34;
const SQUOTE = 39;
const BACKSLASH = 92;

function isBlank(c: number): boolean {
  return c === SPACE || c === TAB || c === CR;
}

/** A malformed statement whose values are skipped: the reason is never read. */
const SKIPPED_MALFORMED = { reason: '', at: 2 };

/**
 * Splits a FortiOS configuration (backup file or `show` output), given as text pieces in order, into
 * statements, one per line. Returns the number of the file's last line.
 *
 * The grammar, from the FortiOS CLI ("CLI basics" and "Subcommands", FortiOS Administration Guide,
 * https://docs.fortinet.com/document/fortigate/7.4.0/administration-guide/627485): words are separated by
 * spaces; a word in double or single quotes may hold spaces and, in backups, line breaks (certificates,
 * multi-line comments); `\` escapes the next character (`\"` inside quotes, `\ ` outside), and a `\` at the
 * end of a line continues the statement on the next line; a line starting with `#` is a comment (the
 * backup header lines `#config-version=...` are comments too). CR before LF is ignored.
 *
 * Linear in the text: each piece is scanned up to its last line break; a statement cut by the piece's end
 * is scanned again with the next pieces (waiting until the text is twice as long, so a long statement is
 * rescanned a bounded number of times). Statements go to `visit` as they are read.
 */
export function tokenizePieces(
  path: string,
  pieces: Iterable<string>,
  visit: Visit,
  skipRest?: SkipRest,
  maxStatement = MAX_STATEMENT_CHARS,
  header?: HeaderHook,
): number {
  const scanner = new Scanner(path, visit, skipRest, header);
  let carry = '';
  let need = 0;
  let endsWithLf = false;
  const tooLong = (): never => {
    throw new InputError(
      path,
      scanner.line,
      `a statement starting here runs on for more than ${maxStatement >= 1 << 20 ? `${maxStatement / 1024 / 1024} MiB` : `${maxStatement} characters`} without ending; is a closing quote missing, or is this not a FortiOS configuration?`,
    );
  };
  for (const piece of pieces) {
    if (piece.length === 0) continue;
    endsWithLf = piece.charCodeAt(piece.length - 1) === LF;
    if (carry.length + piece.length < need) {
      carry += piece;
      continue;
    }
    let text = piece;
    let from = 0;
    const eol = piece.indexOf('\n') + 1;
    if (carry.length > 0) {
      // The statement the last piece cut is read with this piece's first line; if that ends it, the rest
      // is read in the piece itself (a string joined from two is slower to read character by character).
      text = carry + piece;
      if (eol > 0) {
        const head = carry + piece.slice(0, eol);
        from = scanner.scan(head, 0, head.length, false);
        if (from === head.length) {
          text = piece;
          from = eol;
        }
      }
    }
    const limit = text.lastIndexOf('\n') + 1;
    const stop = limit === 0 ? from : scanner.scan(text, from, limit, false);
    carry = stop === text.length ? '' : text.slice(stop);
    // Read again once twice as long, or just past the limit (so a statement over it is always refused).
    need = Math.min(2 * carry.length, maxStatement + 1);
    if (carry.length > maxStatement) tooLong();
  }
  scanner.scan(carry, 0, carry.length, true);
  return Math.max(scanner.line - (endsWithLf ? 1 : 0), 1);
}

/** Slots of Scanner.recent (a power of two), and the shift that takes a 32-bit hash to a slot. */
const COMMON_SLOTS = 1 << 10;
const COMMON_SHIFT = 32 - 10;

class Scanner {
  /** The line the next statement starts on (or the line after the last, at the end). */
  line = 1;
  /** The verbs and keys seen last, by a hash of their length and end characters (see common). */
  private readonly recent: string[] = new Array<string>(COMMON_SLOTS).fill('');

  /** The words of the statement being read (see scan). */
  private readonly gathered: string[] = [];

  /** The text and line start of the statement being visited, for `indent`. */
  private text = '';
  private lineStart = 0;
  private readonly indent = (): string => {
    const text = this.text;
    let end = this.lineStart;
    while (text.charCodeAt(end) === SPACE || text.charCodeAt(end) === TAB) end++;
    // A copy, not a slice that would keep the piece alive.
    return (text.slice(this.lineStart, end) + ' ').slice(0, -1);
  };

  constructor(
    private readonly path: string,
    private readonly visit: Visit,
    private readonly skipRest: SkipRest | undefined,
    private readonly header: HeaderHook | undefined,
  ) {}

  /**
   * The unquoted word text[begin, end) as a string. Verbs and keys are few and repeat on every line, so
   * one equal to a recently seen word is that word, read but not copied (and its hash, once computed for
   * a map lookup, is kept). A new one is copied whole if it is long enough to be a slice that would keep
   * the piece alive (V8 slices strings of 13 characters or more).
   */
  private common(text: string, begin: number, end: number): string {
    const n = end - begin;
    const h =
      (Math.imul(n, 0x9e3779b1) ^
        Math.imul(text.charCodeAt(begin), 0x85ebca6b) ^
        Math.imul(text.charCodeAt(end - 1), 0xc2b2ae35)) >>>
      COMMON_SHIFT;
    const seen = this.recent[h]!;
    if (seen.length === n) {
      let k = 0;
      while (k < n && seen.charCodeAt(k) === text.charCodeAt(begin + k)) k++;
      if (k === n) return seen;
    }
    const own = n < 13 ? text.slice(begin, end) : (text.slice(begin, end) + ' ').slice(0, -1);
    this.recent[h] = own;
    return own;
  }

  /**
   * Reads the statements of `text` from offset `from` (a statement's start) to offset `n`. Unless `final`,
   * `n` follows a line break, and a statement not ended before it is left for the next call: returns the
   * offset its line starts at (else `n`), so its indentation is read with it. `from` starts a line.
   */
  scan(text: string, from: number, n: number, final: boolean): number {
    let i = from;
    let line = this.line;
    let lineStart = from;
    // Where the next double quote, single quote and backslash are (text.length: none), looked up again
    // only once passed: for skipping values without reading them.
    let dq = -1;
    let sq = -1;
    let bs = -1;
    while (i < n) {
      // Skip blank space and empty lines before a statement.
      let c = text.charCodeAt(i);
      if (isBlank(c)) {
        i++;
        continue;
      }
      if (c === LF) {
        line++;
        i++;
        lineStart = i;
        continue;
      }
      if (c === HASH) {
        const eol = text.indexOf('\n', i);
        if (this.header && i === lineStart && text.startsWith('#config-version=', i))
          this.header(text.slice(i, eol < 0 ? n : eol));
        i = eol < 0 ? n : eol;
        continue;
      }
      const start = line;
      // Words gather in `gathered`; each statement gets an array of its own, of the exact length (an
      // array grown by push holds room for 16, most statements have 2 or 3 words).
      const words = this.gathered;
      let count = 0;
      let malformed: Statement['malformed'];
      let collect = true;
      let ended = false;
      // Read words until the end of the (logical) line.
      while (i < n) {
        c = text.charCodeAt(i);
        if (isBlank(c)) {
          i++;
          continue;
        }
        if (c === LF) {
          ended = true;
          break;
        }
        if (
          c === BACKSLASH &&
          i + 1 < n &&
          (text.charCodeAt(i + 1) === LF || text.charCodeAt(i + 1) === CR)
        ) {
          // Line continuation: `\` then Enter.
          i++;
          if (text.charCodeAt(i) === CR) i++;
          if (text.charCodeAt(i) === LF) {
            i++;
            line++;
          }
          continue;
        }
        let word = '';
        if (c === DQUOTE || c === SQUOTE) {
          const quote = c;
          const openLine = line;
          i++;
          let closed = false;
          let chunk = i;
          while (i < n) {
            const d = text.charCodeAt(i);
            if (d === BACKSLASH && i + 1 < n) {
              if (collect) word += text.slice(chunk, i) + text[i + 1];
              if (text.charCodeAt(i + 1) === LF) line++;
              i += 2;
              chunk = i;
              continue;
            }
            if (d === quote) {
              if (collect) word += text.slice(chunk, i);
              i++;
              closed = true;
              break;
            }
            if (d === LF) line++;
            i++;
          }
          if (!closed) {
            if (!final) {
              this.line = start;
              return lineStart;
            }
            throw new InputError(
              this.path,
              openLine,
              `unterminated quoted string (the ${quote === DQUOTE ? 'double' : 'single'} quote opened here never closes); is the export truncated?`,
            );
          }
          // Inside quotes, CR LF line breaks read as LF.
          if (collect && word.includes('\r')) word = word.replace(/\r\n/g, '\n');
          const next = i < n ? text.charCodeAt(i) : LF;
          if (!isBlank(next) && next !== LF) {
            malformed = collect
              ? {
                  at: count,
                  reason: `a quoted value must be followed by a space or the end of the line, but the quote closing at line ${line} is followed by "${text.slice(i, i + 12).split('\n')[0]}"`,
                }
              : SKIPPED_MALFORMED;
          }
        } else {
          const begin = i;
          let chunk = i;
          while (i < n) {
            const d = text.charCodeAt(i);
            if (isBlank(d) || d === LF) break;
            if (
              d === BACKSLASH &&
              i + 1 < n &&
              text.charCodeAt(i + 1) !== LF &&
              text.charCodeAt(i + 1) !== CR
            ) {
              if (collect) word += text.slice(chunk, i) + text[i + 1];
              i += 2;
              chunk = i;
              continue;
            }
            if (d === DQUOTE) {
              malformed = collect
                ? {
                    at: count,
                    reason: `a double quote inside the unquoted word "${text.slice(begin, Math.min(i + 1, begin + 40))}"`,
                  }
                : SKIPPED_MALFORMED;
              break;
            }
            i++;
          }
          if (!malformed && collect) {
            word = chunk === begin && count < 2 ? this.common(text, begin, i) : word + text.slice(chunk, i);
          }
        }
        if (malformed) {
          // The rest of the physical line can't be split reliably: skip it.
          const eol = text.indexOf('\n', i);
          i = eol < 0 ? n : eol;
          ended = true;
          break;
        }
        if (collect) {
          words[count++] = word;
          if (count === 2 && this.skipRest?.(words[0]!, word)) {
            collect = false;
            // When nothing up to the line's end can quote, escape or continue the statement, its values
            // are passed over at once (they are words up to the line break) rather than read one by one.
            const eol = text.indexOf('\n', i);
            const end = eol < 0 || eol > n ? n : eol;
            if (dq < i) dq = indexOrEnd(text, '"', i);
            if (sq < i) sq = indexOrEnd(text, "'", i);
            if (bs < i) bs = indexOrEnd(text, '\\', i);
            if (dq >= end && sq >= end && bs >= end) i = end;
          }
        }
      }
      if (!ended && !final) {
        this.line = start;
        return lineStart;
      }
      this.text = text;
      this.lineStart = lineStart;
      if (!collect) {
        const own = [words[0]!, words[1]!];
        this.visit(
          malformed
            ? { line: start, words: own, skipped: true, malformed }
            : { line: start, words: own, skipped: true },
          this.indent,
        );
      } else if (count > 0 || malformed) {
        const own = words.slice(0, count);
        // A long list's words are not kept here once handed over.
        if (count > 64) words.length = 0;
        this.visit(
          malformed ? { line: start, words: own, malformed } : { line: start, words: own },
          this.indent,
        );
      }
    }
    this.line = line;
    return n;
  }
}

/** The index of `c` in `text` from `from`, or text.length when there is none. */
function indexOrEnd(text: string, c: string, from: number): number {
  const k = text.indexOf(c, from);
  return k < 0 ? text.length : k;
}
