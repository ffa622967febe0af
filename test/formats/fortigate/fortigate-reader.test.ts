import { describe, expect, it } from 'vitest';
import { parseFlowSpec } from '../../../src/check/flow-spec.js';
import { evaluateFlow } from '../../../src/evaluate/evaluate.js';
import { parseConfigTree } from '../../../src/formats/fortigate/config-tree.js';
import { matchAddress, type AddressExpr } from '../../../src/model/address.js';
import { parseCidr, parseIpSpec } from '../../../src/model/ip.js';
import type { UnknownPart } from '../../../src/model/location.js';
import type { NamePattern } from '../../../src/model/names.js';
import type { Policy } from '../../../src/model/policy.js';
import { matchService } from '../../../src/model/service.js';
import { ZoneSet } from '../../../src/model/zone-set.js';
import {
  ALLOW_ALL,
  backup,
  DEFAULT_ROUTE,
  fixture,
  HEADER,
  lineOf,
  OBJECTS,
  policy,
  read,
  readOne,
  rule,
} from './helpers.js';

const ADDRESSES = { kind: 'addresses' } as const;

/** Whether `expr` surely / maybe matches every address of `cidr`. */
function covers(expr: AddressExpr, cidr: string): 'yes' | 'maybe' | 'no' {
  const t = matchAddress(expr, ADDRESSES);
  const set = parseIpSpec(cidr);
  if (t.yes.covers(set)) return 'yes';
  if (t.yes.union(t.maybe).intersects(set)) return 'maybe';
  return 'no';
}

/** The first unknown part inside an expression. */
function firstUnknown(expr: AddressExpr): UnknownPart | undefined {
  switch (expr.kind) {
    case 'unknown':
      return expr.part;
    case 'union':
      return expr.members.map(firstUnknown).find((x) => x !== undefined);
    case 'not':
      return firstUnknown(expr.of);
    case 'minus':
      return firstUnknown(expr.from) ?? firstUnknown(expr.without);
    default:
      return undefined;
  }
}

/** The name pattern a host flow was allowed by. */
function nameVia(p: Policy, flow: string, source: string): NamePattern | undefined {
  const r = evaluateFlow(p, parseFlowSpec(flow), { sources: parseCidr(source) });
  return r.families.flatMap((f) => f.pieces).find((x) => x.via)?.via;
}

describe('FortiGate policies from a backup without VDOMs (hq-backup-7.2.conf)', () => {
  const file = fixture('hq-backup-7.2.conf');
  const p = readOne(file.text, file.path);

  it('keeps every policy, in file order, with its id, line, state and action', () => {
    expect(p.format).toBe('fortigate');
    expect(p.name).toBeUndefined();
    expect(p.paths).toEqual([file.path]);
    expect(p.rules.map((r) => [r.name, r.id, r.location.line, r.enabled, r.action])).toEqual([
      ['legacy-deny-all', '7', 166, false, 'deny'],
      ['guest-no-realtime', '12', 178, true, 'deny'],
      ['clients-remotespark', '3', 189, true, 'allow'],
      ['lan-all', '5', 201, true, 'allow'],
      ['dmz-web-out', '40', 213, true, 'allow'],
      ['dmz-deny-non-web', '41', 226, true, 'deny'],
      ['dmz-allow-rest', '42', 238, true, 'allow'],
    ]);
    expect(rule(p, 'guest-no-realtime').vendorAction).toBe('deny (default: no action set)');
    expect(rule(p, 'dmz-deny-non-web').vendorAction).toBe('deny');
    expect(p.rules.every((r) => r.section === 'policy' && r.location.path === file.path)).toBe(true);
  });

  it('ends with the implicit deny at the policy table, and takes the egress from the default route', () => {
    expect(p.default).toEqual({
      action: 'deny',
      name: 'implicit deny',
      location: { path: file.path, line: 165 },
    });
    expect(p.egressZones).toEqual(ZoneSet.of(['wan1']));
    expect(p.notes[0]).toMatch(
      /leave through "wan1": the interface or zone of the static default route at line 252/,
    );
  });

  it('reads zones and interfaces as written, "any" as every zone', () => {
    expect(rule(p, 'clients-remotespark').sourceZones).toEqual(ZoneSet.of(['LAN']));
    expect(rule(p, 'clients-remotespark').destinationZones).toEqual(ZoneSet.of(['wan1']));
  });

  it('builds exclusion groups as members minus excluded members', () => {
    const clients = rule(p, 'clients-remotespark').sources;
    expect(covers(clients, '10.20.10.0/24')).toBe('yes');
    expect(covers(clients, '10.20.5.7')).toBe('no');
    expect(covers(clients, '10.20.9.10-10.20.9.60')).toBe('no');
    expect(covers(clients, '10.20.9.61')).toBe('yes');
    expect(covers(clients, '10.21.0.0')).toBe('no');
  });

  it('keeps IPv4 objects to IPv4, negated ones included', () => {
    const negated = rule(p, 'dmz-web-out').destinations;
    expect(covers(negated, '8.8.8.8')).toBe('yes');
    expect(covers(negated, '10.1.2.3')).toBe('no');
    expect(covers(negated, '2606:4700::1111')).toBe('no');
    expect(covers(rule(p, 'lan-all').destinations, '::/0')).toBe('no');
  });

  it('negates services', () => {
    const s = rule(p, 'dmz-deny-non-web').services;
    expect(matchService(s, 443, 'tcp').result).toBe('no');
    expect(matchService(s, 3478, 'udp').result).toBe('yes');
  });
});

