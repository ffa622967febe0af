import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseFlowSpec } from '../../../src/check/flow-spec.js';
import { evaluateFlow } from '../../../src/evaluate/evaluate.js';
import { parseConfigTree } from '../../../src/formats/fortigate/config-tree.js';
import { factoryDefaults } from '../../../src/formats/fortigate/predefined.js';
import type { AddressExpr } from '../../../src/model/address.js';
import { parseCidr } from '../../../src/model/ip.js';
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
  readError,
  readOne,
  rule,
} from './helpers.js';

const CORPUS = '../shared/corpus/fortigate';

function verdict(p: Policy, flow: string, source: string, zone?: string): string {
  return evaluateFlow(p, parseFlowSpec(flow), {
    sources: parseCidr(source),
    ...(zone ? { destinationZones: ZoneSet.of([zone]) } : {}),
  }).verdict;
}

/** The unknown parts inside an address expression, as [reason, line]. */
function unknownsOf(expr: AddressExpr): [string, number | undefined][] {
  switch (expr.kind) {
    case 'unknown':
      return [[expr.part.reason, expr.part.location?.line]];
    case 'union':
      return expr.members.flatMap(unknownsOf);
    case 'not':
      return unknownsOf(expr.of);
    case 'minus':
      return [...unknownsOf(expr.from), ...unknownsOf(expr.without)];
    default:
      return [];
  }
}

function warningsOf(p: Policy): { message: string; line: number | undefined }[] {
  return (p.warnings ?? []).map((w) => ({ message: w.message, line: w.location?.line }));
}

