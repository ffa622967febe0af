import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseFlowSpec } from '../../../src/check/flow-spec.js';
import { evaluateFlow, type Scope } from '../../../src/evaluate/evaluate.js';
import { panosReader } from '../../../src/formats/panos/panos-reader.js';
import { formatAddressSet, parseCidr } from '../../../src/model/ip.js';
import type { Policy } from '../../../src/model/policy.js';
import { ZoneSet } from '../../../src/model/zone-set.js';
import { firewallXml, lineOf, readOne, rule } from './helpers.js';

const FIXTURES = 'fixtures/panos';
const CORPUS = '/work/shared/corpus/panos';

function read(path: string): { text: string; policies: Policy[] } {
  const text = readFileSync(path, 'utf8');
  return { text, policies: panosReader.read([{ path, text }]) };
}

const zones = (...names: string[]) => ZoneSet.of(names);

function verdict(policy: Policy, flow: string, scope: Scope) {
  const r = evaluateFlow(policy, parseFlowSpec(flow), scope);
  const by =
    r.decidedBy === undefined ? undefined : r.decidedBy < 0 ? policy.default : policy.rules[r.decidedBy];
  return { verdict: r.verdict, rule: by?.name, line: by?.location?.line };
}

/** A summary of the zone facts, with subnets as text. */
function zoneFacts(p: Policy) {
  return {
    known: p.zones?.known,
    incomplete: p.zones?.incomplete,
    subnets: p.zones?.subnets?.map(
      (s) => `${s.zone} ${s.interface} ${formatAddressSet(s.net)} @${s.location?.line}`,
    ),
  };
}

describe('PAN-OS: the default rules', () => {
  const p = readOne(firewallXml('', [{ name: 'r', action: 'deny', service: ['service-https'] }]));

  it('are one intrazone-default for same-zone traffic, then interzone-default, whatever the zones', () => {
    const defaults = p.rules.slice(-2);
    expect(
      defaults.map((r) => [r.name, r.sameZone, String(r.sourceZones), String(r.destinationZones)]),
    ).toEqual([
      ['intrazone-default', true, 'any', 'any'],
      ['interzone-default', undefined, 'any', 'any'],
    ]);
    expect(defaults.every((r) => r.conditions === undefined)).toBe(true);
  });

  it('decide within a zone and between zones (intrazone allows, interzone denies)', () => {
    const silent: Policy = { ...p, egressZones: 'unknown' };
    expect(
      verdict(silent, '*:53/udp', { sourceZones: zones('trust'), destinationZones: zones('trust') }),
    ).toMatchObject({ verdict: 'allowed', rule: 'intrazone-default' });
    expect(
      verdict(silent, '*:53/udp', { sourceZones: zones('trust'), destinationZones: zones('untrust') }),
    ).toMatchObject({ verdict: 'blocked', rule: 'interzone-default' });
  });
});

