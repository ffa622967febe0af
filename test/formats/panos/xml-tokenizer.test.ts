import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { XmlScanner, XmlSyntaxError, type XmlHandler } from '../../../src/formats/panos/xml-tokenizer.js';
import { parseXmlDocument } from '../../../src/formats/panos/xml-tree.js';
import { InputError } from '../../../src/input/input-error.js';
import { saxesEvents, tokenizerEvents } from './xml-events.js';

const FIXTURES = 'fixtures/panos';
const CORPUS = '/work/shared/corpus/panos';

function xmlFiles(dir: string): string[] {
  try {
    return readdirSync(dir)
      .filter((f) => f.endsWith('.xml'))
      .map((f) => join(dir, f));
  } catch {
    return [];
  }
}

// --- a generator of well-formed XML, written in every way the syntax allows ---

const NAMES = ['a', 'b', 'entry', 'member', 'ip-netmask', 'x.y', '_q', 'ns:z', 'é'];
const CHARS = [
  'a',
  'B',
  '1',
  ' ',
  '\n',
  '\t',
  '\r\n',
  '&',
  '<',
  '>',
  '"',
  "'",
  'é',
  '中',
  '😀',
  ']',
  ';',
  '#',
];

const textChars = fc.string({ unit: fc.constantFrom(...CHARS), maxLength: 12 });

/**
 * Escapes text for element content: & and < always, > where it would close "]]>" (after "]]" in this text,
 * or after "]" or nothing, since the text before may end with "]" or "]]"), the rest at random.
 */
function escapeText(s: string, refs: boolean[]): string {
  let out = '';
  let i = 0;
  for (const ch of s) {
    const alt = refs[i++ % Math.max(1, refs.length)] ?? false;
    if (ch === '&') out += alt ? '&#38;' : '&amp;';
    else if (ch === '<') out += alt ? '&#x3C;' : '&lt;';
    else if (ch === '>') out += alt || out.endsWith(']]') || out === '' || out === ']' ? '&gt;' : '>';
    else if (ch === '"' && alt) out += '&quot;';
    else if (ch === "'" && alt) out += '&apos;';
    else if (ch === '😀' && alt) out += '&#x1F600;';
    else out += ch;
  }
  return out;
}

function escapeAttr(s: string, quote: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(quote === '"' ? /"/g : /'/g, quote === '"' ? '&quot;' : '&apos;');
}

type Node =
  | {
      kind: 'el';
      name: string;
      attrs: [string, string][];
      children: Node[];
      selfClose: boolean;
      quote: string;
      pad: string;
    }
  | { kind: 'text'; text: string; refs: boolean[] }
  | { kind: 'cdata'; text: string }
  | { kind: 'comment'; text: string }
  | { kind: 'pi'; target: string; data: string };

const leaf: fc.Arbitrary<Node> = fc.oneof(
  fc.record({
    kind: fc.constant('text' as const),
    text: textChars,
    refs: fc.array(fc.boolean(), { maxLength: 4 }),
  }),
  fc.record({ kind: fc.constant('cdata' as const), text: textChars.map((t) => t.replace(/]]>/g, '')) }),
  fc.record({
    kind: fc.constant('comment' as const),
    text: textChars.map((t) => t.replace(/-/g, '').replace(/\r/g, '')),
  }),
  fc.record({
    kind: fc.constant('pi' as const),
    target: fc.constantFrom('pan', 'x-y'),
    data: fc.constantFrom('', ' a="1"', ' ok'),
  }),
);

/** An element with children nested at most `depth` levels. */
function element(depth: number): fc.Arbitrary<Node> {
  const child =
    depth > 0 ? fc.oneof({ weight: 2, arbitrary: element(depth - 1) }, { weight: 3, arbitrary: leaf }) : leaf;
  return fc.record({
    kind: fc.constant('el' as const),
    name: fc.constantFrom(...NAMES),
    attrs: fc.uniqueArray(fc.tuple(fc.constantFrom('name', 'uuid', 'x', 'loc', 'a-b'), textChars), {
      maxLength: 3,
      selector: (a) => a[0],
    }),
    children: fc.array(child, { maxLength: 4 }),
    selfClose: fc.boolean(),
    quote: fc.constantFrom('"', "'"),
    pad: fc.constantFrom('', ' ', '\n  ', '\t'),
  });
}

function serialize(n: Node): string {
  switch (n.kind) {
    case 'text':
      return escapeText(n.text, n.refs);
    case 'cdata':
      return `<![CDATA[${n.text}]]>`;
    case 'comment':
      return `<!--${n.text}-->`;
    case 'pi':
      return `<?${n.target}${n.data}?>`;
    case 'el': {
      const attrs = n.attrs
        .map(([k, v]) => ` ${k}${n.pad ? ' = ' : '='}${n.quote}${escapeAttr(v, n.quote)}${n.quote}`)
        .join('');
      if (n.selfClose && n.children.length === 0) return `<${n.name}${attrs}${n.pad}/>`;
      return `<${n.name}${attrs}${n.pad}>${n.children.map(serialize).join('')}</${n.name}${n.pad}>`;
    }
  }
}

