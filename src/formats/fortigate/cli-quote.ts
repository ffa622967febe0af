/**
 * A value as the FortiOS CLI takes it: in double quotes, with `\` and `"` escaped by a backslash (the
 * escapes the reader's tokenizer undoes; "CLI basics", FortiOS Administration Guide,
 * https://docs.fortinet.com/document/fortigate/7.4.0/administration-guide/627485). Returns undefined for
 * text with a line break or other control character, which can't be typed on one CLI line.
 */
export function cliQuote(text: string): string | undefined {
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(text)) return undefined;
  return `"${text.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/** Thrown while writing a fix that can't be written correctly; the message says why. */
export class CannotWrite extends Error {}

/** cliQuote, throwing CannotWrite instead of returning undefined. */
export function q(text: string): string {
  const quoted = cliQuote(text);
  if (quoted === undefined) {
    throw new CannotWrite(
      `the name ${JSON.stringify(text)} holds a line break or control character, which can't be typed on the CLI`,
    );
  }
  return quoted;
}
