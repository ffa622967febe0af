import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { panosReader } from '../../../src/formats/panos/panos-reader.js';
import { XmlScanner, XmlSyntaxError, type XmlHandler } from '../../../src/formats/panos/xml-tokenizer.js';
import { InputError } from '../../../src/input/input-error.js';
import type { InputFile } from '../../../src/input/input-file.js';
import { lineEdits } from '../damaged-input.js';

const FIXTURES = [
  'fw-bgp-trimmed.xml',
  'fw-branch-vsys1.xml',
  'fw-multi-vsys.xml',
  'panorama-hierarchy.xml',
  'fw-managed-pushed.xml',
  'fw-dynamic-objects.xml',
];

const fixture = (name: string) => readFileSync(`fixtures/panos/${name}`, 'utf8');

/** An input that gives its text only in the pieces cut at `cuts`: its `text` getter fails. */
function piecewise(path: string, text: string, cuts: readonly number[]): InputFile {
  const at = [...new Set(cuts.map((c) => Math.min(Math.max(c, 0), text.length)))].sort((a, b) => a - b);
  return {
    path,
    get text(): string {
      throw new Error('the reader asked for the whole text');
    },
    *chunks() {
      let from = 0;
      for (const c of [...at, text.length]) {
        yield text.slice(from, c);
        from = c;
      }
    },
  };
}

/** What reading gives: the policies, or the InputError's path, line and message. */
function outcome(file: InputFile): unknown {
  try {
    return panosReader.read([file]);
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    return { error: e.message, path: e.path, line: e.line };
  }
}

/** The tokenizer's events with offsets in the whole document, text fed in the pieces cut at `cuts`. */
function events(text: string, cuts: readonly number[]): unknown[] {
  const scanner = new XmlScanner();
  const out: unknown[] = [];
  const abs = (o: number) => scanner.base + o;
  const slice = (s: number, e: number) => scanner.text.slice(s, e);
  const h: XmlHandler = {
    open: (id, as, ae, s, e, self, line) =>
      out.push(['open', scanner.names[id], slice(as, ae), abs(s), abs(e), self, line]),
    close: (id, s, e) => out.push(['close', scanner.names[id], abs(s), abs(e)]),
    text: (s, e) => out.push(['text', slice(s, e), abs(s)]),
    cdata: (s, e) => out.push(['cdata', slice(s, e), abs(s)]),
    comment: (s, e) => out.push(['comment', slice(s, e), abs(s)]),
    processingInstruction: (t, s, e) => out.push(['pi', t, abs(s), abs(e)]),
  };
  try {
    let from = 0;
    for (const c of [...cuts].sort((a, b) => a - b)) {
      scanner.feed(text.slice(from, c), false, h);
      from = Math.max(from, c);
    }
    scanner.feed(text.slice(from), true, h);
  } catch (e) {
    if (!(e instanceof XmlSyntaxError)) throw e;
    // Events before the error may differ in how text runs are cut; the error itself may not.
    return [['error', e.message, e.line, e.openedLine]];
  }
  return out;
}

const cutsOf = (text: string) => fc.array(fc.integer({ min: 0, max: text.length }), { maxLength: 12 });

