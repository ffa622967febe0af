import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseFlowSpec } from '../../src/check/flow-spec.js';
import { evaluateFlow, type Scope } from '../../src/evaluate/evaluate.js';
import { asaReader } from '../../src/formats/asa/asa-reader.js';
import { genericReader } from '../../src/formats/generic/generic-reader.js';
import { InputError } from '../../src/input/input-error.js';
import type { InputFile } from '../../src/input/input-file.js';
import { matchAddress } from '../../src/model/address.js';
import { IntervalSet } from '../../src/model/interval-set.js';
import { parseIpSpec } from '../../src/model/ip.js';
import type { Policy, Rule } from '../../src/model/policy.js';
import { ZoneSet } from '../../src/model/zone-set.js';

const FIXTURES = 'fixtures/asa';

function fixture(name: string): InputFile {
  const path = `${FIXTURES}/${name}`;
  return { path, text: readFileSync(path, 'utf8') };
}

function read(text: string, path = 'fw.cfg'): Policy {
  const policies = asaReader.read([{ path, text }]);
  expect(policies).toHaveLength(1);
  return policies[0]!;
}

function rule(policy: Policy, name: string): Rule {
  const r = policy.rules.find((x) => x.name === name);
  if (!r) throw new Error(`no rule ${name}: ${policy.rules.map((x) => x.name).join(', ')}`);
  return r;
}

function lineOf(text: string, needle: string): number {
  const i = text.split('\n').findIndex((l) => l.includes(needle));
  if (i < 0) throw new Error(`"${needle}" not in text`);
  return i + 1;
}

function readError(text: string, path = 'fw.cfg'): InputError {
  try {
    asaReader.read([{ path, text }]);
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return e as InputError;
  }
  throw new Error('expected an InputError');
}

function expectError(text: string, needle: string, message: RegExp): void {
  const e = readError(text);
  expect({ path: e.path, line: e.line }).toEqual({ path: 'fw.cfg', line: lineOf(text, needle) });
  expect(e.message).toMatch(message);
}

function verdict(
  policy: Policy,
  flow: string,
  scope: { source?: string; zone?: string; egress?: string } = {},
) {
  const s: Scope = {
    ...(scope.source ? { sources: parseIpSpec(scope.source) } : {}),
    ...(scope.zone ? { sourceZones: ZoneSet.of([scope.zone]) } : {}),
    ...(scope.egress ? { destinationZones: ZoneSet.of([scope.egress]) } : {}),
  };
  const r = evaluateFlow(policy, parseFlowSpec(flow), s);
  const by =
    r.decidedBy === undefined ? undefined : r.decidedBy < 0 ? policy.default : policy.rules[r.decidedBy];
  return { verdict: r.verdict, rule: by?.name, line: by?.location?.line, detail: r.detail };
}

/** A minimal routed ASA: outside (0) with a default route, inside (100) with ACL IN applied. */
function asa(body: string, head = 'ASA Version 9.12(4)'): string {
  return `${head}
hostname t
interface GigabitEthernet0/0
 nameif outside
 security-level 0
 ip address 203.0.113.2 255.255.255.0
interface GigabitEthernet0/1
 nameif inside
 security-level 100
 ip address 10.0.0.1 255.255.255.0
dns domain-lookup outside
dns server-group DefaultDNS
 name-server 198.51.100.53
${body}
route outside 0.0.0.0 0.0.0.0 203.0.113.1 1
`;
}

