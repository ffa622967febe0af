/** The baseline revision itself is wrong (unknown ref, not a repository): the user must fix the option. */
export class RevisionError extends Error {}
