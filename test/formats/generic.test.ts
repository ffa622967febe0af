import { readFileSync, readdirSync } from 'node:fs';
import fc from 'fast-check';
import yaml from 'js-yaml';
import { expectReadOrInputError, fuzzParameters } from './damaged-input.js';
import { describe, expect, it } from 'vitest';
import { genericReader } from '../../src/formats/generic/generic-reader.js';
import { formatById } from '../../src/formats/registry.js';
import { InputError } from '../../src/input/input-error.js';
import type { InputFile } from '../../src/input/input-file.js';
import { matchAddress, type AddressExpr } from '../../src/model/address.js';
import { IntervalSet } from '../../src/model/interval-set.js';
import { parseCidr } from '../../src/model/ip.js';
import type { Policy, Rule } from '../../src/model/policy.js';
import { matchService } from '../../src/model/service.js';

const FIXTURES = 'fixtures/generic';

function fixture(name: string): InputFile {
  const path = `${FIXTURES}/${name}`;
  return { path, text: readFileSync(path, 'utf8') };
}

function read(text: string, path = 'policy.yaml'): Policy {
  const policies = genericReader.read([{ path, text }]);
  expect(policies).toHaveLength(1);
  return policies[0]!;
}

function rule(policy: Policy, name: string): Rule {
  const r = policy.rules.find((x) => x.name === name);
  if (!r) throw new Error(`no rule ${name}`);
  return r;
}

/** 1-based line of the first line of `text` containing `needle`. */
function lineOf(text: string, needle: string): number {
  const i = text.split('\n').findIndex((l) => l.includes(needle));
  if (i < 0) throw new Error(`"${needle}" not in text`);
  return i + 1;
}

function readError(text: string, path = 'policy.yaml'): InputError {
  try {
    genericReader.read([{ path, text }]);
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return e as InputError;
  }
  throw new Error('expected an InputError');
}

function expectError(text: string, line: number, message: RegExp, path = 'policy.yaml'): void {
  const e = readError(text, path);
  expect({ path: e.path, line: e.line }).toEqual({ path, line });
  expect(e.message).toMatch(message);
}

/** The set of concrete addresses an expression surely matches. */
function addresses(expr: AddressExpr): IntervalSet {
  return matchAddress(expr, { kind: 'addresses' }).yes;
}

function hostMatch(expr: AddressExpr, host: string, protocol: 'tcp' | 'udp' = 'tcp'): boolean {
  return !matchAddress(expr, { kind: 'host', host, family: 'ipv4', protocol }).yes.isEmpty();
}

const BASE = `format: generic/v1
default: deny
addresses:
  clients: [10.20.0.0/16, 10.30.0.0/16]
  remotespark: [cdn.kognitivspark.net, "*.kognitivspark.net"]
services:
  web: [tcp/80, tcp/443]
rules:
  - name: r1
    action: allow
    sources: [clients]
    destinations: [remotespark]
    services: [web]
  - name: r2
    action: deny
    sources: [any]
    destinations: [any]
    services: [udp/3478]
`;

