import { describe, expect, it } from 'vitest';
import { evaluateFlow } from '../../src/evaluate/evaluate.js';
import { ANY_ADDRESS, ipsExpr } from '../../src/model/address.js';
import type { Flow } from '../../src/model/flow.js';
import { parseCidr } from '../../src/model/ip.js';
import type { Action, Policy, Rule } from '../../src/model/policy.js';
import { ANY_SERVICE } from '../../src/model/service.js';
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
    location: { path: 'fw.conf', line: line++ },
    ...over,
  };
}
/** A policy whose export doesn't tell the egress zone, with zones trust, untrust and dmz. */
function silent(rules: Rule[], over: Partial<Policy> = {}): Policy {
  return {
    format: 'test',
    paths: ['fw.conf'],
    rules,
    default: { action: 'deny', name: 'implicit deny' },
    egressZones: 'unknown',
    zones: { known: ['trust', 'untrust', 'dmz'], incomplete: false },
    notes: [],
    ...over,
  };
}
const STUN: Flow = {
  role: 'stun',
  roleLabel: 'STUN',
  host: '*',
  port: 3478,
  protocol: 'udp',
  severity: 'required',
  provenance: { source: 'test', verified: true },
};
const zones = (...z: string[]) => ZoneSet.of(z);

describe('egress zone the config does not tell', () => {
  it('an allow from any zone to any zone is allowed whatever zone reaches the internet, and says so', () => {
    const r = evaluateFlow(silent([rule('any-any', 'allow')]), STUN, {});
    expect(r.verdict).toBe('allowed');
    expect(r.decidedBy).toBe(0);
    expect(r.assumptions?.join(' ')).toMatch(
      /checked zone "dmz", zone "trust", zone "untrust".*same verdict/,
    );
    // Allowed for every client zone of every candidate: nothing to qualify.
    expect(r.allowedFrom).toBeUndefined();
  });

  it('an allow from one zone names that zone as the only one it holds for', () => {
    const p = silent([rule('from-trust', 'allow', { sourceZones: zones('trust') })], {
      egressZones: zones('untrust'),
    });
    const r = evaluateFlow(p, STUN, {});
    expect(r.verdict).toBe('allowed');
    expect(r.allowedFrom).toEqual({ sourceZones: 'trust' });
  });

  it('a deny any to any is blocked in every candidate zone', () => {
    const r = evaluateFlow(silent([rule('deny-all', 'deny'), rule('late', 'allow')]), STUN, {});
    expect(r.verdict).toBe('blocked');
    expect(r.decidedBy).toBe(0);
  });

  it('candidates that disagree give unknown, naming which zones give what', () => {
    const p = silent([
      rule('out', 'allow', { sourceZones: zones('trust'), destinationZones: zones('untrust') }),
    ]);
    const r = evaluateFlow(p, STUN, { sourceZones: zones('trust') });
    expect(r.verdict).toBe('unknown');
    expect(r.detail).toMatch(/allowed if it is zone "untrust"/);
    expect(r.detail).toMatch(/blocked if it is zone "dmz"/);
    expect(r.detail).toMatch(/--destination-zone/);
  });

  it("the clients' own zone is never a candidate: a rule bound to their zone decides for every egress", () => {
    // As an ASA ACL bound "in" on the clients' interface: it names only the source side.
    const p = silent([rule('inside-in', 'allow', { sourceZones: zones('trust') })]);
    expect(evaluateFlow(p, STUN, { sourceZones: zones('trust') }).verdict).toBe('allowed');
    const d = silent([rule('inside-in', 'deny', { sourceZones: zones('trust') }), rule('rest', 'allow')]);
    expect(evaluateFlow(d, STUN, { sourceZones: zones('trust') }).verdict).toBe('blocked');
  });

  it('"another zone" is a candidate when the export may not show every zone', () => {
    const rules = [rule('out', 'allow', { destinationZones: zones('untrust', 'dmz', 'trust') })];
    expect(evaluateFlow(silent(rules), STUN, {}).verdict).toBe('allowed');
    const open = silent(rules, { zones: { known: ['trust', 'untrust', 'dmz'], incomplete: true } });
    const r = evaluateFlow(open, STUN, {});
    expect(r.verdict).toBe('unknown');
    expect(r.detail).toMatch(/blocked if it is another zone than "dmz", "trust", "untrust"/);
  });

  it('--destination-zone fills in where the config is silent', () => {
    const p = silent([
      rule('out', 'allow', { sourceZones: zones('trust'), destinationZones: zones('untrust') }),
    ]);
    expect(evaluateFlow(p, STUN, { destinationZones: zones('untrust') }).verdict).toBe('allowed');
    expect(evaluateFlow(p, STUN, { destinationZones: zones('dmz') }).verdict).toBe('blocked');
  });

  it("--destination-zone never replaces the config's own egress zone; the override does", () => {
    const p = silent([rule('out', 'allow', { destinationZones: zones('untrust') })], {
      egressZones: zones('untrust'),
    });
    const r = evaluateFlow(p, STUN, { destinationZones: zones('dmz') });
    expect(r.verdict).toBe('allowed');
    expect(r.assumptions?.join(' ')).toMatch(/only fills in where a config is silent/);
    const o = evaluateFlow(p, STUN, { egressOverrides: new Map([['fw.conf', zones('dmz')]]) });
    expect(o.verdict).toBe('blocked');
    expect(o.assumptions?.join(' ')).toMatch(/--destination-zone-override/);
  });

  it("a zone name only another input defines doesn't apply to this policy", () => {
    const p = silent([
      rule('out', 'allow', { sourceZones: zones('trust'), destinationZones: zones('untrust') }),
    ]);
    // "external" is some other vendor's zone: this policy stays quantified over its own zones.
    const r = evaluateFlow(p, STUN, { sourceZones: zones('trust'), destinationZones: zones('external') });
    expect(r.verdict).toBe('unknown');
    expect(r.detail).toMatch(/zone "untrust"/);
  });
});

