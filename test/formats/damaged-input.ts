import fc from 'fast-check';
import { expect } from 'vitest';
import { InputError } from '../../src/input/input-error.js';

/**
 * Reads `text` and accepts either outcome a damaged export may have: a policy, or an InputError at a line
 * of the file (up to `maxLine`). Anything else (a TypeError, a stack trace) fails the test.
 */
export function expectReadOrInputError(read: (text: string) => unknown, text: string, maxLine: number): void {
  try {
    read(text);
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    const line = (e as InputError).line;
    // An empty file still has a first line to point at.
    expect(line === undefined || (line >= 1 && line <= Math.max(1, maxLine))).toBe(true);
  }
}

/** Up to four random edits of a file's lines: drop, duplicate, swap, truncate, or insert `noise`. */
export function lineEdits(noise: readonly string[]): fc.Arbitrary<(lines: readonly string[]) => string[]> {
  const edit = fc.tuple(fc.integer({ min: 0, max: 4 }), fc.nat(), fc.nat(), fc.constantFrom(...noise));
  return fc.array(edit, { minLength: 1, maxLength: 4 }).map((edits) => (lines) => {
    const out = [...lines];
    for (const [kind, a, b, text] of edits) {
      if (out.length === 0) out.push('');
      const i = a % out.length;
      if (kind === 0) out.splice(i, 1);
      else if (kind === 1) out.splice(i, 0, out[i]!);
      else if (kind === 2) [out[i], out[b % out.length]] = [out[b % out.length]!, out[i]!];
      else if (kind === 3) out.length = Math.max(1, i);
      else {
        const at = b % (out[i]!.length + 1);
        out[i] = `${out[i]!.slice(0, at)}${text}${out[i]!.slice(at)}`;
      }
    }
    return out;
  });
}

/**
 * fast-check parameters for a damaged-input fuzz test: the test's own runs (and seed) by default;
 * `DAMAGED_INPUT_RUNS=10000` makes a long random run with a new seed, printed so the run can be recorded
 * (and replayed with `DAMAGED_INPUT_SEED=S`); fast-check also prints the seed and path of a failure.
 */
export function fuzzParameters(numRuns: number, seed?: number): fc.Parameters<unknown> {
  const long = Number(process.env.DAMAGED_INPUT_RUNS);
  if (Number.isInteger(long) && long > 0) {
    const given = Number(process.env.DAMAGED_INPUT_SEED);
    const chosen = Number.isInteger(given) ? given : (Math.random() * 2 ** 31) | 0;
    console.info(`damaged input: ${expect.getState().currentTestName}: ${long} runs, seed ${chosen}`);
    return { numRuns: long, seed: chosen };
  }
  return seed === undefined ? { numRuns } : { numRuns, seed };
}
