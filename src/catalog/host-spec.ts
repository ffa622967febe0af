import { formatDocPath, type DocPath, type PositionedDocument } from '../input/positioned.js';
import { isValidHostName, normalizeHost } from '../model/names.js';

/** `*` (any internet destination) or a host name, lower-cased; an InputError at its line otherwise. */
export function checkHostSpec(doc: PositionedDocument, at: DocPath, text: string, what: string): string {
  if (text === '*') return '*';
  if (!isValidHostName(text)) {
    throw doc.error(at, `${formatDocPath(at)}: "${text}" is not a host name or '*' (${what})`);
  }
  return normalizeHost(text);
}
