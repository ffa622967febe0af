import { describe, expect, it } from 'vitest';
import { evaluateAll, evaluateFlow, type Scope } from '../../src/evaluate/evaluate.js';
import {
  ANY_ADDRESS,
  ipsExpr,
  nameExpr,
  unionExpr,
  unknownExpr,
  type AddressExpr,
} from '../../src/model/address.js';
import type { Flow } from '../../src/model/flow.js';
import { IntervalSet } from '../../src/model/interval-set.js';
import { parseCidr } from '../../src/model/ip.js';
import type { NamePattern } from '../../src/model/names.js';
import type { Action, Policy, Rule } from '../../src/model/policy.js';
import { ANY_SERVICE, type ServiceExpr } from '../../src/model/service.js';
import { ZoneSet } from '../../src/model/zone-set.js';

let line = 10;
function rule(name: string, action: Action, over: Partial<Rule> = {}): Rule {
  return {
    name,
    enabled: true,
    action,
    sourceZones: ZoneSet.ANY,
    destinationZones: ZoneSet.ANY,
    sources: ANY_ADDRESS,
    destinations: ANY_ADDRESS,
    services: ANY_SERVICE,
    location: { path: 'fw.yaml', line: line++ },
    ...over,
  };
}
const policy = (rules: Rule[], def: Action = 'deny', over: Partial<Policy> = {}): Policy => ({
  format: 'test',
  paths: ['fw.yaml'],
  rules,
  default: { action: def, name: 'implicit deny', location: { path: 'fw.yaml', line: 1 } },
  notes: [],
  ...over,
});
const ips = (...cidrs: string[]): AddressExpr => ipsExpr(IntervalSet.unionAll(cidrs.map(parseCidr)));
const tcp = (port: number): ServiceExpr => ({ kind: 'ports', protocol: 'tcp', ports: [[port, port]] });
const udp = (port: number): ServiceExpr => ({ kind: 'ports', protocol: 'udp', ports: [[port, port]] });
const flow = (host: string, port: number, protocol: 'tcp' | 'udp' = 'tcp'): Flow => ({
  role: 'test',
  roleLabel: 'Test',
  host,
  port,
  protocol,
  severity: 'required',
  provenance: { source: 'test', verified: true },
});
const name = (text: string, method: NamePattern['method'] = 'resolve'): AddressExpr =>
  nameExpr(
    text.startsWith('*.')
      ? { kind: 'wildcard', domain: text.slice(2), apex: false, depth: 'any', method, text }
      : { kind: 'fqdn', domain: text, apex: false, depth: 'any', method, text },
  );
const src = (...cidrs: string[]): Scope => ({ sources: IntervalSet.unionAll(cidrs.map(parseCidr)) });
const CDN = flow('cdn.kognitivspark.net', 443);
const STUN = flow('*', 3478, 'udp');

