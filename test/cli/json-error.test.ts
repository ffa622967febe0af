import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, describe, expect, it } from 'vitest';
import errorSchema from '../../schemas/error.schema.json' with { type: 'json' };
import { wantsJson } from '../../src/cli/json-error.js';
import { runCli } from './cli-io.js';

const validate = new Ajv2020({ strict: true, allowUnionTypes: true }).compile(errorSchema);
const dir = mkdtempSync(join(tmpdir(), 'rsfc-json-error-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const broken = join(dir, 'broken.yaml');
writeFileSync(broken, 'format: generic/v1\ndefault: deny\nrules:\n  - name: [unclosed\n');
const ok = join(dir, 'ok.yaml');
writeFileSync(ok, 'format: generic/v1\ndefault: deny\nrules: []\n');

/** Exit 2 with --json: one JSON error object on stdout, the message on stderr as without --json. */
async function jsonFailure(...args: string[]) {
  const r = await runCli(...args);
  expect(r.status).toBe(2);
  expect(r.stderr).toMatch(/^error: /);
  const parsed = JSON.parse(r.stdout);
  expect(validate(parsed), JSON.stringify(validate.errors)).toBe(true);
  return { ...parsed.error, stderr: r.stderr };
}

describe('--json on exit 2 prints a JSON error object', () => {
  it('an input error names the file and line', async () => {
    const e = await jsonFailure('check', broken, '--json');
    expect(e).toMatchObject({ kind: 'input', path: broken, line: 5 });
    expect(e.message).toMatch(/invalid YAML/);
    expect(e.stderr).toContain(`${broken}:5: ${e.message}`);
  });

  it('a missing file: an input error without a line', async () => {
    const e = await jsonFailure('check', join(dir, 'nope.yaml'), '--output', 'json');
    expect(e).toMatchObject({ kind: 'input', line: null });
    expect(e.message).toMatch(/ENOENT/);
  });

  it.each([
    [['check', ok, '--json', '--format', 'panos9'], /--format "panos9" is not known/],
    [['check', ok, '--output=json', '--bogus'], /Unknown option/],
    [['check', ok, '--json', '--version', 'abc'], /not a version/],
    [['catalog', 'releases', '--output', 'json', '--catalog', join(dir, 'nope.yaml')], /ENOENT/],
    [['--json'], /no command given/],
  ])('%j', async (args, message) => {
    const e = await jsonFailure(...(args as string[]));
    expect(e.message).toMatch(message);
    if (e.kind === 'usage') expect([e.path, e.line]).toEqual([null, null]);
  });

  it('without --json stdout stays empty', async () => {
    const r = await runCli('check', broken);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
  });
});

describe('wantsJson reads the raw arguments', () => {
  it.each([
    [['check', 'a', '--json'], true],
    [['check', 'a', '--output', 'json'], true],
    [['check', 'a', '--output=json'], true],
    [['check', 'a', '--output', 'json', '--output', 'text'], false],
    [['check', 'a', '--output', 'markdown'], false],
    [['check', '--', '--json'], false],
    [['check', 'json'], false],
  ])('%j -> %s', (args, expected) => {
    expect(wantsJson(args as string[])).toBe(expected);
  });
});
