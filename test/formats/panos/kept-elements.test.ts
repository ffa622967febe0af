import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PANOS_KEEP } from '../../../src/formats/panos/kept-elements.js';
import {
  OTHERS,
  parseXmlDocument,
  readXmlDocument,
  type XmlDocument,
} from '../../../src/formats/panos/xml-tree.js';

/** The names of the element's children, in order. */
const childNames = (doc: XmlDocument, el: number) => doc.children(el).map((c) => doc.name(c));

describe('what the PAN-OS reader keeps of an export', () => {
  it("keeps a map's OTHERS for children it does not name, drops those it maps to false", () => {
    const text = '<a><b><x/>t</b><c>1</c><d><e/></d><f/></a>';
    const keep = new Map([
      [
        'a',
        new Map<string, boolean | Map<string, boolean>>([
          [OTHERS, true],
          ['d', false],
          ['b', new Map()],
        ]),
      ],
    ]);
    const doc = readXmlDocument({ path: 'k.xml', text }, keep);
    expect(childNames(doc, doc.root)).toEqual(['b', 'c', 'f']);
    const b = doc.child(doc.root, 'b')!;
    // A map without OTHERS keeps only what it names; the element's own text stays.
    expect(childNames(doc, b)).toEqual([]);
    expect(doc.textOf(b)).toBe('t');
    expect(doc.childText(doc.root, 'c')).toBe('1');
  });

  it('drops what no reader of a rule or an object looks at, and keeps every other child', () => {
    const text = readFileSync('fixtures/panos/fw-branch-vsys1.xml', 'utf8');
    const ruleChildren = (doc: XmlDocument) => {
      const vsys = doc.select(doc.root, 'devices', 'entry', 'vsys', 'entry')!;
      const rules = doc.entries(doc.select(vsys, 'rulebase', 'security', 'rules'));
      const objects = doc.entries(doc.child(vsys, 'address'));
      return {
        rules: new Set(rules.flatMap((r) => childNames(doc, r))),
        objects: new Set(objects.flatMap((a) => childNames(doc, a))),
      };
    };
    const whole = ruleChildren(parseXmlDocument({ path: 'fw.xml', text }));
    const kept = ruleChildren(readXmlDocument({ path: 'fw.xml', text }, PANOS_KEEP));
    // The export has them...
    expect(whole.rules).toContain('description');
    expect(whole.rules).toContain('profile-setting');
    expect(whole.objects).toContain('description');
    // ...but the rule builder never reads them, nor the address objects' descriptions.
    expect(kept.rules).not.toContain('description');
    expect(kept.objects).not.toContain('description');
    expect([...kept.rules].sort()).toEqual(
      [...whole.rules].filter((t) => t !== 'description' && t !== 'profile-setting').sort(),
    );
    expect(kept.objects).toContain('ip-netmask');
  });

  it('tells element names apart when a document has more than 65,536 of them', () => {
    // Generated: names beyond the 16 bits a name id is first kept in.
    const count = 70000;
    const text = `<a>${Array.from({ length: count }, (_, i) => `<n${i}/>`).join('')}</a>`;
    const doc = readXmlDocument({ path: 'many.xml', text }, true);
    const names = childNames(doc, doc.root);
    expect(names).toHaveLength(count);
    expect(names.slice(65534, 65538)).toEqual(['n65534', 'n65535', 'n65536', 'n65537']);
    expect(names.at(-1)).toBe(`n${count - 1}`);
  });
});
