/**
 * Keeps a reader that stops early (`check ... | head`) from ending the run with a stack trace: Node reports
 * the closed pipe (EPIPE) as an error event on stdout, and nothing listens. The rest of the output has
 * nowhere to go and is dropped; the exit code stays the check's verdict. Any other write error is named
 * and the run exits 2.
 */
export function onOutputError(
  stream: NodeJS.WritableStream,
  stderr: (s: string) => void,
  setExitCode: (code: number) => void,
): void {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') return;
    stderr(`error: cannot write the output: ${e.message}\n`);
    setExitCode(2);
  });
}
