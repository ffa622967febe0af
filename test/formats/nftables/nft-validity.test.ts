import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { nftCheck, nftUnavailable } from './nft-tool.js';

const unavailable = nftUnavailable();
const DIR = 'fixtures/nftables';
const TEXT = readdirSync(DIR).filter((f) => f.endsWith('.nft'));
const JSON_FIXTURES = readdirSync(DIR).filter((f) => f.endsWith('.json'));

// Every text fixture is what nft itself accepts: checked with `nft -c -f` (CI installs nftables).
describe(`every nftables text fixture loads with nft -c -f${unavailable ? ` (SKIPPED: ${unavailable})` : ''}`, () => {
  it('has text fixtures', () => expect(TEXT.length).toBeGreaterThan(0));
  for (const f of TEXT) {
    it.skipIf(unavailable !== undefined)(f, () => {
      expect(() => nftCheck([{ name: f, text: readFileSync(`${DIR}/${f}`, 'utf8') }])).not.toThrow();
    });
  }
  for (const f of JSON_FIXTURES) {
    it.skipIf(unavailable !== undefined)(`${f} (nft -j -c -f)`, () => {
      expect(() =>
        nftCheck([{ name: f, text: readFileSync(`${DIR}/${f}`, 'utf8'), json: true }]),
      ).not.toThrow();
    });
  }
  it.skipIf(unavailable !== undefined)('a broken ruleset is refused (the check is real)', () => {
    expect(() =>
      nftCheck([{ name: 'broken', text: 'table inet t {\n chain c {\n  tcp dport accept\n }\n}\n' }]),
    ).toThrow();
  });
});