describe('FortiGate names, Internet Services and consolidated policies (dual-stack-sdwan-7.4.conf)', () => {
  const file = fixture('dual-stack-sdwan-7.4.conf');
  const p = readOne(file.text, file.path);

  it('matches FQDN addresses by the FortiGate resolving them, wildcard FQDNs by DNS snooping', () => {
    const exact = nameVia(p, 'cdn.kognitivspark.net:443/tcp', '10.10.0.0/24');
    expect(exact).toMatchObject({ kind: 'fqdn', domain: 'cdn.kognitivspark.net', method: 'resolve' });
    expect(exact?.location).toEqual({ path: file.path, line: lineOf(file.text, 'edit "rs-cdn"') });
    const wild = nameVia(p, 'eu.kognitivspark.net:3478/udp', '10.10.0.0/24');
    expect(wild).toMatchObject({
      kind: 'wildcard',
      domain: 'kognitivspark.net',
      apex: false,
      method: 'dns-snoop',
    });
    expect(wild?.location).toEqual({ path: file.path, line: lineOf(file.text, 'edit "rs-wild"') });
  });

  it('makes Internet Service destinations unknown, with the service names and line', () => {
    const r = evaluateFlow(p, parseFlowSpec('*:443/tcp'), { sources: parseCidr('10.40.7.0/24') });
    expect(r.verdict).toBe('unknown');
    expect(r.detail).toMatch(/Internet Service "Facebook-Web", "Facebook-Messenger"/);
    expect(rule(p, 'kiosk-isdb-block').action).toBe('deny');
  });

  it('reads source-port ranges into the service', () => {
    const svc = rule(p, 'build-farm-8089-block').services;
    expect(svc).toEqual({
      kind: 'ports',
      protocol: 'tcp',
      ports: [[8089, 8089]],
      sourcePorts: [[40000, 50000]],
    });
    expect(matchService(rule(p, 'low-src-turn-block').services, 3478, 'udp').result).toBe('no');
  });

  it('takes the egress zone from the SD-WAN default route', () => {
    expect(p.egressZones).toEqual(ZoneSet.of(['virtual-wan-link']));
  });

  it('notes accept policies with security profiles', () => {
    expect(p.notes.some((n) => /1 accept policy applies security profiles/.test(n))).toBe(true);
  });
});

describe('FortiGate VDOMs (multi-vdom-6.2.conf)', () => {
  const file = fixture('multi-vdom-6.2.conf');
  const policies = read(file.text, file.path);

  it('gives one policy per VDOM, named after it, each with its own rules, default and egress', () => {
    expect(policies.map((x) => [x.name, x.rules.map((r) => r.name), x.default.location?.line])).toEqual([
      ['root', ['mgmt-out'], 84],
      ['customer-a', ['cust-realtime-block', 'cust-out'], 140],
      ['lab', ['lab-any'], 185],
    ]);
    expect(policies.map((x) => x.egressZones)).toEqual([
      ZoneSet.of(['port1']),
      ZoneSet.of(['virtual-wan-link']),
      'unknown',
    ]);
    expect(policies[2]!.notes[0]).toMatch(/no static default route/);
  });
});

