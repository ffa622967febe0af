import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { panosReader } from '../../../src/formats/panos/panos-reader.js';
import { InputError } from '../../../src/input/input-error.js';

const FIXTURES = [
  'fw-branch-vsys1.xml',
  'fw-multi-vsys.xml',
  'panorama-hierarchy.xml',
  'fw-managed-pushed.xml',
  'fw-dynamic-objects.xml',
];
const NOISE = [
  '<',
  '>',
  '"',
  '&',
  '</entry>',
  '<entry name="x">',
  '<member>any</member>',
  '<member>nope</member>',
  '<static><member>a</member></static>',
  '<rule-type>intrazone</rule-type>',
  '<parent-dg>Branch-EU</parent-dg>',
  '<ip-netmask>10.0.0.0/99</ip-netmask>',
  ' ',
];

/** One random edit of a line list: drop, duplicate, swap, truncate, or insert noise. */
const edit = fc.tuple(fc.integer({ min: 0, max: 4 }), fc.nat(), fc.nat(), fc.constantFrom(...NOISE));

describe('PAN-OS reader on damaged input', () => {
  for (const name of FIXTURES) {
    it(`reads or refuses with an InputError at a line of the file, never anything else (${name})`, () => {
      const lines = readFileSync(`fixtures/panos/${name}`, 'utf8').split('\n');
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
            else {
              const at = b % (out[i]!.length + 1);
              out[i] = `${out[i]!.slice(0, at)}${noise}${out[i]!.slice(at)}`;
            }
          }
          try {
            panosReader.read([{ path: name, text: out.join('\n') }]);
          } catch (e) {
            expect(e).toBeInstanceOf(InputError);
            const err = e as InputError;
            expect(err.line === undefined || (err.line >= 1 && err.line <= out.length)).toBe(true);
          }
        }),
        { numRuns: 250, seed: 20261124 },
      );
    });
  }
});
