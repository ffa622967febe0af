import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseFlowSpec } from '../../../src/check/flow-spec.js';
import { evaluateFlow } from '../../../src/evaluate/evaluate.js';
import { panosReader } from '../../../src/formats/panos/panos-reader.js';
import { readInputFile } from '../../../src/input/input-file.js';
import { matchAddress, type AddressExpr } from '../../../src/model/address.js';
import { IntervalSet } from '../../../src/model/interval-set.js';
import { parseCidr, parseIpSpec } from '../../../src/model/ip.js';
import { matchService, type ServiceExpr } from '../../../src/model/service.js';
import { ZoneSet } from '../../../src/model/zone-set.js';
import { expectError, firewallXml, lineOf, readOne, rule, ruleXml } from './helpers.js';

const FIXTURES = 'fixtures/panos';
const CORPUS = '/work/shared/corpus/panos';

function fixture(name: string) {
  const path = join(FIXTURES, name);
  return { path, text: readFileSync(path, 'utf8') };
}

const detect = (text: string, path = 'x.xml') => panosReader.detect({ path, text });

/** The addresses an expression surely matches. */
function addresses(expr: AddressExpr): IntervalSet {
  return matchAddress(expr, { kind: 'addresses' }).yes;
}

function svc(expr: ServiceExpr, port: number, protocol: 'tcp' | 'udp' = 'tcp'): string {
  return matchService(expr, port, protocol).result;
}

describe('PAN-OS: detection', () => {
  it('says yes to every fixture config and to the corpus', () => {
    const files = readdirSync(FIXTURES)
      .filter((f) => f.endsWith('.xml'))
      .map(fixture);
    let corpus: string[] = [];
    try {
      corpus = readdirSync(CORPUS).map((f) => join(CORPUS, f));
    } catch {
      corpus = [];
    }
    for (const f of [...files, ...corpus.map((p) => ({ path: p, text: readFileSync(p, 'utf8') }))]) {
      expect(panosReader.detect(f), f.path).toEqual({ kind: 'yes' });
    }
    expect(files.length).toBeGreaterThanOrEqual(5);
  });

  it('says yes to the XML API answer around a config', () => {
    const text =
      '<response status="success"><result><config version="10.1.0"><mgt-config/><shared/><devices/></config></result></response>';
    expect(detect(text)).toEqual({ kind: 'yes' });
  });

  it('says no to other formats and other XML', () => {
    expect(detect('format: generic/v1\ndefault: deny\nrules: []\n', 'p.yaml')).toEqual({ kind: 'no' });
    expect(detect('config firewall policy\n    edit 1\n    next\nend\n', 'fw.conf')).toEqual({ kind: 'no' });
    expect(
      detect('<rpc-reply><configuration><security><policies/></security></configuration></rpc-reply>'),
    ).toEqual({
      kind: 'no',
    });
    expect(detect('<?xml version="1.0"?>\n<pfsense><filter><rule/></filter></pfsense>')).toEqual({
      kind: 'no',
    });
    expect(detect('{"resources": []}', 'arm.json')).toEqual({ kind: 'no' });
    expect(detect('<config><interfaces/></config>')).toEqual({ kind: 'no' });
  });

  const nearMisses: [string, string, RegExp][] = [
    [
      'set commands',
      'set deviceconfig system hostname fw01\nset network interface ethernet ethernet1/1 layer3 ip 10.0.0.1/24\nset rulebase security rules r1 action allow\n',
      /"set" command form.*Export named configuration snapshot/,
    ],
    [
      'set commands of a vsys',
      'set vsys vsys1 rulebase security rules allow-web from trust\n',
      /"set" command form/,
    ],
    [
      'a Cloud NGFW rulestack',
      '{"LocalRulestack": {"RuleStackName": "rs1", "RuleList": [{"RuleName": "allow"}]}}',
      /Cloud NGFW rulestack/,
    ],
    [
      'a Strata Cloud Manager export',
      '{"data": [{"name": "allow-web", "folder": "Shared", "from": ["trust"], "to": ["untrust"], "application": ["ssl"], "action": "allow"}]}',
      /Prisma Access \/ Strata Cloud Manager/,
    ],
    [
      'a rulebase fragment',
      '<rulebase><security><rules><entry name="a"><from><member>any</member></from></entry></rules></security></rulebase>',
      /fragment of a PAN-OS configuration \(root element <rulebase>\)/,
    ],
    [
      'a file cut before its <config> root',
      '            <entry name="ethernet1/1">\n              <layer3>\n                <ip-netmask>10.0.0.1/24</ip-netmask>\n',
      /fragment of a PAN-OS configuration \(root element <entry>\)/,
    ],
    [
      'a <config> without PAN-OS sections',
      '<config><vsys><entry name="vsys1"><rulebase/></entry></vsys></config>',
      /none of <mgt-config>, <shared> or <devices>/,
    ],
  ];
  for (const [label, text, reason] of nearMisses) {
    it(`calls ${label} a near miss, saying why`, () => {
      const d = detect(text);
      expect(d.kind).toBe('near-miss');
      expect(d.kind === 'near-miss' && d.reason).toMatch(reason);
    });
  }
});

