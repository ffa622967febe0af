import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsonPieces } from '../../src/report/json-pieces.js';

const ONE_CALL = (v: unknown) => `${JSON.stringify(v, null, 2)}\n`;

/** Values JSON.stringify writes, leaves out (undefined, functions) or turns by toJSON (dates), nested. */
const { value } = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.jsonValue({ maxDepth: 1 }),
    fc.constant(undefined),
    fc.constant(() => 1),
    fc.date({ noInvalidDate: true }),
    fc.array(tie('value'), { maxLength: 5 }),
    fc.dictionary(fc.string({ maxLength: 4 }), tie('value'), { maxKeys: 5 }),
    fc
      .dictionary(fc.string({ maxLength: 4 }), tie('value'), { maxKeys: 3 })
      .map((d) => Object.assign(Object.create(null) as object, d)),
  ),
}));

describe('jsonPieces', () => {
  it('gives the text of one JSON.stringify call, in any piece size', () => {
    fc.assert(
      // At the top, a report: never undefined or a function (which JSON.stringify gives no text for).
      fc.property(
        value.filter((v) => v !== undefined && typeof v !== 'function'),
        fc.integer({ min: 1, max: 64 }),
        (v, size) => {
          expect([...jsonPieces(v, size)].join('')).toBe(ONE_CALL(v));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('lays out a report-like object the same, with strings that hold newlines and quotes', () => {
    const report = {
      schemaVersion: 1,
      flows: [
        { host: 'a\nb', port: 443 },
        { host: '"q"', nested: { deep: [1, { x: 'y\r\n' }] } },
      ],
      empty: [],
      none: {},
      skipped: undefined,
      warnings: Array.from({ length: 50 }, (_, i) => ({ message: `warning ${i}\n`, line: i })),
    };
    expect([...jsonPieces(report, 100)].join('')).toBe(ONE_CALL(report));
  });

  it('hands the text out in pieces of about the size asked, not whole', () => {
    const report = { warnings: Array.from({ length: 20000 }, (_, i) => ({ message: `w${i}`, line: i })) };
    const pieces = [...jsonPieces(report, 4096)];
    const whole = ONE_CALL(report);
    expect(pieces.join('')).toBe(whole);
    expect(pieces.length).toBeGreaterThan(whole.length / 8192);
    // Each piece stops at the first part that takes it to the size: one warning more at most.
    for (const p of pieces) expect(p.length).toBeLessThan(4096 + 100);
  });

  it('fails as JSON.stringify does on what JSON cannot hold', () => {
    const cyclic: Record<string, unknown> = { a: {} };
    (cyclic.a as Record<string, unknown>).self = cyclic;
    expect(() => [...jsonPieces(cyclic)]).toThrow(TypeError);
    expect(() => [...jsonPieces({ a: [{ n: 1n }] })]).toThrow(TypeError);
  });
});
