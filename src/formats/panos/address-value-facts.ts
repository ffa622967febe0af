import type { XmlDocument, XmlElement } from './xml-tree.js';

/** The elements that hold an address object's value, in the order the reader looks for them. */
export const VALUE_TAGS = ['ip-netmask', 'ip-range', 'ip-wildcard', 'fqdn'] as const;
export type ValueTag = (typeof VALUE_TAGS)[number];

/** VALUE_TAGS as the document's name ids (-1: no element has that name). */
export function valueTagIds(doc: XmlDocument): number[] {
  return VALUE_TAGS.map((tag) => doc.nameIdOf(tag));
}

/** The longest value noted (its length shares an Int32 with its tag and part of its name's hash). */
export const MAX_VALUE_LENGTH = (1 << 17) - 1;

/** Where valueFacts found no plain value: the object is read from its element (addresses.ts). */
export const NO_VALUE = -1;

/**
 * The value of the address object `<entry>` el as an offset into the kept values, when its first value
 * element (as VALUE_TAGS) holds plain text (XmlDocument.plainTextAt); its length and VALUE_TAGS index are
 * left in `valueLength` and `valueTag`. NO_VALUE otherwise.
 *
 * Noted while a scope's names are indexed, which walks the objects in document order, so that resolving
 * an object later (a random one of a large export's 200,000) reads its value where it stands instead of
 * walking its element's tables.
 */
export function valueFacts(doc: XmlDocument, ids: readonly number[], entry: XmlElement): number {
  const el = firstValueElement(doc, ids, entry);
  if (el < 0) return NO_VALUE;
  const at = doc.plainTextAt(el);
  // Longer values (only in a document parsed whole) don't fit the index's slot: read from the element.
  if (at < 0 || doc.plainTextLength > MAX_VALUE_LENGTH) return NO_VALUE;
  valueLength = doc.plainTextLength;
  valueTag = ids.indexOf(doc.nameIdAt(el));
  return at;
}

/** The first child of `entry` that holds its value (a VALUE_TAGS element, as `ids`), or -1. */
export function firstValueElement(doc: XmlDocument, ids: readonly number[], entry: XmlElement): XmlElement {
  for (let el = doc.firstChild(entry); el >= 0; el = doc.nextSibling(el)) {
    const id = doc.nameIdAt(el);
    if (id === ids[0] || id === ids[1] || id === ids[2] || id === ids[3]) return el;
  }
  return -1;
}

export let valueLength = 0;
export let valueTag = 0;
