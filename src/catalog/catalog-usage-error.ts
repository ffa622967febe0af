/**
 * A wrong choice made on the command line or in the action's inputs (unknown RemoteSpark version, bad
 * relay address, unknown mode): not tied to a file line. The CLI prints the message and exits 2.
 */
export class CatalogUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CatalogUsageError';
  }
}