describe('FortiGate undefined references (a trimmed or stale export)', () => {
  it('reads an undefined address as an unknown part of the policies using it, with a warning at the reference', () => {
    const text = backup(
      policy(3, [...ALLOW_ALL.filter((s) => !s.includes('srcaddr')), 'set srcaddr "lan" "clinets"']),
    );
    const line = lineOf(text, 'set srcaddr "lan"');
    const p = readOne(text);
    expect(warningsOf(p)).toEqual([
      {
        message:
          'undefined address "clinets" in srcaddr of policy 3: not defined in this export, so it is unknown wherever it is used',
        line,
      },
    ]);
    expect(unknownsOf(rule(p, 'policy 3').sources)).toEqual([
      ['address "clinets" is not defined in this export (srcaddr of policy 3)', line],
    ]);
    // The defined part still decides; the undefined part can't make a flow allowed.
    expect(verdict(p, '*:443/tcp', '10.1.0.0/16')).toBe('allowed');
    expect(verdict(p, '*:443/tcp', '192.168.7.0/24')).toBe('unknown');
  });

  it('gives each policy naming the same undefined object its own warning and location', () => {
    const settings = [...ALLOW_ALL.filter((s) => !s.includes('srcaddr')), 'set srcaddr "ghost"'];
    const text = backup(policy(3, settings) + policy(4, settings));
    const p = readOne(text);
    const first = lineOf(text, 'set srcaddr "ghost"');
    const lines = [first, lineOf(text, 'set srcaddr "ghost"', first + 1)];
    expect(warningsOf(p).map((w) => w.line)).toEqual(lines);
    const where = (name: string) => unknownsOf(rule(p, name).sources).map(([, line]) => line);
    expect([...where('policy 3'), ...where('policy 4')]).toEqual(lines);
  });

  it('reads an undefined service as unknown: never allowed, with a warning', () => {
    const text = backup(
      policy(3, [...ALLOW_ALL.filter((s) => !s.includes('service')), 'set service "HTTPS" "RDP-alt"']),
    );
    const p = readOne(text);
    expect(warningsOf(p)).toEqual([
      {
        message:
          'undefined service "RDP-alt" in service of policy 3: not defined in this export, so it is unknown wherever it is used',
        line: lineOf(text, 'set service "HTTPS"'),
      },
    ]);
    expect(verdict(p, '*:443/tcp', '10.1.0.0/16')).toBe('allowed');
    expect(verdict(p, '*:3478/udp', '10.1.0.0/16')).toBe('unknown');
  });

  it('hints when an IPv6 field names an IPv4 object', () => {
    const text = backup(policy(3, [...ALLOW_ALL, 'set srcaddr6 "lan"', 'set dstaddr6 "all"']));
    const p = readOne(text);
    expect(warningsOf(p)).toEqual([
      {
        message:
          'undefined address "lan" ("lan" is in config firewall address, but srcaddr6 takes IPv6 objects) in srcaddr6 of policy 3: not defined in this export, so it is unknown wherever it is used',
        line: lineOf(text, 'set srcaddr6'),
      },
    ]);
  });

  it('hints when an IPv4 field or group names an IPv6 object, whichever family is checked first', () => {
    // The IPv4 group is checked while the IPv6 tables are still entries; the policy is read after both
    // books have replaced their tables by what they made of them.
    const extra =
      'config firewall address6\n    edit "v6-lan"\n        set ip6 2001:db8::/64\n    next\nend\n' +
      'config firewall addrgrp6\n    edit "v6-group"\n        set member "v6-lan"\n    next\nend\n' +
      'config firewall addrgrp\n    edit "g"\n        set member "lan" "v6-group"\n    next\nend\n';
    const settings = ALLOW_ALL.map((s) => (s.startsWith('set srcaddr ') ? 'set srcaddr "v6-lan"' : s));
    const text = backup(policy(3, settings), extra);
    const p = readOne(text);
    expect(warningsOf(p)).toEqual([
      {
        message:
          'undefined address "v6-group" ("v6-group" is in config firewall addrgrp6, but member takes IPv4 objects) in member of address group "g": not defined in this export, so it is unknown wherever it is used',
        line: lineOf(text, 'set member "lan" "v6-group"'),
      },
      {
        message:
          'undefined address "v6-lan" ("v6-lan" is in config firewall address6, but srcaddr takes IPv4 objects) in srcaddr of policy 3: not defined in this export, so it is unknown wherever it is used',
        line: lineOf(text, 'set srcaddr "v6-lan"'),
      },
    ]);
  });

  it('warns about an undefined member of a group no policy uses, and leaves the policies alone', () => {
    const extra =
      'config firewall addrgrp\n    edit "g"\n        set member "lan" "ghost" "spook"\n    next\nend\n' +
      'config firewall service group\n    edit "web"\n        set member "HTTPS" "HTTP-alt"\n    next\nend\n';
    const text = backup(policy(1, ALLOW_ALL), extra);
    const p = readOne(text);
    expect(warningsOf(p)).toEqual([
      {
        message:
          'undefined addresses "ghost", "spook" in member of address group "g": not defined in this export, so they are unknown wherever they are used',
        line: lineOf(text, 'set member "lan"'),
      },
      {
        message:
          'undefined service "HTTP-alt" in member of service group "web": not defined in this export, so it is unknown wherever it is used',
        line: lineOf(text, 'set member "HTTPS"'),
      },
    ]);
    expect(verdict(p, '*:443/tcp', '10.1.0.0/16')).toBe('allowed');
  });

  it('makes the undefined member the unknown part of a group a policy uses', () => {
    const extra = 'config firewall addrgrp\n    edit "g"\n        set member "lan" "ghost"\n    next\nend\n';
    const text = backup(
      policy(1, [...ALLOW_ALL.filter((s) => !s.includes('srcaddr')), 'set srcaddr "g"']),
      extra,
    );
    const p = readOne(text);
    expect(unknownsOf(rule(p, 'policy 1').sources)).toEqual([
      [
        'address "ghost" is not defined in this export (member of address group "g")',
        lineOf(text, 'set member'),
      ],
    ]);
    expect(verdict(p, '*:443/tcp', '10.1.0.0/16')).toBe('allowed');
    expect(verdict(p, '*:443/tcp', '192.168.7.0/24')).toBe('unknown');
  });

  it('does not resolve a name from another VDOM', () => {
    const text = [
      HEADER,
      'config vdom',
      'edit root',
      'next',
      'edit guest',
      'next',
      'end',
      'config vdom',
      'edit guest',
      'config firewall address',
      '    edit "guest-net"',
      '        set subnet 10.9.0.0 255.255.0.0',
      '    next',
      'end',
      'end',
      'config vdom',
      'edit root',
      OBJECTS.trimEnd(),
      'config firewall policy',
      policy(1, [...ALLOW_ALL.filter((s) => !s.includes('srcaddr')), 'set srcaddr "guest-net"']).trimEnd(),
      'end',
      'end',
      '',
    ].join('\n');
    const root = read(text).find((p) => p.name === 'root')!;
    expect(warningsOf(root)).toEqual([
      {
        message:
          'undefined address "guest-net" in srcaddr of policy 1 in VDOM "root": not defined in this export, so it is unknown wherever it is used',
        line: lineOf(text, 'set srcaddr "guest-net"'),
      },
    ]);
  });
});

