import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { runCli } from './cli-io.js';

// A reader with a bug: it throws what no input error is.
vi.mock('../../src/formats/generic/generic-reader.js', () => ({
  genericReader: {
    read: () => {
      throw new TypeError("Cannot read properties of undefined (reading 'rules')");
    },
  },
}));

const dir = mkdtempSync(join(tmpdir(), 'rsfc-internal-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('an internal error', () => {
  it('names the file being read, says it is a bug, and exits 2 without a stack trace', async () => {
    const p = join(dir, 'office.yaml');
    writeFileSync(p, 'format: generic/v1\ndefault: deny\nrules: []\n');
    const r = await runCli('check', p, '--source', '10.0.0.0/8');
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      `internal error while checking ${p}: Cannot read properties of undefined (reading 'rules')\nThis is a bug in remotespark-firewall-check; please report it with the file.\n`,
    );
  });

  it('with --json, prints an error object of kind internal naming the file', async () => {
    const p = join(dir, 'office.yaml');
    writeFileSync(p, 'format: generic/v1\ndefault: deny\nrules: []\n');
    const r = await runCli('check', p, '--json');
    expect(r.status).toBe(2);
    expect(JSON.parse(r.stdout).error).toEqual({
      kind: 'internal',
      path: p,
      line: null,
      message: "internal error: Cannot read properties of undefined (reading 'rules')",
    });
  });
});
