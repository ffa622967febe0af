import { existsSync, readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readConfigTree } from '../../../src/formats/fortigate/config-tree.js';
import { readerFacts } from '../../../src/formats/fortigate/fix-facts.js';
import { PolicyStream, StreamAbandoned } from '../../../src/formats/fortigate/policy-stream.js';
import { KEPT_KEYS } from '../../../src/formats/fortigate/read-keys.js';
import { readFortigateFile, type BuildMode } from '../../../src/formats/fortigate/read-file.js';
import { InputError } from '../../../src/input/input-error.js';
import { fuzzParameters, lineEdits } from '../damaged-input.js';
import { ALLOW_ALL, backup, FIXTURE_NAMES, FIXTURES, HEADER, OBJECTS, policy, rule } from './helpers.js';

const FIXTURE_PATHS = FIXTURE_NAMES.map((n) => `${FIXTURES}/${n}`);
const CORPUS = '../shared/corpus/fortigate';
const CORPUS_FILES = existsSync(CORPUS) ? readdirSync(CORPUS).map((n) => `${CORPUS}/${n}`) : [];

/** What a read gives: the policies and the fix writer's facts, or the error's class, line and message. */
function outcome(text: string, mode: BuildMode, forFixes = true): unknown {
  const file = { path: 'fgt.conf', text };
  try {
    const policies = readFortigateFile(file, forFixes, mode);
    return { policies, facts: readerFacts.get(file) };
  } catch (e) {
    if (e instanceof StreamAbandoned) return { abandoned: e.message };
    if (!(e instanceof InputError)) throw e;
    return { error: e.constructor.name, line: e.line, message: e.message };
  }
}

/** Reads `text` as it streams, and whole, and expects the same; returns whether it streamed. */
function expectSameAsWhole(text: string): boolean {
  const whole = outcome(text, 'whole');
  expect(outcome(text, 'auto')).toStrictEqual(whole);
  expect(outcome(text, 'auto', false)).toStrictEqual(outcome(text, 'whole', false));
  const streamed = outcome(text, 'stream');
  const abandoned = typeof streamed === 'object' && streamed !== null && 'abandoned' in streamed;
  if (!abandoned) expect(streamed).toStrictEqual(whole);
  return !abandoned;
}

