import { cliMain } from '../../src/cli/cli-main.js';

export interface CliRun {
  status: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in-process with captured output. */
export function runCli(...args: string[]): CliRun {
  let stdout = '';
  let stderr = '';
  const status = cliMain(args, {
    stdout: (s) => (stdout += s),
    stderr: (s) => (stderr += s),
    color: false,
  });
  return { status, stdout, stderr };
}
