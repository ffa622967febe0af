import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseConfigTree, readConfigTree } from '../../../src/formats/fortigate/config-tree.js';
import { readFortigateFile } from '../../../src/formats/fortigate/fortigate-reader.js';
import { buildScopePolicy } from '../../../src/formats/fortigate/policy-builder.js';
import { splitScopes } from '../../../src/formats/fortigate/scopes.js';
import { Settings } from '../../../src/formats/fortigate/settings.js';
import { tokenizePieces, type Statement } from '../../../src/formats/fortigate/tokenizer.js';
import { InputError } from '../../../src/input/input-error.js';
import type { InputFile } from '../../../src/input/input-file.js';
import { ALLOW_ALL, backup, fixture, FIXTURE_NAMES, HEADER, policy } from './helpers.js';

/** An input that hands its text over in the given pieces and throws if anything asks for it whole. */
function streamed(path: string, pieces: readonly string[]): InputFile {
  return {
    path,
    head: pieces.join('').slice(0, 4096),
    get text(): string {
      throw new Error('the reader asked for the whole text');
    },
    chunks: () => pieces,
  };
}

/** `text` cut at the given offsets. */
function cut(text: string, offsets: readonly number[]): string[] {
  const at = [...new Set(offsets)].sort((a, b) => a - b);
  const pieces: string[] = [];
  let from = 0;
  for (const o of at) {
    pieces.push(text.slice(from, o));
    from = o;
  }
  pieces.push(text.slice(from));
  return pieces;
}

/** The policies, or the error's line and message. */
function outcome(read: () => unknown): unknown {
  try {
    return read();
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    return { line: e.line, message: e.message };
  }
}

/** Statements and last line, skipping the values of `set` lines whose key starts with s-z. */
function statements(path: string, pieces: readonly string[]): unknown {
  const out: Statement[] = [];
  return outcome(() => {
    const last = tokenizePieces(
      path,
      pieces,
      (s) => out.push(s),
      (verb, key) => verb === 'set' && key >= 's',
    );
    return { out, last };
  });
}

/** Quoted values over several lines, escapes, continuations, comments, CRLF and a missing last line break. */
const TRICKY = `${HEADER}
config firewall address
    edit "lan"
        set subnet 10.0.0.0 255.0.0.0
        set comment "two\\nlines \\"quoted\\"
and a real line break"
    next
    edit "srv"\r
        set subnet 10.1.0.0 \\
            255.255.0.0\r
        set uuid 4b7f8a2e-0c3d-51ee-9a2b-6c0f1e2d3a4b
    next
end
# a comment "with a quote
config firewall service custom
    edit "ALL"
        set protocol IP
    next
end
config firewall policy
${policy(1, [...ALLOW_ALL.slice(0, 2), 'set srcaddr "lan" \'srv\'', ...ALLOW_ALL.slice(3), 'set comments "multi\nline comment"', 'set logtraffic all'])}${policy(2, [...ALLOW_ALL, 'set name "x"y"'])}end
config router static
    edit 1
        set device "wan1"
    next
end`;