describe('generic format: detection', () => {
  const detect = (text: string, path = 'x.yaml') => genericReader.detect({ path, text });

  it('says yes to the format marker in YAML, quoted or not, with comments and CRLF', () => {
    expect(detect(BASE)).toEqual({ kind: 'yes' });
    expect(detect('# policy\nformat: "generic/v1"  # marker\ndefault: deny\nrules: []\n')).toEqual({
      kind: 'yes',
    });
    expect(detect("format: 'generic/v1'\r\ndefault: deny\r\n")).toEqual({ kind: 'yes' });
  });

  it('says yes to the format marker in JSON', () => {
    expect(detect('{\n  "format": "generic/v1",\n  "default": "deny",\n  "rules": []\n}', 'x.json')).toEqual({
      kind: 'yes',
    });
    expect(genericReader.detect(fixture('warehouse.json'))).toEqual({ kind: 'yes' });
  });

  it('says yes to every fixture policy and no to the expected-verdict files', () => {
    for (const name of readdirSync(FIXTURES)) {
      if (name.endsWith('.md')) continue;
      const expected = name.includes('.expected.') ? { kind: 'no' } : { kind: 'yes' };
      expect(genericReader.detect(fixture(name)), name).toEqual(expected);
    }
  });

  it('says no to unrelated text', () => {
    expect(detect('config firewall policy\n    edit 1\n    next\nend\n')).toEqual({ kind: 'no' });
    expect(detect('name: something\nitems: [1, 2]\n')).toEqual({ kind: 'no' });
    expect(detect('{"a": {"format": "x"}}', 'x.json')).toEqual({ kind: 'no' });
    // Indented: not a top-level key.
    expect(detect('policy:\n  format: generic/v1\n')).toEqual({ kind: 'no' });
  });

  it('calls a rules list without the marker a near miss, saying what is missing', () => {
    const d = detect('default: deny\nrules:\n  - name: a\n');
    expect(d.kind).toBe('near-miss');
    expect(d.kind === 'near-miss' && d.reason).toMatch(/no "format: generic\/v1" marker/);
    const j = detect('{"rules": [{"name": "a"}]}', 'x.json');
    expect(j.kind).toBe('near-miss');
  });

  it('calls another format marker or version a near miss', () => {
    const other = detect('format: acme/v3\nrules:\n  - name: a\n');
    expect(other).toEqual({
      kind: 'near-miss',
      reason: expect.stringMatching(/its format is "acme\/v3", not "generic\/v1"/),
    });
    const v2 = detect('format: generic/v2\ndefault: deny\n');
    expect(v2).toEqual({
      kind: 'near-miss',
      reason: expect.stringMatching(/"generic\/v2".*only "generic\/v1"/),
    });
  });

  it('is the registry reader for id "generic"', async () => {
    expect(await formatById('generic')!.load()).toBe(genericReader);
    expect(genericReader.id).toBe('generic');
  });
});

