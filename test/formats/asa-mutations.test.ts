import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { expectReadOrInputError, fuzzParameters, lineEdits } from './damaged-input.js';
import { asaReader } from '../../src/formats/asa/asa-reader.js';

const FIXTURES = [
  'branch-office.asa',
  'dual-stack.asa',
  'outbound-acl.asa',
  'port-operators.asa',
  'security-levels.asa',
  'trimmed-export.asa',
  'acl-fragment.asa',
];
const NOISE = [
  ' ',
  '!',
  ': end',
  ': Saved',
  'object-group network G',
  ' group-object G',
  ' network-object host 10.0.0.300',
  ' port-object range 90 80',
  'object network O',
  ' fqdn v4 x',
  'access-list IN extended permit tcp any any eq 0x50',
  'access-list IN extended deny ip object-group G any',
  'access-group IN in interface nowhere',
  'interface GigabitEthernet0/9',
  ' nameif inside',
  ' security-level 101',
  'same-security-traffic permit inter-interface',
  'name 10.0.0.1 G',
  'eq',
  'range',
  'object-group',
  'any6',
  '/',
];

describe('ASA reader on damaged input', () => {
  for (const name of FIXTURES) {
    it(`reads or refuses with an InputError at a line of the file, never anything else (${name})`, () => {
      const lines = readFileSync(`fixtures/asa/${name}`, 'utf8').split('\n');
      fc.assert(
        fc.property(lineEdits(NOISE), (damage) => {
          const out = damage(lines);
          expectReadOrInputError(
            (text) => asaReader.read([{ path: name, text }]),
            out.join('\n'),
            out.length,
          );
        }),
        fuzzParameters(300, 20260521),
      );
    });
  }
});