describe('PAN-OS: reading a firewall', () => {
  const file = fixture('fw-branch-vsys1.xml');
  const [policy] = panosReader.read([file]);

  it('reads vsys1 in order, then the default rules, with lines, ids and sections', () => {
    expect(policy!.name).toBe('vsys1');
    expect(policy!.format).toBe('panos');
    const names = policy!.rules.map((r) => r.name);
    expect(names).toEqual([
      'drop-guest-realtime',
      'block-social',
      'block-legacy-8089',
      'allow-remotespark-web',
      'allow-web-browsing',
      'allow-realtime-internet',
      'allow-dns',
      'allow-storage-na',
      'guest-web',
      'intrazone-default',
      'interzone-default',
    ]);
    const drop = rule(policy!, 'drop-guest-realtime');
    expect(drop.location).toEqual({ path: file.path, line: lineOf(file.text, 'name="drop-guest-realtime"') });
    expect(drop).toMatchObject({
      action: 'deny',
      vendorAction: 'drop',
      section: 'rulebase',
      id: '5d1b0c8e-1a2b-4c3d-8e9f-0a1b2c3d4e01',
    });
    expect(rule(policy!, 'block-social').vendorAction).toBe('reset-client');
    expect(rule(policy!, 'allow-storage-na').enabled).toBe(false);
    expect(rule(policy!, 'allow-dns').sourceZones.toString()).toBe('guest, trust');
    expect(policy!.default).toEqual({
      action: 'deny',
      name: 'interzone-default',
      location: { path: file.path, line: lineOf(file.text, '<rulebase>') },
    });
  });

  it('takes the egress zone from the default route and says so', () => {
    expect(policy!.egressZones).toEqual(ZoneSet.of(['untrust']));
    expect(policy!.notes.join('\n')).toMatch(
      /zone "untrust", which holds ethernet1\/1, the interface of the default route "internet" \(0\.0\.0\.0\/0\)/,
    );
  });

  it('resolves address objects of every type, nested groups and negation exactly', () => {
    const web = rule(policy!, 'allow-remotespark-web');
    expect(addresses(web.sources).equals(parseCidr('10.20.0.0/16'))).toBe(true);
    const hosts = [
      'cdn.kognitivspark.net',
      'remotespark.trafficmanager.net',
      'remotespark-na.azurewebsites.net',
    ];
    for (const host of hosts) {
      const m = matchAddress(web.destinations, { kind: 'host', host, family: 'ipv4', protocol: 'tcp' });
      expect(m.yes.isEmpty(), host).toBe(false);
      expect(m.via?.method).toBe('resolve');
    }
    const rt = rule(policy!, 'allow-realtime-internet');
    const privates = IntervalSet.unionAll(['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'].map(parseCidr));
    expect(addresses(rt.destinations).intersects(privates)).toBe(false);
    expect(addresses(rt.destinations).covers(parseCidr('8.8.8.0/24'))).toBe(true);
  });

  it('keeps the line of an FQDN object with its name pattern', () => {
    const web = rule(policy!, 'allow-remotespark-web');
    const m = matchAddress(web.destinations, {
      kind: 'host',
      host: 'cdn.kognitivspark.net',
      family: 'ipv4',
      protocol: 'tcp',
    });
    expect(m.via?.location).toEqual({ path: file.path, line: lineOf(file.text, 'name="rs-cdn"') });
  });

  it('turns services into ports: lists, ranges, source ports, nested groups, predefined ones', () => {
    const rt = rule(policy!, 'allow-realtime-internet').services;
    expect([svc(rt, 8089, 'udp'), svc(rt, 8050), svc(rt, 8101), svc(rt, 5349, 'udp'), svc(rt, 443)]).toEqual([
      'yes',
      'yes',
      'no',
      'yes',
      'no',
    ]);
    // Source ports 1-1023: clients send from ephemeral ports, so never.
    expect(svc(rule(policy!, 'block-legacy-8089').services, 8089)).toBe('no');
    // service-http is TCP 80 and 8080, service-https TCP 443 (with App-ID ssl/web-browsing on top).
    const guest = rule(policy!, 'guest-web').services;
    expect([svc(guest, 443), svc(guest, 80), svc(guest, 8080), svc(guest, 8443)]).toEqual([
      'yes',
      'yes',
      'maybe',
      'no',
    ]);
  });
});

