import { spawn } from 'node:child_process';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { onOutputError } from '../../src/cli/closed-output.js';

describe('output to a closed pipe', () => {
  it('EPIPE is dropped quietly, another write error is named with exit 2', () => {
    const said: string[] = [];
    const codes: number[] = [];
    const out = new PassThrough();
    onOutputError(
      out,
      (s) => said.push(s),
      (c) => codes.push(c),
    );
    out.emit('error', Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
    expect([said, codes]).toEqual([[], []]);
    out.emit('error', Object.assign(new Error('i/o error'), { code: 'EIO' }));
    expect([said, codes]).toEqual([['error: cannot write the output: i/o error\n'], [2]]);
  });

  it('the CLI piped into a reader that stops early: no stack trace, the verdict (blocked: 1) as exit code', async () => {
    // The reader is gone before the report is written.
    const child = spawn(
      process.execPath,
      ['dist/cli.js', 'check', 'fixtures/panos/panorama-hierarchy.xml', '--json'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.destroy();
    const code = await new Promise<number | null>((done) => child.on('close', done));
    expect(stderr).toBe('');
    expect(code).toBe(1);
  });
});
