import { describe, expect, it } from 'vitest';
import { readerFacts } from '../../src/formats/fortigate/fix-facts.js';
import { fortigateReader } from '../../src/formats/fortigate/fortigate-reader.js';
import { panosReader } from '../../src/formats/panos/panos-reader.js';
import { readerDocuments } from '../../src/formats/panos/reader-documents.js';
import type { FormatReader } from '../../src/formats/format-reader.js';
import { readInputFile, type InputFile } from '../../src/input/input-file.js';

// A fix's proof reads the patched file with forFixes: false; nothing will be written from that read, so
// the readers skip what only their fix writers need, and the policies are the same.
const cases: [string, FormatReader, string, (f: InputFile) => boolean][] = [
  ['FortiGate', fortigateReader, 'fixtures/fortigate/hq-backup-7.2.conf', (f) => readerFacts.has(f)],
  ['PAN-OS', panosReader, 'fixtures/panos/fw-multi-vsys.xml', (f) => readerDocuments.has(f)],
];

describe('a read that no fix will be written from', () => {
  it.each(cases)('%s: keeps nothing for the fix writer, reads the same policies', (_, reader, path, kept) => {
    const forFixes = readInputFile(path);
    const proof = readInputFile(path);
    const a = reader.read([forFixes]);
    const b = reader.read([proof], { forFixes: false });
    expect(kept(forFixes)).toBe(true);
    expect(kept(proof)).toBe(false);
    expect(b).toEqual(a);
  });
});