describe('PAN-OS: App-ID', () => {
  const services = (apps: string[], service: string[], extraObjects = '', extraRules = '') => {
    const text = firewallXml(extraObjects, ruleXml({ name: 'r', application: apps, service }) + extraRules);
    return rule(readOne(text), 'r').services;
  };

  it('ssl on its default port is TLS on 443; web-browsing is cleartext HTTP on 80', () => {
    const ssl = services(['ssl'], ['application-default']);
    expect([svc(ssl, 443), svc(ssl, 80), svc(ssl, 3478, 'udp')]).toEqual(['yes', 'no', 'no']);
    const wb = services(['web-browsing'], ['application-default']);
    expect([svc(wb, 443), svc(wb, 80)]).toEqual(['no', 'yes']);
  });

  it('stun on 3478 (TCP and UDP), dns on 53; other ports are undecided for STUN-like App-IDs', () => {
    const stun = services(['stun'], ['application-default']);
    expect([svc(stun, 3478, 'udp'), svc(stun, 3478), svc(stun, 8089, 'udp'), svc(stun, 443)]).toEqual([
      'yes',
      'yes',
      'maybe',
      'no',
    ]);
    const dns = services(['dns'], ['application-default']);
    expect([svc(dns, 53, 'udp'), svc(dns, 53), svc(dns, 443)]).toEqual(['yes', 'yes', 'no']);
  });

  it('App-IDs RemoteSpark traffic never is match nothing; Azure App-IDs may', () => {
    const social = services(['facebook-base', 'ssh'], ['any']);
    for (const [port, proto] of [
      [443, 'tcp'],
      [3478, 'udp'],
      [8089, 'tcp'],
      [53, 'udp'],
    ] as const) {
      expect(svc(social, port, proto)).toBe('no');
    }
    expect(svc(services(['ms-azure-storage'], ['any']), 443)).toBe('maybe');
  });

  it('any application with application-default: each App-ID on its own default ports', () => {
    const any = services(['any'], ['application-default']);
    expect([svc(any, 443), svc(any, 3478, 'udp'), svc(any, 53, 'udp'), svc(any, 8089, 'udp')]).toEqual([
      'yes',
      'yes',
      'yes',
      'maybe',
    ]);
  });

  it('explicit services restrict the applications: ssl on service-http never matches TLS on 443', () => {
    const s = services(['ssl'], ['service-http']);
    expect([svc(s, 443), svc(s, 80), svc(s, 8080)]).toEqual(['no', 'no', 'maybe']);
  });

  it('application groups expand (old and new member forms); custom applications and filters are undecided', () => {
    const objects =
      '<application-group><entry name="web"><members><member>ssl</member></members></entry><entry name="old"><member>web</member><member>dns</member></entry></application-group>' +
      '<application><entry name="custom"><category>business-systems</category></entry></application>' +
      '<application-filter><entry name="collab"><category><member>collaboration</member></category></entry></application-filter>';
    const grouped = services(['old'], ['application-default'], objects);
    expect([svc(grouped, 443), svc(grouped, 53, 'udp'), svc(grouped, 3478, 'udp')]).toEqual([
      'yes',
      'yes',
      'no',
    ]);
    expect(matchService(services(['custom'], ['any'], objects), 443, 'tcp')).toMatchObject({
      result: 'maybe',
      why: expect.stringMatching(/custom application "custom"/),
    });
    expect(svc(services(['collab'], ['any'], objects), 3478, 'udp')).toBe('maybe');
  });

  it('decryption rules make ssl and web-browsing on 443 undecided', () => {
    const text = firewallXml(
      '',
      ruleXml({ name: 'r', application: ['ssl'], service: ['application-default'] }),
    ).replace(
      '</security>',
      '</security><decryption><rules><entry name="d"><action>decrypt</action></entry></rules></decryption>',
    );
    const p = readOne(text);
    expect(matchService(rule(p, 'r').services, 443, 'tcp')).toMatchObject({
      result: 'maybe',
      why: expect.stringMatching(/decryption rules/),
    });
    expect(p.notes.join('\n')).toMatch(/decryption rules decrypt some TLS/);
  });
});

