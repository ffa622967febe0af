import { describe, expect, it } from 'vitest';
import { nftablesReader } from '../../../src/formats/nftables/nftables-reader.js';
import { ZoneSet } from '../../../src/model/zone-set.js';

const FORWARD =
  'table inet filter {\n\tchain forward {\n\t\ttype filter hook forward priority filter; policy drop;\n\t\tiifname "lan0" oifname { "wan0", "dmz0" } accept\n\t}\n}\n';
const ruleset = (rule: string, family = 'ip', hook = 'postrouting', type = 'nat') =>
  `${FORWARD}table ${family} nat {\n\tchain post {\n\t\ttype ${type} hook ${hook} priority srcnat; policy accept;\n\t\t${rule}\n\t}\n\tchain other {\n\t\toifname "wan0" masquerade\n\t}\n}\n`;
const egressOf = (rule: string, family?: string, hook?: string, type?: string) =>
  nftablesReader.read([{ path: 'fw.nft', text: ruleset(rule, family, hook, type) }])[0]!;

describe('nftables egress from nat source translation', () => {
  it.each([
    ['oifname "wan0" masquerade'],
    ['ip saddr 10.0.0.0/8 oifname "wan0" counter masquerade'],
    ['oifname "wan0" ip daddr != { 10.0.0.0/8, 192.168.0.0/16 } masquerade'],
    ['meta l4proto tcp oifname wan0 snat to 192.0.2.1'],
    ['oifname "wan0" masquerade comment "internet"'],
  ])('takes the translated interface as the egress: %s', (rule) => {
    const p = egressOf(rule);
    expect(p.egressZones).toEqual(ZoneSet.of(['wan0']));
    expect(p.notes.join('\n')).toMatch(/reached through "wan0": .*fw\.nft:10\)/);
  });

  it.each([
    ['negated', 'oifname != "lan0" masquerade'],
    ['a wildcard', 'oifname "wan*" masquerade'],
    ['a destination', 'oifname "wan0" ip daddr 198.51.100.0/24 masquerade'],
    ['a negated public destination', 'oifname "wan0" ip daddr != 8.8.8.8 masquerade'],
    ['another match', 'oifname "wan0" meta mark 1 masquerade'],
    ['no interface', 'masquerade'],
    ['a jump only', 'jump other'],
  ])('is no evidence where the rule has %s', (_, rule) => {
    expect(egressOf(rule).egressZones).toBe('unknown');
  });

  it('is no evidence outside a nat chain on postrouting', () => {
    expect(egressOf('oifname "wan0" masquerade', 'ip', 'output').egressZones).toBe('unknown');
    expect(egressOf('oifname "wan0" masquerade', 'bridge').egressZones).toBe('unknown');
  });

  it('takes every named interface of a set', () => {
    expect(egressOf('oifname { "wan0", "dmz0" } masquerade', 'inet').egressZones).toEqual(
      ZoneSet.of(['wan0', 'dmz0']),
    );
  });
});
