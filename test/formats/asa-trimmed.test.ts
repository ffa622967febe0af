import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseFlowSpec } from '../../src/check/flow-spec.js';
import { evaluateFlow, type Scope } from '../../src/evaluate/evaluate.js';
import { asaReader } from '../../src/formats/asa/asa-reader.js';
import { InputError } from '../../src/input/input-error.js';
import { parseIpSpec } from '../../src/model/ip.js';
import type { Policy } from '../../src/model/policy.js';
import { ZoneSet } from '../../src/model/zone-set.js';

function read(text: string, path = 'fw.cfg'): Policy {
  return asaReader.read([{ path, text }])[0]!;
}

function lineOf(text: string, needle: string): number {
  const i = text.split('\n').findIndex((l) => l.includes(needle));
  if (i < 0) throw new Error(`"${needle}" not in text`);
  return i + 1;
}

function verdict(policy: Policy, flow: string, zone = 'inside', source?: string) {
  const scope: Scope = {
    sourceZones: ZoneSet.of([zone]),
    ...(source ? { sources: parseIpSpec(source) } : {}),
  };
  const r = evaluateFlow(policy, parseFlowSpec(flow), scope);
  const by =
    r.decidedBy === undefined ? undefined : r.decidedBy < 0 ? policy.default : policy.rules[r.decidedBy];
  return { verdict: r.verdict, rule: by?.name, line: by?.location?.line, detail: r.detail };
}

/** A routed ASA: outside (0) with a default route, inside (100, 10.0.0.0/24) with ACL IN applied. */
function asa(body: string): string {
  return `ASA Version 9.12(4)
hostname t
interface GigabitEthernet0/0
 nameif outside
 security-level 0
 ip address 203.0.113.2 255.255.255.0
interface GigabitEthernet0/1
 nameif inside
 security-level 100
 ip address 10.0.0.1 255.255.255.0
 ipv6 address 2001:db8:10::1/64
${body}access-group IN in interface inside
route outside 0.0.0.0 0.0.0.0 203.0.113.1 1
`;
}

/** The one warning naming `what`, with its line. */
function warning(policy: Policy, what: string) {
  const found = (policy.warnings ?? []).filter((w) => w.message.startsWith(what));
  expect(found, (policy.warnings ?? []).map((w) => w.message).join('\n')).toHaveLength(1);
  return { message: found[0]!.message, line: found[0]!.location?.line, path: found[0]!.location?.path };
}

