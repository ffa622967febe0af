import { formatDocPath, type DocPath, type PositionedDocument } from './positioned.js';

/**
 * What a number written in a file is, when it is not a plain decimal integer (`443`): YAML reads `0x50`
 * as 80, `080` as 80 (YAML 1.1 and C read it as octal) and `.nan` as NaN, and JSON `1e999` as Infinity
 * and `-0` as negative zero, none of which is how a port is written. Undefined for a plain decimal integer.
 */
export function oddNumberLiteral(source: string): string | undefined {
  const s = source.trim();
  if (/^[1-9]\d*$|^0$/.test(s)) return undefined;
  const value = Number(s);
  if (/^[-+]?0x/i.test(s)) return `${s} is a hexadecimal number`;
  if (/^[-+]?0o/i.test(s)) return `${s} is an octal number`;
  if (/^[-+]?0b/i.test(s)) return `${s} is a binary number`;
  if (/^[-+]?\.?nan$/i.test(s)) return `${s} stands for no number (NaN)`;
  if (/^[-+]?(\.inf|infinity)$/i.test(s)) return `${s} is ${s.startsWith('-') ? 'minus ' : ''}infinity`;
  if (/^[-+]?[\d.]+e/i.test(s) && !Number.isFinite(value))
    return `${s} is too large for a number (it reads as ${s.startsWith('-') ? '-' : ''}infinity)`;
  if (/^-(0+\.?0*|\.0+)(e[-+]?\d+)?$/i.test(s)) return `${s} is negative zero`;
  if (s.startsWith('-')) return `${s} is a negative number`;
  if (s.startsWith('+')) return `${s} has a plus sign`;
  if (/^0\d+$/.test(s)) return `${s} has a leading zero (read as octal by some tools)`;
  if (/e/i.test(s)) return `${s} is a number in exponent notation`;
  if (s.includes('.'))
    return Number.isInteger(value) ? `${s} is a decimal fraction` : `${s} is not a whole number`;
  return `${s} is not a plain decimal number`;
}

/**
 * Refuses a list of ports written other than as plain decimal integers, at the offending entry's line.
 * Values from a snapshot (the built-in catalog) have no source text and pass.
 */
export function checkPortLiterals(doc: PositionedDocument, at: DocPath, count: number, what: string): void {
  for (let i = 0; i < count; i++) {
    const source = doc.numberSource([...at, i]);
    const odd = source === undefined ? undefined : oddNumberLiteral(source);
    if (odd) {
      throw doc.error(
        [...at, i],
        `${formatDocPath([...at, i])}: ${odd}; a port is a whole number 1-65535 written in decimal, like 443 (${what})`,
      );
    }
  }
}
