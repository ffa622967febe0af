import { InputError } from '../../input/input-error.js';

/**
 * One token of nft syntax. `nl` ends a statement (as `;` does); `handle` is set on the `nl` that ends a
 * line carrying `# handle N` (what `nft -a list ruleset` prints after tables, chains, sets and rules).
 */
export interface Token {
  kind: 'word' | 'string' | 'punct' | 'nl';
  text: string;
  line: number;
  handle?: number;
}

/** Characters that are tokens of their own (nft(8) uses them as separators, operators and braces). */
const PUNCT = new Set(['{', '}', ';', ',', '(', ')', '=', '|', '&', '^', '!', '<', '>']);
const TWO_CHAR = new Set(['!=', '==', '<=', '>=', '<<', '>>']);

/**
 * Splits nft text (a `nft list ruleset` listing or a script for `nft -f`) into tokens: `#` starts a
 * comment to the end of the line, a backslash before a newline continues the line, double quotes make one
 * string token (nft(8), "LEXICAL CONVENTIONS").
 */
export function tokenize(path: string, text: string): Token[] {
  const out: Token[] = [];
  let line = 1;
  let i = 0;
  const n = text.length;
  const isSpace = (c: string) => c === ' ' || c === '\t' || c === '\r' || c === '\f' || c === '\v';
  while (i < n) {
    const c = text[i]!;
    if (c === '\n') {
      out.push({ kind: 'nl', text: '\n', line });
      line++;
      i++;
      continue;
    }
    if (isSpace(c)) {
      i++;
      continue;
    }
    if (c === '\\' && (text[i + 1] === '\n' || (text[i + 1] === '\r' && text[i + 2] === '\n'))) {
      i += text[i + 1] === '\n' ? 2 : 3;
      line++;
      continue;
    }
    if (c === '#') {
      let end = text.indexOf('\n', i);
      if (end < 0) end = n;
      const m = /^#\s*handle\s+(\d+)\s*$/.exec(text.slice(i, end).replace(/\r$/, ''));
      i = end;
      if (m) {
        // The handle belongs to the statement this line ends (or the block it opens).
        const nl: Token = { kind: 'nl', text: '\n', line, handle: Number(m[1]) };
        out.push(nl);
        if (i < n) {
          line++;
          i++;
        }
      }
      continue;
    }
    if (c === '"') {
      const end = text.indexOf('"', i + 1);
      const nlAt = text.indexOf('\n', i + 1);
      if (end < 0 || (nlAt >= 0 && nlAt < end)) {
        throw new InputError(path, line, 'a double-quoted string is not closed on its line');
      }
      out.push({ kind: 'string', text: text.slice(i + 1, end), line });
      i = end + 1;
      continue;
    }
    const two = text.slice(i, i + 2);
    if (TWO_CHAR.has(two)) {
      out.push({ kind: 'punct', text: two, line });
      i += 2;
      continue;
    }
    if (PUNCT.has(c)) {
      out.push({ kind: 'punct', text: c, line });
      i++;
      continue;
    }
    let j = i;
    while (j < n) {
      const d = text[j]!;
      if (d === '\n' || isSpace(d) || d === '"' || d === '#' || PUNCT.has(d)) break;
      j++;
    }
    out.push({ kind: 'word', text: text.slice(i, j), line });
    i = j;
  }
  out.push({ kind: 'nl', text: '\n', line });
  return out;
}
