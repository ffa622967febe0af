import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fortigateReader } from '../../../src/formats/fortigate/fortigate-reader.js';
import { InputError } from '../../../src/input/input-error.js';
import { fixture } from './helpers.js';

const FIXTURES = [
  'hq-backup-7.2.conf',
  'dual-stack-sdwan-7.4.conf',
  'multi-vdom-6.2.conf',
  'edge-show-6.2.txt',
];
const NOISE = [
  '"',
  "'",
  '\\',
  'next',
  'end',
  'edit 9',
  'config firewall policy',
  'set srcaddr "x"',
  '#',
  ' ',
];

/** One random edit of a line list: drop, duplicate, swap, truncate, or insert noise. */
const edit = fc.tuple(fc.integer({ min: 0, max: 4 }), fc.nat(), fc.nat(), fc.constantFrom(...NOISE));

describe('FortiGate reader on damaged input', () => {
  for (const name of FIXTURES) {
    it(`reads or refuses with an InputError, never anything else (${name})`, () => {
      const lines = fixture(name).text.split('\n');
      fc.assert(
        fc.property(fc.array(edit, { minLength: 1, maxLength: 4 }), (edits) => {
          const out = [...lines];
          for (const [kind, a, b, noise] of edits) {
            if (out.length === 0) out.push('');
            const i = a % out.length;
            if (kind === 0) out.splice(i, 1);
            else if (kind === 1) out.splice(i, 0, out[i]!);
            else if (kind === 2) [out[i], out[b % out.length]] = [out[b % out.length]!, out[i]!];
            else if (kind === 3) out.length = Math.max(1, i);
            else
              out[i] =
                `${out[i]!.slice(0, b % (out[i]!.length + 1))}${noise}${out[i]!.slice(b % (out[i]!.length + 1))}`;
          }
          try {
            fortigateReader.read([{ path: name, text: out.join('\n') }]);
          } catch (e) {
            expect(e).toBeInstanceOf(InputError);
            const err = e as InputError;
            expect(err.line === undefined || (err.line >= 1 && err.line <= out.length)).toBe(true);
          }
        }),
        { numRuns: 300, seed: 20240611 },
      );
    });
  }
});
