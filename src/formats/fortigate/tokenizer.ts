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
}

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

/**
 * Splits a FortiOS configuration (backup file or `show` output) into statements, one per line.
 *
 * The grammar, from the FortiOS CLI ("CLI basics" and "Subcommands", FortiOS Administration Guide,
 * https://docs.fortinet.com/document/fortigate/7.4.0/administration-guide/627485): words are separated by
 * spaces; a word in double or single quotes may hold spaces and, in backups, line breaks (certificates,
 * multi-line comments); `\` escapes the next character (`\"` inside quotes, `\ ` outside), and a `\` at the
 * end of a line continues the statement on the next line; a line starting with `#` is a comment (the
 * backup header lines `#config-version=...` are comments too). CR before LF is ignored.
 *
 * Linear in the text: one pass over its characters; statements go to `visit` as they are read, so a large
 * backup is never held as a statement list.
 */
export function tokenize(path: string, text: string, visit: (statement: Statement) => void): void {
  const n = text.length;
  let i = 0;
  let line = 1;
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
      continue;
    }
    if (c === HASH) {
      const eol = text.indexOf('\n', i);
      i = eol < 0 ? n : eol;
      continue;
    }
    const start = line;
    const words: string[] = [];
    let malformed: Statement['malformed'];
    // Read words until the end of the (logical) line.
    while (i < n) {
      c = text.charCodeAt(i);
      if (isBlank(c)) {
        i++;
        continue;
      }
      if (c === LF) break;
      if (c === BACKSLASH && i + 1 < n && (text.charCodeAt(i + 1) === LF || text.charCodeAt(i + 1) === CR)) {
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
            word += text.slice(chunk, i);
            const e = text.charCodeAt(i + 1);
            if (e === LF) line++;
            word += text[i + 1];
            i += 2;
            chunk = i;
            continue;
          }
          if (d === quote) {
            word += text.slice(chunk, i);
            i++;
            closed = true;
            break;
          }
          if (d === LF) line++;
          i++;
        }
        if (!closed) {
          throw new InputError(
            path,
            openLine,
            `unterminated quoted string (the ${quote === DQUOTE ? 'double' : 'single'} quote opened here never closes); is the export truncated?`,
          );
        }
        // Inside quotes, CR LF line breaks read as LF.
        if (word.includes('\r')) word = word.replace(/\r\n/g, '\n');
        const next = i < n ? text.charCodeAt(i) : LF;
        if (!isBlank(next) && next !== LF) {
          malformed = {
            at: words.length,
            reason: `a quoted value must be followed by a space or the end of the line, but the quote closing at line ${line} is followed by "${text.slice(i, i + 12).split('\n')[0]}"`,
          };
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
            word += text.slice(chunk, i) + text[i + 1];
            i += 2;
            chunk = i;
            continue;
          }
          if (d === DQUOTE) {
            malformed = {
              at: words.length,
              reason: `a double quote inside the unquoted word "${text.slice(begin, Math.min(i + 1, begin + 40))}"`,
            };
            break;
          }
          i++;
        }
        if (!malformed) word += text.slice(chunk, i);
      }
      if (malformed) {
        // The rest of the physical line can't be split reliably: skip it.
        const eol = text.indexOf('\n', i);
        i = eol < 0 ? n : eol;
        break;
      }
      words.push(word);
    }
    if (words.length > 0 || malformed)
      visit(malformed ? { line: start, words, malformed } : { line: start, words });
  }
}