describe('FortiGate reader: policies built as their entries close', () => {
  for (const path of [...FIXTURE_PATHS, ...CORPUS_FILES]) {
    it(`streams ${path} and reads what a whole read gives`, () => {
      expect(expectSameAsWhole(readFileSync(path, 'utf8'))).toBe(true);
    });
  }

  it('hands each policy over as it closes: its table keeps none, the next free id counts them all', () => {
    const text = backup(policy(7, ALLOW_ALL) + policy(9, ALLOW_ALL));
    const file = { path: 'fgt.conf', text };
    const [p] = readFortigateFile(file, true, 'stream');
    expect(p!.rules.map((r) => r.id)).toEqual(['7', '9']);
    expect(readerFacts.get(file)!.scopes.get(undefined)!.freeId).toBe(10);
    const root = readConfigTree(
      'fgt.conf',
      [text],
      KEPT_KEYS,
      undefined,
      new PolicyStream('fgt.conf', undefined),
    );
    expect(root.blocks.get('firewall policy')!.entries.size).toBe(0);
  });

  it('tells a policy edited again by its name as written (7 and 07 are two entries)', () => {
    for (const [a, b, streams] of [
      ['7', '07', true],
      ['7', '7', false],
      ['lan-in', 'lan-in', false],
      ['9999999', '9999999', false],
      ['10000000', '10000000', false],
    ] as const) {
      const text = backup(
        policy(0, ALLOW_ALL).replace('edit 0', `edit ${a}`) +
          policy(0, ALLOW_ALL).replace('edit 0', `edit ${b}`),
      );
      expect(expectSameAsWhole(text)).toBe(streams);
    }
  });

  it('streams a policy table opened again to add policies', () => {
    const text = `${backup(policy(1, ALLOW_ALL))}config firewall policy\n${policy(2, ALLOW_ALL)}end\n`;
    expect(expectSameAsWhole(text)).toBe(true);
    expect(readFortigateFile({ path: 'fgt.conf', text }, true, 'stream')[0]!.rules.map((r) => r.id)).toEqual([
      '1',
      '2',
    ]);
  });

  const deny = [
    'set srcintf "port2"',
    'set dstintf "wan1"',
    'set srcaddr "all"',
    'set dstaddr "all"',
    'set service "ALL"',
    'set schedule "always"',
  ];
  const cases: [string, string, (text: string) => void][] = [
    [
      'an address table after the policies',
      `${HEADER}\n${OBJECTS}config firewall policy\n${policy(1, [...deny.slice(0, 2), 'set srcaddr "late"', 'set dstaddr "all"', 'set action accept', 'set service "ALL"'])}end\nconfig firewall address\n    edit "late"\n        set subnet 192.0.2.0 255.255.255.0\n    next\nend\n`,
      (text) => {
        const [p] = readFortigateFile({ path: 'fgt.conf', text });
        // Defined after all: no warning of an undefined address.
        expect(p!.warnings ?? []).toEqual([]);
      },
    ],
    [
      'a policy edited again in a later block',
      `${backup(policy(1, ALLOW_ALL))}config firewall policy\n    edit 1\n        set action deny\n    next\nend\n`,
      (text) => {
        const [p] = readFortigateFile({ path: 'fgt.conf', text });
        expect(rule(p!, 'policy 1').action).toBe('deny');
      },
    ],
    [
      'a policy edited twice in one block',
      backup(policy(1, ALLOW_ALL) + policy(2, deny) + policy(1, ['set status disable'])),
      (text) => {
        const [p] = readFortigateFile({ path: 'fgt.conf', text });
        expect(p!.rules.map((r) => [r.id, r.enabled])).toEqual([
          ['1', false],
          ['2', true],
        ]);
      },
    ],
    [
      'a policy moved',
      backup(`${policy(1, ALLOW_ALL)}${policy(2, deny)}    move 2 before 1\n`),
      (text) => {
        const [p] = readFortigateFile({ path: 'fgt.conf', text });
        expect(p!.rules.map((r) => r.id)).toEqual(['2', '1']);
      },
    ],
    [
      'a policy deleted',
      backup(`${policy(1, ALLOW_ALL)}${policy(2, deny)}    delete 1\n`),
      (text) => {
        const [p] = readFortigateFile({ path: 'fgt.conf', text });
        expect(p!.rules.map((r) => r.id)).toEqual(['2']);
      },
    ],
    [
      'an ACL table after the policies',
      `${backup(policy(1, ALLOW_ALL))}config firewall acl\n    edit 5\n        set interface "port2"\n        set srcaddr "all"\n        set dstaddr "all"\n        set service "ALL"\n    next\nend\n`,
      (text) => {
        const [p] = readFortigateFile({ path: 'fgt.conf', text });
        expect(p!.rules.map((r) => r.section)).toEqual(['acl', 'policy']);
      },
    ],
    [
      'consolidated mode set after the policies',
      `${backup(policy(1, ALLOW_ALL))}config system settings\n    set consolidated-firewall-mode enable\nend\n`,
      (text) => {
        const [p] = readFortigateFile({ path: 'fgt.conf', text });
        expect(rule(p!, 'policy 1').conditions?.[0]?.reason).toMatch(/consolidated-firewall-mode/);
      },
    ],
    [
      "config global after a VDOM's policies",
      [
        HEADER.replace('vdom=0', 'vdom=1'),
        'config vdom\n    edit root\n    next\nend',
        `config vdom\n    edit root\n${OBJECTS}config firewall policy\n${policy(1, ALLOW_ALL)}end\n    next\nend`,
        'config global\n    config system interface\n        edit "port2"\n            set vdom "root"\n        next\n        edit "wan1"\n            set vdom "root"\n        next\n    end\nend',
        '',
      ].join('\n'),
      (text) => {
        const [p] = readFortigateFile({ path: 'fgt.conf', text });
        expect(p!.zones?.incomplete).toBe(false);
      },
    ],
    [
      'a VDOM renamed after its policies',
      [
        HEADER.replace('vdom=0', 'vdom=1'),
        'config vdom\n    edit root\n    next\nend',
        `config vdom\n    edit root\n${OBJECTS}config firewall policy\n${policy(1, ALLOW_ALL)}end\n    next\n    rename root to main\nend`,
        '',
      ].join('\n'),
      (text) => {
        expect(readFortigateFile({ path: 'fgt.conf', text }).map((p) => p.name)).toEqual(['main']);
      },
    ],
    [
      'policies at the top of a multi-VDOM file',
      [
        HEADER.replace('vdom=0', 'vdom=1'),
        'config vdom\n    edit root\n    next\nend',
        `config firewall policy\n${policy(1, ALLOW_ALL)}end`,
        '',
      ].join('\n'),
      (text) => {
        expect(() => readFortigateFile({ path: 'fgt.conf', text })).toThrow(/outside "config vdom"/);
      },
    ],
  ];
  for (const [what, text, check] of cases) {
    it(`reads the file whole, as it must be read, after ${what}`, () => {
      expect(outcome(text, 'stream')).toHaveProperty('abandoned');
      expect(expectSameAsWhole(text)).toBe(false);
      check(text);
    });
  }

  it('streams and reads whole alike, whatever the order of the tables and the edits', () => {
    fc.assert(
      fc.property(fc.integer(), (seed) => {
        expectSameAsWhole(generated(seed));
      }),
      fuzzParameters(300, 20261207),
    );
  });

  it('streams and reads whole alike, on damaged fixtures', () => {
    const noise = [
      'next',
      'end',
      'edit 1',
      'config firewall policy',
      'config firewall address',
      'delete 1',
      'set srcaddr "x"',
      '"',
    ];
    for (const path of FIXTURE_PATHS) {
      const lines = readFileSync(path, 'utf8').split('\n');
      fc.assert(
        fc.property(lineEdits(noise), (damage) => {
          expectSameAsWhole(damage(lines).join('\n'));
        }),
        fuzzParameters(60, 20261208),
      );
    }
  });
});