const documents = fc
  .record({
    decl: fc.boolean(),
    before: fc.constantFrom('', '\n', '<!-- lead -->\n'),
    root: element(3),
    after: fc.constantFrom('', '\n', '\n<!-- tail -->\n'),
  })
  .map((d) => `${d.decl ? '<?xml version="1.0"?>\n' : ''}${d.before}${serialize(d.root)}${d.after}`);

/** Offsets of the root element's start tag and the end of its end tag. */
function rootSpan(xml: string): [number, number] {
  const events = tokenizerEvents(xml);
  const open = events.find((e) => e[0] === 'open')!;
  const closes = events.filter((e) => e[0] === 'close');
  const close = closes[closes.length - 1]!;
  const start = xml.lastIndexOf('<', (open[3] as number) - 1);
  return [start, close[2] as number];
}

function scanError(text: string): XmlSyntaxError {
  const none: XmlHandler = { open() {}, close() {}, text() {} };
  try {
    new XmlScanner(text).scan(none);
  } catch (e) {
    if (e instanceof XmlSyntaxError) return e;
    throw e;
  }
  throw new Error(`expected an XmlSyntaxError for ${JSON.stringify(text)}`);
}

describe('PAN-OS XML tokenizer: same events as saxes', () => {
  const files = [...xmlFiles(FIXTURES), ...xmlFiles(CORPUS)];

  it('has fixture and corpus files to compare', () => {
    expect(files.length).toBeGreaterThan(3);
  });

  for (const file of files) {
    it(`${file}`, () => {
      const text = readFileSync(file, 'utf8');
      expect(tokenizerEvents(text)).toEqual(saxesEvents(text));
    });
  }

  it('on generated well-formed documents: open/close/text events with attributes and positions', () => {
    fc.assert(
      fc.property(documents, (xml) => {
        expect(tokenizerEvents(xml)).toEqual(saxesEvents(xml));
      }),
      { numRuns: 1500 },
    );
  });

  it('tells apart names that begin with the name expected where they stand (a sibling or first child seen before)', () => {
    const xml = [
      '<config><rules><member>a</member><members>b</members><member/><member.x/>',
      '<member a="1"/><member\n/><memberz></memberz><member>c</member></rules>',
      '<rules><entry/></rules><rules><entry-list/><entry/></rules><rule/><rules/></config>',
    ].join('');
    expect(tokenizerEvents(xml)).toEqual(saxesEvents(xml));
  });

  it('rejects every cut of a generated document inside its root element, as a truncated file', () => {
    fc.assert(
      fc.property(documents, fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (xml, where) => {
        const [start, end] = rootSpan(xml);
        const cut = start + 1 + Math.floor(where * (end - start - 1));
        const prefix = xml.slice(0, cut);
        expect(() => saxesEvents(prefix)).toThrow();
        const e = scanError(prefix);
        expect(e.message).toMatch(/truncated|never closed|ends/);
      }),
      { numRuns: 800 },
    );
  });
});