describe('ASA: references the export does not define', () => {
  // Each case: an ACL whose line 1 uses an undefined thing that could permit 3478/udp, then a deny.
  const cases: [string, string, string][] = [
    [
      'network object-group',
      'permit udp object-group TSUNAMI_addrs any eq 3478',
      'object-group "TSUNAMI_addrs"',
    ],
    ['network object', 'permit udp object GONE any eq 3478', 'network object "GONE"'],
    ['name alias (host)', 'permit udp host PRINTER any eq 3478', 'name "PRINTER"'],
    ['name alias (with a mask)', 'permit udp LAB 255.255.255.0 any eq 3478', 'name "LAB"'],
    ['service object', 'permit object STUN any any', 'service object "STUN"'],
    ['service or protocol group', 'permit object-group STUN_SVC any any', 'object-group "STUN_SVC"'],
    [
      'port group at the destination',
      'permit udp any any object-group STUN_PORTS',
      'object-group "STUN_PORTS"',
    ],
    [
      'port group at the source',
      'permit udp any object-group SRC_PORTS any eq 3478',
      'object-group "SRC_PORTS"',
    ],
    ['interface', 'permit udp any interface dmz eq 3478', 'nameif "dmz"'],
  ];
  for (const [label, ace, what] of cases) {
    it(`reads an undefined ${label} as unknown in exactly that ACE, with a warning at its line`, () => {
      const text = asa(
        `access-list IN extended ${ace}\naccess-list IN extended permit tcp any any eq https\naccess-list IN extended deny ip any any\n`,
      );
      const p = read(text);
      const line = lineOf(text, ace);
      const w = warning(p, what);
      expect(w).toMatchObject({ line, path: 'fw.cfg' });
      expect(w.message).toMatch(/is not defined in this export \(used at line \d+\): read as unknown/);
      // Only "may allow", never allowed; the deny after it can't make it blocked either.
      expect(verdict(p, '*:3478/udp')).toMatchObject({ verdict: 'unknown', rule: 'IN line 1', line });
      expect(verdict(p, '*:3478/udp').detail).toContain(`${what} is not defined in this export`);
      // A flow the next ACE permits is not touched where the unknown ACE can't match it.
      if (!/object STUN|STUN_SVC/.test(ace)) {
        expect(verdict(p, '*:443/tcp')).toMatchObject({ verdict: 'allowed', rule: 'IN line 2' });
      }
    });
  }

  it('reads a port group at the source position as the destination when ports follow it', () => {
    const text = asa('access-list IN extended permit udp any object-group RELAYS eq 3478\n');
    const p = read(text);
    expect(warning(p, 'object-group "RELAYS"').line).toBe(lineOf(text, 'RELAYS'));
    expect(verdict(p, '*:3478/udp').verdict).toBe('unknown');
    expect(verdict(p, '*:3479/udp')).toMatchObject({ verdict: 'blocked', rule: 'IN implicit deny' });
  });

  it('keeps an undefined port group to its protocol', () => {
    const p = read(asa('access-list IN extended permit tcp any any object-group WEB_PORTS\n'));
    expect(verdict(p, '*:443/tcp').verdict).toBe('unknown');
    expect(verdict(p, '*:3478/udp')).toMatchObject({ verdict: 'blocked', rule: 'IN implicit deny' });
  });

  it('makes an undefined deny unknown, never blocked or allowed', () => {
    const text = asa(
      'access-list IN extended deny udp object-group QUARANTINE any eq 3478\naccess-list IN extended permit udp any any eq 3478\n',
    );
    expect(verdict(read(text), '*:3478/udp')).toMatchObject({ verdict: 'unknown', rule: 'IN line 1' });
  });

  it('reads undefined members of groups as unknown members, one warning per name listing its lines', () => {
    const text = asa(`object-group network CLIENTS
 network-object 10.0.0.0 255.255.255.0
 group-object OLD_CLIENTS
object-group network GUESTS
 group-object OLD_CLIENTS
object-group service STUN_SVC
 service-object udp destination eq 3478
 service-object object TURN
object-group service PORTS tcp
 port-object eq https
 group-object MORE_PORTS
access-list IN extended permit udp object-group CLIENTS any eq 3478
access-list IN extended permit object-group STUN_SVC 10.0.0.0 255.255.255.0 any
access-list IN extended permit tcp 10.0.0.0 255.255.255.0 any object-group PORTS
`);
    const p = read(text);
    const old = warning(p, 'object-group "OLD_CLIENTS"');
    expect(old.line).toBe(lineOf(text, ' group-object OLD_CLIENTS'));
    expect(old.message).toMatch(/used at lines \d+, \d+\)/);
    expect(warning(p, 'service object "TURN"').line).toBe(lineOf(text, 'service-object object TURN'));
    expect(warning(p, 'object-group "MORE_PORTS"').line).toBe(lineOf(text, 'MORE_PORTS'));
    // The defined members still decide exactly.
    expect(verdict(p, '*:3478/udp', 'inside', '10.0.0.0/24')).toMatchObject({ verdict: 'allowed' });
    expect(verdict(p, '*:3478/udp', 'inside', '10.9.0.0/24')).toMatchObject({ verdict: 'unknown' });
    expect(verdict(p, '*:443/tcp', 'inside', '10.0.0.0/24')).toMatchObject({ verdict: 'allowed' });
    expect(verdict(p, '*:8089/udp', 'inside', '10.0.0.0/24')).toMatchObject({ verdict: 'unknown' });
    expect(verdict(p, '*:8089/tcp', 'inside', '10.0.0.0/24')).toMatchObject({ verdict: 'unknown' });
  });

  it('applies an undefined ACL as unknown: inbound, outbound and global', () => {
    const inbound = asa('');
    const p = read(inbound);
    expect(warning(p, 'access-list "IN"').line).toBe(lineOf(inbound, 'access-group IN'));
    expect(verdict(p, '*:443/tcp')).toMatchObject({ verdict: 'unknown', rule: 'IN (not in this export)' });

    const outbound = asa(
      'access-list IN extended permit tcp any any eq https\naccess-list IN extended deny udp any any eq 3478\naccess-group OUT out interface outside\n',
    );
    const q = read(outbound);
    expect(warning(q, 'access-list "OUT"').line).toBe(lineOf(outbound, 'access-group OUT'));
    expect(verdict(q, '*:443/tcp')).toMatchObject({ verdict: 'unknown', rule: 'OUT (not in this export)' });
    // Traffic must pass both: what the inbound ACL denies is blocked whatever OUT says.
    expect(verdict(q, '*:3478/udp')).toMatchObject({ verdict: 'blocked', rule: 'IN line 2' });

    const global = read(
      asa('access-list IN extended deny udp any any eq 3478\naccess-group GLOBAL global\n'),
    );
    expect(verdict(global, '*:443/tcp')).toMatchObject({
      verdict: 'unknown',
      rule: 'GLOBAL (not in this export)',
    });
    expect(verdict(global, '*:3478/udp')).toMatchObject({ verdict: 'blocked', rule: 'IN line 1' });
  });

  it('still refuses lines that cannot be parsed, at their line', () => {
    for (const [ace, message] of [
      ['permit udp host 10.0.0.300 any eq 3478', /"10.0.0.300" is neither an IP address nor a name/],
      ['permit udp any any eq stun', /"stun" is not a port/],
    ] as const) {
      const text = asa(`access-list IN extended ${ace}\n`);
      let error: unknown;
      try {
        read(text);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(InputError);
      expect((error as InputError).line).toBe(lineOf(text, ace));
      expect((error as InputError).message).toMatch(message);
    }
  });
});

