import fc from 'fast-check';
import { describe, it } from 'vitest';
import { expectReadOrInputError, fuzzParameters, lineEdits } from '../damaged-input.js';
import { fortigateReader } from '../../../src/formats/fortigate/fortigate-reader.js';
import { fixture } from './helpers.js';

const FIXTURES = [
  'hq-backup-7.2.conf',
  'dual-stack-sdwan-7.4.conf',
  'multi-vdom-6.2.conf',
  'edge-show-6.2.txt',
  'trimmed-show-policy-7.0.txt',
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

describe('FortiGate reader on damaged input', () => {
  for (const name of FIXTURES) {
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
