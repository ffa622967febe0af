import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodePieces } from '../../src/input/input-file.js';

// Bytes that exercise the ASCII shortcut: long ASCII runs, valid multi-byte characters, a byte-order mark,
// and damaged sequences (lone continuation bytes, leads without their continuation, overlong forms).
const fragment = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.string({ unit: 'binary-ascii', maxLength: 40 }).map((s) => Buffer.from(s, 'latin1')),
  },
  { weight: 3, arbitrary: fc.string({ unit: 'grapheme', maxLength: 6 }).map((s) => Buffer.from(s, 'utf8')) },
  { weight: 1, arbitrary: fc.constant(Buffer.from([0xef, 0xbb, 0xbf])) },
  { weight: 2, arbitrary: fc.uint8Array({ minLength: 1, maxLength: 4 }).map((b) => Buffer.from(b)) },
);

/** The bytes cut into pieces at the given offsets (a piece may be empty). */
function cut(bytes: Buffer, at: number[]): Uint8Array[] {
  const points = [...new Set(at.map((a) => a % (bytes.length + 1)))].sort((a, b) => a - b);
  const pieces: Uint8Array[] = [];
  let from = 0;
  for (const p of [...points, bytes.length]) {
    pieces.push(bytes.subarray(from, p));
    from = p;
  }
  return pieces;
}

describe('decodePieces gives the text the decoder gives for the whole bytes, cut anywhere', () => {
  it('UTF-8 with ASCII pieces copied as Latin-1', () => {
    fc.assert(
      fc.property(
        fc.array(fragment, { maxLength: 30 }),
        fc.array(fc.nat(), { maxLength: 12 }),
        (parts, at) => {
          const bytes = Buffer.concat(parts);
          const whole = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
          const expected = whole.charCodeAt(0) === 0xfeff ? whole.slice(1) : whole;
          // A reused buffer, as files on disk are read: each piece is overwritten after it is decoded.
          const scratch = Buffer.alloc(bytes.length);
          const pieces = (function* () {
            for (const piece of cut(bytes, at)) {
              const view = scratch.subarray(0, piece.length);
              view.set(piece);
              yield view;
              view.fill(0x41);
            }
          })();
          expect([...decodePieces(pieces, 'utf-8')].join('')).toBe(expected);
        },
      ),
      { numRuns: 3000 },
    );
  });
});