describe('PAN-OS XML read in pieces', () => {
  it('gives the same events whatever the pieces (generated cuts of every fixture, one character too)', () => {
    for (const name of FIXTURES) {
      const text = fixture(name);
      const whole = events(text, []);
      fc.assert(
        fc.property(cutsOf(text), (cuts) => {
          expect(events(text, cuts)).toEqual(whole);
        }),
        { numRuns: 60, seed: 12 },
      );
      const ones = Array.from({ length: 400 }, (_, i) => 1000 + i);
      expect(events(text, ones), name).toEqual(whole);
    }
  });

  it('reads the same policies with a cut at every offset of a fixture', () => {
    const name = 'fw-bgp-trimmed.xml';
    const text = fixture(name);
    const whole = outcome({ path: name, text });
    expect(whole).toBeInstanceOf(Array);
    for (let cut = 0; cut <= text.length; cut++) {
      expect(outcome(piecewise(name, text, [cut])), `cut at ${cut}`).toEqual(whole);
    }
  });

  it('reads the same policies from random pieces of every fixture', () => {
    for (const name of FIXTURES) {
      const text = fixture(name);
      const whole = outcome({ path: name, text });
      fc.assert(
        fc.property(cutsOf(text), (cuts) => {
          expect(outcome(piecewise(name, text, cuts))).toEqual(whole);
        }),
        { numRuns: 40, seed: 7 },
      );
    }
  });

  it('gives damaged exports the same error, at the same line, whatever the pieces', () => {
    for (const name of FIXTURES) {
      const lines = fixture(name).split('\n');
      fc.assert(
        fc.property(
          lineEdits(['<', '>', '"', '&', '</entry>', '<entry name="x">', '<!--', ']]>', '<?x', ' ']),
          fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 8 }),
          (damage, where) => {
            const text = damage(lines).join('\n');
            const cuts = where.map((w) => Math.floor(w * text.length));
            expect(outcome(piecewise(name, text, cuts))).toEqual(outcome({ path: name, text }));
          },
        ),
        { numRuns: 60, seed: 20261206 },
      );
    }
  });
});

/**
 * A firewall export of `rules` rules and `addresses` address objects, made in pieces of about 64 KiB as
 * it is read: the whole text never exists.
 */
function* bigExport(rules: number, addresses: number): Generator<string> {
  let out = [
    '<?xml version="1.0"?>',
    '<config version="10.2.0" urldb="paloaltonetworks">',
    '  <mgt-config><users><entry name="admin"><phash>x</phash></entry></users></mgt-config>',
    '  <devices><entry name="localhost.localdomain"><vsys><entry name="vsys1">',
    '    <zone><entry name="trust"/><entry name="untrust"/></zone>',
    '    <address>',
  ].join('\n');
  const flush = function* (force = false) {
    if (force || out.length > 65536) {
      yield out;
      out = '';
    }
  };
  for (let i = 0; i < addresses; i++) {
    out += `\n      <entry name="addr-${i}">\n        <ip-netmask>10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}/32</ip-netmask>\n        <description>object ${i} &amp; more</description>\n      </entry>`;
    yield* flush();
  }
  out += '\n    </address>\n    <rulebase><security><rules>';
  for (let i = 0; i < rules; i++) {
    out += `\n      <entry name="rule-${i}" uuid="00000000-0000-0000-0000-${String(i).padStart(12, '0')}">\n        <from><member>trust</member></from>\n        <to><member>untrust</member></to>\n        <source><member>addr-${i % addresses}</member></source>\n        <destination><member>any</member></destination>\n        <application><member>any</member></application>\n        <service><member>application-default</member></service>\n        <action>${i % 2 ? 'allow' : 'deny'}</action>\n      </entry>`;
    yield* flush();
  }
  out += '\n    </rules></security></rulebase>\n  </entry></vsys></entry></devices>\n</config>\n';
  yield* flush(true);
}

describe('PAN-OS export too big to hold as one text', () => {
  it('is read in pieces without its text, with the lines of its rules', () => {
    const rules = 40000;
    const addresses = 120000;
    let size = 0;
    const file: InputFile = {
      path: 'big.xml',
      get text(): string {
        throw new Error('the reader asked for the whole text');
      },
      *chunks() {
        for (const piece of bigExport(rules, addresses)) {
          size += piece.length;
          yield piece;
        }
      },
    };
    const [policy] = panosReader.read([file]);
    expect(size).toBeGreaterThan(30_000_000);
    expect(policy!.rules).toHaveLength(rules + 2);
    // 6 lines of header, 4 per address, </address> and <rulebase>, then 9 lines per rule.
    const last = policy!.rules[rules - 1]!;
    expect(last.name).toBe(`rule-${rules - 1}`);
    expect(last.location.line).toBe(6 + 4 * addresses + 2 + 9 * (rules - 1) + 1);
  });
});
