import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { expectReadOrInputError, fuzzParameters, lineEdits } from '../damaged-input.js';
import { opnsenseReader, pfsenseReader } from '../../../src/formats/pfsense/pfsense-reader.js';

const CASES = [
  { reader: pfsenseReader, path: 'fixtures/pfsense/branch-office.xml' },
  { reader: opnsenseReader, path: 'fixtures/opnsense/hq.xml' },
];
const NOISE = [
  '<',
  '>',
  '&',
  '</rule>',
  '<rule>',
  '<not/>',
  '<port>x</port>',
  '<ipprotocol>ip</ipprotocol>',
  '"',
  ' ',
];

describe('pfSense and OPNsense readers on damaged input', () => {
  for (const { reader, path } of CASES) {
    it(`reads or refuses with an InputError, never anything else (${path})`, () => {
      const lines = readFileSync(path, 'utf8').split('\n');
      fc.assert(
        fc.property(lineEdits(NOISE), (damage) => {
          const out = damage(lines);
          expectReadOrInputError((text) => reader.read([{ path, text }]), out.join('\n'), out.length);
        }),
        fuzzParameters(300, 20260401),
      );
    });
  }
});