describe('FortiGate show output (edge-show-6.2.txt)', () => {
  const file = fixture('edge-show-6.2.txt');
  const p = readOne(file.text, file.path);

  it('reads CRLF, prompt lines, escaped quotes and multi-line strings, IPv6 policies after IPv4 ones', () => {
    expect(p.rules.map((r) => [r.name, r.section, r.location.line])).toEqual([
      ['site-b-web', 'policy', 77],
      ['site-b-media-workhours', 'policy', 92],
      ['field-techs-8089', 'policy', 104],
      ['v6-out', 'policy6', 119],
    ]);
    expect(covers(rule(p, 'site-b-web').sources, '10.50.0.0/16')).toBe('yes');
    expect(covers(rule(p, 'v6-out').sources, '2001:db8:50::/48')).toBe('yes');
    expect(covers(rule(p, 'v6-out').sources, '10.0.0.0/8')).toBe('no');
  });

  it('turns schedules and user groups into conditions', () => {
    expect(rule(p, 'site-b-media-workhours').conditions?.[0]?.reason).toMatch(/schedule "business-hours"/);
    expect(rule(p, 'field-techs-8089').conditions?.[0]?.reason).toMatch(
      /authenticated user groups "Remote-Assist-Users"/,
    );
  });
});

describe('FortiGate objects', () => {
  const withAddresses = (lines: string) =>
    backup(policy(1, [...ALLOW_ALL.filter((s) => !s.includes('dstaddr')), 'set dstaddr "x"']), lines);

  const dst = (objects: string): AddressExpr => readOne(withAddresses(objects)).rules[0]!.destinations;

  it('reads ipmask, iprange and wildcard addresses exactly', () => {
    expect(
      covers(
        dst('config firewall address\n    edit "x"\n        set subnet 192.0.2.0/24\n    next\nend\n'),
        '192.0.2.0/24',
      ),
    ).toBe('yes');
    const wildcard = dst(
      'config firewall address\n    edit "x"\n        set type wildcard\n        set wildcard 10.1.0.5 255.255.0.255\n    next\nend\n',
    );
    expect(covers(wildcard, '10.1.77.5')).toBe('yes');
    expect(covers(wildcard, '10.1.77.6')).toBe('no');
  });

  it('makes geography, dynamic and runtime-filled addresses unknown', () => {
    const geoObjects =
      'config firewall address\n    edit "x"\n        set type geography\n        set country "US"\n    next\nend\n';
    const geo = dst(geoObjects);
    expect(covers(geo, '8.8.8.8')).toBe('maybe');
    expect(firstUnknown(geo)?.location).toEqual({
      path: 'fgt.conf',
      line: lineOf(withAddresses(geoObjects), 'edit "x"'),
    });
    const t = matchAddress(geo, ADDRESSES);
    expect(t.why).toMatch(/address "x": a geography address \(country US\)/);
    const dyn = dst(
      'config firewall address\n    edit "x"\n        set type dynamic\n        set sub-type ems-tag\n    next\nend\n',
    );
    expect(covers(dyn, '8.8.8.8')).toBe('maybe');
    const fabric = readOne(
      backup(
        policy(1, [...ALLOW_ALL.filter((s) => !s.includes('dstaddr')), 'set dstaddr "FABRIC_DEVICE"']),
        'config firewall address\n    edit "FABRIC_DEVICE"\n    next\nend\n',
      ),
    ).rules[0]!.destinations;
    expect(covers(fabric, '8.8.8.8')).toBe('maybe');
  });

  it('reads a wildcard-fqdn address as learned from DNS, and odd wildcard patterns as unknown', () => {
    const wf = dst(
      'config firewall address\n    edit "x"\n        set type wildcard-fqdn\n        set wildcard-fqdn "*.Example.com"\n    next\nend\n',
    );
    const t = matchAddress(wf, { kind: 'host', host: 'a.b.example.com', family: 'ipv4', protocol: 'udp' });
    expect(t.via).toMatchObject({
      kind: 'wildcard',
      domain: 'example.com',
      method: 'dns-snoop',
      text: '*.Example.com',
    });
    const odd = dst(
      'config firewall address\n    edit "x"\n        set type fqdn\n        set fqdn "www.example.*"\n    next\nend\n',
    );
    expect(covers(odd, '8.8.8.8')).toBe('maybe');
  });

  it('reads IPv6 addresses, ranges, FQDNs and groups (address6, addrgrp6)', () => {
    const objects = [
      'config firewall address6',
      '    edit "all"',
      '    next',
      '    edit "v6-range"',
      '        set type iprange',
      '        set start-ip 2001:db8::10',
      '        set end-ip 2001:db8::20',
      '    next',
      '    edit "v6-name"',
      '        set type fqdn',
      '        set fqdn "cdn.kognitivspark.net"',
      '    next',
      'end',
      'config firewall addrgrp6',
      '    edit "v6-group"',
      '        set member "v6-range" "v6-name"',
      '    next',
      'end',
      '',
    ].join('\n');
    const p = readOne(
      backup(policy(1, [...ALLOW_ALL, 'set srcaddr6 "v6-group"', 'set dstaddr6 "all"']), objects),
    );
    const src = p.rules[0]!.sources;
    expect(covers(src, '2001:db8::10-2001:db8::20')).toBe('yes');
    expect(covers(src, '2001:db8::21')).toBe('maybe');
    expect(covers(src, '10.0.0.1')).toBe('yes');
  });

  it('reads a static-NAT virtual IP as its external address, port forwarding as unknown', () => {
    const vip = dst(
      'config firewall vip\n    edit "x"\n        set extip 203.0.113.10-203.0.113.12\n        set mappedip "10.0.0.5"\n    next\nend\n',
    );
    expect(covers(vip, '203.0.113.11')).toBe('yes');
    expect(covers(vip, '203.0.113.13')).toBe('no');
    const pf = dst(
      'config firewall vip\n    edit "x"\n        set extip 203.0.113.10\n        set portforward enable\n        set extport 8443\n    next\nend\n',
    );
    expect(covers(pf, '203.0.113.10')).toBe('maybe');
  });

  it('reads services: IP protocol 0 is everything, ICMP a protocol, proxy services and destination-bound services unknown', () => {
    const svc = (lines: string) =>
      readOne(
        backup(
          policy(1, [...ALLOW_ALL.filter((s) => !s.includes('service')), 'set service "s"']),
          `config firewall service custom\n    edit "s"\n${lines}    next\nend\n`,
        ),
      ).rules[0]!.services;
    expect(svc('        set protocol IP\n')).toEqual({ kind: 'any' });
    expect(svc('        set protocol IP\n        set protocol-number 47\n')).toEqual({
      kind: 'protocol',
      number: 47,
    });
    expect(svc('        set protocol ICMP\n')).toEqual({ kind: 'protocol', number: 1 });
    expect(
      matchService(svc('        set proxy enable\n        set tcp-portrange 443\n'), 443, 'tcp').result,
    ).toBe('maybe');
    const bound = svc('        set tcp-portrange 443\n        set iprange 198.51.100.1-198.51.100.9\n');
    expect(matchService(bound, 443, 'tcp')).toMatchObject({
      result: 'maybe',
      why: expect.stringMatching(/iprange 198.51.100.1-198.51.100.9/),
    });
    expect(matchService(bound, 80, 'tcp').result).toBe('no');
    expect(
      matchService(
        svc('        set tcp-portrange 80 8000-8080\n        set sctp-portrange 443\n'),
        8080,
        'tcp',
      ).result,
    ).toBe('yes');
    expect(matchService(svc('        set tcp-portrange 80\n'), 80, 'udp').result).toBe('no');
  });
});