describe('first match and source sets', () => {
  it('a deny on part of the client subnet before an allow makes the flow partial, naming the deny', () => {
    const p = policy([
      rule('block-guest', 'deny', { sources: ips('10.20.5.0/24') }),
      rule('allow-clients', 'allow', { sources: ips('10.20.0.0/16'), services: tcp(443) }),
    ]);
    const r = evaluateFlow(p, CDN, src('10.20.0.0/16'));
    expect(r.verdict).toBe('partial');
    expect(p.rules[r.decidedBy!]!.name).toBe('block-guest');
    expect(r.detail).toContain('sources 10.20.5.0/24');
    expect(r.detail).toContain('10.20.0.0/16 except 10.20.5.0/24');
  });
  it('a detail names the five rules that decide for the most sources, then how many more there are', () => {
    // Eight guest subnets denied, of growing size (/27 down to /24 sources), then an allow for the rest.
    const denies = [27, 27, 26, 26, 25, 25, 24, 24].map((len, i) =>
      rule(`block-${i}`, 'deny', { sources: ips(`10.20.${i * 8}.0/${len}`) }),
    );
    const p = policy([...denies, rule('allow-clients', 'allow', { sources: ips('10.20.0.0/16') })]);
    const r = evaluateFlow(p, CDN, src('10.20.0.0/16'));
    expect(r.verdict).toBe('partial');
    // Biggest first; block-2 and block-3 deny as many sources, and the earlier rule comes first.
    for (const shown of ['block-7', 'block-6', 'block-5', 'block-4', 'block-2'])
      expect(r.detail).toContain(`rule "${shown}"`);
    for (const left of ['block-3', 'block-1', 'block-0']) expect(r.detail).not.toContain(`rule "${left}"`);
    expect(r.detail).toMatch(/\(fw\.yaml:\d+\), and 3 more rules; allowed/);
    // All eight stay in the result for reports that list every rule.
    expect(r.alsoBy.length).toBe(8);
  });
  it('the same deny outside the client subnet leaves the flow allowed', () => {
    const p = policy([
      rule('block-guest', 'deny', { sources: ips('10.99.0.0/24') }),
      rule('allow-clients', 'allow', { sources: ips('10.20.0.0/16'), services: tcp(443) }),
    ]);
    const r = evaluateFlow(p, CDN, src('10.20.0.0/16'));
    expect(r.verdict).toBe('allowed');
    expect(p.rules[r.decidedBy!]!.name).toBe('allow-clients');
  });
  it('order decides: an allow before the deny wins', () => {
    const p = policy([rule('allow', 'allow', { services: tcp(443) }), rule('deny', 'deny')]);
    expect(evaluateFlow(p, CDN, {}).verdict).toBe('allowed');
  });
  it('disabled rules are skipped', () => {
    const p = policy([rule('allow', 'allow', { enabled: false })]);
    const r = evaluateFlow(p, CDN, {});
    expect(r.verdict).toBe('blocked');
    expect(r.decidedBy).toBe(-1);
    expect(r.detail).toMatch(/no rule allows it; implicit deny \(fw\.yaml:1\) denies it/);
  });
  it('with no source given, a flow allowed for some source is allowed and the report names it', () => {
    const p = policy([rule('allow-lab', 'allow', { sources: ips('10.30.0.0/16'), services: tcp(443) })]);
    const r = evaluateFlow(p, CDN, {});
    expect(r.verdict).toBe('allowed');
    expect(r.allowedFrom?.sources).toBe('10.30.0.0/16');
  });
  it('with no source zone given, zones are satisfiable and named', () => {
    const p = policy([
      rule('trust-out', 'allow', {
        sourceZones: ZoneSet.of(['trust']),
        destinationZones: ZoneSet.of(['untrust']),
      }),
    ]);
    const r = evaluateFlow(p, STUN, {});
    expect(r.verdict).toBe('allowed');
    expect(r.allowedFrom).toEqual({ sourceZones: 'trust', destinationZones: 'untrust' });
    expect(evaluateFlow(p, STUN, { sourceZones: ZoneSet.of(['guest']) }).verdict).toBe('blocked');
    expect(evaluateFlow(p, STUN, { sourceZones: ZoneSet.of(['trust', 'guest']) }).verdict).toBe('partial');
  });
  it('clients are never in the egress zone: an intrazone allow there does not pass', () => {
    const intrazone = ['trust', 'untrust'].map((z) =>
      rule(`intrazone-${z}`, 'allow', { sourceZones: ZoneSet.of([z]), destinationZones: ZoneSet.of([z]) }),
    );
    const p = policy(intrazone, 'deny', { egressZones: ZoneSet.of(['untrust']) });
    expect(evaluateFlow(p, STUN, {}).verdict).toBe('blocked');
  });
  it('an egress zone the config does not tell makes flows unknown until the user names it', () => {
    const p = policy(
      [
        rule('out', 'allow', {
          sourceZones: ZoneSet.of(['trust']),
          destinationZones: ZoneSet.of(['untrust']),
        }),
      ],
      'deny',
      {
        egressZones: 'unknown',
      },
    );
    const r = evaluateFlow(p, STUN, {});
    expect(r.verdict).toBe('unknown');
    expect(r.detail).toMatch(/--destination-zone/);
    expect(evaluateFlow(p, STUN, { destinationZones: ZoneSet.of(['untrust']) }).verdict).toBe('allowed');
    expect(evaluateFlow(p, STUN, { destinationZones: ZoneSet.of(['dmz']) }).verdict).toBe('blocked');
  });
  it('known egress zones pin the destination zone', () => {
    const p = policy([rule('to-dmz', 'allow', { destinationZones: ZoneSet.of(['dmz']) })], 'deny', {
      egressZones: ZoneSet.of(['untrust']),
    });
    expect(evaluateFlow(p, STUN, {}).verdict).toBe('blocked');
  });
});