describe('FortiGate factory-default objects', () => {
  const trimmed = `config firewall policy\n${policy(1, [
    'set srcintf "lan"',
    'set dstintf "wan1"',
    'set srcaddr "all"',
    'set dstaddr "all"',
    'set action accept',
    'set service "Web Access" "ALL_UDP"',
  ])}end\n`;

  it('uses the predefined services, groups and addresses a trimmed export does not define, and notes them', () => {
    const p = readOne(trimmed);
    expect(p.warnings).toBeUndefined();
    expect(p.notes).toContain(
      'the export uses FortiOS factory-default objects it does not define, taken as FortiOS defines them by default (a device where they were edited may differ): address "all"; services "DNS", "HTTP", "HTTPS", "ALL_UDP"; service group "Web Access"',
    );
    expect(verdict(p, '*:443/tcp', '10.1.0.0/16', 'wan1')).toBe('allowed');
    expect(verdict(p, '*:3478/udp', '10.1.0.0/16', 'wan1')).toBe('allowed');
    expect(verdict(p, '*:3478/tcp', '10.1.0.0/16', 'wan1')).toBe('blocked');
  });

  it('lets a definition in the file win over the predefined one', () => {
    const own = `config firewall service custom\n    edit "HTTPS"\n        set tcp-portrange 8443\n    next\nend\n`;
    const p = readOne(own + trimmed);
    expect(verdict(p, '*:443/tcp', '10.1.0.0/16', 'wan1')).toBe('blocked');
    expect(verdict(p, '*:8443/tcp', '10.1.0.0/16', 'wan1')).toBe('allowed');
    expect(p.notes.join('\n')).not.toContain('service "HTTPS"');
  });

  it('matches the predefined services FortiOS 6.2.3 prints (corpus cross-check)', (ctx) => {
    const path = `${CORPUS}/fortios-6.2.3-show-single-vdom.txt`;
    if (!existsSync(path)) {
      ctx.skip(`${path} is not here (the shared corpus is outside the repository)`);
      return;
    }
    const shown = parseConfigTree(path, readFileSync(path, 'utf8')).blocks;
    for (const table of ['firewall service custom', 'firewall service group']) {
      const ours = factoryDefaults().get(table)!;
      const theirs = shown.get(table)!;
      const names = [...theirs.entries.keys()].filter((n) => n !== 'webproxy');
      expect([...ours.entries.keys()]).toEqual(names);
      for (const name of names) {
        for (const key of ['protocol', 'protocol-number', 'tcp-portrange', 'udp-portrange', 'member']) {
          expect(ours.entries.get(name)!.settings.get(key)?.values, `${name} ${key}`).toEqual(
            theirs.entries.get(name)!.settings.get(key)?.values,
          );
        }
      }
    }
  });

  it('gives every predefined service exact ports', () => {
    const text = `config firewall policy\n${[
      ...factoryDefaults().get('firewall service custom')!.entries.keys(),
    ]
      .map((name, i) =>
        policy(i + 1, [...ALLOW_ALL.filter((s) => !s.includes('service')), `set service "${name}"`]),
      )
      .join('')}end\n`;
    const p = readOne(text);
    expect(p.rules.filter((r) => JSON.stringify(r.services).includes('"unknown"'))).toEqual([]);
    expect(matchService(rule(p, 'policy 3').services, 443, 'tcp').result).toBe('yes');
    expect(matchService(rule(p, 'policy 3').services, 80, 'tcp').result).toBe('no');
  });
});