describe('FortiGate reader: text in pieces', () => {
  it('reads the same policies wherever one cut falls', () => {
    const whole = outcome(() => readFortigateFile({ path: 't.conf', text: TRICKY }));
    expect(whole).toMatchObject([{ rules: [{ id: '1' }, { id: '2' }] }]);
    for (let k = 0; k <= TRICKY.length; k++) {
      const got = outcome(() => readFortigateFile(streamed('t.conf', cut(TRICKY, [k]))));
      if (!isDeepStrictEqual(got, whole)) expect({ cut: k, got }).toEqual({ cut: k, got: whole });
    }
  });

  it('reads the same statements and errors wherever one cut falls in a fixture or a damaged one', () => {
    const texts = FIXTURE_NAMES.map((name) => [name, fixture(name).text] as const);
    const [name, text] = texts[0]!;
    texts.push(
      [`${name} truncated in a quote`, text.slice(0, text.indexOf('set comments "') + 20)],
      [`${name} truncated in an entry`, text.slice(0, text.indexOf('next', text.length / 2))],
    );
    for (const [path, text] of texts) {
      const whole = JSON.stringify(statements(path, [text]));
      for (let k = 0; k <= text.length; k++) {
        const got = JSON.stringify(statements(path, cut(text, [k])));
        if (got !== whole) expect({ path, cut: k, got }).toEqual({ path, cut: k, got: whole });
      }
    }
  });

  it('skips values to the same statement ends, lines and broken quoting as reading every word', () => {
    // The oracle reads every word (no skipping); skipping must end each statement where it does.
    const skipFrom = (verb: string, key: string) => verb === 'set' && key >= 's';
    const shape = (text: string, skip: boolean) =>
      outcome(() => {
        const out: unknown[] = [];
        const last = tokenizePieces(
          't',
          [text],
          (st) => out.push([st.line, st.words.slice(0, 2), st.malformed !== undefined]),
          skip ? skipFrom : undefined,
        );
        return { out, last };
      });
    const word = fc.constantFrom('set', 'sub', 'xyz', '"q q"', "'s'", 'a\\ b', '"x"y"', 'ab"c', '\\', "'");
    const line = fc.array(word, { minLength: 1, maxLength: 5 }).map((w) => `    ${w.join(' ')}`);
    fc.assert(
      fc.property(fc.array(line, { maxLength: 8 }), fc.boolean(), (lines, crlf) => {
        const text = ['config a', ...lines.map((l) => `set ${l.trim()}`), 'end'].join(crlf ? '\r\n' : '\n');
        expect(shape(text, true)).toEqual(shape(text, false));
      }),
      { numRuns: 3000 },
    );
    for (const text of [TRICKY, ...FIXTURE_NAMES.map((name) => fixture(name).text)]) {
      expect(shape(text, true)).toEqual(shape(text, false));
    }
  });

  it('reads the same policies however a fixture is cut into pieces', () => {
    for (const name of FIXTURE_NAMES) {
      const { text } = fixture(name);
      const whole = readFortigateFile({ path: name, text });
      fc.assert(
        fc.property(fc.array(fc.nat(text.length), { maxLength: 12 }), (offsets) => {
          expect(readFortigateFile(streamed(name, cut(text, offsets)))).toEqual(whole);
        }),
        { numRuns: 60, seed: 12 },
      );
    }
  });

  it('never asks for the whole text of a large export generated here', () => {
    const policies = Array.from({ length: 3000 }, (_, i) =>
      policy(i + 1, [
        ...ALLOW_ALL,
        `set name "p${i}"`,
        `set uuid 00000000-0000-0000-0000-${String(i).padStart(12, '0')}`,
        'set comments "generated"',
      ]),
    ).join('');
    const text = backup(policies);
    // Pieces of about 64 KiB, as a file on disk gives them (in 4 MiB pieces) at a smaller scale.
    const pieces = cut(
      text,
      Array.from({ length: Math.floor(text.length / 65536) }, (_, i) => (i + 1) * 65536),
    );
    const [p] = readFortigateFile(streamed('big.conf', pieces));
    expect(p!.rules).toHaveLength(3000);
    expect(p!.rules[2999]).toMatchObject({
      name: 'p2999',
      location: { line: text.split('\n').findIndex((l) => l === '    edit 3000') + 1 },
    });
  });

  it('refuses a statement that never ends, at the line it starts on', () => {
    const text = `${HEADER}\nconfig firewall address\n    edit "a"\n        set comment "no closing quote\n${'x'.repeat(300)}\n`;
    const pieces = cut(
      text,
      Array.from({ length: text.length }, (_, i) => i),
    );
    const e = outcome(() => tokenizePieces('t.conf', pieces, () => undefined, undefined, 200));
    expect(e).toEqual({ line: 7, message: expect.stringContaining('runs on for more than') });
  });
});