describe('ASA: detection', () => {
  const detect = (text: string) => asaReader.detect({ path: 'x.cfg', text });

  it('says yes to every fixture and no to the expected-verdict files', () => {
    for (const name of readdirSync(FIXTURES)) {
      if (name.endsWith('.md')) continue;
      const expected = name.includes('.expected.') ? { kind: 'no' } : { kind: 'yes' };
      expect(asaReader.detect(fixture(name)), name).toEqual(expected);
    }
  });

  it('says yes to fragments in ASA-only syntax', () => {
    expect(detect('object-group network X\n network-object host 10.0.0.1\n')).toEqual({ kind: 'yes' });
    expect(detect('access-list A extended permit ip any any\n')).toEqual({ kind: 'yes' });
    expect(detect('interface Vlan1\n nameif inside\n')).toEqual({ kind: 'yes' });
  });

  it('says no to other formats', () => {
    expect(detect('format: generic/v1\ndefault: deny\nrules: []\n')).toEqual({ kind: 'no' });
    expect(detect('config firewall policy\n    edit 1\n    next\nend\n')).toEqual({ kind: 'no' });
    expect(detect('*filter\n:INPUT ACCEPT [0:0]\n-A FORWARD -j DROP\nCOMMIT\n')).toEqual({ kind: 'no' });
    expect(genericReader.detect(fixture('branch-office.asa'))).toEqual({ kind: 'no' });
  });

  it('calls a Firepower Threat Defense config a near miss', () => {
    const ftd =
      'NGFW Version 7.2.5\n!\nhostname ftd\naccess-list CSM_FW_ACL_ advanced permit ip any any rule-id 268434432\n';
    const d = detect(ftd);
    expect(d.kind).toBe('near-miss');
    expect(d.kind === 'near-miss' && d.reason).toMatch(
      /^a Firepower Threat Defense \(FTD\) config, not an ASA one/,
    );
    expect(detect(': Saved\nASA Version 9.16(3)\naccess-list X advanced permit ip any any\n').kind).toBe(
      'near-miss',
    );
  });

  it('calls an IOS / IOS-XE router config a near miss', () => {
    const ios = `version 15.2
hostname r1
interface GigabitEthernet0/0/0
 ip address 192.0.2.1 255.255.255.0
ip access-list extended EDGE
 permit tcp any any eq 443
`;
    const d = detect(ios);
    expect(d).toEqual({
      kind: 'near-miss',
      reason: expect.stringMatching(/^an IOS\/IOS-XE router config, not an ASA one/),
    });
  });

  it('calls PIX 6 and the multiple-context system space near misses', () => {
    expect(detect('PIX Version 6.3(5)\nnameif ethernet0 outside security0\n').kind).toBe('near-miss');
    const system =
      'ASA Version 9.8(4)\nhostname sys\ncontext admin\n  allocate-interface Management0/0\n  config-url disk0:/admin.cfg\n';
    const d = detect(system);
    expect(d.kind === 'near-miss' && d.reason).toMatch(/system execution space of a multiple-context ASA/);
  });
});