const EXPORT_ORDER = [
  'system settings',
  'system interface',
  'system zone',
  'firewall address',
  'firewall address6',
  'firewall addrgrp',
  'firewall service custom',
  'firewall acl',
  'firewall policy',
  'firewall policy6',
  'firewall consolidated policy',
  'router static',
];

/** A small PRNG, so one integer makes one file. */
function prng(seed: number): (n: number) => number {
  let s = seed >>> 0;
  return (n) => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) % n;
  };
}

/**
 * A FortiOS configuration with its tables in a random order, each maybe split into several blocks;
 * policies edited again, moved or deleted now and then; with or without VDOMs.
 */
function generated(seed: number): string {
  const r = prng(seed);
  const pick = <T>(list: readonly T[]): T => list[r(list.length)]!;
  const ind = (depth: number) => ' '.repeat(4 * depth);
  const addresses = ['lan', 'dmz', 'web', 'h1.example.com', 'remotespark-old'];
  const names = [...addresses, 'grp', 'all', 'missing'];
  const ifaces = ['port1', 'port2', 'wan1'];
  const entries = new Map<string, string[][]>();
  const add = (table: string, entry: string[]) => {
    if (!entries.has(table)) entries.set(table, []);
    entries.get(table)!.push(entry);
  };
  for (const [i, a] of addresses.entries()) {
    add('firewall address', [
      `edit "${a}"`,
      a.includes('.') ? `set type fqdn` : `set subnet 10.${i}.0.0 255.255.0.0`,
      ...(a.includes('.') ? [`set fqdn "${a}"`] : []),
    ]);
  }
  add('firewall addrgrp', ['edit "grp"', `set member "${pick(addresses)}" "${pick(addresses)}"`]);
  add('firewall address6', ['edit "v6net"', 'set ip6 2001:db8::/32']);
  add('firewall service custom', ['edit "ALL"', 'set protocol IP']);
  add('firewall service custom', ['edit "RDP"', 'set tcp-portrange 3389']);
  for (const i of ifaces)
    add('system interface', [`edit "${i}"`, `set ip 192.0.${ifaces.indexOf(i)}.1 255.255.255.0`]);
  if (r(3) === 0) add('system zone', ['edit "inside"', 'set interface "port1"']);
  add('router static', ['edit 1', 'set device "wan1"', 'set gateway 192.0.2.254']);
  const ids: number[] = [];
  const policyCount = 1 + r(8);
  for (let k = 0; k < policyCount; k++) {
    let id = 1 + r(20);
    while (ids.includes(id)) id++;
    ids.push(id);
    const table =
      r(6) === 0
        ? pick(['firewall acl', 'firewall policy6', 'firewall consolidated policy'])
        : 'firewall policy';
    const lines = [`edit ${id}`, `set srcintf "${pick([...ifaces, 'inside', 'any'])}"`];
    if (table === 'firewall acl') lines[1] = `set interface "${pick(ifaces)}"`;
    else lines.push(`set dstintf "${pick(ifaces)}"`);
    const v6 = table === 'firewall policy6';
    lines.push(`set srcaddr "${v6 ? 'v6net' : pick(names)}"`, `set dstaddr "${v6 ? 'all' : pick(names)}"`);
    if (r(2)) lines.push(`set action ${pick(['accept', 'deny', 'ipsec'])}`);
    lines.push(`set service "${pick(['ALL', 'RDP', 'HTTPS'])}"`);
    if (r(3) === 0) lines.push('set nat enable');
    if (r(5) === 0) lines.push(`set name "rule-${id}"`);
    add(table, lines);
  }
  const settings =
    r(4) === 0
      ? [['set consolidated-firewall-mode enable']]
      : r(4) === 0
        ? [['set ngfw-mode policy-based']]
        : [];
  // Blocks: each table in one block, or now and then two or three, shuffled (so objects may follow the policies using them).
  const blocks: string[][] = [];
  for (const [table, list] of entries) {
    const parts = table.startsWith('firewall') && r(3) === 0 ? 2 + r(2) : 1;
    for (let p = 0; p < parts; p++) {
      const part = list.filter((_, i) => i % parts === p);
      if (part.length)
        blocks.push([
          `config ${table}`,
          ...part.flatMap((e) => [e[0]!, ...e.slice(1).map((l) => `    ${l}`), 'next']),
          'end',
        ]);
    }
  }
  if (settings.length) blocks.push(['config system settings', ...settings.flat(), 'end']);
  // Now and then a policy edited again, moved or deleted, in a block of its own.
  if (ids.length && r(3) === 0) {
    const id = pick(ids);
    blocks.push(
      pick([
        ['config firewall policy', `edit ${id}`, '    set status disable', 'next', 'end'],
        ['config firewall policy', `delete ${id}`, 'end'],
        ['config firewall policy', `move ${id} after ${pick(ids)}`, 'end'],
      ]),
    );
  }
  // Mostly in the order FortiOS writes its tables (objects, then policies, then routes), where the
  // policies stream; else shuffled.
  const rank = (b: string[]) => EXPORT_ORDER.findIndex((t) => b[0] === `config ${t}`);
  blocks.sort((a, b) => rank(a) - rank(b));
  const swaps = r(2) === 0 ? 0 : 1 + r(blocks.length);
  for (let k = 0; k < swaps; k++) {
    const i = r(blocks.length);
    const j = r(blocks.length);
    [blocks[i], blocks[j]] = [blocks[j]!, blocks[i]!];
  }
  const indent = (block: string[], depth: number) =>
    block.map(
      (l) =>
        `${ind(depth + (/^(config|end)/.test(l) ? 0 : /^(edit|next|delete|move)/.test(l) ? 1 : 2))}${l.replace(/^ {4}/, '')}`,
    );
  if (r(3) !== 0) return [HEADER, ...blocks.flatMap((b) => indent(b, 0)), ''].join('\n');
  // With VDOMs: interfaces in config global, the rest in VDOM root (maybe in two sections), and VDOM dmz.
  const global = blocks.filter((b) => b[0] === 'config system interface');
  const own = blocks.filter((b) => !global.includes(b));
  const cutAt = r(own.length + 1);
  const vdom = (list: string[][], name = 'root') => [
    'config vdom',
    `${ind(1)}edit ${name}`,
    ...list.flatMap((b) => indent(b, 2)),
    `${ind(1)}next`,
    'end',
  ];
  const sections = [
    ['config global', ...global.flatMap((b) => indent(b, 1)).map((l) => l), 'end'],
    vdom(own.slice(0, cutAt)),
    vdom(own.slice(cutAt)),
    vdom(
      [
        [
          'config firewall policy',
          'edit 1',
          '    set srcintf "port1"',
          '    set dstintf "wan1"',
          '    set srcaddr "all"',
          '    set dstaddr "all"',
          '    set action accept',
          '    set service "ALL"',
          'next',
          'end',
        ],
      ],
      'dmz',
    ),
  ];
  if (r(3) === 0) sections.push(sections.shift()!);
  return [
    HEADER.replace('vdom=0', 'vdom=1'),
    'config vdom',
    `${ind(1)}edit root`,
    `${ind(1)}next`,
    `${ind(1)}edit dmz`,
    `${ind(1)}next`,
    'end',
    ...sections.flat(),
    '',
  ].join('\n');
}