describe('destinations', () => {
  it('an any-destination flow must be allowed for every public destination', () => {
    const p = policy([rule('block-one', 'deny', { destinations: ips('20.1.2.3') }), rule('all', 'allow')]);
    const r = evaluateFlow(p, STUN, src('10.0.0.0/8'));
    expect(r.verdict).toBe('partial');
    expect(r.detail).toContain('destinations 20.1.2.3/32');
  });
  it('a deny on special-purpose space does not touch an internet flow', () => {
    const p = policy([
      rule('no-rfc1918', 'deny', {
        destinations: ips('10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10'),
      }),
      rule('all', 'allow'),
    ]);
    expect(evaluateFlow(p, STUN, {}).verdict).toBe('allowed');
    expect(evaluateFlow(p, CDN, {}).verdict).toBe('allowed');
  });
  it('an allow to 0.0.0.0/0 and ::/0 together covers both families', () => {
    const p = policy([rule('v4', 'allow', { destinations: ips('0.0.0.0/0') })]);
    expect(evaluateFlow(p, STUN, src('10.0.0.0/8')).verdict).toBe('allowed');
    expect(evaluateFlow(p, STUN, src('10.0.0.0/8', '2001:db8:1::/48')).verdict).toBe('partial');
    const both = policy([rule('both', 'allow', { destinations: ips('0.0.0.0/0', '::/0') })]);
    expect(evaluateFlow(both, STUN, src('10.0.0.0/8', '2001:db8:1::/48')).verdict).toBe('allowed');
  });
  it('an IPv4 source rule never matches IPv6 clients', () => {
    const p = policy([rule('v4-clients', 'allow', { sources: ips('0.0.0.0/0') })]);
    expect(evaluateFlow(p, STUN, src('2001:db8:1::/48')).verdict).toBe('blocked');
  });
  it('a host flow allowed by its exact name says how the firewall matches names', () => {
    const p = policy([
      rule('cdn', 'allow', { destinations: name('cdn.kognitivspark.net'), services: tcp(443) }),
    ]);
    const r = evaluateFlow(p, CDN, {});
    expect(r.verdict).toBe('allowed');
    expect(r.nameMatch).toMatchObject({ text: 'cdn.kognitivspark.net', method: 'resolve' });
    expect(r.detail).toContain('resolves the name itself');
  });
  it('a wildcard covers sub-domains; an SNI wildcard never covers UDP', () => {
    const p = policy([rule('ks', 'allow', { destinations: name('*.kognitivspark.net', 'sni') })]);
    expect(evaluateFlow(p, CDN, {}).verdict).toBe('allowed');
    expect(evaluateFlow(p, flow('turn.kognitivspark.net', 3478, 'udp'), {}).verdict).toBe('blocked');
    expect(evaluateFlow(p, flow('kognitivspark.net', 443), {}).verdict).toBe('blocked');
  });
  it('a rule on specific public addresses makes a host flow unknown, naming the rule', () => {
    const p = policy([rule('azure-ips', 'allow', { destinations: ips('20.0.0.0/8') })]);
    const r = evaluateFlow(p, CDN, {});
    expect(r.verdict).toBe('unknown');
    expect(p.rules[r.decidedBy!]!.name).toBe('azure-ips');
    expect(r.detail).toContain("can't be known without DNS");
  });
  it('...unless the outcome is the same either way', () => {
    const p = policy([
      rule('azure-ips', 'allow', { destinations: ips('20.0.0.0/8') }),
      rule('all-443', 'allow', { services: tcp(443) }),
    ]);
    expect(evaluateFlow(p, CDN, {}).verdict).toBe('allowed');
    const q = policy([
      rule('deny-some', 'deny', { destinations: ips('20.0.0.0/8') }),
      rule('all-443', 'allow', { services: tcp(443) }),
    ]);
    expect(evaluateFlow(q, CDN, src('10.0.0.0/8')).verdict).toBe('unknown');
    // With no source given, IPv6 clients are untouched by the IPv4 deny, so some source is fully allowed.
    expect(evaluateFlow(q, CDN, {}).verdict).toBe('allowed');
    expect(evaluateFlow(q, CDN, {}).allowedFrom?.sources).toBe('::/0');
  });
  it('relay addresses replace any-destination for STUN/TURN', () => {
    const relays = IntervalSet.unionAll(['52.1.1.1', '52.1.1.2'].map(parseCidr));
    const f: Flow = { ...STUN, relays: { set: relays, text: ['52.1.1.1', '52.1.1.2'] } };
    const one = policy([rule('relay1', 'allow', { destinations: ips('52.1.1.1'), services: udp(3478) })]);
    expect(evaluateFlow(one, f, {}).verdict).toBe('partial');
    const both = policy([rule('relays', 'allow', { destinations: ips('52.1.1.0/30'), services: udp(3478) })]);
    expect(evaluateFlow(both, f, {}).verdict).toBe('allowed');
    expect(evaluateFlow(both, STUN, {}).verdict).toBe('partial');
  });
});