describe('ASA: reading branch-office.asa', () => {
  const file = fixture('branch-office.asa');
  const policy = read(file.text, file.path);

  it('names the policy after the hostname and takes the egress from the default route', () => {
    expect(policy.name).toBe('branch-fw');
    expect(policy.format).toBe('asa');
    expect(policy.egressZones).toEqual(ZoneSet.of(['outside']));
    expect(policy.notes.join('\n')).toMatch(
      /egress interface outside: from route outside \(default\) at line 120/,
    );
  });

  it('makes one rule per ACE, skipping remarks but counting them in ACL line numbers', () => {
    const acl = policy.rules.filter((r) => r.name.startsWith('INSIDE_IN line'));
    expect(acl.map((r) => [r.name, r.location.line])).toEqual([
      ['INSIDE_IN line 2', 85],
      ['INSIDE_IN line 3', 86],
      ['INSIDE_IN line 5', 88],
      ['INSIDE_IN line 6', 89],
      ['INSIDE_IN line 7', 90],
      ['INSIDE_IN line 8', 91],
      ['INSIDE_IN line 9', 92],
      ['INSIDE_IN line 10', 93],
      ['INSIDE_IN line 11', 94],
      ['INSIDE_IN line 12', 95],
    ]);
    expect(policy.rules.some((r) => /remark/.test(r.name))).toBe(false);
    expect(rule(policy, 'INSIDE_IN line 2').sourceZones).toEqual(ZoneSet.of(['inside']));
    expect(rule(policy, 'INSIDE_IN line 2').section).toBe('access-group INSIDE_IN in interface inside');
  });

  it('orders interface ACLs before the global ACL and ends with its implicit deny', () => {
    const names = policy.rules.map((r) => r.name);
    expect(names.indexOf('INSIDE_IN line 12')).toBeLessThan(names.indexOf('GLOBAL_POLICY line 2'));
    expect(names.indexOf('GUEST_IN line 1')).toBeLessThan(names.indexOf('GLOBAL_POLICY line 2'));
    expect(names[names.length - 1]).toBe('GLOBAL_POLICY implicit deny');
    // With a global ACL there is no implicit deny per interface ACL, and no security-level rule.
    expect(names).not.toContain('INSIDE_IN implicit deny');
    expect(names.some((n) => n.startsWith('security level'))).toBe(false);
    expect(rule(policy, 'GLOBAL_POLICY implicit deny').location.line).toBe(119);
  });

  it('keeps an inactive ACE as a disabled rule', () => {
    expect(rule(policy, 'INSIDE_IN line 3').enabled).toBe(false);
    expect(rule(policy, 'INSIDE_IN line 2').enabled).toBe(true);
  });

  it('reads an FQDN object as a name matched by resolving it, at its object line', () => {
    const dst = rule(policy, 'INSIDE_IN line 5').destinations;
    const v4 = matchAddress(dst, {
      kind: 'host',
      host: 'cdn.kognitivspark.net',
      family: 'ipv4',
      protocol: 'tcp',
    });
    expect(v4.yes.isEmpty()).toBe(false);
    expect(v4.via).toMatchObject({ kind: 'fqdn', domain: 'cdn.kognitivspark.net', method: 'resolve' });
    expect(v4.via?.location).toEqual({
      path: file.path,
      line: lineOf(file.text, 'fqdn v4 cdn.kognitivspark.net'),
    });
    // fqdn v4: never IPv6.
    const v6 = matchAddress(dst, {
      kind: 'host',
      host: 'cdn.kognitivspark.net',
      family: 'ipv6',
      protocol: 'tcp',
    });
    expect(v6.yes.isEmpty() && v6.maybe.isEmpty()).toBe(true);
  });

  it('resolves nested groups and name aliases into exact address sets', () => {
    const src = matchAddress(rule(policy, 'INSIDE_IN line 7').sources, { kind: 'addresses' }).yes;
    expect(src.equals(parseIpSpec('10.20.0.0/16'))).toBe(true);
    const lab = matchAddress(rule(policy, 'INSIDE_IN line 2').sources, { kind: 'addresses' }).yes;
    expect(lab.equals(parseIpSpec('10.20.64.1-10.20.64.254').union(parseIpSpec('10.20.9.10')))).toBe(true);
  });

  it('shares one expression per object-group between rules', () => {
    expect(rule(policy, 'INSIDE_IN line 7').sources).toBe(rule(policy, 'INSIDE_IN line 8').sources);
  });

  it('turns time-range and object-group-user into conditions', () => {
    expect(rule(policy, 'INSIDE_IN line 9').conditions?.[0]?.reason).toMatch(/time-range "BUSINESS_HOURS"/);
    expect(rule(policy, 'INSIDE_IN line 11').conditions?.[0]?.reason).toMatch(
      /user identity \(object-group-user RS_USERS\)/,
    );
  });
});

