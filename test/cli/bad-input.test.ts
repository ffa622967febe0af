import { mkdtempSync, mkdirSync, openSync, closeSync, ftruncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { rmSync } from 'node:fs';
import { runCli } from './cli-io.js';

const dir = mkdtempSync(join(tmpdir(), 'rsfc-bad-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: string | Buffer): string {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
}

const RULE = (over: string) => `format: generic/v1
default: deny
rules:
  - name: web
    action: allow
    sources: [any]
    destinations: [any]
${over}`;

/**
 * Every kind of bad input exits 2 with `path:line: what was wrong / what was expected`, no stack trace,
 * and no report on stdout.
 */
const CASES: { name: string; make: () => string; line: number | null; message: RegExp }[] = [
  {
    name: 'malformed YAML',
    make: () => file('malformed.yaml', 'format: generic/v1\ndefault: deny\nrules:\n  - name: [unclosed\n'),
    line: 5,
    message: /invalid YAML/,
  },
  {
    name: 'truncated YAML',
    make: () => file('truncated.yaml', RULE('    services: [tcp/44').slice(0, -1)),
    line: 9,
    message: /invalid YAML/,
  },
  {
    name: 'truncated JSON',
    make: () =>
      file(
        'truncated.json',
        '{\n  "format": "generic/v1",\n  "default": "deny",\n  "rules": [\n    {"name": "a",',
      ),
    line: 5,
    message: /invalid JSON/,
  },
  {
    name: 'wrong type',
    make: () => file('type.yaml', RULE('    services: tcp/443\n')),
    line: 8,
    message: /services.*must be array/,
  },
  {
    name: 'unknown action',
    make: () => file('action.yaml', RULE('    services: [any]\n').replace('action: allow', 'action: permit')),
    line: 5,
    message: /action/,
  },
  {
    name: 'unknown protocol',
    make: () => file('proto.yaml', RULE('    services: [tpc/443]\n')),
    line: 8,
    message: /tpc/,
  },
  {
    name: 'port 70000',
    make: () => file('port.yaml', RULE('    services: [tcp/70000]\n')),
    line: 8,
    message: /70000/,
  },
  {
    name: 'prefix /33',
    make: () =>
      file(
        'cidr.yaml',
        RULE('    services: [any]\n').replace('destinations: [any]', 'destinations:\n      - 10.0.0.0/33'),
      ),
    line: 8,
    message: /prefix length 33/,
  },
  { name: 'empty file', make: () => file('empty.yaml', ''), line: 1, message: /empty/ },
  {
    name: 'binary file',
    make: () =>
      file('binary.yaml', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d])),
    line: 3,
    message: /binary content/,
  },
  {
    name: 'not a firewall export',
    make: () => file('other.yaml', 'name: something\nitems: [1, 2]\n'),
    line: 1,
    message: /not a recognised firewall export.*Formats tried: generic/,
  },
  {
    name: 'a directory',
    make: () => {
      const p = join(dir, 'adir');
      mkdirSync(p, { recursive: true });
      return p;
    },
    line: null,
    message: /is a directory/,
  },
  {
    name: 'a 3 GiB file',
    make: () => {
      const p = join(dir, 'huge.yaml');
      const fd = openSync(p, 'w');
      ftruncateSync(fd, 3 * 1024 ** 3); // sparse: nothing written to disk
      closeSync(fd);
      return p;
    },
    line: null,
    message: /3072\.0 MiB, over the 2048\.0 MiB input limit/,
  },
  {
    name: 'a missing file',
    make: () => join(dir, 'nope.yaml'),
    line: null,
    message: /cannot be read \(ENOENT\)/,
  },
];

describe('bad input exits 2 naming file:line', () => {
  for (const c of CASES) {
    it(c.name, async () => {
      const path = c.make();
      const r = await runCli('check', path);
      expect(r.status).toBe(2);
      expect(r.stdout).toBe('');
      const where = c.line === null ? `${path}: ` : `${path}:${c.line}: `;
      expect(r.stderr.startsWith(`error: ${where}`), r.stderr).toBe(true);
      expect(r.stderr).toMatch(c.message);
      expect(r.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
    });
  }
});

describe('usage errors exit 2', () => {
  const ok = file('ok.yaml', RULE('    services: [any]\n'));
  it.each([
    [['check', ok, '--version', '1.0.0'], /older than every release.*known releases: 2\.0\.33, 2\.1\.80/],
    [['check', ok, '--version', 'abc'], /not a version/],
    [['check', ok, '--mode', 'asia'], /--mode "asia"/],
    [['check', ok, '--source', '10.0.0.0/33'], /--source "10\.0\.0\.0\/33": prefix length 33/],
    [['check', ok, '--flow', 'cdn.example.com:70000/tcp'], /port 70000/],
    [['check', ok, '--flow', 'cdn.example.com:443/icmp'], /tcp or udp/],
    [['check', ok, '--format', 'panos9'], /--format "panos9" is not known/],
    [['check', ok, '--bogus'], /Unknown option/],
    [['check'], /no config file given/],
    [['frobnicate'], /unknown command/],
  ])('%j', async (args, message) => {
    const r = await runCli(...(args as string[]));
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(message);
  });
});