describe('generic format: reading', () => {
  it('reads the office policy: rules in order, actions, lines, default, zones', () => {
    const file = fixture('office-egress.yaml');
    const [p] = genericReader.read([file]);
    expect(p!.format).toBe('generic');
    expect(p!.paths).toEqual([file.path]);
    expect(p!.name).toBe('Head office egress');
    expect(p!.notes).toEqual([]);
    expect(p!.rules.map((r) => [r.name, r.action, r.enabled, r.location.line])).toEqual([
      ['block-guest-wifi', 'deny', true, lineOf(file.text, 'name: block-guest-wifi')],
      ['allow-dns', 'allow', true, lineOf(file.text, 'name: allow-dns')],
      ['allow-clients-web', 'allow', true, lineOf(file.text, 'name: allow-clients-web')],
      ['allow-clients-realtime', 'allow', true, lineOf(file.text, 'name: allow-clients-realtime')],
    ]);
    for (const r of p!.rules) expect(r.location.path).toBe(file.path);
    expect(p!.default).toEqual({
      action: 'deny',
      name: 'default action',
      location: { path: file.path, line: lineOf(file.text, 'default: deny') },
    });
    expect(p!.egressZones?.toString()).toBe('untrust');
    const block = rule(p!, 'block-guest-wifi');
    expect(block.sourceZones.toString()).toBe('trust');
    expect(block.destinationZones.toString()).toBe('untrust');
    expect(block.destinations.kind).toBe('any');
    expect(block.services.kind).toBe('any');
  });

  it('resolves groups, with one shared expression per group', () => {
    const p = genericReader.read([fixture('office-egress.yaml')])[0]!;
    const web = rule(p, 'allow-clients-web');
    const realtime = rule(p, 'allow-clients-realtime');
    expect(web.sources).toBe(realtime.sources);
    expect(addresses(web.sources).equals(parseCidr('10.20.0.0/16'))).toBe(true);
    const dns = rule(p, 'allow-dns');
    expect(
      addresses(dns.sources).equals(IntervalSet.unionAll([parseCidr('10.1.1.53'), parseCidr('10.1.1.54')])),
    ).toBe(true);
    expect(matchService(web.services, 443, 'tcp').result).toBe('yes');
    expect(matchService(web.services, 80, 'tcp').result).toBe('yes');
    expect(matchService(web.services, 443, 'udp').result).toBe('no');
    for (const [port, proto] of [
      [3478, 'tcp'],
      [3478, 'udp'],
      [8089, 'tcp'],
      [8089, 'udp'],
    ] as const) {
      expect(matchService(realtime.services, port, proto).result).toBe('yes');
    }
    expect(matchService(realtime.services, 5349, 'udp').result).toBe('no');
  });

  it('shares a group expression between rules and nests groups', () => {
    const text = `${BASE}  - name: r3
    action: allow
    sources: [clients]
    destinations: [remotespark]
    services: [any]
`;
    const p = read(text);
    expect(rule(p, 'r1').sources).toBe(rule(p, 'r3').sources);
    expect(rule(p, 'r1').destinations).toBe(rule(p, 'r3').destinations);
    const lab = genericReader.read([fixture('lab-groups.yaml')])[0]!;
    const media = rule(lab, 'allow-media-to-internet');
    // stun-turn nested in remotespark-media.
    expect(matchService(media.services, 3478, 'udp').result).toBe('yes');
    expect(matchService(media.services, 8089, 'tcp').result).toBe('yes');
    expect(matchService(media.services, 443, 'tcp').result).toBe('no');
  });

  it('reads names, wildcards and name-match methods', () => {
    const lab = genericReader.read([fixture('lab-groups.yaml')])[0]!;
    const web = rule(lab, 'allow-remotespark-web');
    expect(hostMatch(web.destinations, 'cdn.kognitivspark.net')).toBe(true);
    expect(hostMatch(web.destinations, 'eu.web.kognitivspark.net')).toBe(true);
    expect(hostMatch(web.destinations, 'kognitivspark.net')).toBe(false);
    expect(hostMatch(web.destinations, 'example.com')).toBe(false);
    // SNI never sees UDP.
    expect(hostMatch(web.destinations, 'cdn.kognitivspark.net', 'udp')).toBe(false);
    const d = web.destinations;
    expect(d.kind).toBe('union');
    const patterns =
      d.kind === 'union' ? d.members.map((m) => (m.kind === 'name' ? m.pattern : undefined)) : [];
    const file = fixture('lab-groups.yaml');
    expect(patterns).toEqual([
      {
        kind: 'wildcard',
        domain: 'kognitivspark.net',
        apex: false,
        depth: 'any',
        method: 'sni',
        text: '*.kognitivspark.net',
        location: { path: file.path, line: lineOf(file.text, 'remotespark-web: [') },
      },
      {
        kind: 'fqdn',
        domain: 'cdn.kognitivspark.net',
        apex: false,
        depth: 'any',
        method: 'sni',
        text: 'cdn.kognitivspark.net',
        location: { path: file.path, line: lineOf(file.text, 'remotespark: [') },
      },
    ]);
  });

  it('uses the top-level name-match as every rule default, overridable per rule', () => {
    const text = BASE.replace('default: deny', 'default: deny\nname-match: dns-snoop').replace(
      '  - name: r2\n',
      '  - name: r1b\n    action: allow\n    sources: [any]\n    destinations: [remotespark]\n    services: [any]\n    name-match: resolve\n  - name: r2\n',
    );
    const p = read(text);
    const methods = (r: Rule) => {
      const d = r.destinations;
      return d.kind === 'union' ? d.members.map((m) => m.kind === 'name' && m.pattern.method) : [];
    };
    expect(methods(rule(p, 'r1'))).toEqual(['dns-snoop', 'dns-snoop']);
    expect(methods(rule(p, 'r1b'))).toEqual(['resolve', 'resolve']);
    expect(read(BASE).rules[0]!.destinations.kind === 'union' && methods(read(BASE).rules[0]!)).toEqual([
      'resolve',
      'resolve',
    ]);
  });

  it('reads negation', () => {
    const lab = genericReader.read([fixture('lab-groups.yaml')])[0]!;
    const media = rule(lab, 'allow-media-to-internet');
    expect(media.destinations.kind).toBe('not');
    const yes = addresses(media.destinations);
    expect(yes.has(parseCidr('8.8.8.8').min()!)).toBe(true);
    expect(yes.has(parseCidr('10.1.2.3').min()!)).toBe(false);
    expect(yes.has(parseCidr('172.16.0.1').min()!)).toBe(false);
    expect(yes.has(parseCidr('2001:4860::1').min()!)).toBe(true);
    expect(yes.has(parseCidr('fd00::1').min()!)).toBe(false);
    expect(media.sources.kind).not.toBe('not');
    const neg = read(
      BASE.replace('    sources: [clients]\n', '    sources: [clients]\n    negate-sources: true\n'),
    );
    expect(addresses(neg.rules[0]!.sources).has(parseCidr('10.20.1.1').min()!)).toBe(false);
    expect(addresses(neg.rules[0]!.sources).has(parseCidr('10.40.1.1').min()!)).toBe(true);
  });

  it('reads JSON with disabled rules', () => {
    const file = fixture('warehouse.json');
    const [p] = genericReader.read([file]);
    expect(p!.rules.map((r) => [r.name, r.enabled])).toEqual([
      ['block-stun', false],
      ['allow-web', true],
      ['allow-realtime', true],
      ['allow-turns', false],
    ]);
    // A rule's line is where its list item (the object) starts.
    expect(p!.rules[0]!.location.line).toBe(lineOf(file.text, '"name": "block-stun"') - 1);
    expect(p!.default.location?.line).toBe(lineOf(file.text, '"default"'));
    expect(p!.egressZones?.toString()).toBe('outside');
  });

  it('reads every address and service form', () => {
    const text = `format: generic/v1
default: allow
rules:
  - name: forms
    action: deny
    sources: [192.0.2.7, 10.0.0.0/8, 10.1.0.0/255.255.0.0, 10.2.0.1-10.2.0.9, "2001:db8::/32", "::1"]
    destinations: [Example.COM., "*.Example.net", ANY]
    services: [tcp, udp/53, tcp/8000-8100, sctp/2905, icmp, icmp6, ip/47, TCP/22]
`;
    const r = read(text).rules[0]!;
    const src = addresses(r.sources);
    for (const a of ['192.0.2.7', '10.255.0.1', '10.2.0.5', '2001:db8::5', '::1']) {
      expect(src.has(parseCidr(a).min()!), a).toBe(true);
    }
    for (const a of ['192.0.2.8', '172.16.0.1', '2001:db9::1', '::2'])
      expect(src.has(parseCidr(a).min()!), a).toBe(false);
    expect(r.destinations.kind).toBe('any');
    const s = r.services;
    const m = (port: number, proto: 'tcp' | 'udp') => matchService(s, port, proto).result;
    expect([m(1, 'tcp'), m(53, 'udp'), m(54, 'udp'), m(8050, 'tcp')]).toEqual(['yes', 'yes', 'no', 'yes']);
    expect(s.kind === 'union' && s.members).toEqual(
      expect.arrayContaining([
        { kind: 'protocol', number: 6 },
        { kind: 'ports', protocol: 'udp', ports: [[53, 53]] },
        { kind: 'ports', protocol: 'tcp', ports: [[8000, 8100]] },
        { kind: 'ports', protocol: 'sctp', ports: [[2905, 2905]] },
        { kind: 'protocol', number: 1 },
        { kind: 'protocol', number: 58 },
        { kind: 'protocol', number: 47 },
        { kind: 'ports', protocol: 'tcp', ports: [[22, 22]] },
      ]),
    );
    const names = read(text.replace(', ANY]', ']')).rules[0]!.destinations;
    expect(hostMatch(names, 'example.com')).toBe(true);
    expect(hostMatch(names, 'a.b.example.net')).toBe(true);
    expect(hostMatch(names, 'example.net')).toBe(false);
  });

  it('treats any in a zone list as any zone and defaults zones to any', () => {
    const p = read(
      BASE.replace('    services: [web]\n', '    services: [web]\n    from-zones: [any, trust]\n'),
    );
    expect(p.rules[0]!.sourceZones.isAny()).toBe(true);
    expect(p.rules[0]!.destinationZones.isAny()).toBe(true);
    expect(p.egressZones).toBeUndefined();
  });

  it('allows an empty rule list, noting that the default decides everything', () => {
    const p = read('format: generic/v1\ndefault: allow\nrules: []\n');
    expect(p.rules).toEqual([]);
    expect(p.default.action).toBe('allow');
    expect(p.notes).toEqual([expect.stringMatching(/no rules/)]);
  });

  it('reads several files into one policy each, in order', () => {
    const policies = genericReader.read([fixture('allow-all.yaml'), fixture('warehouse.json')]);
    expect(policies.map((p) => p.paths[0])).toEqual([
      `${FIXTURES}/allow-all.yaml`,
      `${FIXTURES}/warehouse.json`,
    ]);
  });
});