describe('ASA: semantics beyond the fixtures', () => {
  it('with no inbound ACL on an interface and no global ACL, uses security levels; with one, its implicit deny', () => {
    const p = read(
      asa('access-list IN extended permit tcp any any eq https\naccess-group IN in interface inside\n'),
    );
    expect(verdict(p, '*:3478/udp', { zone: 'inside' })).toMatchObject({
      verdict: 'blocked',
      rule: 'IN implicit deny',
    });
    const open = read(asa(''));
    expect(verdict(open, '*:3478/udp', { zone: 'inside' })).toMatchObject({
      verdict: 'allowed',
      rule: 'security level: inside (100) to lower levels',
    });
  });

  it('denies lower to higher without an ACL', () => {
    const p = read(asa('').replace(/^route .*$/m, ''));
    expect(verdict(p, '*:443/tcp', { zone: 'outside', egress: 'inside' })).toMatchObject({
      verdict: 'blocked',
      rule: 'security level: outside (0) to higher levels',
    });
  });

  it('leaves the egress unknown without a default route, and says every interface is tried', () => {
    const p = read(asa('').replace(/^route .*$/m, ''));
    expect(p.egressZones).toBe('unknown');
    const note = p.notes.find((n) => n.includes('no default route'));
    expect(note).toMatch(/every interface is a candidate/);
    expect(note).not.toMatch(/\bmust\b|name it/);
    expect(verdict(p, '*:443/tcp').verdict).toBe('unknown');
    expect(verdict(p, '*:443/tcp', { egress: 'outside', zone: 'inside' }).verdict).toBe('allowed');
  });

  it('makes an FQDN object unknown when the ASA has no DNS to resolve it', () => {
    const text = asa(
      'object network CDN\n fqdn v4 cdn.kognitivspark.net\naccess-list IN extended permit tcp any object CDN eq https\naccess-group IN in interface inside\n',
    ).replace(/^dns domain-lookup outside$/m, '');
    const p = read(text);
    expect(verdict(p, 'cdn.kognitivspark.net:443/tcp', { zone: 'inside' })).toMatchObject({
      verdict: 'unknown',
      rule: 'IN line 1',
    });
  });

  it('matches an FQDN object without v4/v6 by name for IPv4 and leaves IPv6 unknown', () => {
    const p = read(
      asa(
        'object network CDN\n fqdn cdn.kognitivspark.net\naccess-list IN extended permit tcp any object CDN eq https\naccess-group IN in interface inside\n',
      ),
    );
    expect(
      verdict(p, 'cdn.kognitivspark.net:443/tcp', { zone: 'inside', source: '10.0.0.0/24' }).verdict,
    ).toBe('allowed');
    expect(
      verdict(p, 'cdn.kognitivspark.net:443/tcp', { zone: 'inside', source: '2001:db8::/64' }).verdict,
    ).toBe('unknown');
  });

  it('reads "any" as IPv4 only before ASA 9.0, and makes IPv6 unknown there', () => {
    const body = 'access-list IN extended permit udp any any eq 3478\naccess-group IN in interface inside\n';
    const old = read(asa(body, 'ASA Version 8.4(7)'));
    expect(verdict(old, '*:3478/udp', { zone: 'inside', source: '10.0.0.0/24' }).verdict).toBe('allowed');
    expect(verdict(old, '*:3478/udp', { zone: 'inside', source: '2001:db8::/64' }).verdict).toBe('unknown');
    const v9 = read(asa(body));
    expect(verdict(v9, '*:3478/udp', { zone: 'inside', source: '2001:db8::/64' }).verdict).toBe('allowed');
  });

  it('makes "interface NAME" with a DHCP address unknown and a static one exact', () => {
    const text = asa(
      'access-list IN extended deny ip any interface outside\naccess-list IN extended permit ip any any\naccess-group IN in interface inside\n',
    );
    const p = read(text);
    const dst = matchAddress(rule(p, 'IN line 1').destinations, { kind: 'addresses' });
    expect(dst.yes.equals(parseIpSpec('203.0.113.2'))).toBe(true);
    const dhcp = read(text.replace(' ip address 203.0.113.2 255.255.255.0', ' ip address dhcp'));
    const d = matchAddress(rule(dhcp, 'IN line 1').destinations, { kind: 'addresses' });
    expect(d.yes.isEmpty() && !d.maybe.isEmpty()).toBe(true);
  });

  it('makes user and security-group arguments conditions, never silent matches', () => {
    const p = read(
      asa(
        'access-list IN extended permit tcp user LOCAL\\bob any any eq https\naccess-list IN extended permit tcp security-group name Staff any any eq 8089\naccess-group IN in interface inside\n',
      ),
    );
    expect(verdict(p, '*:443/tcp', { zone: 'inside' }).verdict).toBe('unknown');
    expect(verdict(p, '*:8089/tcp', { zone: 'inside' }).verdict).toBe('unknown');
  });

  it('drops same-level traffic unless same-security-traffic permits it, even when an ACL permits it', () => {
    const text = asa(
      'access-list IN extended permit ip any any\naccess-group IN in interface inside\n',
    ).replace(' security-level 100', ' security-level 0');
    expect(verdict(read(text), '*:443/tcp', { zone: 'inside' })).toMatchObject({
      verdict: 'blocked',
      rule: 'same security level: inside (0) to other level-0 interfaces',
    });
    const permitted = read(`${text}same-security-traffic permit inter-interface\n`);
    expect(verdict(permitted, '*:443/tcp', { zone: 'inside' })).toMatchObject({
      verdict: 'allowed',
      rule: 'IN line 1',
    });
  });

  it('gives an interface named inside level 100 when it has no security-level line', () => {
    const p = read(asa('').replace(' security-level 100\n', ''));
    expect(verdict(p, '*:443/tcp', { zone: 'inside' })).toMatchObject({
      verdict: 'allowed',
      rule: 'security level: inside (100) to lower levels',
    });
  });

  it('puts the outbound ACL and the inbound ACLs in two stages, each entry one rule', () => {
    const text = asa(`object-group service WEB
 service-object tcp destination eq https
 service-object tcp destination eq www
access-list IN extended permit object-group WEB any any
access-list OUT extended permit tcp any any eq https
access-group IN in interface inside
access-group OUT out interface outside
`);
    const p = read(text);
    expect(verdict(p, '*:443/tcp', { zone: 'inside' })).toMatchObject({
      verdict: 'allowed',
      rule: 'IN line 1',
    });
    expect(verdict(p, '*:80/tcp', { zone: 'inside' })).toMatchObject({
      verdict: 'blocked',
      rule: 'OUT implicit deny',
    });
    expect(verdict(p, '*:3478/udp', { zone: 'inside' })).toMatchObject({
      verdict: 'blocked',
      rule: 'OUT implicit deny',
    });
    const names = p.rules.map((r) => r.name);
    expect(names.filter((n) => n === 'IN line 1')).toHaveLength(1);
    const inbound = rule(p, 'IN line 1');
    expect(inbound.sourceZones).toEqual(ZoneSet.of(['inside']));
    expect(inbound.destinationZones).toEqual(ZoneSet.ANY);
    expect(inbound.key).toBe(
      'access-group IN in interface inside\u0000access-list IN extended permit object-group WEB any any',
    );
    const outbound = rule(p, 'OUT line 1');
    expect(outbound.sourceZones).toEqual(ZoneSet.ANY);
    expect(outbound.destinationZones).toEqual(ZoneSet.of(['outside']));
    expect(outbound.section).toBe('access-group OUT out interface outside');
    const stages = p.stages!.map((s) => ({ ...s, rules: names.slice(s.start, s.end) }));
    expect(stages.map((s) => s.name)).toEqual(['same security level and outbound ACLs', 'inbound ACLs']);
    expect(stages[0]!.end).toBe(stages[1]!.start);
    expect(stages[1]!.end).toBe(names.length);
    expect(stages[0]!.rules).toEqual([
      'same interface: in and out of outside',
      'same interface: in and out of inside',
      'OUT line 1',
      'OUT implicit deny',
      'no outbound ACL on inside',
      'no outbound ACL on other interfaces',
    ]);
    expect(stages[1]!.rules).toEqual([
      'IN line 1',
      'IN implicit deny',
      'security level: outside (0) to lower levels',
      'security level: outside (0) to higher levels',
    ]);
    expect(rule(p, 'no outbound ACL on inside').location.line).toBe(lineOf(text, 'nameif inside'));
  });

  it("reads port and protocol names with the ASA's own values, which are all it predefines", () => {
    // "Addresses, Protocols, and Ports": kerberos is 750 there (IANA: 88), sqlnet 1521, ipsec is ESP (50).
    const p = read(
      asa(
        'access-list IN extended permit tcp any any eq sqlnet\naccess-list IN extended permit udp any any eq kerberos\naccess-list IN extended permit ipsec any any\naccess-list IN extended permit tcp any any eq www\naccess-group IN in interface inside\n',
      ),
    );
    expect(verdict(p, '*:1521/tcp', { zone: 'inside' }).rule).toBe('IN line 1');
    expect(verdict(p, '*:750/udp', { zone: 'inside' }).rule).toBe('IN line 2');
    expect(verdict(p, '*:88/udp', { zone: 'inside' }).rule).toBe('IN implicit deny');
    expect(rule(p, 'IN line 3').services).toEqual({ kind: 'protocol', number: 50 });
    expect(verdict(p, '*:80/tcp', { zone: 'inside' }).rule).toBe('IN line 4');
  });

  it('ignores ACLs no access-group applies, and says so', () => {
    const p = read(asa('access-list UNUSED extended deny ip any any\n'));
    expect(p.rules.some((r) => r.name.startsWith('UNUSED'))).toBe(false);
    expect(p.notes.join('\n')).toMatch(/access-list "UNUSED" \(line \d+\) is not applied/);
  });
});

