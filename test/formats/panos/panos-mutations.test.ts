import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { expectReadOrInputError, fuzzParameters, lineEdits } from '../damaged-input.js';
import { panosReader } from '../../../src/formats/panos/panos-reader.js';

const FIXTURES = [
  'fw-branch-vsys1.xml',
  'fw-multi-vsys.xml',
  'panorama-hierarchy.xml',
  'fw-managed-pushed.xml',
  'fw-dynamic-objects.xml',
  'fw-bgp-trimmed.xml',
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

describe('PAN-OS reader on damaged input', () => {
  for (const name of FIXTURES) {
    it(`reads or refuses with an InputError at a line of the file, never anything else (${name})`, () => {
      const lines = readFileSync(`fixtures/panos/${name}`, 'utf8').split('\n');
      fc.assert(
        fc.property(lineEdits(NOISE), (damage) => {
          const out = damage(lines);
          expectReadOrInputError(
            (text) => panosReader.read([{ path: name, text }]),
            out.join('\n'),
            out.length,
          );
        }),
        fuzzParameters(250, 20261124),
      );
    });
  }
});
