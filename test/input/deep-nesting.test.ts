import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli/cli-io.js';

/**
 * Inputs nested thousands of levels deep, generated here (never committed): each is bad input named at
 * file:line, never a stack overflow or another internal error.
 */
const dir = mkdtempSync(join(tmpdir(), 'rsfc-deep-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const DEEP = 20_000;
const file = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};
const range = (n: number) => Array.from({ length: n }, (_, i) => i);
const brackets = (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`;
const ARM =
  '"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",\n"contentVersion": "1.0.0.0"';
const POLICY_RESOURCE = (name: string) =>
  `"resources": [{"type": "Microsoft.Network/firewallPolicies", "apiVersion": "2023-09-01", "name": "${name}", "properties": {}}]`;
const GENERIC = 'format: generic/v1\ndefault: deny\nrules: []\n';

async function expectInputError(args: string[], path: string, line: number, message: RegExp) {
  const r = await runCli('check', ...args);
  expect(r.stderr).not.toMatch(/internal error/);
  expect(r.status).toBe(2);
  expect(r.stderr).toContain(`${path}:${line}: `);
  expect(r.stderr).toMatch(message);
}

describe('deep nesting is an input error at file:line', () => {
  it('generic JSON', async () => {
    const p = file(
      'deep.json',
      `{\n"format": "generic/v1",\n"default": "deny",\n"rules": [],\n"x": ${brackets(DEEP)}}`,
    );
    await expectInputError([p], p, 5, /invalid JSON: nested more than 100 levels deep/);
  });
  it('generic YAML, flow and block style', async () => {
    const flow = file('flow.yaml', `${GENERIC}x: ${brackets(DEEP)}\n`);
    await expectInputError([flow], flow, 4, /invalid YAML: nested more than 100 levels deep/);
    const steps = range(3000).map((i) => `${' '.repeat(i + 1)}- `);
    const block = file('block.yaml', `${GENERIC}x:\n${steps.join('\n')}1\n`);
    await expectInputError([block], block, 104, /invalid YAML: nested more than 100 levels deep/);
  });
  it('Azure template JSON', async () => {
    const p = file(
      'arm.json',
      `{${ARM},\n"parameters": {"p": {"type": "array", "defaultValue": ${brackets(DEEP)}}},\n${POLICY_RESOURCE('x')}}`,
    );
    await expectInputError([p], p, 3, /invalid JSON: nested more than 100 levels deep/);
  });
  it('Azure variables chained through each other', async () => {
    const vars = range(DEEP).map(
      (i) => `"v${i}": "${i + 1 < DEEP ? `[createArray(variables('v${i + 1}'))]` : 'x'}"`,
    );
    const p = file(
      'chain.json',
      `{${ARM},\n"variables": {${vars.join(',\n')}},\n${POLICY_RESOURCE("[string(variables('v0'))]")}}`,
    );
    const r = await runCli('check', p);
    expect(r.stderr).not.toMatch(/internal error/);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/chain\.json:\d+: .*nest more than 300 levels deep/);
  });
  it('Azure variables built up one level each, evaluated from the innermost', async () => {
    const n = 500;
    const vars = range(n).map((i) => `"v${i}": "${i > 0 ? `[createArray(variables('v${i - 1}'))]` : 'x'}"`);
    // Names used from v0 up: each is evaluated when the one before is cached, so no chain is open at once.
    const uses = range(n).map((i) => `"t${i}": "[string(variables('v${i}'))]"`);
    const p = file(
      'wrap.json',
      `{${ARM},\n"variables": {${vars.join(',\n')}},\n"outputs": {${uses.join(',\n')}},\n${POLICY_RESOURCE("[string(variables('v499'))]")}}`,
    );
    const r = await runCli('check', p);
    expect(r.stderr).not.toMatch(/internal error/);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/wrap\.json:\d+: .*nest/);
  });
  it('Azure json() of a deep string', async () => {
    const p = file('json-fn.json', `{${ARM},\n${POLICY_RESOURCE(`[string(json('${brackets(DEEP)}'))]`)}}`);
    await expectInputError([p], p, 3, /json\(\): the value is nested more than 100 levels deep/);
  });
  it('PAN-OS XML reads deep elements without recursion', async () => {
    const p = file(
      'deep.xml',
      `<config version="10.1.0"><devices><entry name="localhost.localdomain"><vsys><entry name="vsys1"><address>${'<x>'.repeat(DEEP * 5)}${'</x>'.repeat(DEEP * 5)}</address><rulebase><security><rules>${'<entry name="r">'.repeat(DEEP)}${'</entry>'.repeat(DEEP)}</rules></security></rulebase></entry></vsys></entry></devices></config>\n`,
    );
    await expectInputError([p], p, 1, /rule "r" has no <action>/);
  });
  it.each([
    ['top-down', (i: number) => i],
    ['bottom-up', (i: number) => DEEP / 10 - 1 - i],
  ])('Panorama device groups chained %s', async (name, order) => {
    const n = DEEP / 10;
    const dgs = range(n).map((i) => `<entry name="dg${order(i)}"><devices/></entry>`);
    const parents = range(n).map((j) => {
      const i = order(j);
      return `<entry name="dg${i}">${i > 0 ? `<parent-dg>dg${i - 1}</parent-dg>` : ''}<id>${i + 1}</id></entry>`;
    });
    const p = file(
      `pano-${name}.xml`,
      `<?xml version="1.0"?>\n<config version="10.1.0" urldb="paloaltonetworks"><shared/><devices><entry name="localhost.localdomain"><device-group>${dgs.join('')}</device-group></entry></devices><readonly><devices><entry name="localhost.localdomain"><device-group>${parents.join('\n')}</device-group></entry></devices></readonly></config>\n`,
    );
    const r = await runCli('check', p);
    expect(r.stderr).not.toMatch(/internal error/);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(
      new RegExp(`pano-${name}\\.xml:\\d+: device group "dg\\d+" is nested more than 16 levels deep`),
    );
  });
  /** Groups g0 -> g1 -> ... -> leaf, one a line. */
  const chain = (entry: (name: string, member: string) => string, leaf: string) =>
    range(DEEP)
      .map((i) => entry(`g${i}`, i + 1 < DEEP ? `g${i + 1}` : leaf))
      .join('\n');
  const panos = (objects: string, use: string) => {
    const member = (field: string, other: string) => `<member>${use === field ? 'g0' : other}</member>`;
    return `<?xml version="1.0"?>\n<config version="10.1.0"><devices><entry name="localhost.localdomain"><vsys><entry name="vsys1">${objects}<rulebase><security><rules><entry name="r"><from><member>any</member></from><to><member>any</member></to><source>${member('address', 'any')}</source><destination><member>any</member></destination><application>${member('application', 'any')}</application><service>${member('service', 'application-default')}</service><action>allow</action></entry></rules></security></rulebase></entry></vsys></entry></devices></config>\n`;
  };
  const members = (name: string, member: string) =>
    `<entry name="${name}"><members><member>${member}</member></members></entry>`;
  it.each([
    [
      'address',
      `<address><entry name="h"><ip-netmask>10.0.0.5</ip-netmask></entry></address><address-group>\n${chain((name, member) => `<entry name="${name}"><static><member>${member}</member></static></entry>`, 'h')}</address-group>`,
    ],
    [
      'service',
      `<service><entry name="s"><protocol><tcp><port>443</port></tcp></protocol></entry></service><service-group>\n${chain(members, 's')}</service-group>`,
    ],
    ['application', `<application-group>\n${chain(members, 'ssl')}</application-group>`],
  ])('PAN-OS %s groups chained through members', async (kind, objects) => {
    const p = file(`pan-${kind}.xml`, panos(objects, kind));
    // g0 stands on line 3; the group 200 levels in, on line 203, is refused.
    await expectInputError([p], p, 203, new RegExp(`${kind} groups nest deeper than 200 levels`));
  });
  it.each([
    ['firewall addrgrp', 'srcaddr', 'address', 'all'],
    ['firewall service group', 'service', 'service', 'HTTPS'],
  ])('FortiGate %s members chained', async (table, field, kind, leaf) => {
    const groups = range(DEEP).map(
      (i) => `edit "g${i}"\nset member "${i + 1 < DEEP ? `g${i + 1}` : leaf}"\nnext`,
    );
    const policy = { srcaddr: 'all', dstaddr: 'all', service: 'ALL', [field]: 'g0' };
    const p = file(
      `fgt-${kind}.conf`,
      `#config-version=FGT60F-7.2.5-FW-build1517-230606:opmode=0:vdom=0:user=admin\nconfig ${table}\n${groups.join('\n')}\nend\nconfig firewall policy\nedit 1\nset srcintf "port1"\nset dstintf "port2"\nset srcaddr "${policy.srcaddr}"\nset dstaddr "${policy.dstaddr}"\nset action accept\nset schedule "always"\nset service "${policy.service}"\nnext\nend\n`,
    );
    // g499's member (line 4 + 3 * 499) is the 501st level.
    await expectInputError([p], p, 1501, new RegExp(`${kind} groups nest deeper than 500 levels`));
  });
  it('generic groups chained through each other read at any depth', async () => {
    const groups = range(DEEP).map((i) => `  g${i}: [${i + 1 < DEEP ? `g${i + 1}` : '10.0.0.5'}]`);
    const p = file(
      'generic-groups.yaml',
      `format: generic/v1\ndefault: deny\naddresses:\n${groups.join('\n')}\nrules:\n  - name: r\n    action: allow\n    sources: [g0]\n    destinations: [any]\n    services: [any]\n`,
    );
    const r = await runCli('check', p, '--source', '10.0.0.5');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });
  it('FortiGate config blocks', async () => {
    const p = file(
      'deep.conf',
      `#config-version=FGT80E-6.2.9-FW-build1234-210301:opmode=0:vdom=0:user=admin\nconfig firewall policy\n${'edit 1\nconfig a\n'.repeat(DEEP)}${'end\nnext\n'.repeat(DEEP)}end\n`,
    );
    const r = await runCli('check', p);
    expect(r.stderr).not.toMatch(/internal error/);
    expect([0, 1, 2]).toContain(r.status);
    if (r.status === 2) expect(r.stderr).toMatch(/deep\.conf:\d+: /);
  });
  const ASA = `: Saved
ASA Version 9.16(4)
hostname fw
interface GigabitEthernet0/0
 nameif outside
 security-level 0
 ip address 203.0.113.2 255.255.255.0
interface GigabitEthernet0/1
 nameif inside
 security-level 100
 ip address 10.0.0.1 255.255.255.0
`;
  const asaChain = (kind: string, inner: string, ace: string, order: (i: number) => number) =>
    `${ASA}${range(DEEP)
      .map(order)
      .map(
        (i) =>
          `object-group ${kind.replace('NAME', `g${i}`)}\n ${i + 1 < DEEP ? `group-object g${i + 1}` : inner}\n`,
      )
      .join('')}access-list in extended permit ${ace}\naccess-group in in interface inside\n: end\n`;
  it.each([
    ['network NAME', 'network-object host 10.0.0.5', 'ip object-group g0 any'],
    ['service NAME', 'service-object tcp destination eq 443', 'object-group g0 any any'],
    ['service NAME tcp', 'port-object eq 443', 'tcp any any object-group g0'],
    ['protocol NAME', 'protocol-object tcp', 'object-group g0 any any'],
    ['icmp-type NAME', 'icmp-object echo', 'icmp any any object-group g0'],
    ['user NAME', 'user LOCAL\\bob', 'ip object-group-user g0 any any'],
  ])('Cisco ASA object-group %s chained through group-object', async (kind, inner, ace) => {
    const p = file(
      `asa-${kind.replace(/ /g, '-')}.asa`,
      asaChain(kind, inner, ace, (i) => i),
    );
    // The 101st group opens from the group-object line of the 100th (g99, lines 12 + 2 * 99 and on).
    await expectInputError(
      [p],
      p,
      211,
      /object-group "g0": groups nested more than 100 levels deep \(the most this tool reads\)/,
    );
  });
  it('Cisco ASA groups defined inner first, as the ASA writes them, read at any depth', async () => {
    const p = file(
      'asa-inner-first.asa',
      asaChain('network NAME', 'network-object host 10.0.0.5', 'ip object-group g0 any', (i) => DEEP - 1 - i),
    );
    const r = await runCli('check', p);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(1);
  });
  it.each([
    [
      'network NAME',
      (i: number) => `network-object host 10.1.${i >> 8}.${i & 255}`,
      ['network-object host 10.0.0.5'],
      'ip object-group g0 any',
    ],
    [
      'service NAME',
      (i: number) => `service-object tcp destination eq ${1000 + i}`,
      ['443', '3478', '8089', '53'].map((p) => `service-object tcp-udp destination eq ${p}`),
      'object-group g0 any any',
    ],
    [
      'service NAME tcp-udp',
      (i: number) => `port-object eq ${1000 + 2 * i}`,
      ['443', '3478', '8089', '53'].map((p) => `port-object eq ${p}`),
      'tcp any any object-group g0\naccess-list in extended permit udp any any object-group g0',
    ],
    [
      'protocol NAME',
      (i: number) => `protocol-object ${i % 2 ? 'gre' : 'esp'}`,
      ['protocol-object tcp', 'protocol-object udp'],
      'object-group g0 any any',
    ],
  ])(
    'Cisco ASA object-group %s, each holding its own member and the one before, 20,000 deep',
    async (kind, own, inner, ace) => {
      // Inner first, as the ASA writes them: each group is read once, not copied into every group nesting it.
      const groups = range(DEEP).map((j) => {
        const i = DEEP - 1 - j;
        const members = [own(i), ...(i + 1 < DEEP ? [`group-object g${i + 1}`] : inner)];
        return `object-group ${kind.replace('NAME', `g${i}`)}\n${members.map((m) => ` ${m}\n`).join('')}`;
      });
      const p = file(
        `asa-own-${kind.replace(/ /g, '-')}.asa`,
        `${ASA}${groups.join('')}access-list in extended permit ${ace}\naccess-group in in interface inside\n: end\n`,
      );
      const r = await runCli('check', p, '--source', '10.0.0.5');
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
    },
  );
  it('Cisco ASA groups in a cycle', async () => {
    const p = file(
      'asa-cycle.asa',
      `${ASA}object-group network a\n group-object b\nobject-group network b\n group-object a\naccess-list in extended permit ip object-group a any\naccess-group in in interface inside\n: end\n`,
    );
    await expectInputError([p], p, 15, /object-group "a" contains itself \(a -> b -> a\)/);
  });
  it.each([
    ['pfsense', 'filter><rule'],
    ['opnsense', 'filter><rule><source'],
  ])('%s XML elements nested deep', async (root, path) => {
    const open = path.split('><').map((t) => `<${t}>`);
    const close = [...open].reverse().map((t) => t.replace('<', '</'));
    const p = file(
      `${root}.xml`,
      `<?xml version="1.0"?>\n<${root}>\n<version>24.1</version>\n<system>${'<x>'.repeat(DEEP)}${'</x>'.repeat(DEEP)}</system>\n${open[0]}${open.slice(1).join('').repeat(DEEP)}${close.slice(0, -1).join('').repeat(DEEP)}${close.at(-1)}\n</${root}>\n`,
    );
    const r = await runCli('check', p);
    expect(r.stderr).not.toMatch(/internal error/);
    expect([1, 2]).toContain(r.status);
    if (r.status === 2) expect(r.stderr).toMatch(new RegExp(`${root}\\.xml:\\d+: `));
  });
  /** pfSense's legacy `<aliases>` or OPNsense's MVC list, each alias an address or port list. */
  const pfAliases = (root: string, aliases: [name: string, type: string, entries: string[]][]) =>
    root === 'pfsense'
      ? `<aliases>\n${aliases.map(([name, type, e]) => `<alias><name>${name}</name><type>${type}</type><address>${e.join(' ')}</address></alias>`).join('\n')}\n</aliases>`
      : `<OPNsense><Firewall><Alias version="1.0.1"><aliases>\n${aliases.map(([name, type, e], i) => `<alias uuid="00000000-0000-4000-8000-${String(i).padStart(12, '0')}"><enabled>1</enabled><name>${name}</name><type>${type}</type><content>${e.join('\n')}</content></alias>`).join('\n')}\n</aliases></Alias></Firewall></OPNsense>`;
  const pfConfig = (root: string, aliases: string) =>
    `<?xml version="1.0"?>\n<${root}>\n<version>24.1</version>\n<interfaces><wan><enable>1</enable><if>em0</if><ipaddr>dhcp</ipaddr></wan><lan><enable>1</enable><if>em1</if><ipaddr>192.168.1.1</ipaddr><subnet>24</subnet></lan></interfaces>\n<filter><rule><type>pass</type><interface>lan</interface><ipprotocol>inet</ipprotocol><protocol>tcp/udp</protocol><source><address>a0</address></source><destination><any>1</any><port>p0</port></destination><descr>deep aliases</descr></rule></filter>\n${aliases}\n</${root}>\n`;
  it.each(['pfsense', 'opnsense'])('%s aliases nested 20,000 deep read at any depth', async (root) => {
    // Each alias adds a network or port and names the next; the innermost holds what the flows need.
    const chain = (prefix: string, type: string, own: (i: number) => string, last: string[]) =>
      range(DEEP).map((i): [string, string, string[]] => [
        `${prefix}${i}`,
        type,
        [own(i), ...(i + 1 < DEEP ? [`${prefix}${i + 1}`] : last)],
      ]);
    const aliases = [
      ...chain('a', 'network', (i) => `10.${i >> 8}.${i & 255}.0/24`, ['192.168.1.0/24']),
      ...chain('p', 'port', (i) => String(10_000 + i), ['443', '3478', '8089', '53']),
    ];
    const p = file(`${root}-aliases.xml`, pfConfig(root, pfAliases(root, aliases)));
    const r = await runCli('check', p, '--source', '192.168.1.0/24');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(`deep aliases (${p}:5)`);
  });
  it.each(['pfsense', 'opnsense'])('%s aliases in a loop are unknown, naming the alias', async (root) => {
    const aliases = pfAliases(root, [
      ['a0', 'network', ['a1']],
      ['a1', 'network', ['192.168.1.0/24', 'a0']],
      ['p0', 'port', ['443', 'p1']],
      ['p1', 'port', ['53', 'p0']],
    ]);
    const p = file(`${root}-alias-loop.xml`, pfConfig(root, aliases));
    const r = await runCli('check', p, '--source', '192.168.1.0/24', '--json');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('port alias \\"p0\\": it contains itself');
  });
  it('nftables JSON', async () => {
    const p = file(
      'nft.json',
      `{"nftables": [{"metainfo": {"json_schema_version": 1}},\n{"table": {"family": "inet", "name": "f", "handle": 1}},\n{"x": ${brackets(DEEP)}}]}\n`,
    );
    await expectInputError([p], p, 3, /invalid JSON: nested more than 100 levels deep/);
  });
  it('nftables blocks opened and never closed', async () => {
    const p = file('nft-blocks.nft', `table inet f {\n${'chain c {\n'.repeat(DEEP)}${'}\n'.repeat(DEEP)}}\n`);
    const r = await runCli('check', p);
    expect(r.stderr).not.toMatch(/internal error/);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/nft-blocks\.nft:\d+: /);
  });
  const NFT_BASE = 'table inet f {\nchain base {\ntype filter hook forward priority 0; policy drop;\n';
  it.each([
    ['braces', `tcp dport ${'{ '.repeat(DEEP)}80${' }'.repeat(DEEP)} accept`],
    ['parentheses', `meta mark ${'('.repeat(5 * DEEP)}1${')'.repeat(5 * DEEP)} accept`],
  ])('nftables values nested in %s', async (name, rule) => {
    const p = file(`nft-${name}.nft`, `${NFT_BASE}${rule}\n}\n}\n`);
    await expectInputError([p], p, 4, /a value is nested more than 100 levels deep in "\{" and "\("/);
  });
  it.each(['jump', 'goto'])('nftables chains nested 20,000 deep with %s', async (how) => {
    const chains = range(DEEP).map(
      (i) => `chain c${i} {\n${i + 1 < DEEP ? `${how} c${i + 1}` : 'accept'}\n}\n`,
    );
    const p = file(`nft-${how}s.nft`, `${NFT_BASE}${how} c0\n}\n${chains.join('')}}\n`);
    // The 16th jump, in c14, is where nft -f fails ("Too many links").
    await expectInputError(
      [p],
      p,
      49,
      /chain c15 of table inet f is reached through 16 nested jumps and gotos/,
    );
  });
  it('nftables chain jumped to 20,000 times, returning each time', async () => {
    const jumps = range(DEEP).map((i) => `tcp dport ${i + 1} jump a\n`);
    const p = file('nft-returns.nft', `${NFT_BASE}${jumps.join('')}}\nchain a {\nreturn\n}\n}\n`);
    const r = await runCli('check', p);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(
      /nft-returns\.nft:3: chain base and the chains it jumps to take more than 2000000 rule steps/,
    );
  });
  it.each([
    ['jump', 'chain a is entered again from itself (FORWARD -> a -> b -> a)', '-A a -j b\n-A b -j a'],
    ['goto', 'chain a is entered again from itself (FORWARD -> a -> a)', '-A a -g a'],
  ])('iptables user chains in a %s loop', async (name, message, rules) => {
    const p = file(
      `ipt-${name}.rules`,
      `*filter\n:INPUT ACCEPT [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\n:a - [0:0]\n:b - [0:0]\n-A FORWARD -j a\n${rules}\nCOMMIT\n`,
    );
    const r = await runCli('check', p);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`${p}:${name === 'jump' ? 9 : 8}: ${message}`);
  });
  it.each(['j', 'g'])('iptables user chains nested 20,000 deep with -%s', async (how) => {
    const p = file(
      `ipt-deep-${how}.rules`,
      `*filter\n:INPUT ACCEPT [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\n${range(DEEP)
        .map((i) => `:c${i} - [0:0]\n`)
        .join('')}-A FORWARD -${how} c0\n${range(DEEP)
        .map((i) => `-A c${i} ${i + 1 < DEEP ? `-${how} c${i + 1}` : '-j ACCEPT'}\n`)
        .join('')}COMMIT\n`,
    );
    // The 101st jump, in c99, stands 4 + DEEP + 101 lines down.
    await expectInputError(
      [p],
      p,
      4 + DEEP + 101,
      /user chains of table \*filter nest more than 100 levels deep/,
    );
  });
  it('catalog YAML and JSON', async () => {
    const ok = file('ok.yaml', GENERIC);
    const yaml = file('catalog.yaml', `catalogVersion: 1.0.0\nx: ${brackets(DEEP)}\n`);
    await expectInputError(
      ['--catalog', yaml, ok],
      yaml,
      2,
      /invalid YAML: nested more than 100 levels deep/,
    );
    const json = file('catalog.json', `{"catalogVersion": "1.0.0",\n"x": ${brackets(DEEP)}}`);
    await expectInputError(
      ['--catalog', json, ok],
      json,
      2,
      /invalid JSON: nested more than 100 levels deep/,
    );
  });
});