describe('ASA: bad input is an InputError at the line', () => {
  it('refuses a truncated saved configuration', () => {
    const text = ': Saved\nASA Version 9.8(2)\nhostname x\ninterface G0/0\n nameif outside\n';
    const e = readError(text);
    expect({ line: e.line, path: e.path }).toEqual({ line: 5, path: 'fw.cfg' });
    expect(e.message).toMatch(/truncated: .* ": end", which is missing/);
  });

  it('accepts the CLI prompt after ": end" but no configuration after it', () => {
    const text = `fw# show running-config\n: Saved\n${asa('')}: end\nfw# \n`;
    expect(read(text).name).toBe('t');
    const after = `: Saved\n${asa('')}: end\nhostname other\n`;
    expectError(after, 'hostname other', /configuration text after ": end"/);
  });

  it('refuses pager prompts captured with the output', () => {
    const text = asa(
      'access-list IN extended permit ip any any\n<--- More --->\naccess-group IN in interface inside\n',
    );
    expectError(text, '<--- More --->', /terminal pager prompt/);
  });

  it('refuses a group member outside any group', () => {
    expectError(
      asa('network-object host 10.0.0.5\n'),
      'network-object host 10.0.0.5',
      /"network-object" outside any object-group/,
    );
    expectError(
      asa('access-list IN extended permit ip any any\n network-object host 10.0.0.5\n'),
      ' network-object host 10.0.0.5',
      /"network-object" under "access-list" \(line \d+\), outside any object-group/,
    );
  });

  it('refuses an unknown line inside an object or object-group', () => {
    expectError(
      asa('object-group network G\n network-object host 10.0.0.5\n port-object eq 80\n'),
      ' port-object eq 80',
      /unexpected "port-object" inside "object-group network G" \(line \d+\); expected network-object, group-object, description/,
    );
    expectError(
      asa('object network H\n hots 10.0.0.5\n'),
      ' hots 10.0.0.5',
      /unexpected "hots" inside "object network H"/,
    );
  });

  it('refuses an object where an object-group belongs and the other way round', () => {
    expectError(
      asa('object network H\n host 10.0.0.5\naccess-list IN extended permit ip object-group H any\n'),
      'object-group H',
      /"H" is a network object, not an object-group: write "object H"/,
    );
    expectError(
      asa(
        'object service S\n service tcp destination eq 443\naccess-list IN extended permit ip object S any\n',
      ),
      'object S any',
      /"S" is a service object; expected a network object/,
    );
  });

  it('refuses a group that contains itself, naming the cycle at the closing line', () => {
    const text = asa(
      'object-group network A\n group-object B\nobject-group network B\n network-object host 10.0.0.1\n group-object A\n',
    );
    expectError(text, ' group-object A', /object-group "A" contains itself \(A -> B -> A\)/);
    const svc = asa('object-group service S\n service-object tcp destination eq 80\n group-object S\n');
    expectError(svc, ' group-object S', /object-group "S" contains itself \(S -> S\)/);
  });

  it('refuses bad addresses, masks and ports', () => {
    expectError(
      asa('access-list IN extended permit ip host 10.0.0.256 any\n'),
      'access-list IN',
      /"10.0.0.256" is neither an IP address nor a name/,
    );
    expectError(
      asa('access-list IN extended permit ip 10.0.0.0 255.0.255.0 any\n'),
      'access-list IN',
      /bad netmask "255.0.255.0"/,
    );
    expectError(
      asa('access-list IN extended permit tcp any any eq 70000\n'),
      'access-list IN',
      /port 70000 is out of range 0-65535/,
    );
    expectError(
      asa('access-list IN extended permit tcp any any eq htps\n'),
      'access-list IN',
      /"htps" is not a port/,
    );
    expectError(
      asa('access-list IN extended permit tcp any any range 9000 8000\n'),
      'access-list IN',
      /ends before it starts/,
    );
    expectError(
      asa('access-list IN extended permit ip any any eq 80\n'),
      'access-list IN',
      /ports only go with tcp, udp or sctp/,
    );
    expectError(
      asa('access-list IN extended permit tpc any any\n'),
      'access-list IN',
      /unknown protocol "tpc"/,
    );
    expectError(
      asa('object network R\n range 10.0.0.9 10.0.0.1\n'),
      ' range 10.0.0.9',
      /ends before it starts/,
    );
    expectError(
      asa('access-list IN extended permit tcp any any eq 443 bogus\n'),
      'access-list IN',
      /unexpected "bogus"/,
    );
  });

  it('refuses a service group where a network group belongs, and type clashes', () => {
    expectError(
      asa(
        'object-group service S\n service-object tcp destination eq 80\naccess-list IN extended permit ip object-group S any\n',
      ),
      'access-list IN',
      /object-group "S" \(line \d+\) is a service group; expected a network group/,
    );
    expectError(
      asa('object network X\n host 10.0.0.1\nobject-group network X\n network-object host 10.0.0.2\n'),
      'object-group network X',
      /"X" is already defined at line \d+ as an object; objects and object groups share one name space/,
    );
  });

  it('refuses a standard ACL in an access-group, a second binding, and a repeated nameif', () => {
    expectError(
      asa('access-list S standard permit 10.0.0.0 255.0.0.0\naccess-group S in interface inside\n'),
      'access-group S',
      /is standard; access-group applies extended ACLs/,
    );
    const twice = asa(
      'access-list A extended permit ip any any\naccess-group A in interface inside\naccess-group A in interface inside\n',
    );
    const e = readError(twice);
    expect(e.line).toBe(lineOf(twice, 'access-group A') + 1);
    expect(e.message).toMatch(/interface "inside" already has an inbound access-group at line \d+/);
    const dup = asa('interface GigabitEthernet0/2\n nameif inside\n');
    expect(readError(dup).message).toMatch(/interface name "inside" is already used by GigabitEthernet0\/1/);
  });

  it('refuses pre-9.0 "ipv6 access-list" lines in a 9.x config', () => {
    expectError(asa('ipv6 access-list V6 permit tcp any any eq 443\n'), 'ipv6 access-list', /pre-9.0 syntax/);
  });
});

