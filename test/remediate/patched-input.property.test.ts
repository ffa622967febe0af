import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { InputFile } from '../../src/input/input-file.js';
import { applyEdits } from '../../src/remediate/apply-edits.js';
import { patchedInput } from '../../src/remediate/patched-input.js';
import type { Edit } from '../../src/remediate/types.js';

/** An input whose text comes in the given pieces; `whole` false: it refuses to give it whole. */
function pieced(text: string, cuts: number[], whole = false): InputFile {
  const points = [...new Set([0, ...cuts.map((c) => c % (text.length + 1)), text.length])].sort(
    (a, b) => a - b,
  );
  return {
    path: 'f.conf',
    get text(): string {
      if (whole) return text;
      throw new Error('read whole');
    },
    *chunks() {
      for (let i = 0; i + 1 < points.length; i++) yield text.slice(points[i], points[i + 1]);
    },
  };
}

const lineText = fc.stringMatching(/^[a-z \t<>/]{0,6}$/);
const arbCase = fc
  .record({
    lines: fc.array(lineText, { minLength: 1, maxLength: 8 }),
    crlf: fc.boolean(),
    final: fc.boolean(),
    cuts: fc.array(fc.nat(200), { maxLength: 6 }),
    edits: fc.array(
      fc.record({
        at: fc.nat(20),
        insert: fc.array(lineText, { minLength: 1, maxLength: 3 }),
        nl: fc.boolean(),
      }),
      { maxLength: 4 },
    ),
  })
  .map((c) => {
    const end = c.crlf ? '\r\n' : '\n';
    const text = c.lines.join(end) + (c.final ? end : '');
    // Lines as applyEdits counts them (a text that happens to end in a newline ends its last line).
    const count = (text.endsWith('\n') ? text.slice(0, -1) : text).split('\n').length;
    const edits: Edit[] = c.edits.map((e) => ({
      path: 'f.conf',
      line: 1 + (e.at % (count + 1)),
      insert: e.insert.join('\n') + (e.nl ? '\n' : ''),
    }));
    return { text, cuts: c.cuts, edits };
  })
  // An empty file is never an input (it is refused as empty).
  .filter((c) => c.text !== '');

describe('a patched input read in pieces', () => {
  it('gives exactly what applyEdits gives, whatever the pieces', () => {
    fc.assert(
      fc.property(arbCase, ({ text, cuts, edits }) => {
        const want = applyEdits(text, edits);
        const input = patchedInput(pieced(text, cuts, true), edits);
        expect([...input.chunks!()].join('')).toBe(want);
        expect(input.text).toBe(want);
      }),
      { numRuns: 5000 },
    );
  });

  it('never decodes the original whole when no edit appends to a last line without a newline', () => {
    const input = patchedInput(pieced('a\r\nb\r\nc\r\n', [2, 5]), [
      { path: 'f.conf', line: 2, insert: 'x\n' },
      { path: 'f.conf', line: 4, insert: 'y' },
    ]);
    expect([...input.chunks!()].join('')).toBe('a\r\nx\r\nb\r\nc\r\ny\r\n');
    expect(input.head).toBe('a\r\nx\r\nb\r\nc\r\ny\r\n');
  });

  it('refuses an edit past the end as applyEdits does', () => {
    const input = patchedInput(pieced('a\nb\n', [1]), [{ path: 'f.conf', line: 4, insert: 'x' }]);
    expect(() => [...input.chunks!()]).toThrow('an edit at line 4 of f.conf, which has 2 lines');
  });
});