describe('FortiGate policy settings', () => {
  it('reads the explicit defaults and empty lists of show full-configuration as their defaults', () => {
    const r = readOne(
      backup(
        policy(1, [
          ...ALLOW_ALL,
          'set srcaddr-negate disable',
          'set dstaddr-negate disable',
          'set service-negate disable',
          'set internet-service disable',
          'set internet-service-src disable',
          'set srcaddr6',
          'set dstaddr6',
          'set users',
          'set groups',
          'set reputation-minimum 0',
          'set ztna-status disable',
          'set status enable',
        ]),
      ),
    ).rules[0]!;
    expect(r.conditions).toBeUndefined();
    expect(r.enabled).toBe(true);
    expect(covers(r.sources, '0.0.0.0/0')).toBe('yes');
    expect(covers(r.sources, '::/0')).toBe('no');
    expect(r.services).toEqual({ kind: 'any' });
  });

  it('makes an IPsec policy an allow that only may match', () => {
    const r = readOne(
      backup(
        policy(1, [
          ...ALLOW_ALL.filter((s) => !s.includes('action')),
          'set action ipsec',
          'set vpntunnel "to-dc"',
        ]),
      ),
    ).rules[0]!;
    expect([r.action, r.vendorAction]).toEqual(['allow', 'ipsec']);
    expect(r.conditions?.[0]?.reason).toMatch(/VPN tunnel/);
  });

  it('makes a policy missing a required field undecidable rather than guessing', () => {
    const r = readOne(
      backup(
        policy(
          10,
          ALLOW_ALL.filter((s) => !s.includes('dstintf')),
        ),
      ),
    ).rules[0]!;
    expect(r.conditions?.[0]?.reason).toMatch(/policy 10: no dstintf; FortiOS requires one/);
    const noService = readOne(
      backup(
        policy(
          11,
          ALLOW_ALL.filter((s) => !s.includes('service')),
        ),
      ),
    ).rules[0]!;
    expect(matchService(noService.services, 443, 'tcp').result).toBe('maybe');
  });

  it('makes a value with broken quoting unknown and notes its line, as in hand-edited exports', () => {
    const text = backup(
      policy(20, [...ALLOW_ALL.filter((s) => !s.includes('service')), 'set service ""HTTPS" "HTTP"']),
    );
    const p = readOne(text);
    expect(matchService(p.rules[0]!.services, 443, 'tcp')).toMatchObject({
      result: 'maybe',
      why: expect.stringMatching(/policy 20: its service value has malformed quoting/),
    });
    expect(
      p.notes.some((n) => n.includes(`malformed quoting at line ${lineOf(text, 'set service ""')}`)),
    ).toBe(true);
  });

  it("makes an object unknown where a value it uses has broken quoting, and ignores one it doesn't use", () => {
    const objects = [
      'config firewall address',
      '    edit "bad"',
      '        set comment "ok"',
      '        set subnet ""10.1.0.0" 255.255.0.0',
      '    next',
      '    edit "noted"',
      '        set subnet 10.2.0.0 255.255.0.0',
      '        set comment ""hand" edited"',
      '    next',
      'end',
      'config firewall service custom',
      '    edit "S"',
      '        set tcp-portrange ""443"',
      '    next',
      'end',
      '',
    ].join('\n');
    const text = backup(
      policy(30, [
        ...ALLOW_ALL.filter((s) => !/srcaddr|service/.test(s)),
        'set srcaddr "bad" "noted"',
        'set service "S"',
      ]),
      objects,
    );
    const r = readOne(text).rules[0]!;
    expect(firstUnknown(r.sources)?.reason).toMatch(
      new RegExp(
        `^address "bad": its "subnet" value at line ${lineOf(text, 'set subnet ""')} has malformed quoting \\(.+\\), so what it names can't be read$`,
      ),
    );
    expect([covers(r.sources, '10.1.0.0/16'), covers(r.sources, '10.2.0.0/16')]).toEqual(['maybe', 'yes']);
    expect(matchService(r.services, 443, 'tcp')).toMatchObject({
      result: 'maybe',
      why: `service "S": its "tcp-portrange" value at line ${lineOf(text, 'set tcp-portrange ""')} has malformed quoting`,
    });
  });

  it('uses the 6.2 consolidated table in consolidated mode, keeping the other tables only as undecidable', () => {
    const text = `${HEADER}\nconfig system settings\n    set consolidated-firewall-mode enable\nend\n${OBJECTS}config firewall address6\n    edit "all"\n    next\nend\nconfig firewall consolidated policy\n${policy(
      1,
      [
        'set srcintf "port2"',
        'set dstintf "wan1"',
        'set srcaddr4 "all"',
        'set dstaddr4 "all"',
        'set srcaddr6 "all"',
        'set dstaddr6 "all"',
        'set action accept',
        'set service "HTTPS"',
      ],
    )}end\nconfig firewall policy\n${policy(2, ALLOW_ALL)}end\n${DEFAULT_ROUTE}`;
    const p = readOne(text);
    expect(p.rules.map((r) => [r.id, r.section, r.conditions?.length ?? 0])).toEqual([
      ['1', 'consolidated policy', 0],
      ['2', 'policy', 1],
    ]);
    expect(covers(p.rules[0]!.sources, '2001:db8::/32')).toBe('yes');
    expect(covers(p.rules[0]!.sources, '10.0.0.0/8')).toBe('yes');
  });

  it('puts ACL entries first, as denies', () => {
    const text = `${HEADER}\n${OBJECTS}config firewall policy\n${policy(1, ALLOW_ALL)}end\nconfig firewall acl\n${policy(
      1,
      ['set interface "port2"', 'set srcaddr "lan"', 'set dstaddr "all"', 'set service "ALL"'],
    )}end\n${DEFAULT_ROUTE}`;
    expect(readOne(text).rules.map((r) => [r.name, r.action, r.section])).toEqual([
      ['acl 1', 'deny', 'acl'],
      ['policy 1', 'allow', 'policy'],
    ]);
  });

  it('adds an undecidable condition to accept policies in NGFW policy-based mode', () => {
    const text = `${HEADER}\nconfig system settings\n    set ngfw-mode policy-based\nend\n${OBJECTS}config firewall policy\n${policy(1, ALLOW_ALL)}end\n${DEFAULT_ROUTE}`;
    expect(readOne(text).rules[0]!.conditions?.[0]?.reason).toMatch(/NGFW policy-based mode/);
  });

  it('makes the IPv6 list unknown when only srcaddr-negate is set in a consolidated policy', () => {
    const text = backup(
      policy(1, [...ALLOW_ALL, 'set srcaddr-negate enable', 'set srcaddr6 "all"', 'set dstaddr6 "all"']),
      'config firewall address6\n    edit "all"\n    next\nend\n',
    );
    const src = readOne(text).rules[0]!.sources;
    expect(covers(src, '2001:db8::1')).toBe('maybe');
    expect(covers(src, '10.0.0.1')).toBe('no');
  });

  it('takes SD-WAN zones (sdwan enable) and zone membership into the egress', () => {
    const sdwan = `${HEADER}\nconfig system sdwan\n    set status enable\n    config zone\n        edit "virtual-wan-link"\n        next\n        edit "isp-b"\n        next\n    end\nend\n${OBJECTS}config router static\n    edit 1\n        set sdwan enable\n    next\nend\n`;
    expect(readOne(sdwan).egressZones).toEqual(ZoneSet.of(['virtual-wan-link', 'isp-b']));
    const zoned = `${HEADER}\nconfig system zone\n    edit "WAN"\n        set interface "wan1" "wan2"\n    next\nend\n${OBJECTS}${DEFAULT_ROUTE}`;
    expect(readOne(zoned).egressZones).toEqual(ZoneSet.of(['WAN']));
  });
});

