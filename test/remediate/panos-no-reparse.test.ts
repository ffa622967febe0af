import { readdirSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import { runCheck } from '../../src/check/run-check.js';
import { readerDocuments } from '../../src/formats/panos/reader-documents.js';
import { remediate } from '../../src/remediate/remediate.js';

// The fix writer works on the document the reader kept: parsing the export again would fail here.
vi.mock('../../src/formats/panos/xml-tree.js', async (original) => ({
  ...(await original<typeof import('../../src/formats/panos/xml-tree.js')>()),
  parseXmlDocument: () => {
    throw new Error('the export was parsed again');
  },
}));

const fixtures = readdirSync('fixtures/panos')
  .filter((f) => f.endsWith('.xml') && !f.includes('managed-pushed') && !f.includes('branch-vsys1'))
  .map((f) => `fixtures/panos/${f}`);

describe('PAN-OS fixes from the document the reader kept, released before the proofs', () => {
  for (const path of fixtures) {
    it(`${path}: fixes are offered and proven without parsing the export again`, async () => {
      const check = await runCheck({ configs: [path], version: 'latest', mode: 'cloud' });
      const [input] = check.evaluation.inputs;
      expect(readerDocuments.has(input!.file)).toBe(true);
      const fixes = await remediate(check);
      // Dropped once every fix is written, so a proof's second read doesn't sit beside the first.
      expect(readerDocuments.has(input!.file)).toBe(false);
      expect(fixes.length).toBeGreaterThan(0);
      for (const f of fixes) expect(f.reason ?? '', f.rule).not.toContain('parsed again');
      expect(fixes.some((f) => f.verified && f.edits.length > 0)).toBe(true);
    });
  }
});
