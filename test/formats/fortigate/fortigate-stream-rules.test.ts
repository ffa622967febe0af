import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readConfigTree } from '../../../src/formats/fortigate/config-tree.js';
import { readerFacts, scopeFacts } from '../../../src/formats/fortigate/fix-facts.js';
import { readFortigateFile } from '../../../src/formats/fortigate/fortigate-reader.js';
import { LayoutRecorder } from '../../../src/formats/fortigate/layout.js';
import { buildScopePolicy } from '../../../src/formats/fortigate/policy-builder.js';
import { KEPT_KEYS } from '../../../src/formats/fortigate/read-keys.js';
import { splitScopes } from '../../../src/formats/fortigate/scopes.js';
import { RuleStream, StreamFallback } from '../../../src/formats/fortigate/stream-rules.js';
import { InputError } from '../../../src/input/input-error.js';
import { ALLOW_ALL, backup, DEFAULT_ROUTE, FIXTURES, HEADER, OBJECTS, policy } from './helpers.js';

/** The policies and fix facts, or the error's line and message. */
function outcome(read: () => unknown): unknown {
  try {
    return read();
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    return { line: e.line, message: e.message };
  }
}

/** Reading the whole tree first, then every scope (as before policies streamed). */
function wholeTree(path: string, text: string): unknown {
  return outcome(() => {
    const recorder = new LayoutRecorder();
    const scopes = splitScopes(path, readConfigTree(path, [text], KEPT_KEYS, recorder));
    const facts = scopes.map((s) => scopeFacts(s, recorder));
    return { policies: scopes.map(buildScopePolicy), facts };
  });
}

function streamed(path: string, text: string): unknown {
  return outcome(() => {
    const file = { path, text };
    const policies = readFortigateFile(file);
    return { policies, facts: [...readerFacts.get(file)!.scopes.values()] };
  });
}

const ALLOW = (id: number, extra: string[] = []) => policy(id, [...ALLOW_ALL, ...extra]);
const NAMED = (id: number, src: string) =>
  policy(id, [...ALLOW_ALL.filter((s) => !s.includes('srcaddr')), `set srcaddr "${src}"`]);
const TABLE = (rows: string) => `config firewall policy\n${rows}end\n`;

