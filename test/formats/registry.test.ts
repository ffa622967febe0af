import { describe, expect, it } from 'vitest';
import { FORMATS } from '../../src/formats/registry.js';

describe('format registry', () => {
  it('loads, for every registered format, the reader with the same id, name and detection', async () => {
    expect(new Set(FORMATS.map((f) => f.id)).size).toBe(FORMATS.length);
    for (const format of FORMATS) {
      const reader = await format.load();
      expect(reader.id).toBe(format.id);
      expect(reader.name).toBe(format.name);
      expect(reader.detect).toBe(format.detect);
    }
  });
});
