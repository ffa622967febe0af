import fc from 'fast-check';
import { describe, it } from 'vitest';
import { expectReadOrInputError, fuzzParameters, lineEdits } from '../damaged-input.js';
import { fortigateReader } from '../../../src/formats/fortigate/fortigate-reader.js';
import { fixture, FIXTURE_NAMES } from './helpers.js';

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

describe('FortiGate reader on damaged input', () => {
  for (const name of FIXTURE_NAMES) {
    it(`reads or refuses with an InputError, never anything else (${name})`, () => {
      const lines = fixture(name).text.split('\n');
      fc.assert(
        fc.property(lineEdits(NOISE), (damage) => {
          const out = damage(lines);
          expectReadOrInputError(
            (text) => fortigateReader.read([{ path: name, text }]),
            out.join('\n'),
            out.length,
          );
        }),
        fuzzParameters(300, 20240611),
      );
    });
  }
});