/** Files whose order a policy read as its entry closes could get wrong. */
const CASES: Record<string, string> = {
  'in order': backup(ALLOW(1) + NAMED(2, 'lan') + ALLOW(3, ['set action deny'])),
  'an object after the policy using it': `${HEADER}\n${OBJECTS}${TABLE(NAMED(1, 'late') + ALLOW(2))}config firewall address\n    edit "late"\n        set subnet 192.0.2.0 255.255.255.0\n    next\nend\n${DEFAULT_ROUTE}`,
  'interfaces after the policies': `${backup(ALLOW(1) + ALLOW(2))}config system interface\n    edit "port2"\n        set ip 10.1.0.1 255.255.0.0\n    next\nend\n`,
  'a move': backup(`${ALLOW(1)}${ALLOW(2, ['set action deny'])}    move 2 before 1\n`),
  'a delete': backup(`${ALLOW(1, ['set action deny'])}${ALLOW(2)}    delete 1\n`),
  'a rename': backup(`${ALLOW(1)}${ALLOW(2)}    rename 1 to 5\n`),
  'a policy edited again': `${backup(ALLOW(1) + ALLOW(2))}${TABLE(policy(1, ['set action deny']))}`,
  'a policy opened again in its table': backup(ALLOW(1) + ALLOW(2) + policy(1, ['set action deny'])),
  'a second policy table': `${backup(ALLOW(1))}${TABLE(ALLOW(2, ['set action deny']))}`,
  'a bad policy, then a truncated file': `${backup(ALLOW(1) + ALLOW(2, ['set action frobnicate']))}config firewall address\n    edit "x"\n`,
  'a bad policy': backup(ALLOW(1) + ALLOW(2, ['set action frobnicate']) + ALLOW(3)),
  'a bad object, then a bad policy': backup(
    ALLOW(1, ['set action frobnicate']),
    'config firewall address\n    edit "bad"\n        set subnet 10.0.0.300 255.0.0.0\n    next\nend\n',
  ),
  'a group cycle named by a policy': backup(
    NAMED(1, 'g2'),
    'config firewall addrgrp\n    edit "g1"\n        set member "g2"\n    next\n    edit "g2"\n        set member "g1"\n    next\nend\n',
  ),
  'an ACL after the policies': `${backup(ALLOW(1))}config firewall acl\n    edit 1\n        set interface "port2"\n        set srcaddr "all"\n        set dstaddr "lan"\n        set service "ALL"\n    next\nend\n`,
  'IPv6 policies after the IPv4 ones': `${backup(ALLOW(1))}config firewall policy6\n    edit 9\n        set srcintf "port2"\n        set dstintf "wan1"\n        set srcaddr "all"\n        set dstaddr "all"\n        set action accept\n        set service "ALL"\n    next\nend\n`,
  'consolidated mode': backup(
    ALLOW(1),
    'config system settings\n    set consolidated-firewall-mode enable\nend\n',
  ),
  'policies outside config vdom, then VDOMs': `${backup(ALLOW(1))}config vdom\n    edit root\n    next\nend\n`,
  'VDOMs, then policies outside config vdom': `${HEADER}\nconfig vdom\n    edit root\n    next\nend\n${TABLE(ALLOW(1))}`,
  'a VDOM opened again after its policies': `${HEADER}\nconfig vdom\n    edit root\n    next\nend\nconfig vdom\n    edit root\n${OBJECTS}${TABLE(NAMED(1, 'later'))}    next\nend\nconfig vdom\n    edit root\n        config firewall address\n            edit "later"\n            next\n        end\n    next\nend\n`,
  'config global after the policies': `${HEADER}\nconfig vdom\n    edit root\n    next\nend\nconfig vdom\n    edit root\n${OBJECTS}${TABLE(ALLOW(1))}    next\nend\nconfig global\n    config system interface\n        edit "port2"\n            set vdom "root"\n        next\n    end\nend\n`,
};

describe('FortiGate reader: policies read into rules as their entries close', () => {
  for (const [name, text] of Object.entries(CASES)) {
    it(`gives what reading the whole tree gives: ${name}`, () => {
      expect(streamed('t.conf', text)).toEqual(wholeTree('t.conf', text));
    });
  }

  const corpus = '../shared/corpus/fortigate';
  const files = [
    ...readdirSync(FIXTURES)
      .filter((n) => /\.(conf|txt)$/.test(n))
      .map((n) => `${FIXTURES}/${n}`),
    ...(existsSync(corpus) ? readdirSync(corpus).map((n) => `${corpus}/${n}`) : []),
  ];
  for (const path of files) {
    it(`gives what reading the whole tree gives: ${path}`, () => {
      const text = readFileSync(path, 'utf8');
      expect(streamed(path, text)).toEqual(wholeTree(path, text));
    });
  }

  it('keeps no policy entry in the tree once its rule is read', () => {
    const text = backup(ALLOW(1) + NAMED(2, 'lan'));
    const stream = new RuleStream('t.conf', undefined);
    const root = readConfigTree('t.conf', [text], KEPT_KEYS, undefined, stream);
    expect(root.blocks.get('firewall policy')!.entries.size).toBe(0);
    const [scope] = splitScopes('t.conf', root);
    expect(
      stream
        .streamed(scope!)!
        .build.finish()
        .rules.map((r) => r.id),
    ).toEqual(['1', '2']);
  });

  it('stops at what it cannot read as the entries close', () => {
    const moved = backup(`${ALLOW(1)}${ALLOW(2)}    move 2 before 1\n`);
    const stream = new RuleStream('t.conf', undefined);
    expect(() => readConfigTree('t.conf', [moved], KEPT_KEYS, undefined, stream)).toThrow(StreamFallback);
  });
});