describe('same-zone rules (PAN-OS intrazone-default)', () => {
  const intrazone = rule('intrazone-default', 'allow', { sameZone: true });
  const interzone = rule('interzone-default', 'deny');
  const p = silent([intrazone, interzone], { zones: { known: [], incomplete: true } });

  it('two distinct zones given are interzone', () => {
    const r = evaluateFlow(p, STUN, { sourceZones: zones('trust'), destinationZones: zones('untrust') });
    expect(r.verdict).toBe('blocked');
    expect(r.decidedBy).toBe(1);
  });

  it('the same zone given for both is intrazone', () => {
    const r = evaluateFlow(p, STUN, { sourceZones: zones('trust'), destinationZones: zones('trust') });
    expect(r.verdict).toBe('allowed');
    expect(r.decidedBy).toBe(0);
  });

  it('with no zone given, clients are outside the egress zone: interzone', () => {
    const r = evaluateFlow(p, STUN, {});
    expect(r.verdict).toBe('blocked');
    expect(r.decidedBy).toBe(1);
    expect(r.assumptions?.join(' ')).toMatch(/another zone than the egress one/);
  });
});

describe('client zone from interface subnets', () => {
  const p = silent(
    [
      rule('inside-out', 'allow', {
        sourceZones: zones('trust'),
        sources: ipsExpr(parseCidr('10.1.0.0/16')),
      }),
      rule('dmz-out', 'deny', { sourceZones: zones('dmz') }),
    ],
    {
      zones: {
        known: ['trust', 'untrust', 'dmz'],
        incomplete: false,
        subnets: [
          {
            zone: 'trust',
            net: parseCidr('10.1.0.0/16'),
            interface: 'port2',
            location: { path: 'fw.conf', line: 7 },
          },
          { zone: 'dmz', net: parseCidr('172.16.0.0/24'), interface: 'port3' },
        ],
      },
    },
  );

  it("sources inside one zone's connected subnet arrive on that zone, and the report says why", () => {
    const r = evaluateFlow(p, STUN, { sources: parseCidr('10.1.2.0/24') });
    expect(r.verdict).toBe('allowed');
    expect(r.assumptions?.join(' ')).toMatch(
      /arrive on zone "trust".*interface port2, 10\.1\.0\.0\/16, fw\.conf:7/,
    );
    expect(evaluateFlow(p, STUN, { sources: parseCidr('172.16.0.0/25') }).verdict).toBe('blocked');
  });

  it('sources in no connected subnet leave the client zone open', () => {
    const r = evaluateFlow(p, STUN, { sources: parseCidr('192.168.9.0/24') });
    expect(r.assumptions?.join(' ') ?? '').not.toMatch(/arrive on zone/);
  });
});

describe('the deciding rule of a blocked flow', () => {
  it('is the rule that stops every IPv4 client, not the default that takes the (far larger) IPv6 space', () => {
    const p = silent([rule('deny ip any4 any4', 'deny', { sources: ipsExpr(parseCidr('0.0.0.0/0')) })], {
      egressZones: undefined,
    });
    const r = evaluateFlow(p, STUN, {});
    expect(r.verdict).toBe('blocked');
    expect(r.decidedBy).toBe(0);
    expect(r.alsoBy).toEqual([-1]);
  });
});
