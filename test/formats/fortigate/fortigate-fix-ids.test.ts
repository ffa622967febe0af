import { describe, expect, it } from 'vitest';
import { Block, Entry } from '../../../src/formats/fortigate/config-tree.js';
import { firstFreePolicyId } from '../../../src/formats/fortigate/fix-facts.js';
import type { Scope } from '../../../src/formats/fortigate/scopes.js';
import { ALLOW_ALL, backup, policy, readOne } from './helpers.js';

/** A scope whose policy tables hold entries with the given names. */
function scopeWith(tables: Record<string, readonly string[]>): Scope {
  const blocks = new Map<string, Block>();
  for (const [path, names] of Object.entries(tables)) {
    const block = new Block(path, 1);
    for (const name of names) block.entries.set(name, new Entry(name, 2));
    blocks.set(path, block);
  }
  return { path: 'f.conf', blocks };
}

describe('lists as long as the input', () => {
  it('reads a service, an Internet Service list, SD-WAN zones and the SD-WAN zones of a route, 200k values each (no spread that long)', () => {
    const many = (f: (k: number) => string) => Array.from({ length: 200_000 }, (_, k) => f(k)).join(' ');
    const zones = Array.from({ length: 200_000 }, (_, k) => `            edit "z${k}"\n            next`);
    const text = backup(
      policy(5, [
        ...ALLOW_ALL.filter((s) => !/service|dstaddr/.test(s)),
        'set service "many"',
        'set internet-service enable',
        `set internet-service-name ${many((k) => `"isdb-${k}"`)}`,
      ]),
      `config firewall service custom\n    edit "many"\n        set tcp-portrange ${many((k) => `${k % 60000}:${1 + (k % 1000)}`)}\n    next\nend\nconfig system sdwan\n    set status enable\n        config zone\n${zones.join('\n')}\n        end\nend\nconfig router static\n    edit 2\n        set sdwan-zone ${many((k) => `"z${k}"`)}\n    next\nend\n`,
    );
    const p = readOne(text);
    const d = p.rules[0]!.destinations;
    expect(d.kind === 'minus' && d.from.kind === 'unknown' && d.from.part.reason).toMatch(
      /"isdb-199999", whose/,
    );
    expect(p.zones?.known).toContain('z199999');
    expect(p.egressZones !== 'unknown' && p.egressZones?.has('z199999')).toBe(true);
  });
});

describe('the id of a fix policy', () => {
  it('is one above every numeric policy id of the three policy tables', () => {
    const scope = scopeWith({
      'firewall policy': ['3', '41', 'x', '-7'],
      'firewall policy6': ['50'],
      'firewall consolidated policy': ['12.5', '7'],
    });
    expect(firstFreePolicyId(scope)).toBe(51);
    expect(firstFreePolicyId(scopeWith({}))).toBe(1);
  });

  it('is found in an export with hundreds of thousands of policies (no argument list that long)', () => {
    const ids = Array.from({ length: 300_000 }, (_, k) => String(1000 + k));
    expect(firstFreePolicyId(scopeWith({ 'firewall policy': ids }))).toBe(301_000);
  });
});