describe('PAN-OS: rule conditions the config cannot decide', () => {
  const conditionsOf = (extra: string) => {
    const text = firewallXml('', ruleXml({ name: 'r', extra }));
    return (rule(readOne(text), 'r').conditions ?? []).map((c) => c.reason);
  };

  it('source users, URL categories, HIP profiles, schedules and Panorama targets make a rule "maybe"', () => {
    expect(conditionsOf('<source-user><member>corp\\engineers</member></source-user>')).toEqual([
      'rule "r" matches only source user (User-ID) "corp\\engineers"',
    ]);
    expect(conditionsOf('<category><member>business-and-economy</member></category>')[0]).toMatch(
      /URL category/,
    );
    expect(conditionsOf('<source-hip><member>managed</member></source-hip>')[0]).toMatch(
      /source HIP profile/,
    );
    expect(conditionsOf('<hip-profiles><member>managed</member></hip-profiles>')[0]).toMatch(/HIP profile/);
    expect(conditionsOf('<schedule>weekdays</schedule>')[0]).toMatch(/schedule "weekdays"/);
    expect(
      conditionsOf('<target><devices><entry name="0123"/></devices><negate>no</negate></target>')[0],
    ).toMatch(/some firewalls of the device group/);
    expect(conditionsOf('<source-imsi><member>0012345</member></source-imsi>')[0]).toMatch(/<source-imsi>/);
  });

  it('"any" values, descriptions, tags, logging and profiles are no conditions', () => {
    expect(
      conditionsOf(
        '<source-user><member>any</member></source-user><category><member>any</member></category><tag><member>x</member></tag><log-end>yes</log-end><description>d</description><profile-setting><group><member>default</member></group></profile-setting><target><negate>no</negate></target>',
      ),
    ).toEqual([]);
  });
});

describe('PAN-OS: Panorama', () => {
  const file = fixture('panorama-hierarchy.xml');
  const policies = panosReader.read([file]);
  const byName = new Map(policies.map((p) => [p.name, p]));

  it('makes one policy per device group, in hierarchy order: shared pre, ancestors pre, own pre, own post, ancestors post, shared post, defaults', () => {
    expect(policies.map((p) => p.name)).toEqual(['Branches', 'Branch-EU', 'Datacenter']);
    const eu = byName.get('Branch-EU')!;
    expect(eu.rules.filter((r) => !r.name.endsWith('-default')).map((r) => [r.name, r.section])).toEqual([
      ['shared-pre-allow-dns', 'shared pre-rulebase'],
      ['shared-pre-block-p2p', 'shared pre-rulebase'],
      ['branches-pre-deny-8089-tcp', 'device group "Branches" pre-rulebase'],
      ['eu-pre-allow-realtime', 'device group "Branch-EU" pre-rulebase'],
      ['eu-post-allow-https', 'device group "Branch-EU" post-rulebase'],
      ['branches-post-deny-https', 'device group "Branches" post-rulebase'],
      ['shared-post-allow-remotespark', 'shared post-rulebase'],
    ]);
  });

  it('takes each default rule from the nearest override: device group, then ancestors, then shared', () => {
    const eu = byName.get('Branch-EU')!;
    expect(eu.default).toMatchObject({ action: 'deny', name: 'interzone-default', location: { line: 290 } });
    expect(rule(eu, 'interzone-default').vendorAction).toBe('reset-both');
    expect(rule(eu, 'intrazone-default')).toMatchObject({ action: 'deny', location: { line: 388 } });
    expect(byName.get('Datacenter')!.default).toMatchObject({ location: { line: 193 } });
    expect(rule(byName.get('Datacenter')!, 'interzone-default').vendorAction).toBe('drop');
  });

  it('leaves the egress zone unknown and says why, and that local firewall rules are not in the export', () => {
    for (const p of policies) {
      expect(p.egressZones).toBe('unknown');
      expect(p.notes.join('\n')).toMatch(/--destination-zone/);
      expect(p.notes.join('\n')).toMatch(/local rules on the managed firewalls/);
    }
  });

  it('reads the older hierarchy form readonly/dg-meta-data/dginfo', () => {
    const text = file.text.replace(
      /<readonly>[^]*<\/readonly>/,
      '<readonly><dg-meta-data><dginfo><entry name="Branch-EU"><dg-id>12</dg-id><parent-dg>Branches</parent-dg></entry></dginfo></dg-meta-data></readonly>',
    );
    const eu = panosReader.read([{ path: 'old.xml', text }]).find((p) => p.name === 'Branch-EU')!;
    expect(eu.rules.map((r) => r.name)).toContain('branches-pre-deny-8089-tcp');
  });
});

