/**
 * The part of @actions/core the action uses at every run (inputs, outputs, annotations, log lines),
 * writing the same text (https://docs.github.com/en/actions/reference/workflow-commands-for-github-actions),
 * but to the log's file descriptor directly: @actions/core writes through process.stdout, and creating
 * that stream for a pipe (as on a runner) loads Node's net and stream modules, ~3.5 ms of a ~70 ms run.
 */
import { appendFileSync, existsSync, writeSync } from 'node:fs';
import { randomUUID } from 'node:crypto';

/** os.EOL, without loading node:os. */
const EOL = process.platform === 'win32' ? '\r\n' : '\n';

export interface AnnotationProperties {
  title?: string;
  file?: string;
  startLine?: number;
  endLine?: number;
  startColumn?: number;
  endColumn?: number;
}

/**
 * Writes to the step's log. On Linux and macOS a write to fd 1 is synchronous, as process.stdout's
 * writes to pipes and files are; a pipe another process left non-blocking, and Windows, where
 * process.stdout writes pipes asynchronously, get process.stdout, so that the order of lines is kept.
 */
export function writeLog(text: string): void {
  if (process.platform === 'win32') {
    process.stdout.write(text);
    return;
  }
  const bytes = Buffer.from(text, 'utf8');
  let at = 0;
  try {
    while (at < bytes.length) at += writeSync(1, bytes, at);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
    process.stdout.write(bytes.subarray(at));
  }
}

function commandValue(value: unknown): string {
  if (value === null || value === undefined) return '';
  return typeof value === 'string' || value instanceof String ? String(value) : JSON.stringify(value);
}

const escapeData = (s: unknown) =>
  commandValue(s).replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
const escapeProperty = (s: unknown) => escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');

/** `::command key=value,...::message`, as @actions/core writes it (a property without a value is left out). */
export function commandText(command: string, properties: Record<string, unknown>, message: unknown): string {
  let text = `::${command}`;
  const keys = Object.keys(properties);
  if (keys.length > 0) {
    text += ' ';
    text += keys
      .filter((k) => properties[k])
      .map((k) => `${k}=${escapeProperty(properties[k])}`)
      .join(',');
  }
  return `${text}::${escapeData(message)}`;
}

function annotationProperties(p: AnnotationProperties): Record<string, unknown> {
  if (Object.keys(p).length === 0) return {};
  return {
    title: p.title,
    file: p.file,
    line: p.startLine,
    endLine: p.endLine,
    col: p.startColumn,
    endColumn: p.endColumn,
  };
}

const annotate =
  (level: string) =>
  (message: string, properties: AnnotationProperties = {}) =>
    writeLog(`${commandText(level, annotationProperties(properties), message)}${EOL}`);

export const error = annotate('error');
export const warning = annotate('warning');
export const notice = annotate('notice');

/** Fails the step: exit status 1 and an error annotation. */
export function setFailed(message: string): void {
  process.exitCode = 1;
  error(message);
}

export function info(message: string): void {
  writeLog(`${message}${EOL}`);
}

/** The input's value, trimmed; '' when not given. */
export function getInput(name: string): string {
  return (process.env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] || '').trim();
}

/** Appends `name<<DELIMITER / value / DELIMITER` to GITHUB_OUTPUT, with a random delimiter. */
export function setOutput(name: string, value: unknown): void {
  const path = process.env.GITHUB_OUTPUT || '';
  if (!path) {
    writeLog(EOL);
    writeLog(`${commandText('set-output', { name }, commandValue(value))}${EOL}`);
    return;
  }
  const delimiter = `ghadelimiter_${randomUUID()}`;
  const text = commandValue(value);
  if (name.includes(delimiter)) {
    throw new Error(`Unexpected input: name should not contain the delimiter "${delimiter}"`);
  }
  if (text.includes(delimiter)) {
    throw new Error(`Unexpected input: value should not contain the delimiter "${delimiter}"`);
  }
  if (!existsSync(path)) throw new Error(`Missing file at path: ${path}`);
  appendFileSync(path, `${name}<<${delimiter}${EOL}${text}${EOL}${delimiter}${EOL}`, { encoding: 'utf8' });
}