describe('PAN-OS: intrazone and interzone rules', () => {
  it('an intrazone rule matches within its source zones (same zone), an interzone one between zones', () => {
    const p = readOne(
      firewallXml('', [
        { name: 'intra', from: ['trust'], to: ['any'], extra: '<rule-type>intrazone</rule-type>' },
        { name: 'inter', from: ['any'], to: ['any'], extra: '<rule-type>interzone</rule-type>' },
      ]),
    );
    expect(
      [rule(p, 'intra')].map((r) => [String(r.sourceZones), String(r.destinationZones), r.sameZone]),
    ).toEqual([['trust', 'trust', true]]);
    const pairs = p.rules.filter((r) => r.name === 'inter');
    // The vsys defines its zones, so nothing "may" match.
    expect(
      pairs.map((r) => `${r.sourceZones} -> ${r.destinationZones}${r.conditions ? ' (maybe)' : ''}`),
    ).toEqual([
      'untrust -> any except untrust',
      'trust -> any except trust',
      'any except trust, untrust -> trust, untrust',
    ]);
  });

  it('interzone between two zones a Panorama export does not show only "may" match', () => {
    const text = readFileSync(join(FIXTURES, 'panorama-hierarchy.xml'), 'utf8').replace(
      '<entry name="shared-pre-allow-dns"',
      '<entry name="inter-deny"><rule-type>interzone</rule-type><from><member>any</member></from><to><member>any</member></to><source><member>any</member></source><destination><member>any</member></destination><application><member>any</member></application><service><member>any</member></service><action>deny</action></entry><entry name="shared-pre-allow-dns"',
    );
    const p = panosReader.read([{ path: 'p.xml', text }])[0]!;
    const inter = p.rules.filter((r) => r.name === 'inter-deny');
    const last = inter[inter.length - 1]!;
    expect(last.sourceZones.isAny() || last.sourceZones.complement).toBe(true);
    expect(last.conditions?.[0]?.reason).toMatch(/between two zones the config doesn't show/);
  });

  it('traffic within lab meets the intrazone rule lab-isolate and the overridden intrazone-default (deny)', () => {
    const vsys2 = read(join(FIXTURES, 'fw-multi-vsys.xml')).policies[1]!;
    // The default route fixes the egress zone (lab-wan); to ask about traffic within lab, drop it.
    const silent: Policy = { ...vsys2, egressZones: 'unknown' };
    const within = { sourceZones: zones('lab'), destinationZones: zones('lab') };
    expect(verdict(silent, '*:3478/udp', within)).toEqual({
      verdict: 'blocked',
      rule: 'lab-isolate',
      line: 352,
    });
    expect(verdict(silent, '*:443/tcp', { ...within, sources: parseCidr('10.99.0.0/16') })).toEqual({
      verdict: 'blocked',
      rule: 'intrazone-default',
      line: 387,
    });
  });
});

describe('PAN-OS: zone facts', () => {
  it('a standalone firewall: its zones, complete, and the subnets of the interfaces in them', () => {
    const { text, policies } = read(join(FIXTURES, 'fw-branch-vsys1.xml'));
    expect(zoneFacts(policies[0]!)).toEqual({
      known: ['untrust', 'trust', 'guest', 'dmz'],
      incomplete: false,
      subnets: [
        `untrust ethernet1/1 203.0.113.0/29 @${lineOf(text, '203.0.113.2/29')}`,
        `trust ethernet1/2 10.20.0.0/16 @${lineOf(text, '10.20.0.1/16')}`,
        `guest ethernet1/3 10.30.0.0/24 @${lineOf(text, '10.30.0.1/24')}`,
        `dmz ethernet1/4 172.16.10.0/24 @${lineOf(text, '172.16.10.1/24')}`,
      ],
    });
  });

  it('subinterfaces, aggregate interfaces and IPv6 addresses; no default route leaves the egress unknown', () => {
    const { text, policies } = read(join(FIXTURES, 'fw-bgp-trimmed.xml'));
    const p = policies[0]!;
    expect(zoneFacts(p)).toEqual({
      known: ['untrust', 'trust', 'guest', 'dmz'],
      incomplete: false,
      subnets: [
        `untrust ethernet1/1 198.51.100.4/30 @${lineOf(text, '198.51.100.6/30"')}`,
        `trust ethernet1/2.20 10.20.0.0/16 @${lineOf(text, '10.20.0.1/16')}`,
        `trust ethernet1/2.20 2001:db8:20::/64 @${lineOf(text, '2001:db8:20::1/64')}`,
        `guest ethernet1/2.40 10.40.0.0/24 @${lineOf(text, '10.40.0.1/24')}`,
        `dmz ae1 172.16.10.0/24 @${lineOf(text, '172.16.10.1/24')}`,
      ],
    });
    expect(p.egressZones).toBe('unknown');
    const notes = p.notes.join('\n');
    expect(notes).toMatch(/no default route .* each zone it could be is tried/);
    expect(notes).not.toMatch(/must|: name it with/);
  });

  it('a firewall whose vsys defines no zones: the names its rules use, incomplete', () => {
    const text = firewallXml('', [{ name: 'r', from: ['inside'], to: ['outside'] }]).replace(
      /<zone>.*<\/zone>/,
      '<zone/>',
    );
    const p = readOne(text);
    expect(zoneFacts(p)).toEqual({ known: ['inside', 'outside'], incomplete: true, subnets: [] });
    expect(p.notes.join('\n')).toMatch(
      /defines no zones .* \(inside, outside\), and the firewall may have others/,
    );
  });

  it('a firewall Panorama manages may have zones from templates: incomplete', () => {
    const p = read(join(FIXTURES, 'fw-managed-pushed.xml')).policies[0]!;
    expect(p.zones?.incomplete).toBe(true);
    expect(p.zones?.known).toEqual(expect.arrayContaining(['internet']));
  });

  it('Panorama device groups: the zones of templates and template stacks and of the rules, incomplete', () => {
    const text = readFileSync(join(FIXTURES, 'panorama-hierarchy.xml'), 'utf8');
    const withStack = text.replace(
      '      </device-group>\n',
      '      </device-group>\n<template-stack><entry name="s"><templates><member>t</member></templates><config><devices><entry name="localhost.localdomain"><vsys><entry name="vsys1"><zone><entry name="stack-zone"><network><layer3/></network></entry></zone></entry></vsys></entry></devices></config></entry></template-stack>\n',
    );
    expect(withStack).not.toBe(text);
    for (const p of panosReader.read([{ path: 'p.xml', text: withStack }])) {
      expect(p.zones?.incomplete).toBe(true);
      expect(p.zones?.known).toContain('stack-zone');
      expect(p.zones?.subnets).toBeUndefined();
    }
  });
});

describe('PAN-OS: the corpus exports decide where every possibility agrees', () => {
  const corpus = (name: string) => join(CORPUS, name);
  const run = existsSync(CORPUS) ? it : it.skip;

  run(
    'iron-skillet (no zones, interzone-default drop): trust to untrust is blocked; so is any egress',
    () => {
      const { text, policies } = read(corpus('iron-skillet-10.1-day1-baseline.xml'));
      const p = policies[0]!;
      expect(zoneFacts(p)).toEqual({ known: [], incomplete: true, subnets: [] });
      const drop = lineOf(text, '<entry name="interzone-default">');
      expect(
        verdict(p, '*:443/tcp', { sourceZones: zones('trust'), destinationZones: zones('untrust') }),
      ).toEqual({
        verdict: 'blocked',
        rule: 'interzone-default',
        line: drop,
      });
      expect(verdict(p, '*:443/tcp', {})).toMatchObject({ verdict: 'blocked', rule: 'interzone-default' });
    },
  );

  run('firewall-5.0: zones internal and external, the subnet of ethernet1/1', () => {
    const { policies } = read(corpus('firewall-5.0-vsys1-example.xml'));
    expect(zoneFacts(policies[0]!)).toMatchObject({
      known: ['internal', 'external'],
      incomplete: false,
      subnets: [expect.stringMatching(/^external ethernet1\/1 81\.81\.0\.0\/24 @\d+$/)],
    });
  });

  run('panorama-10.0: template zones, and "shared pre rule 1" (any to any) allows whatever the zone', () => {
    const { policies } = read(corpus('panorama-10.0-device-groups.xml'));
    for (const p of policies) {
      expect(p.zones?.incomplete).toBe(true);
      expect(p.zones?.known).toEqual(expect.arrayContaining(['WAN', 'Internet', 'LAN']));
      expect(verdict(p, '*:443/tcp', {})).toMatchObject({ verdict: 'allowed', rule: 'shared pre rule 1' });
    }
  });
});