describe('PAN-OS: reading the corpus without crashing', () => {
  let files: string[] = [];
  try {
    files = readdirSync(CORPUS).map((f) => join(CORPUS, f));
  } catch {
    files = [];
  }
  for (const path of files) {
    it(path, () => {
      const policies = panosReader.read([{ path, text: readFileSync(path, 'utf8') }]);
      expect(policies.length).toBeGreaterThan(0);
    });
  }
});

describe('PAN-OS: a firewall Panorama manages', () => {
  it('notes when the export holds none of the rules Panorama pushes', () => {
    const text = firewallXml('', [{ name: 'r' }]).replace(
      '<vsys>',
      '<deviceconfig><system><panorama-server>10.0.0.5</panorama-server></system></deviceconfig><vsys>',
    );
    expect(readOne(text).notes.join('\n')).toMatch(
      /managed by Panorama \(10\.0\.0\.5\).*check the Panorama export too/,
    );
  });

  it('puts pushed pre-rules before and pushed post-rules after the local rules', () => {
    const p = readOne(fixture('fw-managed-pushed.xml').text);
    expect(p.rules.filter((r) => !r.name.endsWith('-default')).map((r) => r.section)).toEqual([
      'Panorama pre-rulebase',
      'Panorama pre-rulebase',
      'rulebase',
      'rulebase',
      'rulebase',
      'rulebase',
      'Panorama post-rulebase',
    ]);
    expect(p.egressZones).toEqual(ZoneSet.of(['internet']));
  });
});

describe('PAN-OS: multi-vsys', () => {
  it('makes one policy per vsys, each with its own egress zone', () => {
    const policies = panosReader.read([fixture('fw-multi-vsys.xml')]);
    expect(policies.map((p) => [p.name, String(p.egressZones)])).toEqual([
      ['vsys1', 'corp-wan'],
      ['vsys2', 'lab-wan'],
    ]);
    expect(policies[1]!.notes.join('\n')).toMatch(/next hop 192\.0\.2\.1 is on it/);
  });

  it('resolves addresses given in place of objects: hosts, ranges, CIDRs', () => {
    const text = firewallXml('', [
      { name: 'r', source: ['10.0.0.0-10.255.255.255', '192.168.1.7', '2001:db8::/32'] },
    ]);
    const src = addresses(rule(readOne(text), 'r').sources);
    expect(
      src.equals(IntervalSet.unionAll(['10.0.0.0/8', '192.168.1.7', '2001:db8::/32'].map(parseIpSpec))),
    ).toBe(true);
  });
});

describe('PAN-OS: constructs this reader does not model are unknown, never allowed', () => {
  it('an address object of an unknown type, a service with an unknown protocol', () => {
    const objects =
      '<address><entry name="future"><ip-prefix-list>x</ip-prefix-list><description>d</description></entry></address>' +
      '<service><entry name="icmp-ish"><protocol><icmp><type>8</type></icmp></protocol></entry></service>';
    const p = readOne(firewallXml(objects, [{ name: 'r', destination: ['future'], service: ['icmp-ish'] }]));
    const r = rule(p, 'r');
    expect(matchAddress(r.destinations, { kind: 'addresses' }).why).toMatch(
      /type <ip-prefix-list>, which this reader doesn't model/,
    );
    expect(matchService(r.services, 443, 'tcp')).toMatchObject({
      result: 'maybe',
      why: expect.stringMatching(/protocol <icmp>/),
    });
  });

  it('reads the config inside an XML API answer', () => {
    const text = `<response status="success"><result total-count="1" count="1">\n${firewallXml('', [{ name: 'r' }])}</result></response>`;
    expect(readOne(text).rules[0]!.name).toBe('r');
  });
});

