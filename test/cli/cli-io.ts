import { cliMain } from '../../src/cli/cli-main.js';

export interface CliRun {
  status: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in-process with captured output. */
export async function runCli(...args: string[]): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const status = await cliMain(args, {
    stdout: (s) => (stdout += s),
    stderr: (s) => (stderr += s),
    color: false,
  });
  return { status, stdout, stderr };
}
