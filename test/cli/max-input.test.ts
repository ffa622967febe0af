import { closeSync, ftruncateSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  DEFAULT_MAX_INPUT_BYTES,
  MAX_WHOLE_TEXT_BYTES,
  readInputFile,
  textChunks,
} from '../../src/input/input-file.js';
import { runCli } from './cli-io.js';

const dir = mkdtempSync(join(tmpdir(), 'rsfc-max-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A sparse file of `size` bytes starting with `start` (the rest reads as NUL bytes, costing no disk). */
function sparse(name: string, start: string, size: number): string {
  const p = join(dir, name);
  const fd = openSync(p, 'w');
  writeSync(fd, start);
  ftruncateSync(fd, size);
  closeSync(fd);
  return p;
}

describe('input size', () => {
  it('the default limit is a 2 GiB guard against the wrong file, not the readers ceiling', async () => {
    expect(DEFAULT_MAX_INPUT_BYTES).toBe(2 ** 31);
    const p = sparse('huge.xml', '<config version="11.0.0">\n', 3 * 1024 ** 3);
    const r = await runCli('check', p);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(
      `${p}: is 3072.0 MiB, over the 2048.0 MiB input limit (raise it with --max-input-mb)`,
    );
  });
  it('any positive --max-input-mb is taken (a file is no longer held as one string)', async () => {
    const r = await runCli('check', join(dir, 'missing.yaml'), '--max-input-mb', '100000');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/missing\.yaml: cannot be read/);
  });
  it('--max-input-mb lower than the file refuses it', async () => {
    const p = sparse('big.yaml', 'format: generic/v1\n', 3 * 1024 * 1024);
    const r = await runCli('check', p, '--max-input-mb', '2');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`${p}: is 3.0 MiB, over the 2.0 MiB input limit`);
  });
  it('a file over the string limit opens and streams; its whole text is refused with the reason', () => {
    const start = 'format: generic/v1\n'.padEnd(70000, '#');
    const p = sparse('long.yaml', start, MAX_WHOLE_TEXT_BYTES + 1);
    const file = readInputFile(p);
    expect(file.head?.startsWith('format: generic/v1')).toBe(true);
    expect(() => file.text).toThrow(
      /is 512\.0 MiB, more than the 511 MiB this format's reader can hold as one text/,
    );
    const first = textChunks(file)[Symbol.iterator]().next();
    expect(first.value.startsWith('format: generic/v1')).toBe(true);
  });
  it('a reader that takes the text whole says so for a file over the string limit (exit 2, no crash)', async () => {
    const start = 'format: generic/v1\nrules:\n'.padEnd(70000, ' ');
    const p = sparse('whole.yaml', start, MAX_WHOLE_TEXT_BYTES + 1);
    const r = await runCli('check', p);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(
      `${p}: is 512.0 MiB, more than the 511 MiB this format's reader can hold as one text`,
    );
  });
});