describe('what the config cannot tell', () => {
  it('a dynamic group in front of a deny makes the flow unknown, never allowed', () => {
    const p = policy([
      rule('dag', 'allow', { sources: unknownExpr({ reason: "dynamic address group 'dag-x'" }) }),
    ]);
    const r = evaluateFlow(p, STUN, src('10.0.0.0/8'));
    expect(r.verdict).toBe('unknown');
    expect(r.detail).toContain("dynamic address group 'dag-x'");
  });
  it('an unknown allow followed by an allow-all is still allowed', () => {
    const p = policy([rule('dag', 'allow', { sources: unknownExpr({ reason: 'x' }) }), rule('all', 'allow')]);
    expect(evaluateFlow(p, STUN, src('10.0.0.0/8')).verdict).toBe('allowed');
  });
  it('an undecidable service (App-ID) is unknown', () => {
    const p = policy([
      rule('app', 'allow', { services: { kind: 'unknown', part: { reason: 'App-ID stun' } } }),
    ]);
    expect(evaluateFlow(p, STUN, {}).verdict).toBe('unknown');
  });
  it('a union with a known part still decides that part', () => {
    const p = policy([
      rule('mixed', 'deny', { sources: unionExpr([ips('10.1.0.0/16'), unknownExpr({ reason: 'edl' })]) }),
      rule('all', 'allow'),
    ]);
    expect(evaluateFlow(p, STUN, src('10.1.0.0/16')).verdict).toBe('blocked');
    // 10.2/16 may or may not be in the list: denied or allowed, nobody can say; 10.1/16 surely denied.
    const r = evaluateFlow(p, STUN, src('10.1.0.0/16', '10.2.0.0/16'));
    expect(r.verdict).toBe('unknown');
    expect(r.detail).toContain('edl');
    expect(r.detail).toContain('denied elsewhere by rule "mixed"');
  });
});

describe('several policies', () => {
  it('the flow takes the worst verdict, and names that policy', () => {
    const open = policy([rule('all', 'allow')]);
    const closed = policy([], 'deny', { paths: ['closed.yaml'] });
    const [r] = evaluateAll([open, closed], [STUN], {});
    expect(r!.verdict).toBe('blocked');
    expect(r!.primary.policy.paths[0]).toBe('closed.yaml');
    expect(r!.perPolicy.map((x) => x.verdict)).toEqual(['allowed', 'blocked']);
  });
});