describe('generic format: fixtures and their expected verdicts agree', () => {
  const policies = readdirSync(FIXTURES).filter(
    (n) => /\.(ya?ml|json)$/.test(n) && !n.includes('.expected.'),
  );

  it('has an expected-verdict file for every policy', () => {
    expect(policies.length).toBeGreaterThanOrEqual(4);
    for (const name of policies) {
      const expected = name.replace(/\.(ya?ml|json)$/, '.expected.yaml');
      expect(readdirSync(FIXTURES), name).toContain(expected);
    }
  });

  it.each(policies)('%s: every named rule exists at the stated line', (name) => {
    const p = genericReader.read([fixture(name)])[0]!;
    const expectedFile = fixture(name.replace(/\.(ya?ml|json)$/, '.expected.yaml'));
    const checks = yaml.load(expectedFile.text) as Record<string, unknown>[];
    expect(Array.isArray(checks) && checks.length > 0).toBe(true);
    for (const c of checks) {
      expect(Object.keys(c).every((k) => ['flow', 'source', 'verdict', 'rule', 'line'].includes(k))).toBe(
        true,
      );
      expect(c.flow).toMatch(/^(\*|[a-z0-9.-]+):\d+\/(tcp|udp)$/);
      expect(['allowed', 'partial', 'blocked', 'unknown']).toContain(c.verdict);
      if (c.source !== undefined) expect(() => parseCidr(String(c.source))).not.toThrow();
      if (c.rule === undefined) continue;
      const line =
        c.rule === 'default action' ? p.default.location?.line : rule(p, String(c.rule)).location.line;
      expect(c.line, `${name}: ${String(c.flow)} ${String(c.rule)}`).toBe(line);
    }
  });
});