describe('FortiGate CLI grammar', () => {
  it('applies delete, move and rename as the CLI does', () => {
    const text = backup(
      [
        policy(1, [...ALLOW_ALL, 'set name "first"']),
        policy(2, [...ALLOW_ALL, 'set name "second"']),
        policy(3, [...ALLOW_ALL, 'set name "third"']),
        '    move 3 before 1',
        '    delete 2',
        '',
      ].join('\n'),
    );
    expect(readOne(text).rules.map((r) => r.name)).toEqual(['third', 'first']);
    const tree = parseConfigTree(
      'x',
      'config firewall address\n    edit "a"\n        set subnet 10.0.0.0/8\n    next\n    rename "a" to "b"\nend\n',
    );
    expect([...tree.blocks.get('firewall address')!.entries.keys()]).toEqual(['b']);
  });

  it('merges a block or entry opened twice, keeping the first position and line', () => {
    const text = `${HEADER}\n${OBJECTS}config firewall policy\n${policy(1, ALLOW_ALL)}${policy(2, ALLOW_ALL)}end\nconfig firewall policy\n    edit 1\n        set status disable\n    next\nend\n${DEFAULT_ROUTE}`;
    const p = readOne(text);
    expect(p.rules.map((r) => [r.id, r.enabled, r.location.line])).toEqual([
      ['1', false, 6 + OBJECTS.split('\n').length - 1],
      ['2', true, 15 + OBJECTS.split('\n').length - 1],
    ]);
  });

  it('skips pager prompts left in pasted show output', () => {
    const text = backup(policy(1, [...ALLOW_ALL, '--More--         set name "paged"']));
    expect(readOne(text).rules[0]!.name).toBe('paged');
  });

  it('reads comments, unset, unselect, line continuations and single quotes', () => {
    const text = backup(
      policy(1, [
        '# a comment inside the entry',
        'set srcintf "port2"',
        'set dstintf "wan1"',
        'set srcaddr "all" \\',
        '            "lan"',
        "set dstaddr 'all'",
        'set action accept',
        'set service "ALL" "HTTPS"',
        'unselect service "ALL"',
        'set status disable',
        'unset status',
      ]),
    );
    const r = readOne(text).rules[0]!;
    expect(r.enabled).toBe(true);
    expect(matchService(r.services, 80, 'tcp').result).toBe('no');
    expect(covers(r.sources, '10.0.0.0/8')).toBe('yes');
  });
});