describe('ASA: performance', () => {
  it('reads 20,000 ACEs over 2,000 nested groups quickly', () => {
    const lines: string[] = [];
    for (let g = 0; g < 2000; g++) {
      lines.push(`object-group network G${g}`, ` network-object 10.${g >> 8}.${g & 255}.0 255.255.255.0`);
      if (g > 0) lines.push(` group-object G${g - 1}`);
    }
    for (let i = 0; i < 20000; i++) {
      lines.push(`access-list IN extended permit tcp object-group G${i % 2000} any eq ${1000 + (i % 5000)}`);
    }
    lines.push('access-group IN in interface inside');
    const text = asa(lines.join('\n'));
    const t0 = performance.now();
    const p = read(text);
    const ms = performance.now() - t0;
    expect(p.rules.filter((r) => r.name.startsWith('IN line')).length).toBe(20000);
    expect(ms).toBeLessThan(3000);
    // The deepest group holds every block.
    const deepest = matchAddress(rule(p, 'IN line 2000').sources, { kind: 'addresses' }).yes;
    expect(
      deepest.equals(
        IntervalSet.unionAll(
          Array.from({ length: 2000 }, (_, g) => parseIpSpec(`10.${g >> 8}.${g & 255}.0/24`)),
        ),
      ),
    ).toBe(true);
  });
});