describe('PAN-OS: bad input is an InputError at the right line', () => {
  it('a truncated file', () => {
    const text = fixture('fw-branch-vsys1.xml').text;
    const cut = text.slice(0, text.indexOf('<entry name="allow-dns"') + 40);
    expectError(cut, cut.split('\n').length, /invalid XML: .*never closed; the file looks truncated/);
  });

  it('broken nesting', () => {
    const text = firewallXml('', [{ name: 'r' }]).replace('</rules></security>', '</security></rules>');
    const line = lineOf(text, '</security></rules>');
    expectError(
      text,
      line,
      /end tag <\/security> does not match the open element <rules>; expected <\/rules> \(opened at line \d+\)/,
    );
  });

  it('an object defined twice in one scope, even when no rule uses it', () => {
    const objects = [
      '<address>',
      '<entry name="dup"><ip-netmask>10.0.0.1</ip-netmask></entry>',
      '<entry name="dup"><ip-netmask>10.0.0.2</ip-netmask></entry>',
      '</address>',
    ].join('\n');
    const text = firewallXml(objects, [{ name: 'r' }]);
    expectError(
      text,
      lineOf(text, '10.0.0.2'),
      new RegExp(
        `address object "dup" is defined twice in vsys "vsys1" \\(first at line ${lineOf(text, '10.0.0.1')}\\)`,
      ),
    );
  });

  it('a rule name given twice in one rulebase', () => {
    const text = firewallXml('', [
      { name: 'web', destination: ['10.0.0.1'] },
      { name: 'other' },
      { name: 'web', destination: ['10.0.0.2'] },
    ]);
    expectError(
      text,
      lineOf(text, '10.0.0.2'),
      new RegExp(
        `rule "web" is defined twice in the rulebase \\(first at line ${lineOf(text, '10.0.0.1')}\\)`,
      ),
    );
  });

  it('a group defined twice in one scope, behind an address object of the same name', () => {
    const objects = [
      '<address><entry name="both"><ip-netmask>10.1.0.0/16</ip-netmask></entry></address>',
      '<address-group>',
      '<entry name="both"><static><member>10.2.0.0/16</member></static></entry>',
      '<entry name="both"><static><member>10.3.0.0/16</member></static></entry>',
      '</address-group>',
    ].join('\n');
    const text = firewallXml(objects, [{ name: 'r' }]);
    expectError(
      text,
      lineOf(text, '10.3.0.0/16'),
      new RegExp(
        `address group "both" is defined twice in vsys "vsys1" \\(first at line ${lineOf(text, '10.2.0.0/16')}\\)`,
      ),
    );
  });

  it('names with references and thousands of objects are found by their decoded names', () => {
    const entries = Array.from(
      { length: 3000 },
      (_, i) => `<entry name="h-${i}"><ip-netmask>10.${i >> 8}.${i & 255}.1</ip-netmask></entry>`,
    );
    const objects = [
      '<address>',
      ...entries,
      '<entry name="R&amp;D &#x41;"><ip-netmask>192.168.7.0/24</ip-netmask></entry>',
      '</address>',
    ].join('\n');
    const p = readOne(
      firewallXml(objects, [
        { name: 'r', source: ['R&amp;D A', 'h-2999'] },
        { name: 's', source: ['h-0', 'h-1234'] },
      ]),
    );
    expect(
      addresses(rule(p, 'r').sources).equals(parseIpSpec('192.168.7.0/24').union(parseIpSpec('10.11.183.1'))),
    ).toBe(true);
    expect(
      addresses(rule(p, 's').sources).equals(parseIpSpec('10.0.0.1').union(parseIpSpec('10.4.210.1'))),
    ).toBe(true);
    expect(p.warnings).toBeUndefined();
  });

  it('address values a rule uses, plain or to be decoded, after other children, and fqdn objects', () => {
    const objects = [
      '<address>',
      '<entry name="plain"><description>first</description><ip-netmask>10.1.0.0/16</ip-netmask></entry>',
      '<entry name="padded"><ip-range> 10.2.0.1-10.2.0.9 </ip-range></entry>',
      '<entry name="coded"><ip-netmask>10.3.0.&#49;</ip-netmask></entry>',
      '<entry name="wild"><ip-wildcard>10.4.1.0/0.0.2.255</ip-wildcard></entry>',
      '<entry name="host">',
      '<fqdn>Cdn.Example.com</fqdn></entry>',
      '</address>',
    ].join('\n');
    const text = firewallXml(objects, [
      { name: 'r', source: ['plain', 'padded', 'coded', 'wild'] },
      { name: 'f', destination: ['host'] },
    ]);
    const p = readOne(text);
    const expected = ['10.1.0.0/16', '10.2.0.1-10.2.0.9', '10.3.0.1', '10.4.1.0/24', '10.4.3.0/24']
      .map(parseIpSpec)
      .reduce((a, b) => a.union(b));
    expect(addresses(rule(p, 'r').sources).equals(expected)).toBe(true);
    expect(rule(p, 'f').destinations).toMatchObject({
      kind: 'name',
      pattern: {
        kind: 'fqdn',
        domain: 'cdn.example.com',
        text: 'Cdn.Example.com',
        location: { line: lineOf(text, '<entry name="host">') },
      },
    });
  });

  it('a bad address value a rule uses is reported at its element', () => {
    const netmask = firewallXml(
      '<address><entry name="n">\n<ip-netmask>10.0.0.0/33</ip-netmask>\n</entry></address>',
      [{ name: 'r', source: ['n'] }],
    );
    expectError(
      netmask,
      lineOf(netmask, '10.0.0.0/33'),
      /address object "n": bad ip-netmask "10\.0\.0\.0\/33": prefix length 33/,
    );
    const host = firewallXml('<address><entry name="h">\n<fqdn>not_a host</fqdn>\n</entry></address>', [
      { name: 'r', destination: ['h'] },
    ]);
    expectError(
      host,
      lineOf(host, 'not_a host'),
      /address object "h": "not_a host" is not a valid host name/,
    );
  });

  it('a name that is both an address object and an address group in one scope: the object is found', () => {
    const objects = [
      '<address><entry name="both"><ip-netmask>10.1.0.0/16</ip-netmask></entry></address>',
      '<address-group><entry name="both"><static><member>10.2.0.0/16</member></static></entry></address-group>',
    ].join('\n');
    const p = readOne(firewallXml(objects, [{ name: 'r', source: ['both'] }]));
    expect(addresses(rule(p, 'r').sources).equals(parseCidr('10.1.0.0/16'))).toBe(true);
  });

  it('an address group that contains itself, naming the cycle', () => {
    const objects = [
      '<address><entry name="h"><ip-netmask>10.0.0.1</ip-netmask></entry></address>',
      '<address-group>',
      '<entry name="a"><static><member>h</member><member>b</member></static></entry>',
      '<entry name="b"><static>',
      '<member>a</member>',
      '</static></entry>',
      '</address-group>',
    ].join('\n');
    const text = firewallXml(objects, [{ name: 'r', source: ['a'] }]);
    expectError(
      text,
      lineOf(text, '<member>a</member>'),
      /address group "a" contains itself \(a -> b -> a\)/,
    );
  });

  it('a service group or application group that contains itself', () => {
    const services =
      '<service-group><entry name="s"><members>\n<member>s</member>\n</members></entry></service-group>';
    const t1 = firewallXml(services, [{ name: 'r' }]);
    expectError(t1, lineOf(t1, '<member>s</member>'), /service group "s" contains itself \(s -> s\)/);
    const apps =
      '<application-group><entry name="x"><members><member>y</member></members></entry><entry name="y"><members>\n<member>x</member>\n</members></entry></application-group>';
    const t2 = firewallXml(apps, [{ name: 'r', application: ['x'] }]);
    expectError(
      t2,
      lineOf(t2, '<member>x</member>'),
      /application group "x" contains itself \(x -> y -> x\)/,
    );
  });

  it('bad values: an address, a port, an action, a missing list', () => {
    const addr = firewallXml(
      '<address><entry name="n">\n<ip-netmask>10.0.0.0/33</ip-netmask>\n</entry></address>',
      [{ name: 'r' }],
    );
    expectError(
      addr,
      lineOf(addr, '10.0.0.0/33'),
      /address object "n": bad ip-netmask "10\.0\.0\.0\/33": prefix length 33/,
    );
    const wild = firewallXml(
      '<address><entry name="w">\n<ip-wildcard>2001:db8::/::ff</ip-wildcard>\n</entry></address>',
      [{ name: 'r' }],
    );
    expectError(wild, lineOf(wild, 'ip-wildcard>2001'), /only hold IPv4/);
    const port = firewallXml(
      '<service><entry name="s"><protocol><tcp>\n<port>80,70000</port>\n</tcp></protocol></entry></service>',
      [{ name: 'r' }],
    );
    expectError(
      port,
      lineOf(port, '70000'),
      /service "s": bad port list "80,70000": port 70000 is out of range 0-65535/,
    );
    const action = firewallXml('', [{ name: 'r', action: 'permit' }]);
    expectError(
      action,
      lineOf(action, 'permit'),
      /rule "r": unknown action "permit"; expected allow, deny, drop/,
    );
    const missing = firewallXml(
      '',
      '<entry name="r"><from><member>any</member></from><action>allow</action></entry>',
    );
    expectError(missing, lineOf(missing, 'entry name="r"'), /rule "r" has no <to> members/);
  });

  it('a device group that is its own ancestor, or whose parent does not exist', () => {
    const text = fixture('panorama-hierarchy.xml').text.replace(
      '<entry name="Branches">\n            <id>11</id>',
      '<entry name="Branches">\n            <parent-dg>Branch-EU</parent-dg>\n            <id>11</id>',
    );
    const e = (() => {
      try {
        panosReader.read([{ path: 'p.xml', text }]);
      } catch (err) {
        return err as Error;
      }
      throw new Error('expected an error');
    })();
    expect(e.message).toMatch(
      /device group "(Branches|Branch-EU)" is its own ancestor \((Branches -> Branch-EU -> Branches|Branch-EU -> Branches -> Branch-EU)\)/,
    );
    const orphan = fixture('panorama-hierarchy.xml').text.replace(
      '<parent-dg>Branches</parent-dg>',
      '<parent-dg>Branchez</parent-dg>',
    );
    expectError(
      orphan,
      lineOf(orphan, 'Branchez'),
      /parent "Branchez", which is not a device group/,
      'p.xml',
    );
  });

  it('a root that is not <config>, or a config with no vsys or device group', () => {
    expectError(
      '<?xml version="1.0"?>\n<policy><rule/></policy>',
      2,
      /not a PAN-OS configuration: the root element is <policy>/,
    );
    expectError(
      '<config version="10.1.0">\n<mgt-config/>\n</config>',
      1,
      /no vsys \(firewall\) and no device group/,
    );
  });
});