describe('FortiGate reader: only the settings it uses', () => {
  const corpus = '../shared/corpus/fortigate';
  const inputs = [
    ...FIXTURE_NAMES.map((n) => fixture(n)),
    ...(existsSync(corpus)
      ? readdirSync(corpus).map((n) => ({
          path: `${corpus}/${n}`,
          text: readFileSync(`${corpus}/${n}`, 'utf8'),
        }))
      : []),
  ];
  for (const { path, text } of inputs) {
    it(`gives the policies a tree of every setting gives (${path})`, () => {
      const full = splitScopes(path, parseConfigTree(path, text)).map(buildScopePolicy);
      const kept = splitScopes(path, readConfigTree(path, [text])).map(buildScopePolicy);
      expect(kept).toEqual(full);
    });
  }

  it('keeps the line of a setting and drops what the check does not use', () => {
    const text = backup(policy(7, [...ALLOW_ALL, 'set uuid 1c2d', 'set logtraffic all']));
    const entry = readConfigTree('t', [text]).blocks.get('firewall policy')!.entries.get('7')!;
    expect(entry.settings.keys()).toEqual([
      'srcintf',
      'dstintf',
      'srcaddr',
      'dstaddr',
      'action',
      'schedule',
      'service',
    ]);
    expect(entry.settings.get('action')).toEqual({
      key: 'action',
      values: ['accept'],
      line: text.split('\n').indexOf('        set action accept') + 1,
    });
    expect(() => entry.settings.get('uuid')).toThrow(/not kept/);
  });

  it('stores settings compactly and gives them back as set', () => {
    const s = new Settings();
    s.put('a', 3, ['x']);
    s.put('b', 4, ['y', 'z']);
    s.set({ key: 'c', values: ['w'], line: 5, malformed: 'a quote' });
    s.put('a', 6, ['v']);
    s.delete('b');
    expect(s.values()).toEqual([
      { key: 'a', values: ['v'], line: 6 },
      { key: 'c', values: ['w'], line: 5, malformed: 'a quote' },
    ]);
    expect([s.size, s.has('b'), s.first('a')]).toEqual([2, false, 'v']);
  });

  it('reads a setting by its slot as get() gives it, packed where it is stored as one string', () => {
    const s = new Settings();
    s.put('m', 1, ['a', 'b c', '']);
    s.put('n', 2, ['x\u0000y', 'z']);
    s.putOne('o', 3, '\u0000');
    s.put('e', 4, []);
    s.putOne('w', 5, '');
    s.set({ key: 'bad', values: ['v'], line: 6, malformed: 'a quote' });
    s.putOne('one', 7, 'all');
    const keys = ['m', 'n', 'o', 'e', 'w', 'bad', 'one'];
    for (const key of keys) {
      const slot = s.slot(key);
      expect(slot).toBeGreaterThanOrEqual(0);
      expect(s.settingAt(slot)).toEqual(s.get(key));
      expect(s.lineAt(slot)).toBe(s.get(key)!.line);
    }
    // One string exactly where it holds one value or more, none malformed and none holding the separator.
    expect(keys.map((k) => s.packedAt(s.slot(k)))).toEqual([
      'a\u0000b c\u0000',
      undefined,
      undefined,
      undefined,
      '',
      undefined,
      'all',
    ]);
    expect([s.slot('absent'), s.settingAt(-1)]).toEqual([-1, undefined]);
  });

  it('gives back several values stored joined, and values holding the separator', () => {
    const s = new Settings();
    s.put('m', 1, ['a', 'b c', '']);
    s.put('n', 2, ['x\u0000y', 'z']);
    s.put('o', 3, ['\u0000']);
    s.put('e', 4, []);
    s.put('w', 5, ['']);
    expect(s.values().map((v) => v.values)).toEqual([
      ['a', 'b c', ''],
      ['x\u0000y', 'z'],
      ['\u0000'],
      [],
      [''],
    ]);
    expect(['m', 'n', 'o', 'e', 'w'].map((k) => s.first(k))).toEqual([
      'a',
      'x\u0000y',
      '\u0000',
      undefined,
      '',
    ]);
    expect(['m', 'n', 'w'].map((k) => s.joined(k))).toEqual(['a\u0000b c\u0000', undefined, '']);
    // In a file: a quoted value may hold any character but a line break's CR.
    const text = backup(policy(7, [...ALLOW_ALL, 'set srcaddr "lan" "a\u0000b" "all"']));
    const entry = readConfigTree('t', [text]).blocks.get('firewall policy')!.entries.get('7')!;
    expect(entry.settings.get('srcaddr')!.values).toEqual(['lan', 'a\u0000b', 'all']);
    // One value holding the separator, stored as read (the reader stores one value without a list).
    const one = backup(policy(8, [...ALLOW_ALL, 'set srcaddr "a\u0000b"']));
    const only = readConfigTree('t', [one]).blocks.get('firewall policy')!.entries.get('8')!;
    expect(only.settings.get('srcaddr')!.values).toEqual(['a\u0000b']);
  });

  it('hands each statement words of its own, as many as it has', () => {
    const got: Statement[] = [];
    const text = `config firewall address\n    edit "a"\n        set subnet 10.0.0.0 255.0.0.0\n        set uuid x y\n    next\nend\n`;
    tokenizePieces(
      't',
      [text],
      (st) => got.push(st),
      (verb, key) => key === 'uuid',
    );
    expect(got.map((st) => st.words)).toEqual([
      ['config', 'firewall', 'address'],
      ['edit', 'a'],
      ['set', 'subnet', '10.0.0.0', '255.0.0.0'],
      ['set', 'uuid'],
      ['next'],
      ['end'],
    ]);
  });

  it("releases a policy's and an object's settings once read into the model; reading them then throws", () => {
    const text = backup(policy(7, ALLOW_ALL));
    const root = readConfigTree('t', [text]);
    const policies = root.blocks.get('firewall policy')!.entries;
    const entry = policies.get('7')!;
    const addresses = root.blocks.get('firewall address')!.entries;
    const lan = addresses.get('lan')!;
    const services = root.blocks.get('firewall service custom')!.entries;
    expect(services.size).toBeGreaterThan(0);
    splitScopes('t', root).map(buildScopePolicy);
    // A policy's entry leaves its table too: the rule holds all the check needs of it.
    expect(policies.size).toBe(0);
    expect(() => entry.settings.get('action')).toThrow(/released/);
    // So do the objects, once checked: references find what was made of them in the address book.
    expect(addresses.size).toBe(0);
    expect(services.size).toBe(0);
    expect(() => lan.settings.get('subnet')).toThrow(/released/);
  });
});
