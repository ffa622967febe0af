/** A mistake in how the tool was called (bad flag value, unknown format id): exit status 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
