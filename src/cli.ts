#!/usr/bin/env node
import { cliMain } from './cli/cli-main.js';
import { onOutputError } from './cli/closed-output.js';

onOutputError(
  process.stdout,
  (s) => process.stderr.write(s),
  (code) => (process.exitCode = code),
);
const color = Boolean(process.stdout.isTTY) && !process.env.NO_COLOR && process.env.TERM !== 'dumb';
try {
  process.exitCode = await cliMain(process.argv.slice(2), {
    stdout: (s) => process.stdout.write(s),
    stderr: (s) => process.stderr.write(s),
    color,
  });
} catch (e) {
  // cliMain reports its own bugs with the files read; this is the last resort (output failing, say).
  const message = e instanceof Error ? e.message : String(e);
  process.stderr.write(
    `internal error: ${message}\nThis is a bug in remotespark-firewall-check; please report it.\n`,
  );
  if (process.env.REMOTESPARK_DEBUG && e instanceof Error) process.stderr.write(`${e.stack}\n`);
  process.exitCode = 2;
}
