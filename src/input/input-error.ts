/**
 * Bad input: anything wrong with a file the user gave us. The CLI prints it as `path:line: message`
 * and exits 2; it never carries a stack trace to the user.
 */
export class InputError extends Error {
  constructor(
    readonly path: string,
    /** 1-based; undefined where the problem is the whole file (missing, too large, a directory). */
    readonly line: number | undefined,
    message: string,
  ) {
    super(message);
    this.name = 'InputError';
  }

  /** `path:line: message`, the form editors and CI logs make clickable. */
  format(): string {
    return `${this.path}${this.line !== undefined ? `:${this.line}` : ''}: ${this.message}`;
  }
}
