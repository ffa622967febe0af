import { describe, expect, it } from 'vitest';
import {
  ANY_ADDRESS,
  HOST_POINT,
  ipsExpr,
  matchAddress,
  minusExpr,
  nameExpr,
  notExpr,
  unionExpr,
  unknownExpr,
  type MatchContext,
} from '../../src/model/address.js';
import { parseCidr } from '../../src/model/ip.js';
import { namePatternMatches, type NamePattern } from '../../src/model/names.js';
import { matchService } from '../../src/model/service.js';

const fqdn = (domain: string, method: NamePattern['method'] = 'resolve'): NamePattern => ({
  kind: 'fqdn',
  domain,
  apex: false,
  depth: 'any',
  method,
  text: domain,
});
const wildcard = (domain: string, opts: Partial<NamePattern> = {}): NamePattern => ({
  kind: 'wildcard',
  domain,
  apex: false,
  depth: 'any',
  method: 'resolve',
  text: `*.${domain}`,
  ...opts,
});
const host = (
  h: string,
  protocol: 'tcp' | 'udp' = 'tcp',
  family: 'ipv4' | 'ipv6' = 'ipv4',
): MatchContext => ({ kind: 'host', host: h, family, protocol });

describe('name patterns', () => {
  it('a wildcard covers sub-domains, not the domain itself unless the vendor says so', () => {
    expect(namePatternMatches(wildcard('kognitivspark.net'), 'cdn.kognitivspark.net')).toBe(true);
    expect(namePatternMatches(wildcard('kognitivspark.net'), 'a.b.kognitivspark.net')).toBe(true);
    expect(namePatternMatches(wildcard('kognitivspark.net'), 'kognitivspark.net')).toBe(false);
    expect(namePatternMatches(wildcard('kognitivspark.net', { apex: true }), 'kognitivspark.net')).toBe(true);
    expect(namePatternMatches(wildcard('kognitivspark.net', { depth: 'one' }), 'a.b.kognitivspark.net')).toBe(
      false,
    );
    expect(namePatternMatches(wildcard('spark.net'), 'kognitivspark.net')).toBe(false);
    expect(namePatternMatches(fqdn('cdn.kognitivspark.net'), 'CDN.KognitivSpark.net.')).toBe(true);
  });
});

describe('matching a host name flow', () => {
  it('is decided by an exact name, a covering wildcard, or addresses covering all public space', () => {
    expect(
      matchAddress(nameExpr(fqdn('cdn.kognitivspark.net')), host('cdn.kognitivspark.net')).yes.equals(
        HOST_POINT,
      ),
    ).toBe(true);
    expect(
      matchAddress(nameExpr(fqdn('other.example.com')), host('cdn.kognitivspark.net')).yes.isEmpty(),
    ).toBe(true);
    expect(
      matchAddress(ipsExpr(parseCidr('0.0.0.0/0')), host('cdn.kognitivspark.net')).yes.equals(HOST_POINT),
    ).toBe(true);
    expect(matchAddress(ANY_ADDRESS, host('x.example.com')).yes.equals(HOST_POINT)).toBe(true);
  });
  it('is undecidable for specific public addresses, and a no for private ones', () => {
    const pub = matchAddress(ipsExpr(parseCidr('20.0.0.0/8')), host('cdn.kognitivspark.net'));
    expect(pub.yes.isEmpty()).toBe(true);
    expect(pub.maybe.equals(HOST_POINT)).toBe(true);
    expect(pub.why).toMatch(/can't be known without DNS/);
    const priv = matchAddress(ipsExpr(parseCidr('10.0.0.0/8')), host('cdn.kognitivspark.net'));
    expect(priv.yes.isEmpty() && priv.maybe.isEmpty()).toBe(true);
  });
  it('keeps address families apart: an IPv4 /0 says nothing of the IPv6 address', () => {
    const v6 = matchAddress(ipsExpr(parseCidr('0.0.0.0/0')), host('cdn.kognitivspark.net', 'tcp', 'ipv6'));
    expect(v6.yes.isEmpty() && v6.maybe.isEmpty()).toBe(true);
  });
  it('SNI matching never covers UDP', () => {
    const sni = nameExpr(wildcard('kognitivspark.net', { method: 'sni' }));
    expect(matchAddress(sni, host('turn.kognitivspark.net', 'tcp')).yes.isEmpty()).toBe(false);
    expect(matchAddress(sni, host('turn.kognitivspark.net', 'udp')).yes.isEmpty()).toBe(true);
  });
  it('reports how a name matched', () => {
    const pattern = wildcard('kognitivspark.net', { method: 'dns-snoop' });
    expect(
      matchAddress(
        unionExpr([ipsExpr(parseCidr('10.0.0.0/8')), nameExpr(pattern)]),
        host('cdn.kognitivspark.net'),
      ).via,
    ).toBe(pattern);
  });
});

describe('three-valued address logic', () => {
  const ctx: MatchContext = { kind: 'addresses' };
  it('an unknown part is maybe; its negation stays maybe where it could be, no where it is known', () => {
    const u = unionExpr([ipsExpr(parseCidr('10.0.0.0/8')), unknownExpr({ reason: 'dynamic group' })]);
    const m = matchAddress(u, ctx);
    expect(m.yes.equals(parseCidr('10.0.0.0/8'))).toBe(true);
    const n = matchAddress(notExpr(u), ctx);
    expect(n.yes.isEmpty()).toBe(true);
    expect(n.maybe.intersects(parseCidr('10.0.0.0/8'))).toBe(false);
    expect(n.why).toBe('dynamic group');
  });
  it('minus removes exactly', () => {
    const m = matchAddress(
      minusExpr(ipsExpr(parseCidr('10.0.0.0/8')), ipsExpr(parseCidr('10.5.0.0/16'))),
      ctx,
    );
    expect(m.yes.size()).toBe((1n << 24n) - (1n << 16n));
  });
});

describe('services', () => {
  it('matches port ranges per protocol and IP protocol numbers', () => {
    expect(matchService({ kind: 'ports', protocol: 'tcp', ports: [[440, 450]] }, 443, 'tcp').result).toBe(
      'yes',
    );
    expect(matchService({ kind: 'ports', protocol: 'tcp', ports: [[440, 450]] }, 443, 'udp').result).toBe(
      'no',
    );
    expect(matchService({ kind: 'protocol', number: 17 }, 3478, 'udp').result).toBe('yes');
    expect(
      matchService({ kind: 'not', of: { kind: 'ports', protocol: 'udp', ports: [[53, 53]] } }, 3478, 'udp')
        .result,
    ).toBe('yes');
  });
  it('decides source-port conditions from the client ephemeral range 1024-65535', () => {
    const svc = (sourcePorts: [number, number][]) =>
      matchService({ kind: 'ports', protocol: 'udp', ports: [[3478, 3478]], sourcePorts }, 3478, 'udp')
        .result;
    expect(svc([[1, 65535]])).toBe('yes');
    expect(svc([[1024, 65535]])).toBe('yes');
    expect(svc([[53, 53]])).toBe('no');
    expect(svc([[49152, 65535]])).toBe('maybe');
  });
});
