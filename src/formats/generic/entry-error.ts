/** A bad list entry; the reader turns it into an InputError at the entry's line. */
export class EntryError extends Error {}

/**
 * Group names: letters, digits, `_` and `-`. Without dots or colons a group name can never read as an
 * address, a host name or a `proto/port` service, so entries are never ambiguous.
 */
export const GROUP_NAME = /^[A-Za-z0-9_][A-Za-z0-9_-]*$/;
