import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PanoramaRuleNames, SHARED } from '../../../src/formats/panos/panorama-rule-names.js';
import { parseXmlDocument } from '../../../src/formats/panos/xml-tree.js';

/**
 * A Panorama config: Shared has rule "s"; Parent (rules "p-pre", "p-post") has the child Child (rule "c"),
 * under it Grandchild (rule "g"); Sibling has rule "x" and the NAT rule "nat-only".
 */
const CONFIG = `<config version="10.1.0">
  <shared>
    <pre-rulebase><security><rules><entry name="s"/></rules></security></pre-rulebase>
  </shared>
  <devices>
    <entry name="localhost.localdomain">
      <device-group>
        <entry name="Parent">
          <pre-rulebase><security><rules><entry name="p-pre"/></rules></security></pre-rulebase>
          <post-rulebase><security><rules><entry name="p-post"/></rules></security></post-rulebase>
        </entry>
        <entry name="Child">
          <post-rulebase><security><rules><entry name="c"/></rules></security></post-rulebase>
        </entry>
        <entry name="Grandchild">
          <pre-rulebase><security><rules><entry name="g"/></rules></security></pre-rulebase>
        </entry>
        <entry name="Sibling">
          <pre-rulebase>
            <security><rules><entry name="x"/></rules></security>
            <nat><rules><entry name="nat-only"/></rules></nat>
          </pre-rulebase>
        </entry>
      </device-group>
    </entry>
  </devices>
  <readonly>
    <devices>
      <entry name="localhost.localdomain">
        <device-group>
          <entry name="Parent"><id>11</id></entry>
          <entry name="Child"><parent-dg>Parent</parent-dg><id>12</id></entry>
          <entry name="Grandchild"><parent-dg>Child</parent-dg><id>13</id></entry>
          <entry name="Sibling"><id>14</id></entry>
        </device-group>
      </entry>
    </devices>
  </readonly>
</config>
`;

function names(): PanoramaRuleNames {
  const doc = parseXmlDocument({ path: 'panorama.xml', text: CONFIG });
  return new PanoramaRuleNames(doc, doc.root);
}

describe("a Panorama rule's name space", () => {
  it("is Shared's, the group's ancestors', its own and its descendants', pre and post", () => {
    const n = names();
    // Child sees Shared, its parent (pre and post), itself and its grandchild...
    for (const name of ['s', 'p-pre', 'p-post', 'c', 'g']) expect(n.taken('Child', name), name).toBe(true);
    // ... but not a sibling branch's rules, nor a NAT rule's name (another name space).
    expect(n.taken('Child', 'x')).toBe(false);
    expect(n.taken('Child', 'nat-only')).toBe(false);
    // A top-level group sees its descendants down the tree.
    expect(n.taken('Parent', 'g')).toBe(true);
    expect(n.taken('Parent', 'x')).toBe(false);
    // Shared sees every group.
    for (const name of ['p-pre', 'c', 'g', 'x']) expect(n.taken(SHARED, name), name).toBe(true);
    expect(n.taken(SHARED, 'free')).toBe(false);
  });

  it("counts the run's own fixes: a parent's fix name is taken for its child, not for a sibling", () => {
    const n = names();
    n.take('Parent', 'allow-remotespark-web');
    expect(n.taken('Grandchild', 'allow-remotespark-web')).toBe(true);
    expect(n.taken('Sibling', 'allow-remotespark-web')).toBe(false);
    n.take('Sibling', 'allow-remotespark-dns');
    expect(n.taken(SHARED, 'allow-remotespark-dns')).toBe(true);
    expect(n.taken('Parent', 'allow-remotespark-dns')).toBe(false);
  });
});

describe('the name space on random device-group trees, against a brute-force walk', () => {
  it('a name is taken in a group exactly where Shared, an ancestor, the group or a descendant has it', () => {
    fc.assert(
      fc.property(
        // Up to 9 groups; group i's parent is one of the groups before it, or none (a top-level group).
        fc.array(fc.integer({ min: -1, max: 8 }), { minLength: 1, maxLength: 9 }),
        // Names (from a small set, so that they meet) per group, and Shared's at index 0.
        fc.array(fc.array(fc.constantFrom('a', 'b', 'c', 'd'), { maxLength: 2 }), {
          minLength: 10,
          maxLength: 10,
        }),
        fc.array(fc.tuple(fc.integer({ min: -1, max: 8 }), fc.constantFrom('a', 'b', 'c', 'd', 'e')), {
          maxLength: 4,
        }),
        (parentPicks, namesPicks, fixes) => {
          const n = parentPicks.length;
          const parentOf = parentPicks.map((p, i) => (p >= 0 && p < i ? p : -1));
          const group = (i: number) => `G${i}`;
          const rules = (names: string[]) =>
            `<pre-rulebase><security><rules>${names.map((x) => `<entry name="${x}"/>`).join('')}</rules></security></pre-rulebase>`;
          const xml = `<config>
<shared>${rules(namesPicks[0]!)}</shared>
<devices><entry name="localhost.localdomain"><device-group>
${parentOf.map((_, i) => `<entry name="${group(i)}">${rules(namesPicks[i + 1]!)}</entry>`).join('\n')}
</device-group></entry></devices>
<readonly><devices><entry name="localhost.localdomain"><device-group>
${parentOf.map((p, i) => `<entry name="${group(i)}">${p >= 0 ? `<parent-dg>${group(p)}</parent-dg>` : ''}</entry>`).join('\n')}
</device-group></entry></devices></readonly>
</config>
`;
          const doc = parseXmlDocument({ path: 'random.xml', text: xml });
          const space = new PanoramaRuleNames(doc, doc.root);
          // The oracle: names per group (-1 = Shared), the run's fixes added as they are taken.
          const has = new Map<number, Set<string>>();
          has.set(-1, new Set(namesPicks[0]));
          parentOf.forEach((_, i) => has.set(i, new Set(namesPicks[i + 1])));
          for (const [at, name] of fixes) {
            const g = at >= 0 && at < n ? at : -1;
            space.take(g < 0 ? SHARED : group(g), name);
            has.get(g)!.add(name);
          }
          const ancestorOrSelf = (a: number, b: number) => {
            for (let x = b; x >= 0; x = parentOf[x]!) if (x === a) return true;
            return false;
          };
          const related = (g: number, h: number) =>
            g < 0 || h < 0 || ancestorOrSelf(h, g) || ancestorOrSelf(g, h);
          for (let g = -1; g < n; g++) {
            for (const name of ['a', 'b', 'c', 'd', 'e']) {
              const expected = [...has].some(([h, set]) => set.has(name) && related(g, h));
              expect(space.taken(g < 0 ? SHARED : group(g), name), `${name} in ${g}`).toBe(expected);
            }
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});
