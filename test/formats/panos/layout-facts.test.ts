import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PANOS_KEEP } from '../../../src/formats/panos/kept-elements.js';
import { parseXmlDocument, readXmlDocument, type XmlDocument } from '../../../src/formats/panos/xml-tree.js';
import type { InputFile } from '../../../src/input/input-file.js';

/** An input that gives its text only in the pieces cut at `cuts`. */
function piecewise(text: string, cuts: readonly number[]): InputFile {
  const at = [...new Set(cuts.map((c) => Math.min(Math.max(c, 0), text.length)))].sort((a, b) => a - b);
  return {
    path: 'x.xml',
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

/** What the fix writer can ask of an element's layout. */
const layoutOf = (doc: XmlDocument, el: number) => ({
  name: doc.name(el),
  line: doc.lineOf(el),
  start: doc.startPad(el),
  child: doc.firstChildPad(el),
  end: doc.endTag(el),
});

/** Whether the layout of an element was recorded (the fix writer's elements, see layout-facts.ts). */
function recorded(doc: XmlDocument, el: number): boolean {
  try {
    doc.startPad(el);
    return true;
  } catch {
    return false;
  }
}

/**
 * The layout of every kept element the fix writer reads, from the document read in pieces and from the
 * text parsed whole (the kept elements are a subsequence of the whole document's, in order).
 */
function compare(text: string, cuts: readonly number[]): number {
  const kept = readXmlDocument(piecewise(text, cuts), PANOS_KEEP);
  const whole = parseXmlDocument({ path: 'x.xml', text });
  expect(kept.hasLayout).toBe(true);
  let compared = 0;
  const walk = (k: number, w: number, parent = '', inRule = false) => {
    // Security rule entries are recorded (a fix goes before one), what is in them is not (memory).
    if (parent === 'security/rules') expect(recorded(kept, k)).toBe(true);
    if (inRule) expect(recorded(kept, k)).toBe(false);
    if (recorded(kept, k)) {
      expect(layoutOf(kept, k)).toEqual(layoutOf(whole, w));
      compared++;
    }
    let wc = whole.firstChild(w);
    for (let kc = kept.firstChild(k); kc >= 0; kc = kept.nextSibling(kc)) {
      while (whole.lineOf(wc) !== kept.lineOf(kc) || whole.name(wc) !== kept.name(kc))
        wc = whole.nextSibling(wc);
      walk(kc, wc, `${parent.split('/').pop()}/${kept.name(k)}`, parent.endsWith('/rules'));
      wc = whole.nextSibling(wc);
    }
  };
  walk(kept.root, whole.root);
  return compared;
}

const files = [
  ...readdirSync('fixtures/panos')
    .filter((f) => f.endsWith('.xml'))
    .map((f) => `fixtures/panos/${f}`),
];

describe('layout of a PAN-OS export read in pieces, for the fix writer', () => {
  for (const path of files) {
    it(`${path}: the same as from the text parsed whole, however the text is cut`, () => {
      const text = readFileSync(path, 'utf8');
      expect(compare(text, [])).toBeGreaterThan(10);
      fc.assert(
        fc.property(fc.array(fc.nat(text.length), { maxLength: 40 }), (cuts) => {
          compare(text, cuts);
        }),
        { numRuns: 30 },
      );
      // Every character its own piece.
      compare(
        text,
        Array.from({ length: text.length }, (_, i) => i),
      );
    });
  }

  const odd = [
    '  <config>\n\t<devices/>\n  </config>',
    '<config><devices>\r\n  <entry name="a">\r\n    <vsys/></entry>\r\n</devices></config>',
    '<?xml version="1.0"?>\n<config>\n  <!-- x --><shared>\n   <address/>\n  <![CDATA[ ]]>  </shared>\n</config>\n',
    '<config>\n  <mgt-config/>\n  <devices>x\n    <entry name="a"/>\t</devices>\n  <shared>\n\t \t<service>\n </service></shared></config>',
  ];
  for (const text of odd) {
    it(`${JSON.stringify(text.slice(0, 30))}...: comments, CDATA, tabs, CR LF, empty and unkept elements`, () => {
      compare(text, []);
      compare(
        text,
        Array.from({ length: text.length }, (_, i) => i),
      );
    });
  }
});
