import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { headOf, inputFromBytes, readInputFile, textChunks } from '../../src/input/input-file.js';

const dir = mkdtempSync(join(tmpdir(), 'rsfc-input-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Long enough for many pieces, with multi-byte characters straddling piece boundaries.
const line = 'rule "zürich-✓" allow 10.0.0.0/8 → any\n';
const text = line.repeat(Math.ceil((9 * 1024 * 1024) / line.length));

const encodings: [string, (t: string) => Buffer][] = [
  ['UTF-8', (t) => Buffer.from(t, 'utf8')],
  [
    'UTF-8 with a byte-order mark',
    (t) => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(t, 'utf8')]),
  ],
  [
    'UTF-16LE with a byte-order mark',
    (t) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(t, 'utf16le')]),
  ],
  [
    'UTF-16BE with a byte-order mark',
    (t) => {
      const le = Buffer.from(t, 'utf16le');
      return Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(le).swap16()]);
    },
  ],
];

describe('an input opened lazily reads the same text whole, in pieces and from memory', () => {
  it.each(encodings)('%s', (name, encode) => {
    const bytes = encode(text);
    const path = join(dir, `${name.replace(/\W+/g, '-')}.txt`);
    writeFileSync(path, bytes);
    const fromDisk = readInputFile(path);
    expect(headOf(fromDisk, 100)).toBe(text.slice(0, 100));
    const pieces = [...textChunks(fromDisk)];
    expect(pieces.length).toBeGreaterThan(1);
    expect(pieces.join('')).toBe(text);
    expect(fromDisk.text).toBe(text);
    const fromMemory = inputFromBytes(path, bytes);
    expect([...textChunks(fromMemory)].join('')).toBe(text);
    expect(fromMemory.text).toBe(text);
  });
});
