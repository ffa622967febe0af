import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getHeapSnapshot } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { readPanosFile } from '../../../src/formats/panos/panos-reader.js';
import { readerDocuments } from '../../../src/formats/panos/reader-documents.js';
import { readInputFile } from '../../../src/input/input-file.js';

/** How many strings of at least 512K characters the heap holds (a snapshot collects garbage first). */
async function largeStrings(): Promise<number> {
  let json = '';
  for await (const chunk of getHeapSnapshot()) json += String(chunk);
  const snap = JSON.parse(json) as {
    snapshot: { meta: { node_fields: string[]; node_types: [string[]] } };
    nodes: number[];
  };
  const { node_fields: fields, node_types: types } = snap.snapshot.meta;
  const type = fields.indexOf('type');
  const size = fields.indexOf('self_size');
  let count = 0;
  for (let i = 0; i < snap.nodes.length; i += fields.length) {
    if (types[0][snap.nodes[i + type]!] === 'string' && snap.nodes[i + size]! >= 1 << 19) count++;
  }
  return count;
}

describe('PAN-OS reader memory', () => {
  it('keeps no piece of the value pool alive through the policies once the document is dropped', async () => {
    const { generatePanosConfig } = (await import('../../../scripts/bench-panos-config.mjs' as string)) as {
      generatePanosConfig(path: string, options: { rules: number; addresses: number }): void;
    };
    const dir = mkdtempSync(join(tmpdir(), 'panos-pool-'));
    try {
      const path = join(dir, 'export.xml');
      // ~7 MB: more than 1M characters of kept values, so at least one whole 1M-character pool piece.
      generatePanosConfig(path, { rules: 3000, addresses: 12000 });
      const before = await largeStrings();
      const file = readInputFile(path);
      const policies = readPanosFile(file);
      readerDocuments.delete(file);
      // Rule uuids and fqdn texts were slices of the pool: each kept its whole piece.
      expect(await largeStrings()).toBe(before);
      expect(policies[0]!.rules.find((r) => r.name === 'rule-000000')?.id).toMatch(/^[0-9a-f-]{36}$/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