describe('PAN-OS: the benchmark generator', () => {
  it('writes a config this reader reads, with the RemoteSpark rules near the end deciding', async () => {
    const { generatePanosConfig } = (await import('../../../scripts/bench-panos-config.mjs' as string)) as {
      generatePanosConfig(path: string, options: { rules: number; addresses: number }): void;
    };
    const dir = mkdtempSync(join(tmpdir(), 'panos-bench-'));
    try {
      const path = join(dir, 'running-config.xml');
      generatePanosConfig(path, { rules: 400, addresses: 2000 });
      const [p] = panosReader.read([readInputFile(path)]);
      expect(p!.rules.filter((r) => r.section === 'rulebase')).toHaveLength(400);
      expect(p!.egressZones).toEqual(ZoneSet.of(['untrust']));
      const scope = { sources: parseCidr('10.20.0.0/16'), sourceZones: ZoneSet.of(['trust']) };
      const web = evaluateFlow(p!, parseFlowSpec('cdn.kognitivspark.net:443/tcp'), scope);
      const media = evaluateFlow(p!, parseFlowSpec('*:3478/udp'), scope);
      const decider = (r: typeof web) =>
        r.decidedBy === undefined ? undefined : p!.rules[r.decidedBy]?.name;
      expect([web.verdict, decider(web)]).toEqual(['allowed', 'allow-remotespark-web']);
      expect([media.verdict, decider(media)]).toEqual(['allowed', 'allow-remotespark-media']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