describe('FortiGate zone facts', () => {
  it('lists the interfaces and zones policies can name, and the connected subnets by zone', () => {
    const p = readOne(fixture('hq-backup-7.2.conf').text);
    expect(p.zones?.incomplete).toBe(false);
    // internal1 and internal2 are in zone LAN: policies name the zone.
    expect([...p.zones!.known].sort()).toEqual(['LAN', 'internal3', 'wan1']);
    expect(p.zones!.subnets!.map((s) => [s.zone, s.interface, s.net.toString(), s.location?.line])).toEqual([
      ['wan1', 'wan1', parseCidr('198.51.100.0/30').toString(), 13],
      ['LAN', 'internal1', parseCidr('10.20.0.0/16').toString(), 21],
      ['internal3', 'internal3', parseCidr('172.16.30.0/24').toString(), 35],
    ]);
  });

  it('reads subnets from set ip (mask or prefix), secondary IPs and config ipv6', () => {
    const interfaces = [
      'config system interface',
      '    edit "wan1"',
      '        set ip 198.51.100.2 255.255.255.248',
      '    next',
      '    edit "port2"',
      '        set ip 10.20.0.1/16',
      '        set secondaryip enable',
      '        config secondaryip',
      '            edit 1',
      '                set ip 10.21.0.1 255.255.255.0',
      '            next',
      '        end',
      '        config ipv6',
      '            set ip6-address 2001:db8:20::1/64',
      '        end',
      '    next',
      '    edit "port3"',
      '        set ip 0.0.0.0 0.0.0.0',
      '    next',
      'end',
      '',
    ].join('\n');
    const text = backup(policy(1, ALLOW_ALL), interfaces);
    const p = readOne(text);
    expect([...p.zones!.known].sort()).toEqual(['port2', 'port3', 'wan1']);
    const nets = p.zones!.subnets!.map((s) => [s.zone, s.net.toString(), s.location?.line]);
    expect(nets).toEqual([
      ['wan1', parseCidr('198.51.100.0/29').toString(), lineOf(text, 'set ip 198.51.100.2')],
      ['port2', parseCidr('10.20.0.0/16').toString(), lineOf(text, 'set ip 10.20.0.1/16')],
      ['port2', parseCidr('10.21.0.0/24').toString(), lineOf(text, 'set ip 10.21.0.1')],
      ['port2', parseCidr('2001:db8:20::/64').toString(), lineOf(text, 'set ip6-address')],
    ]);
  });

  it('refuses an interface address that is not one, at its line', () => {
    const text = backup(
      '',
      'config system interface\n    edit "port2"\n        set ip 10.20.0.1 255.0.255.0\n    next\nend\n',
    );
    const e = readError(text);
    expect(e.line).toBe(lineOf(text, 'set ip 10.20'));
    expect(e.message).toMatch(
      /bad ip "10.20.0.1 255.0.255.0" of interface "port2": .*not a contiguous netmask; expected an IPv4 address and netmask/,
    );
  });

  it('takes a zone member under its zone, and SD-WAN members under their SD-WAN zone', () => {
    const p = readOne(fixture('dual-stack-sdwan-7.4.conf').text);
    expect([...p.zones!.known].sort()).toEqual(['lan', 'virtual-wan-link']);
    expect(p.zones!.subnets!.map((s) => [s.zone, s.interface])).toEqual([
      ['virtual-wan-link', 'wan1'],
      ['lan', 'lan'],
      ['lan', 'lan'],
    ]);
  });

  it('keeps each VDOM to its own interfaces', () => {
    const policies = read(fixture('multi-vdom-6.2.conf').text);
    const known = Object.fromEntries(policies.map((p) => [p.name, [...p.zones!.known].sort()]));
    expect(known).toEqual({
      root: ['port1', 'port2'],
      'customer-a': ['port5', 'virtual-wan-link'],
      lab: ['port6', 'port7'],
    });
  });

  it('marks a trimmed export incomplete, knowing the names its policies and routes use', () => {
    const p = readOne(backup(policy(1, ALLOW_ALL)));
    expect(p.zones).toEqual({ known: ['port2', 'wan1'], incomplete: true });
    expect(p.notes).toContain(
      'the export has no config system interface, so the device may have interfaces and zones it does not show',
    );
  });

  it('reads a policy naming an interface the export does not define (or a zone member) as undecidable', () => {
    const interfaces =
      'config system interface\n    edit "port2"\n    next\n    edit "wan1"\n    next\n    edit "lan1"\n    next\nend\n' +
      'config system zone\n    edit "LAN"\n        set interface "lan1"\n    next\nend\n';
    const text = `${HEADER}\n${OBJECTS}${interfaces}config firewall policy\n${policy(1, [
      ...ALLOW_ALL.filter((s) => !s.includes('srcintf')),
      'set srcintf "port9" "lan1"',
    ])}${policy(2, ALLOW_ALL)}end\n${DEFAULT_ROUTE}`;
    const p = readOne(text);
    const line = lineOf(text, 'set srcintf "port9"');
    expect(warningsOf(p)).toEqual([
      {
        message:
          'interface or zone "port9" is not defined in this export (srcintf of policy 1), so whether the policy matches is unknown',
        line,
      },
      {
        message:
          'interface "lan1" is a member of zone "LAN", which policies name instead (srcintf of policy 1), so whether the policy matches is unknown',
        line,
      },
    ]);
    expect(rule(p, 'policy 1').conditions?.map((c) => [c.reason, c.location?.line])).toEqual([
      ['policy 1: srcintf: interface or zone "port9" is not defined in this export', line],
      ['policy 1: srcintf: interface "lan1" is a member of zone "LAN", which policies name instead', line],
    ]);
    expect(rule(p, 'policy 2').conditions).toBeUndefined();
  });

  it('does not tell the user they must name the egress when there is no default route', () => {
    const p = readOne(`${HEADER}\n${OBJECTS}config firewall policy\n${policy(1, ALLOW_ALL)}end\n`);
    expect(p.egressZones).toBe('unknown');
    expect(p.notes[0]).toBe(
      'the configuration has no static default route (one learnt by DHCP, PPPoE or dynamic routing is not in the file), so the internet-facing interface is not known: verdicts consider every interface or zone it could be, and --destination-zone can name it',
    );
  });
});

describe('FortiGate corpus exports', () => {
  it('reads the 6.2.3 multi-VDOM show output, warning about the undefined group members', (ctx) => {
    const path = `${CORPUS}/fortios-6.2.3-show-multi-vdom.txt`;
    if (!existsSync(path)) {
      ctx.skip(`${path} is not here (the shared corpus is outside the repository)`);
      return;
    }
    const policies = read(readFileSync(path, 'utf8'), path);
    expect(policies.map((p) => p.name)).toEqual(['root', 'ro']);
    const root = policies[0]!;
    expect(warningsOf(root)).toContainEqual({
      message:
        'undefined addresses "host_192.168.3.1", "host_192.168.3.3", "host_192.168.3.5" in member of address group "Monitor_Servers" in VDOM "root": not defined in this export, so they are unknown wherever they are used',
      line: 205,
    });
  });
});
