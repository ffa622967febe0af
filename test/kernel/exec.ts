import { spawn } from 'node:child_process';

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command (no shell), feeding `input` on stdin; killed after `timeoutMs` so a hang can't stall CI. */
export function run(argv: readonly string[], input?: string, timeoutMs = 10_000): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0]!, argv.slice(1), { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(input ?? '');
  });
}

/** Runs a command and throws, with its output and the input it was fed, unless it exits 0. */
export async function must(argv: readonly string[], input?: string, timeoutMs?: number): Promise<string> {
  const r = await run(argv, input, timeoutMs);
  if (r.code !== 0) {
    const fed = input ? `\n--- input ---\n${input}` : '';
    throw new Error(`${argv.join(' ')} exited ${r.code}: ${r.stderr.trim() || r.stdout.trim()}${fed}`);
  }
  return r.stdout;
}
