import { closeSync, ftruncateSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/input/input-error.js';
import { MAX_INPUT_MB, MAX_READABLE_BYTES, readInputFile } from '../../src/input/input-file.js';
import { runCli } from './cli-io.js';

const dir = mkdtempSync(join(tmpdir(), 'rsfc-max-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('--max-input-mb', () => {
  it('is at most what one string can hold', () => {
    expect(MAX_INPUT_MB).toBe(511);
  });
  it.each(['512', '600', '100000'])('refuses %s MiB, which the reader could not hold', async (mb) => {
    const r = await runCli('check', 'x.yaml', '--max-input-mb', mb);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`error: --max-input-mb "${mb}" is over 511, the most this version can read`);
  });
  it('takes the most it can honour', async () => {
    const r = await runCli('check', join(dir, 'missing.yaml'), '--max-input-mb', '511');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/missing\.yaml: cannot be read/);
  });
  it('a file over the string limit is refused before it is read, whatever the limit given', () => {
    const p = join(dir, 'huge.xml');
    const fd = openSync(p, 'w');
    ftruncateSync(fd, MAX_READABLE_BYTES + 1);
    closeSync(fd);
    expect(() => readInputFile(p, Number.MAX_SAFE_INTEGER)).toThrow(InputError);
    expect(() => readInputFile(p, Number.MAX_SAFE_INTEGER)).toThrow(
      /is 512\.0 MiB, more than the 511 MiB a file may have for this version to read it/,
    );
  });
});
