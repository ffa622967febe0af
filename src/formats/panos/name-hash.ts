/**
 * A 32-bit FNV-1a hash of a name, computed the same way from a string or from a range of text, so a
 * name in the document can be indexed and looked up without building a string for it.
 */
export function hashRange(text: string, start: number, end: number): number {
  let h = 0x811c9dc5;
  for (let i = start; i < end; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h;
}

export function hashName(name: string): number {
  return hashRange(name, 0, name.length);
}

/** hashRange of text[start, e), where e is the first index from `start` of the character `stop` (or the end). */
export function hashUntil(text: string, start: number, stop: number): number {
  let h = 0x811c9dc5;
  for (let i = start; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === stop) break;
    h = Math.imul(h ^ c, 0x01000193);
  }
  return h;
}