describe('PAN-OS XML tokenizer: malformed input', () => {
  const cases: [string, string, number, RegExp, boolean?][] = [
    ['unclosed element at the end', '<config>\n  <shared>\n', 2, /ends inside <shared>.*truncated/],
    [
      'an entity cut off by the end of the file',
      '<config>\n  <a>&g',
      2,
      /ends inside an entity reference.*truncated/,
    ],
    [
      'end tag of another element',
      '<config>\n  <a>\n  </b>\n</config>',
      3,
      /<\/b> does not match the open element <a>; expected <\/a>/,
    ],
    ['end tag without start', '<config/>\n</config>', 2, /no matching start tag/],
    ['attribute without quotes', '<entry name=x/>', 1, /must be quoted/],
    ['attribute without value', '<entry name/>', 1, /expected "=" after name/],
    ['attributes not separated', '<entry a="1"b="2"/>', 1, /expected white space/],
    ['duplicate attribute', '<entry a="1" a="2"/>', 1, /appears twice/],
    ['< in an attribute value', '<entry a="x<y"/>', 1, /"<" inside an attribute value/],
    ['unknown entity', '<a>&nbsp;</a>', 1, /unknown entity "&nbsp;"/],
    ['bare ampersand', '<a>\nR&D</a>', 2, /bare "&"/],
    ['bad character reference', '<a>&#xD800;</a>', 1, /not a valid character reference/],
    ['"]]>" in text', '<a>\n<b>x]]>y</b><![CDATA[]]>]]]]></a>', 2, /"]]>" in text/],
    ['text after the root', '<a/>\ntail', 2, /text after the end of the root/],
    ['second root', '<a/><b/>', 1, /second root/],
    ['no root', '<?xml version="1.0"?>\n', 1, /no root element/],
    ['unclosed comment', '<a><!-- x', 1, /comment.*never closed/],
    ['cut inside a start tag', '<config>\n  <entry name="a', 2, /never closed|truncated/],
    // saxes accepts internal subsets (and the entities they declare); PAN-OS never writes one.
    ['DOCTYPE with internal subset', '<!DOCTYPE a [<!ENTITY x "y">]><a/>', 1, /internal subset/, false],
    ['misplaced XML declaration', '<a><?xml version="1.0"?></a>', 1, /only stand at the very start/],
  ];
  for (const [label, text, line, message, saxesRejects = true] of cases) {
    it(`${label}: InputError at line ${line}`, () => {
      if (saxesRejects) expect(() => saxesEvents(text)).toThrow();
      let error: unknown;
      try {
        parseXmlDocument({ path: 'bad.xml', text });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(InputError);
      const e = error as InputError;
      expect({ path: e.path, line: e.line }).toEqual({ path: 'bad.xml', line });
      expect(e.message).toMatch(message);
    });
  }

  it('names the line where the unclosed or mismatched element was opened', () => {
    expect(() =>
      parseXmlDocument({ path: 'x.xml', text: '<config>\n<devices>\n<entry>\n</devices>\n' }),
    ).toThrow(/line 3/);
    expect(() => parseXmlDocument({ path: 'x.xml', text: '<config>\n<devices>\n' })).toThrow(
      /opened at line 2/,
    );
  });
});

/**
 * Each element's text as saxes sees it: its own non-blank text runs and CDATA sections, in order, by
 * element in document order.
 */
function saxesElementTexts(xml: string): string[] {
  const texts: string[] = [];
  const open: number[] = [];
  for (const e of saxesEvents(xml)) {
    if (e[0] === 'open') {
      open.push(texts.length);
      texts.push('');
    } else if (e[0] === 'close') open.pop();
    else if (open.length > 0 && (e[0] === 'cdata' || (e[0] === 'text' && !/^[ \t\r\n]*$/.test(e[1]))))
      texts[open[open.length - 1]!] += e[1];
  }
  return texts;
}

/** Each element's rawText, in document order. */
function treeElementTexts(xml: string): string[] {
  const doc = parseXmlDocument({ path: 'x.xml', text: xml });
  const out: string[] = [];
  const walk = (el: number) => {
    out.push(doc.rawText(el));
    for (const c of doc.children(el)) walk(c);
  };
  walk(doc.root);
  return out;
}

describe('PAN-OS XML tree', () => {
  it('gives every element the text saxes reports for it (generated documents, mixed content too)', () => {
    fc.assert(
      fc.property(documents, (xml) => {
        // Text may come out holding "]]>", which XML forbids: then both must refuse the document.
        let expected: string[] | undefined;
        try {
          expected = saxesElementTexts(xml);
        } catch {
          expect(() => treeElementTexts(xml)).toThrow(InputError);
          return;
        }
        expect(treeElementTexts(xml)).toEqual(expected);
      }),
      { numRuns: Number(process.env.XML_TREE_RUNS ?? 1500) },
    );
  });

  it('gives every element of the fixtures and corpus the text saxes reports for it', () => {
    for (const file of [...xmlFiles(FIXTURES), ...xmlFiles(CORPUS)]) {
      const text = readFileSync(file, 'utf8');
      expect(treeElementTexts(text), file).toEqual(saxesElementTexts(text));
    }
  });

  it('reads text beside child elements, around comments, CDATA and instructions', () => {
    const doc = parseXmlDocument({
      path: 'x.xml',
      text: '<c>\n one <a/>\n <!-- x --> two<![CDATA[ <3 ]]><?p q?>three <b>in</b>\n four&amp; \n</c>',
    });
    // The blank run between <a/> and the comment is indentation, left out.
    expect(doc.rawText(doc.root)).toBe('\n one  two <3 three \n four& \n');
    expect(doc.textOf(doc.root)).toBe('one  two <3 three \n four&');
    expect(doc.textOf(doc.children(doc.root)[1]!)).toBe('in');
  });

  it('keeps element text without indentation, decoded, and CDATA verbatim', () => {
    const doc = parseXmlDocument({
      path: 'x.xml',
      text: '<c>\n  <m> a &amp; b </m>\n  <d><![CDATA[<x>&amp;]]></d>\n  <e>one<!-- c -->two</e>\n</c>',
    });
    const [m, d, e] = doc.children(doc.root);
    expect(doc.textOf(m!)).toBe('a & b');
    expect(doc.textOf(d!)).toBe('<x>&amp;');
    expect(doc.textOf(e!)).toBe('onetwo');
    expect(doc.textOf(doc.root)).toBe('');
    expect(doc.lineOf(e!)).toBe(4);
  });
});