describe('ASA: zone facts', () => {
  it('lists every nameif as configured, complete, with connected subnets and their lines', () => {
    const text = asa('access-list IN extended permit ip any any\n');
    const p = read(text);
    expect(p.zones?.known).toEqual(['outside', 'inside']);
    expect(p.zones?.incomplete).toBe(false);
    const subnets = p.zones?.subnets ?? [];
    expect(subnets.map((x) => [x.zone, x.interface, x.location?.line])).toEqual([
      ['outside', 'GigabitEthernet0/0', lineOf(text, '203.0.113.2')],
      ['inside', 'GigabitEthernet0/1', lineOf(text, '10.0.0.1')],
      ['inside', 'GigabitEthernet0/1', lineOf(text, '2001:db8:10::1')],
    ]);
    const nets = ['203.0.113.0/24', '10.0.0.0/24', '2001:db8:10::/64'];
    expect(subnets.map((x, i) => x.net.equals(parseIpSpec(nets[i]!)))).toEqual([true, true, true]);
  });

  it('marks an ACL-only fragment incomplete, its interfaces named by access-group lines', () => {
    const text =
      'access-list IN extended permit tcp any any eq https\naccess-list IN extended deny udp any any eq 3478\naccess-group IN in interface inside\n';
    const p = read(text);
    expect(p.zones).toEqual({ known: ['inside'], incomplete: true });
    expect(p.warnings).toBeUndefined();
    expect(p.notes.join('\n')).toMatch(
      /no interface sections: an ACL-only export naming interfaces "inside"/,
    );
    // Levels unknown: a permit may still be dropped as same-level traffic; a deny decides.
    expect(verdict(p, '*:443/tcp').verdict).toBe('unknown');
    expect(verdict(p, '*:3478/udp')).toMatchObject({ verdict: 'blocked', rule: 'IN line 2' });
  });

  it('warns about an access-group or route naming an interface no section defines, and keeps it', () => {
    const text = asa('access-list IN extended permit ip any any\naccess-group IN out interface dmz\n');
    const p = read(text);
    expect(warning(p, 'nameif "dmz"').line).toBe(lineOf(text, 'interface dmz'));
    expect(p.zones?.known).toEqual(['outside', 'inside', 'dmz']);
    expect(p.zones?.incomplete).toBe(true);
    // inside to outside doesn't involve dmz.
    expect(verdict(p, '*:443/tcp')).toMatchObject({ verdict: 'allowed', rule: 'IN line 1' });
  });

  it('refuses an interface address that is not one', () => {
    const text = asa('').replace('ip address 10.0.0.1 255.255.255.0', 'ip address 10.0.0.1 255.0.255.0');
    expect(() => read(text)).toThrow(/bad interface address/);
  });
});

describe('ASA: the public corpus', () => {
  const path = '../shared/corpus/asa/asa-9.0-small-office-running-config.asa';
  it.skipIf(!existsSync(path))(
    'reads the small-office running-config (its INSIDE_in uses an undefined object-group) [skipped without ../shared/corpus]',
    () => {
      const p = read(readFileSync(path, 'utf8'), path);
      expect(p.warnings).toEqual([
        {
          message:
            'object-group "TSUNAMI_addrs" is not defined in this export (used at lines 271, 272): read as unknown, so it never makes a flow allowed',
          location: { path, line: 271 },
        },
      ]);
      expect(p.zones?.known).toEqual(['OUTSIDE', 'INSIDE']);
      expect(verdict(p, '*:3478/udp', 'INSIDE', '192.0.2.0/24')).toMatchObject({
        verdict: 'blocked',
        rule: 'INSIDE_in line 13',
        line: 273,
      });
    },
  );
});