describe('generic format: bad input', () => {
  it('refuses truncated YAML at its line', () => {
    const text = 'format: generic/v1\ndefault: deny\nrules:\n  - name: "unterminated\n';
    const e = readError(text);
    expect(e.path).toBe('policy.yaml');
    expect(e.line).toBeGreaterThanOrEqual(4);
    expect(e.message).toMatch(/^invalid YAML/);
  });

  it('refuses malformed JSON at its line', () => {
    const text = '{\n  "format": "generic/v1",\n  "default": "deny"\n  "rules": []\n}\n';
    expectError(text, 4, /^invalid JSON/, 'policy.json');
  });

  it('refuses a document that is not a mapping', () => {
    expectError('- format: generic/v1\n', 1, /\(document\): must be object/);
  });

  it('refuses a list written as a string', () => {
    const text = BASE.replace('sources: [clients]', 'sources: 10.0.0.0/8');
    expectError(text, lineOf(text, 'sources: 10.0.0.0/8'), /rules\[0\]\.sources: must be array/);
  });

  it('refuses an unknown action, naming the allowed ones', () => {
    const text = BASE.replace('action: allow', 'action: permit');
    expectError(text, lineOf(text, 'permit'), /rules\[0\]\.action: must be one of "allow", "deny"/);
  });

  it('refuses a non-boolean enabled', () => {
    const text = BASE.replace('    action: allow\n', '    action: allow\n    enabled: yes\n');
    expectError(text, lineOf(text, 'enabled: yes'), /rules\[0\]\.enabled: must be boolean/);
  });

  it('refuses unknown keys, in a rule and at the top', () => {
    const text = BASE.replace('    action: allow\n', '    action: allow\n    protocol: tcp\n');
    expectError(text, lineOf(text, 'protocol: tcp'), /unknown key "protocol"/);
    const top = BASE.replace('default: deny\n', 'default: deny\nimplicit: deny\n');
    expectError(top, lineOf(top, 'implicit'), /unknown key "implicit"/);
  });

  it('refuses a missing default or rules key', () => {
    expectError(BASE.replace('default: deny\n', ''), 1, /missing key "default"/);
    expectError('format: generic/v1\ndefault: deny\n', 1, /missing key "rules"/);
    const noName = BASE.replace('  - name: r2\n    action: deny', '  - action: deny');
    expectError(noName, lineOf(noName, '  - action: deny'), /rules\[1\]: missing key "name"/);
  });

  it('refuses an empty entry list', () => {
    const text = BASE.replace('services: [udp/3478]', 'services: []');
    expectError(text, lineOf(text, 'services: []'), /rules\[1\]\.services: must NOT have fewer than 1 items/);
  });

  it('refuses another format version in a file read with --format generic', () => {
    const text = BASE.replace('generic/v1', 'generic/v2');
    expectError(text, 1, /format: must be "generic\/v1"/);
  });

  it('refuses an unknown protocol, listing the expected forms', () => {
    const text = BASE.replace('services: [udp/3478]', 'services: [udp/3478, tpc/443]');
    expectError(
      text,
      lineOf(text, 'tpc/443'),
      /rules\[1\]\.services\[1\]: unknown service "tpc\/443"; expected any, tcp, udp, sctp, icmp, icmp6, PROTO\/PORT/,
    );
  });

  it('refuses bad ports and port ranges', () => {
    let text = BASE.replace('services: [udp/3478]', 'services:\n      - udp/3478\n      - tcp/70000');
    expectError(text, lineOf(text, 'tcp/70000'), /port 70000 in "tcp\/70000" is out of range 0-65535/);
    text = BASE.replace('services: [udp/3478]', 'services: [tcp/9000-8000]');
    expectError(text, lineOf(text, 'tcp/9000-8000'), /port range "tcp\/9000-8000" ends before it starts/);
    text = BASE.replace('services: [udp/3478]', 'services: [tcp/https]');
    expectError(text, lineOf(text, 'tcp/https'), /"https" is not a port/);
    text = BASE.replace('services: [udp/3478]', 'services: [icmp/8]');
    expectError(text, lineOf(text, 'icmp/8'), /icmp has no ports/);
    text = BASE.replace('services: [udp/3478]', 'services: [ip/300]');
    expectError(text, lineOf(text, 'ip/300'), /IP protocol number 0-255/);
  });

  it('refuses a bad CIDR at its line', () => {
    const text = BASE.replace(
      'destinations: [any]',
      'destinations:\n      - 192.0.2.0/24\n      - 10.0.0.0/33',
    );
    expectError(
      text,
      lineOf(text, '10.0.0.0/33'),
      /rules\[1\]\.destinations\[1\]: bad address "10\.0\.0\.0\/33": prefix length 33 is out of range.*expected an IP address, a CIDR/,
    );
    const inGroup = BASE.replace('10.30.0.0/16]', '10.30.0.300]');
    expectError(
      inGroup,
      lineOf(inGroup, '10.30.0.300'),
      /addresses\.clients\[1\]: bad address "10\.30\.0\.300"/,
    );
  });

  it('refuses a backwards address range', () => {
    const text = BASE.replace('sources: [any]', 'sources: [10.0.0.9-10.0.0.1]');
    expectError(
      text,
      lineOf(text, '10.0.0.9-10.0.0.1'),
      /range "10\.0\.0\.9-10\.0\.0\.1" ends before it starts/,
    );
  });

  it('refuses bad wildcards and entries that are nothing', () => {
    let text = BASE.replace('"*.kognitivspark.net"', '"*kognitivspark.net"');
    expectError(text, lineOf(text, '*kognitivspark'), /a wildcard must be "\*\." followed by a domain/);
    text = BASE.replace('"*.kognitivspark.net"', '"*.*.net"');
    expectError(text, lineOf(text, '*.*.net'), /not a valid wildcard/);
    text = BASE.replace('sources: [any]', 'sources: ["not an address"]');
    expectError(
      text,
      lineOf(text, 'not an address'),
      /"not an address" is not an address entry; expected any, an IP/,
    );
  });

  it('refuses an undefined group at the line of the reference', () => {
    let text = BASE.replace('sources: [clients]', 'sources:\n      - clients\n      - clinets');
    expectError(
      text,
      lineOf(text, '- clinets'),
      /rules\[0\]\.sources\[1\]: undefined address group "clinets"/,
    );
    text = BASE.replace('[10.20.0.0/16, 10.30.0.0/16]', '[10.20.0.0/16, branch-offices]');
    expectError(
      text,
      lineOf(text, 'branch-offices'),
      /addresses\.clients\[1\]: undefined address group "branch-offices"/,
    );
    text = BASE.replace('services: [udp/3478]', 'services: [https]');
    expectError(text, lineOf(text, '[https]'), /undefined service group "https"/);
  });

  it('refuses groups that contain themselves, naming the cycle', () => {
    let text = BASE.replace('[10.20.0.0/16, 10.30.0.0/16]', '[10.20.0.0/16, clients]');
    expectError(
      text,
      lineOf(text, 'clients: ['),
      /address group "clients" contains itself \(clients -> clients\)/,
    );
    text = BASE.replace(
      '  clients: [10.20.0.0/16, 10.30.0.0/16]\n',
      '  clients: [10.20.0.0/16, offices]\n  offices:\n    - 10.30.0.0/16\n    - hq\n  hq: [clients]\n',
    );
    expectError(
      text,
      lineOf(text, 'hq: [clients]'),
      /address group "clients" contains itself \(clients -> offices -> hq -> clients\)/,
    );
    text = BASE.replace('web: [tcp/80, tcp/443]', 'web: [tcp/80, secure]\n  secure: [web]');
    expectError(
      text,
      lineOf(text, 'secure: [web]'),
      /service group "web" contains itself \(web -> secure -> web\)/,
    );
  });

  it('refuses group names that could read as entries', () => {
    let text = BASE.replace('  clients:', '  hq.example.com: [10.9.0.0/16]\n  clients:');
    expectError(
      text,
      lineOf(text, 'hq.example.com'),
      /bad address group name "hq\.example\.com": a group name has only letters/,
    );
    text = BASE.replace('  clients:', '  Any: [10.9.0.0/16]\n  clients:');
    expectError(text, lineOf(text, 'Any:'), /bad address group name "Any"/);
    text = BASE.replace('  web:', '  udp: [udp/53]\n  web:');
    expectError(
      text,
      lineOf(text, 'udp: [udp/53]'),
      /bad service group name "udp": "udp" is a service entry itself/,
    );
  });

  it('refuses duplicate rule names, naming the first', () => {
    const text = BASE.replace('name: r2', 'name: r1');
    expectError(text, lineOf(text, 'action: deny') - 1, /duplicate rule name "r1" \(first used at line 9\)/);
  });

  it('refuses duplicate YAML keys', () => {
    const text = BASE.replace('  remotespark:', '  clients: [10.9.0.0/16]\n  remotespark:');
    expectError(text, lineOf(text, 'clients: [10.9.0.0/16]'), /invalid YAML: duplicated mapping key/);
  });

  it('throws nothing but InputError on mangled input', () => {
    const lines = BASE.split('\n');
    fc.assert(
      fc.property(
        fc.nat({ max: lines.length - 1 }),
        fc.string({ maxLength: 12 }),
        fc.boolean(),
        (at, junk, replace) => {
          const copy = [...lines];
          copy[at] = replace ? copy[at]!.replace(/[\w./*-]+$/, junk) : copy[at] + junk;
          expectReadOrInputError(
            (text) => genericReader.read([{ path: 'fuzz.yaml', text }]),
            copy.join('\n'),
            copy.length + 1,
          );
        },
      ),
      fuzzParameters(500),
    );
  });
});

describe('generic format: size', () => {
  it('reads 50k rules in a few seconds', () => {
    const lines = [
      'format: generic/v1',
      'default: deny',
      'addresses:',
      '  clients: [10.20.0.0/16, 10.30.0.0/16]',
      '  remotespark: [cdn.kognitivspark.net, "*.kognitivspark.net"]',
      'rules:',
    ];
    const n = 50_000;
    for (let i = 0; i < n; i++) {
      lines.push(
        `  - name: rule-${i}`,
        `    action: ${i % 3 ? 'allow' : 'deny'}`,
        `    sources: [10.${(i >> 8) & 255}.${i & 255}.0/24, clients]`,
        `    destinations: [${i % 7 ? 'any' : 'remotespark'}, 198.${i % 200}.0.0/16]`,
        `    services: [tcp/${i % 65535}, udp/3478]`,
      );
    }
    const start = performance.now();
    const p = read(lines.join('\n'));
    const ms = performance.now() - start;
    expect(p.rules).toHaveLength(n);
    expect(p.rules[n - 1]!.location.line).toBe(lines.length - 4);
    expect(ms).toBeLessThan(15_000);
  });
});
