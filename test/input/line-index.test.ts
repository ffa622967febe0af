import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LineIndex } from '../../src/input/input-file.js';

/** Line of `offset` by counting: 1 + the line feeds before it. */
function countedLine(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

describe('LineIndex', () => {
  it('gives the line of any offset, asked in any order (its search starts from the last answer)', () => {
    const texts = fc.string({ unit: fc.constantFrom('a', '\n', '\r', ' ', 'é'), maxLength: 300 });
    fc.assert(
      fc.property(texts, fc.array(fc.nat(), { maxLength: 40 }), (text, picks) => {
        const index = new LineIndex(text);
        for (const p of picks) {
          const offset = text.length === 0 ? 0 : p % (text.length + 1);
          expect(index.lineOf(offset)).toBe(countedLine(text, offset));
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('handles more lines than its first guess of the count', () => {
    const text = '\n'.repeat(5000);
    const index = new LineIndex(text);
    expect(index.lineOf(0)).toBe(1);
    expect(index.lineOf(4999)).toBe(5000);
    expect(index.lineOf(5000)).toBe(5001);
    expect(index.lineOf(17)).toBe(18);
  });
});
