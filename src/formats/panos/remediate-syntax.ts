/** Text escaped for XML character data. */
export function xmlText(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Text escaped for a double-quoted XML attribute (line breaks kept as character references). */
export function xmlAttr(s: string): string {
  return xmlText(s)
    .replace(/"/g, '&quot;')
    .replace(/\r/g, '&#13;')
    .replace(/\n/g, '&#10;')
    .replace(/\t/g, '&#9;');
}

/** A word the PAN-OS CLI takes as it is. */
const PLAIN_WORD = /^[A-Za-z0-9._/:@-]+$/;
/**
 * What no quoting gets through the PAN-OS CLI: quotes, backslashes, control characters and line breaks.
 * PAN-OS names never hold them ("Objects > Addresses": letters, numbers, spaces, hyphens, underscores and
 * periods); a hostile export might.
 */
const UNTYPABLE = (s: string) =>
  [...s].some((c) => {
    const code = c.codePointAt(0)!;
    return (
      c === '"' ||
      c === "'" ||
      c === '\\' ||
      code < 0x20 ||
      (code >= 0x7f && code <= 0x9f) ||
      code === 0x2028 ||
      code === 0x2029
    );
  });

/**
 * A name as one CLI word: plain, or in double quotes where it holds spaces or other characters (the CLI
 * quotes names with spaces, PAN-OS CLI Quick Start, "Use the CLI"); undefined when it can't be typed.
 */
export function cliWord(s: string): string | undefined {
  if (s === '' || UNTYPABLE(s)) return undefined;
  return PLAIN_WORD.test(s) ? s : `"${s}"`;
}

/** A list argument: one word, or `[ a b ]` for several. */
export function cliList(words: readonly string[]): string {
  return words.length === 1 ? words[0]! : `[ ${words.join(' ')} ]`;
}

/** A `<tag>` with `<member>` lines, indented. */
export function memberList(pad: string, step: string, tag: string, members: readonly string[]): string[] {
  return [
    `${pad}<${tag}>`,
    ...members.map((m) => `${pad}${step}<member>${xmlText(m)}</member>`),
    `${pad}</${tag}>`,
  ];
}

/** A deterministic short tag for a long name cut to fit (FNV-1a, 32 bits). */
export function shortHash(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0').slice(0, 6);
}
