import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { parse as parseJsonc } from 'jsonc-parser';
import { expectReadOrInputError, fuzzParameters } from './damaged-input.js';
import { describe, expect, it } from 'vitest';
import { parseFlowSpec } from '../../src/check/flow-spec.js';
import { evaluateFlow } from '../../src/evaluate/evaluate.js';
import { azureFirewallReader } from '../../src/formats/azure-firewall/azure-firewall-reader.js';
import { InputError } from '../../src/input/input-error.js';
import type { InputFile } from '../../src/input/input-file.js';
import type { AddressExpr } from '../../src/model/address.js';
import { parseIpSpec } from '../../src/model/ip.js';
import type { NamePattern } from '../../src/model/names.js';
import type { Policy, Rule } from '../../src/model/policy.js';

const FIXTURES = 'fixtures/azure-firewall';
const CORPUS = '/work/shared/corpus/azure-firewall';
const SCHEMA = 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#';

function fixture(name: string): InputFile {
  const path = `${FIXTURES}/${name}`;
  return { path, text: readFileSync(path, 'utf8') };
}

function readAll(files: InputFile[]): Policy[] {
  return azureFirewallReader.read(files);
}

function readOne(text: string, path = 'policy.json'): Policy {
  const policies = readAll([{ path, text }]);
  expect(policies).toHaveLength(1);
  return policies[0]!;
}

function policyNamed(policies: Policy[], name: string): Policy {
  const p = policies.find((x) => x.name === name);
  if (!p) throw new Error(`no policy ${name}: ${policies.map((x) => x.name).join(', ')}`);
  return p;
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

function readError(files: InputFile[]): InputError {
  try {
    readAll(files);
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return e as InputError;
  }
  throw new Error('expected an InputError');
}

function expectError(text: string, line: number, message: RegExp, path = 'bad.json'): void {
  const e = readError([{ path, text }]);
  expect({ path: e.path, line: e.line }).toEqual({ path, line });
  expect(e.message).toMatch(message);
}

function names(expr: AddressExpr): NamePattern[] {
  if (expr.kind === 'name') return [expr.pattern];
  if (expr.kind === 'union') return expr.members.flatMap(names);
  if (expr.kind === 'minus') return names(expr.from);
  return [];
}

function unknownReasons(expr: AddressExpr): string[] {
  switch (expr.kind) {
    case 'unknown':
      return [expr.part.reason];
    case 'union':
      return expr.members.flatMap(unknownReasons);
    case 'not':
      return unknownReasons(expr.of);
    case 'minus':
      return [...unknownReasons(expr.from), ...unknownReasons(expr.without)];
    default:
      return [];
  }
}

/** The verdict for one flow, from `source` when given (else from any source). */
function verdict(policy: Policy, flow: string, source?: string): string {
  return evaluateFlow(policy, parseFlowSpec(flow), source ? { sources: parseIpSpec(source) } : {}).verdict;
}

/** A minimal ARM template around `resources`, one per line group, for error tests. */
function template(resources: string, extra = ''): string {
  return `{
  "$schema": "${SCHEMA}",
  "contentVersion": "1.0.0.0",${extra}
  "resources": [
${resources}
  ]
}
`;
}

/** A rule collection group resource with one filter collection holding `rules`. */
function group(rules: string, opts: { name?: string; priority?: string; collection?: string } = {}): string {
  return `    {
      "type": "Microsoft.Network/firewallPolicies/ruleCollectionGroups",
      "apiVersion": "2023-09-01",
      "name": "${opts.name ?? 'pol/rcg'}",
      "properties": {
        "priority": ${opts.priority ?? '100'},
        "ruleCollections": [
          {
            "ruleCollectionType": "FirewallPolicyFilterRuleCollection",
            "name": "${opts.collection ?? 'coll'}",
            "priority": 100,
            "action": { "type": "Allow" },
            "rules": [
${rules}
            ]
          }
        ]
      }
    }`;
}

const POLICY = `    {
      "type": "Microsoft.Network/firewallPolicies",
      "apiVersion": "2023-09-01",
      "name": "pol",
      "properties": { "dnsSettings": { "enableProxy": true } }
    }`;

function networkRule(fields: string, name = 'r1'): string {
  return `              {
                "ruleType": "NetworkRule",
                "name": "${name}",
${fields}
              }`;
}

const NET_FIELDS = `                "ipProtocols": ["TCP"],
                "sourceAddresses": ["10.0.0.0/8"],
                "destinationAddresses": ["*"],
                "destinationPorts": ["443"]`;

describe('azure-firewall: detection', () => {
  const detect = (text: string, path = 'x.json') => azureFirewallReader.detect({ path, text });

  it('says yes to every fixture and corpus export, and to IP group and parameters files', () => {
    for (const name of readdirSync(FIXTURES)) {
      if (name.endsWith('.md')) continue;
      const expected = name.includes('.expected.') ? { kind: 'no' } : { kind: 'yes' };
      expect(azureFirewallReader.detect(fixture(name)), name).toEqual(expected);
    }
    for (const name of readdirSync(CORPUS)) {
      const text = readFileSync(`${CORPUS}/${name}`, 'utf8');
      expect(detect(text, name), name).toEqual({ kind: 'yes' });
    }
    expect(detect('[{"type": "Microsoft.Network/ipGroups", "name": "g", "ipAddresses": []}]')).toEqual({
      kind: 'yes',
    });
    expect(
      detect(
        '{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#", "parameters": {}}',
      ),
    ).toEqual({ kind: 'yes' });
    // az CLI output of a single rule collection group, comments before it.
    expect(detect('// exported\n{"name": "g", "priority": 100, "ruleCollections": []}')).toEqual({
      kind: 'yes',
    });
  });

  it('calls an NSG export a near miss', () => {
    const nsg = `{"name": "nsg-web", "type": "Microsoft.Network/networkSecurityGroups", "securityRules": []}`;
    const d = detect(nsg);
    expect(d.kind).toBe('near-miss');
    expect(d.kind === 'near-miss' && d.reason).toMatch(
      /^an Azure NSG, not an Azure Firewall: network security group rules are not read/,
    );
  });

  it('calls an ARM template without a firewall a near miss', () => {
    const t = template(
      `    { "type": "Microsoft.Storage/storageAccounts", "apiVersion": "2023-01-01", "name": "st" }`,
    );
    const d = detect(t);
    expect(d).toEqual({
      kind: 'near-miss',
      reason: expect.stringMatching(/^an ARM template with no Azure Firewall or Firewall Policy resource/),
    });
  });

  it('says no to other JSON, YAML and text', () => {
    expect(detect('{"format": "generic/v1", "default": "deny", "rules": []}')).toEqual({ kind: 'no' });
    expect(detect('format: generic/v1\ndefault: deny\nrules: []\n', 'x.yaml')).toEqual({ kind: 'no' });
    expect(detect('{"a": 1}')).toEqual({ kind: 'no' });
    expect(detect('config firewall policy\n  edit 1\nend\n', 'x.conf')).toEqual({ kind: 'no' });
    // The firewall's type in a YAML file is not this format.
    expect(detect('type: Microsoft.Network/azureFirewalls\n', 'x.yaml')).toEqual({ kind: 'no' });
  });
});

describe('azure-firewall: reading', () => {
  it('orders rules DNAT, network, application; groups, then collections, by priority', () => {
    const f = fixture('hub-policy-arm.json');
    const [p] = readAll([f]);
    expect(p!.name).toBe('fwpol-hub-weu');
    expect(p!.format).toBe('azure-firewall');
    expect(p!.rules.map((r) => r.name)).toEqual([
      'turn-relay-in',
      'allow-stun-udp',
      'allow-8089-udp',
      'block-8089-udp',
      'block-turns',
      'block-stun-udp',
      'block-guest-web',
      'remotespark-cdn',
      'remotespark-subdomains',
    ]);
    expect(p!.rules.map((r) => r.location.line)).toEqual([204, 169, 177, 145, 153, 118, 91, 56, 64]);
    expect(rule(p!, 'turn-relay-in')).toMatchObject({ action: 'allow', vendorAction: 'DNAT', id: '900/100' });
    expect(rule(p!, 'block-guest-web')).toMatchObject({
      action: 'deny',
      vendorAction: 'Deny',
      section: 'rcg-net-guest / deny-guest-web',
    });
    expect(p!.default).toEqual({
      action: 'deny',
      name: 'implicit deny',
      location: { path: f.path, line: 31 },
    });
    expect(p!.egressZones).toBeUndefined();
    expect(p!.rules.every((r) => r.sourceZones.isAny() && r.destinationZones.isAny())).toBe(true);
  });

  it('matches application-rule names by SNI and network-rule FQDNs by resolving them', () => {
    const [app] = readAll([fixture('hub-policy-arm.json')]);
    expect(names(rule(app!, 'remotespark-subdomains').destinations)).toEqual([
      expect.objectContaining({
        kind: 'wildcard',
        domain: 'kognitivspark.net',
        apex: false,
        depth: 'any',
        method: 'sni',
        text: '*.kognitivspark.net',
      }),
    ]);
    expect(rule(app!, 'remotespark-cdn').services).toEqual({
      kind: 'ports',
      protocol: 'tcp',
      ports: [[443, 443]],
    });
    const [classic] = readAll([fixture('classic-rules-arm.json')]);
    expect(names(rule(classic!, 'turns-relay').destinations)).toEqual([
      expect.objectContaining({ kind: 'fqdn', domain: 'turn.kognitivspark.net', method: 'resolve' }),
    ]);
  });

  it('reads a *suffix target FQDN as every name ending in the suffix, label boundary or not', () => {
    const rules = (action: string) =>
      template(
        `${POLICY},
${group(`              {
                "ruleType": "ApplicationRule",
                "name": "suffix",
                "protocols": [{ "protocolType": "Https", "port": 443 }],
                "sourceAddresses": ["*"],
                "targetFqdns": ["*kognitivspark.net"]
              }`).replace('"Allow"', `"${action}"`)}`,
      );
    const allow = readOne(rules('Allow'));
    expect(names(rule(allow, 'suffix').destinations)).toEqual([
      expect.objectContaining({ kind: 'suffix', domain: 'kognitivspark.net' }),
    ]);
    expect(verdict(allow, 'kognitivspark.net:443/tcp')).toBe('allowed');
    expect(verdict(allow, 'a.b.kognitivspark.net:443/tcp')).toBe('allowed');
    expect(verdict(allow, 'evilkognitivspark.net:443/tcp')).toBe('allowed');
    expect(verdict(allow, 'kognitivspark.network:443/tcp')).toBe('blocked');
    const deny = readOne(rules('Deny'));
    const decider = (flow: string) => {
      const r = evaluateFlow(deny, parseFlowSpec(flow), {});
      return r.decidedBy === undefined || r.decidedBy < 0 ? 'default' : deny.rules[r.decidedBy]!.name;
    };
    expect(decider('evilkognitivspark.net:443/tcp')).toBe('suffix');
    expect(decider('cdn.example.com:443/tcp')).toBe('default');
  });

  it('keeps what the config cannot tell as unknown parts at their lines', () => {
    const f = fixture('az-rcg-list-hub.json');
    const [p] = readAll([f]);
    expect(p!.name).toBe('fwpol-hub-weu');
    const tag = rule(p!, 'to-azurecloud').destinations;
    expect(tag).toMatchObject({
      kind: 'unknown',
      part: { location: { path: f.path, line: lineOf(f.text, '"AzureCloud.WestEurope"') } },
    });
    expect(unknownReasons(tag)[0]).toMatch(/^service tag "AzureCloud.WestEurope"/);
    const group = rule(p!, 'hq-to-web-8443').sources;
    expect(group).toMatchObject({
      kind: 'unknown',
      part: { location: { line: lineOf(f.text, 'ipGroups/ipg-hq-clients') } },
    });
    expect(unknownReasons(group)[0]).toMatch(/IP group "ipg-hq-clients" is not in the input/);
    expect(unknownReasons(rule(p!, 'windows-update').destinations)[0]).toMatch(/^FQDN tag "WindowsUpdate"/);
    expect(unknownReasons(rule(p!, 'kms').destinations)[0]).toMatch(
      /DNS settings of firewall policy "fwpol-hub-weu" are not in the input/,
    );
    expect(p!.notes.join('\n')).toMatch(
      /holds rule collection groups of firewall policy "fwpol-hub-weu" but not the policy itself/,
    );
  });

  it('resolves IP groups from another input file and lists that file among the policy paths', () => {
    const main = fixture('az-rcg-show-branch.json');
    const groups = fixture('ip-groups-branch.json');
    const [p] = readAll([main, groups]);
    expect(p!.paths).toEqual([main.path, groups.path]);
    const src = rule(p!, 'branch-to-relays').sources;
    // One shared expression per IP group.
    expect(rule(p!, 'branch-web').sources).toBe(src);
    expect(verdict(p!, '20.62.10.1:3478/udp')).toBe('allowed');
    // Without the IP group file the same rules are unknown.
    const [alone] = readAll([main]);
    expect(verdict(alone!, '20.62.10.1:3478/udp')).toBe('unknown');
  });

  it('reads parent and child policies, the parent first, and the parent only as part of its child', () => {
    const policies = readAll([fixture('org-base-and-branch-arm.json')]);
    expect(policies.map((p) => p.name)).toEqual(['fwpol-branch']);
    const child = policyNamed(policies, 'fwpol-branch');
    expect(child.rules.map((r) => r.name)).toEqual([
      'org-block-8089-udp',
      'branch-web-any',
      'branch-realtime',
      'org-block-remotespark',
    ]);
    expect(rule(child, 'org-block-8089-udp').section).toBe(
      'parent policy fwpol-org-base: org-baseline / org-deny-realtime',
    );
    // The parent's threat intelligence mode is inherited ("only possible to override with a stricter value").
    expect(child.notes.join('\n')).toMatch(/threat intelligence mode is Deny/);
    expect(child.notes[0]).toBe(
      'no Azure Firewall in the input uses Firewall Policy "fwpol-branch", which inherits from "fwpol-org-base": it is checked on its own (inherited rule collection groups come first within each rule type)',
    );
  });

  it('checks each firewall with the policy chain it uses, named after the firewall', () => {
    const f = fixture('hub-firewalls-policy-chain-arm.json');
    const policies = readAll([f]);
    expect(policies.map((p) => [p.name, p.rules.map((r) => r.name)])).toEqual([
      [
        'fw-hub-northeurope',
        ['mgmt-https-in', 'dns-out', 'quarantine-web', 'quarantine-dns', 'stun-turn', 'remotespark-web'],
      ],
      ['fw-lab', ['mgmt-https-in', 'dns-out', 'remotespark-web']],
    ]);
    const [hub, lab] = policies;
    expect(hub!.notes[0]).toBe(
      'Azure Firewall "fw-hub-northeurope" uses Firewall Policy "fwpol-hub-northeurope", which inherits from "fwpol-org-base" (inherited rule collection groups come first within each rule type)',
    );
    expect(lab!.notes[0]).toBe('Azure Firewall "fw-lab" uses Firewall Policy "fwpol-org-base"');
    // The implicit deny stands at the policy whose rules the firewall runs.
    const hubPolicyLine = lineOf(f.text, `"name": "[variables('hubPolicyName')]"`) - 3;
    expect(hub!.default.location).toEqual({ path: f.path, line: hubPolicyLine });
    // A parent's DNAT rules only may match in a child (Microsoft's pages disagree); its own firewall runs them.
    expect(rule(hub!, 'mgmt-https-in').conditions?.[0]?.reason).toMatch(
      /DNAT rule collection "org-dnat-mgmt" is in parent policy "fwpol-org-base"/,
    );
    expect(rule(lab!, 'mgmt-https-in').conditions).toBeUndefined();
    expect(verdict(hub!, 'cdn.kognitivspark.net:443/tcp', '10.70.66.0/24')).toBe('blocked');
    expect(verdict(lab!, 'cdn.kognitivspark.net:443/tcp', '10.70.66.0/24')).toBe('allowed');
  });

  it('still refuses a cycle of parents that no firewall uses', () => {
    const parentOf = (name: string, parent: string) => `    {
      "type": "Microsoft.Network/firewallPolicies",
      "apiVersion": "2023-09-01",
      "name": "${name}",
      "properties": { "basePolicy": { "id": "[resourceId('Microsoft.Network/firewallPolicies', '${parent}')]" } }
    }`;
    const t = template(`${parentOf('a', 'b')},\n${parentOf('b', 'a')}`);
    expectError(t, lineOf(t, "'a')]"), /inherits from itself \(a -> b -> a\)/);
  });

  it('reads a parent policy from another file', () => {
    const text = readFileSync(`${FIXTURES}/org-base-and-branch-arm.json`, 'utf8');
    const doc = parseJsonc(text) as { resources: unknown[] };
    const parent = { ...doc, resources: [doc.resources[0]] };
    const child = { ...doc, resources: [doc.resources[1]] };
    const policies = readAll([
      { path: 'child.json', text: JSON.stringify(child, null, 2) },
      { path: 'parent.json', text: JSON.stringify(parent, null, 2) },
    ]);
    const p = policyNamed(policies, 'fwpol-branch');
    expect(p.paths).toEqual(['child.json', 'parent.json']);
    expect(p.rules[0]!.location.path).toBe('parent.json');
  });

  it('stands in for a missing parent with rules that may allow and may deny anything', () => {
    const f = fixture('child-missing-parent-arm.json');
    const [p] = readAll([f]);
    expect(p!.rules.slice(0, 2).map((r) => [r.name, r.action, r.location.line])).toEqual([
      ['parent policy fwpol-global (not in the input)', 'allow', 14],
      ['parent policy fwpol-global (not in the input)', 'deny', 14],
    ]);
    expect(p!.rules[0]!.conditions![0]!.reason).toMatch(/parent policy "fwpol-global" is not in the input/);
    expect(p!.warnings).toEqual([
      {
        message:
          'parent policy "fwpol-global" of firewall policy "fwpol-emea-child" is not in the input: every flow its rules could decide is unknown; pass its export too',
        location: { path: f.path, line: 14 },
      },
    ]);
  });

  it('reads classic rules, with the firewall as the policy', () => {
    const f = fixture('classic-rules-arm.json');
    const [p] = readAll([f]);
    expect(p!.name).toBe('fw-plant-lyon');
    expect(p!.rules.map((r) => r.name)).toEqual([
      'rdp-to-jumphost',
      'stun-turn',
      'turns-relay',
      'deny-stun-all',
      'quarantine-web',
      'remotespark',
    ]);
    expect(rule(p!, 'quarantine-web')).toMatchObject({
      id: '400',
      section: 'deny-quarantine (network rule collection)',
    });
    expect(p!.default.location).toEqual({ path: f.path, line: 14 });
  });

  it('reads every corpus export: firewall policies with their parents and classic rules', () => {
    const read = (name: string) => readAll([{ path: name, text: readFileSync(`${CORPUS}/${name}`, 'utf8') }]);
    const hub = read('aks-baseline-hub-firewall-policy-arm.json');
    // The only firewall runs the child merged with fw-policies-base; the base is not checked alone.
    expect(hub.map((p) => [p.name, p.rules.length])).toEqual([['fw-eastus2', 7]]);
    expect(hub[0]!.notes[0]).toBe(
      'Azure Firewall "fw-eastus2" uses Firewall Policy "fw-policies-eastus2", which inherits from "fw-policies-base" (inherited rule collection groups come first within each rule type)',
    );
    expect(rule(hub[0]!, 'DNS').section).toBe(
      'parent policy fw-policies-base: DefaultNetworkRuleCollectionGroup / org-wide-allowed',
    );
    const classic = read('aks-baseline-hub-classic-rules-arm.json');
    expect(classic.map((p) => [p.name, p.rules.length])).toEqual([['fw-eastus2', 16]]);
    const wvd = read('wvd-premium-policy-network-fqdn-arm.json');
    expect(wvd.map((p) => [p.name, p.rules.length])).toEqual([['WVDFirewallPolicy', 8]]);
    // Placeholder parameter defaults (xx.xx.xx.xx) are unknown, not errors.
    expect(unknownReasons(rule(wvd[0]!, 'AllowADDNS').destinations)[0]).toMatch(
      /"xx\.xx\.xx\.xx" is not an address.*from the default of parameter 'AD_DNSServers'/,
    );
  });

  it('applies an ARM parameters file over the defaults', () => {
    const params = {
      path: 'hub.parameters.json',
      text: `{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#",
  "contentVersion": "1.0.0.0",
  "parameters": {
    "clientRange": { "value": "10.21.0.0/16" }
  }
}`,
    };
    const [withParams] = readAll([fixture('hub-policy-arm.json'), params]);
    expect(verdict(withParams!, '*:3478/udp', '10.21.1.0/24')).toBe('allowed');
    expect(verdict(withParams!, '*:3478/udp', '10.20.1.0/24')).toBe('blocked');
    expect(withParams!.notes.join('\n')).not.toMatch(/'clientRange'/);
    const [defaults] = readAll([fixture('hub-policy-arm.json')]);
    expect(defaults!.notes.join('\n')).toMatch(
      /template parameter 'clientRange' = "10.20.0.0\/16" is its defaultValue \(fixtures\/azure-firewall\/hub-policy-arm.json:13\)/,
    );
  });

  it('evaluates template functions: format, concat of arrays, resourceId, copy loops', () => {
    const [lab] = readAll([fixture('bicep-premium-lab.json')]);
    expect(lab!.rules.map((r) => r.name)).toEqual([
      'lab-devices-realtime',
      'ntp-time',
      'allow-remotespark-https',
      'allow-partners-https',
      'inspect-storage',
      'allow-business',
    ]);
    expect(lab!.notes).toContain('read from Bicep-compiled ARM JSON');
    expect(lab!.notes.join('\n')).toMatch(/IDPS mode is Deny/);
    expect(rule(lab!, 'inspect-storage').conditions?.[0]?.reason).toMatch(/terminates TLS/);
    const [site] = readAll([fixture('bicep-module-site.json')]);
    expect(site!.name).toBe('fwpol-site-oslo');
  });

  it('reads az CLI output of a whole Azure Firewall and of IP groups as REST lists', () => {
    const fw = {
      path: 'fw.json',
      text: JSON.stringify(
        {
          name: 'fw-hub',
          type: 'Microsoft.Network/azureFirewalls',
          additionalProperties: {},
          networkRuleCollections: [
            {
              name: 'net',
              priority: 200,
              action: { type: 'Allow' },
              rules: [
                {
                  name: 'to-relays',
                  protocols: ['UDP'],
                  sourceIpGroups: [
                    '/subscriptions/x/resourceGroups/rg/providers/Microsoft.Network/ipGroups/clients',
                  ],
                  destinationAddresses: ['*'],
                  destinationPorts: ['3478-3480'],
                },
              ],
            },
          ],
          applicationRuleCollections: [],
          natRuleCollections: [],
        },
        null,
        2,
      ),
    };
    const groups = {
      path: 'groups.json',
      text: JSON.stringify({
        value: [
          {
            name: 'clients',
            type: 'Microsoft.Network/ipGroups',
            properties: { ipAddresses: ['10.1.0.0/16'] },
          },
        ],
      }),
    };
    const [p] = readAll([fw, groups]);
    expect(p!.name).toBe('fw-hub');
    expect(verdict(p!, '*:3479/udp', '10.1.2.0/24')).toBe('allowed');
    expect(verdict(p!, '*:3479/udp', '10.2.0.0/24')).toBe('blocked');
  });

  it('takes DNS settings from az CLI policy output and stands in for groups it lists but the input lacks', () => {
    const id =
      '/subscriptions/s/resourceGroups/rg-hub-weu/providers/Microsoft.Network/firewallPolicies/fwpol-hub-weu';
    const policy = {
      path: 'policy.json',
      text: JSON.stringify(
        {
          dnsSettings: { enableProxy: true, servers: [] },
          id,
          name: 'fwpol-hub-weu',
          ruleCollectionGroups: [
            'DefaultDnatRuleCollectionGroup',
            'DefaultNetworkRuleCollectionGroup',
            'rcg-extra',
          ].map((g) => ({ id: `${id}/ruleCollectionGroups/${g}`, resourceGroup: 'rg-hub-weu' })),
          firewalls: [{ id: `${id.replace(/firewallPolicies\/.*/, 'azureFirewalls')}/fw-hub-weu` }],
          threatIntelMode: 'Alert',
          type: 'Microsoft.Network/FirewallPolicies',
        },
        null,
        2,
      ),
    };
    const [p] = readAll([fixture('az-rcg-list-hub.json'), policy]);
    expect(p!.paths).toEqual(['policy.json', `${FIXTURES}/az-rcg-list-hub.json`]);
    expect(p!.notes[0]).toBe(
      'Firewall Policy "fwpol-hub-weu" is used by Azure Firewall "fw-hub-weu" (the policy\'s "firewalls" list; not in the input)',
    );
    expect(p!.rules[0]).toMatchObject({
      name: 'rule collection group rcg-extra (not in the input)',
      location: { path: 'policy.json', line: lineOf(policy.text, 'rcg-extra') - 1 },
    });
    expect(names(rule(p!, 'kms').destinations)).toEqual([
      expect.objectContaining({ domain: 'kms.core.windows.net', method: 'resolve' }),
    ]);
    expect(verdict(p!, '*:3478/udp', '10.40.1.0/24')).toBe('unknown');
    expect(p!.warnings?.map((w) => [w.message.replace(/:.*/, ''), w.location?.path])).toEqual([
      [
        'firewall policy "fwpol-hub-weu" lists rule collection group "rcg-extra", which is not in the input',
        'policy.json',
      ],
      [
        'IP group "ipg-hq-clients" is not in the input; rule "hq-to-web-8443" using it is unknown wherever its addresses matter',
        `${FIXTURES}/az-rcg-list-hub.json`,
      ],
    ]);
  });

  it('refuses a bad value a parameters file gives (it is what gets deployed)', () => {
    const params = {
      path: 'hub.parameters.json',
      text: `{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#",
  "parameters": { "clientRange": { "value": "10.21.0.0/33" } }
}`,
    };
    const e = readError([fixture('hub-policy-arm.json'), params]);
    expect(e.path).toBe(`${FIXTURES}/hub-policy-arm.json`);
    expect(e.message).toMatch(/sourceAddresses: bad address "10.21.0.0\/33"/);
  });

  it('marks a firewall whose Firewall Policy is not in the input as unknown', () => {
    const text = template(`    {
      "type": "Microsoft.Network/azureFirewalls",
      "apiVersion": "2023-09-01",
      "name": "fw",
      "properties": {
        "firewallPolicy": { "id": "[resourceId('Microsoft.Network/firewallPolicies', 'elsewhere')]" }
      }
    }`);
    const p = readOne(text);
    expect(p.rules.map((r) => r.name)).toEqual([
      'firewall policy elsewhere (not in the input)',
      'firewall policy elsewhere (not in the input)',
    ]);
    expect(verdict(p, 'cdn.kognitivspark.net:443/tcp')).toBe('unknown');
    expect(p.warnings).toEqual([
      {
        message: expect.stringMatching(
          /^Azure Firewall "fw" uses Firewall Policy "elsewhere", which is not in the input/,
        ) as unknown,
        location: { path: 'policy.json', line: lineOf(text, '"firewallPolicy"') },
      },
    ]);
  });

  it('stands in for a Bicep "existing" Firewall Policy with no rule collection groups in the input', () => {
    const text = template(`    {
      "type": "Microsoft.Network/firewallPolicies",
      "apiVersion": "2023-09-01",
      "name": "fwpol-shared",
      "existing": true
    },
    {
      "type": "Microsoft.Network/azureFirewalls",
      "apiVersion": "2023-09-01",
      "name": "fw",
      "properties": {
        "firewallPolicy": { "id": "[resourceId('Microsoft.Network/firewallPolicies', 'fwpol-shared')]" }
      }
    }`);
    const p = readOne(text);
    expect(p.name).toBe('fw');
    expect(p.rules.map((r) => r.name)).toEqual([
      'firewall policy fwpol-shared (not in the input)',
      'firewall policy fwpol-shared (not in the input)',
    ]);
    expect(verdict(p, '*:443/tcp')).toBe('unknown');
  });

  it('treats application-rule ports other than the protocol standard as may-match, and never for UDP', () => {
    const text = template(
      `${POLICY},
${group(`              {
                "ruleType": "ApplicationRule",
                "name": "odd-port",
                "protocols": [{ "protocolType": "Https", "port": 8089 }],
                "sourceAddresses": ["*"],
                "targetFqdns": ["*"]
              }`)}`,
    );
    const p = readOne(text);
    expect(verdict(p, '*:8089/tcp')).toBe('unknown');
    expect(verdict(p, '*:8089/udp')).toBe('blocked');
    expect(verdict(p, '*:443/tcp')).toBe('blocked');
  });

  it('gives a rule with a deploy-time condition a condition', () => {
    const text = template(
      `${POLICY},
${group(networkRule(NET_FIELDS)).replace('"type": "Microsoft.Network/firewallPolicies/ruleCollectionGroups",', '"type": "Microsoft.Network/firewallPolicies/ruleCollectionGroups",\n      "condition": "[equals(parameters(\'env\'), \'prod\')]",')}`,
      `\n  "parameters": { "env": { "type": "string" } },`,
    );
    const p = readOne(text);
    expect(rule(p, 'r1').conditions?.[0]?.reason).toMatch(
      /deployed only if its condition holds.*parameter 'env' has no defaultValue/,
    );
    const off = readOne(text.replace(`{ "type": "string" }`, `{ "type": "string", "defaultValue": "dev" }`));
    expect(off.rules).toHaveLength(0);
    expect(off.notes).toContain('the policy has no rules: Azure Firewall denies all traffic by default');
  });
});

describe('azure-firewall: bad input', () => {
  it('refuses truncated JSON and broken nesting at their lines', () => {
    expectError(
      '{\n  "$schema": "x",\n  "resources": [\n    {\n      "type": "Microsoft.Network/firewallPolicies",\n',
      6,
      /^invalid JSON/,
    );
    expectError(
      '[\n  {\n    "name": "g",\n    "priority": 100,\n    "ruleCollections": [\n  }\n]\n',
      6,
      /^invalid JSON/,
    );
  });

  it('refuses input that is not a firewall export', () => {
    expectError('"text"', 1, /^expected an ARM template, an ARM parameters file, or az CLI/);
    expectError('[\n  { "name": "x", "color": "blue" }\n]', 2, /not an Azure Firewall resource/);
    expectError(
      '[{"type": "Microsoft.Network/ipGroups", "name": "g", "ipAddresses": ["10.0.0.0/8"]}]',
      1,
      /^no Azure Firewall, Firewall Policy or rule collection group in the input/,
    );
  });

  it('refuses an undefined parameter or variable at the line that uses it', () => {
    const t = template(
      `${POLICY},\n${group(networkRule(NET_FIELDS.replace('"10.0.0.0/8"', `"[parameters('clinets')]"`)))}`,
      `\n  "parameters": { "clients": { "type": "string", "defaultValue": "10.0.0.0/8" } },`,
    );
    expectError(
      t,
      lineOf(t, 'clinets'),
      /parameters\('clinets'\) refers to a parameter the template does not declare \(it declares: clients\)/,
    );
    const v = template(
      `${POLICY},\n${group(networkRule(NET_FIELDS.replace('"10.0.0.0/8"', `"[variables('nope')]"`)))}`,
    );
    expectError(
      v,
      lineOf(v, 'nope'),
      /variables\('nope'\) refers to a variable the template does not declare/,
    );
  });

  it('refuses variables that refer to themselves, naming the cycle', () => {
    const t = template(
      `${POLICY.replace('"name": "pol"', `"name": "[variables('a')]"`)}`,
      `\n  "variables": {\n    "a": "[variables('b')]",\n    "b": "[concat(variables('a'), 'x')]"\n  },`,
    );
    expectError(t, lineOf(t, '"a": "[variables'), /variable 'a' refers to itself \(a -> b -> a\)/);
  });

  it('refuses a bad template expression', () => {
    const t = template(`${POLICY.replace('"name": "pol"', `"name": "[concat('a', ]"`)}`);
    expectError(t, lineOf(t, "concat('a'"), /^invalid template expression: unexpected end of expression/);
  });

  it('reads an IP group the template depends on but does not define as unknown, with a warning', () => {
    const rules = networkRule(`                "ipProtocols": ["TCP"],
                "sourceIpGroups": ["[resourceId('Microsoft.Network/ipGroups', 'ipg-clients')]"],
                "destinationAddresses": ["*"],
                "destinationPorts": ["443"]`);
    const t = template(
      `${POLICY},\n${group(rules).replace('"apiVersion": "2023-09-01",\n      "name": "pol/rcg",', `"apiVersion": "2023-09-01",\n      "name": "pol/rcg",\n      "dependsOn": ["[resourceId('Microsoft.Network/ipGroups', 'ipg-clients')]"],`)}`,
    );
    const p = readOne(t, 'trimmed.json');
    expect(unknownReasons(rule(p, 'r1').sources)[0]).toMatch(/IP group "ipg-clients" is not in the input/);
    expect(p.warnings).toEqual([
      {
        message: expect.stringMatching(
          new RegExp(
            `^IP group "ipg-clients" is not in the input, though the resource depends on it \\(dependsOn, line ${lineOf(t, '"dependsOn"')}\\).*rule "r1" using it is unknown`,
          ),
        ) as unknown,
        location: { path: 'trimmed.json', line: lineOf(t, '"sourceIpGroups"') },
      },
    ]);
    // Without dependsOn it is simply not in the input: unknown, with a warning too.
    const plain = readOne(template(`${POLICY},\n${group(rules)}`));
    expect(unknownReasons(rule(plain, 'r1').sources)[0]).toMatch(
      /IP group "ipg-clients" is not in the input/,
    );
    expect(plain.warnings?.map((w) => w.message)).toEqual([
      expect.stringMatching(/^IP group "ipg-clients" is not in the input; rule "r1" using it is unknown/),
    ]);
  });

  it('refuses wrong types at their lines', () => {
    const prio = template(`${POLICY},\n${group(networkRule(NET_FIELDS), { priority: '"high"' })}`);
    expectError(
      prio,
      lineOf(prio, '"high"'),
      /rule collection group "rcg": priority "high" is not an integer 100-65000/,
    );
    const range = template(`${POLICY},\n${group(networkRule(NET_FIELDS), { priority: '70000' })}`);
    expectError(range, lineOf(range, '70000'), /priority 70000 is not an integer 100-65000/);
    const rulesObject = template(`${POLICY},\n${group('')}`).replace(
      '"rules": [\n\n            ]',
      '"rules": {}',
    );
    expectError(rulesObject, lineOf(rulesObject, '"rules": {}'), /rules must be an array, not an object/);
    const protoString = template(`${POLICY},\n${group(networkRule(NET_FIELDS.replace('["TCP"]', '"TCP"')))}`);
    expectError(
      protoString,
      lineOf(protoString, '"ipProtocols"'),
      /ipProtocols must be an array, not a string/,
    );
  });

  it('refuses bad addresses, ports and protocols written in the template', () => {
    const addr = template(
      `${POLICY},\n${group(networkRule(NET_FIELDS.replace('"10.0.0.0/8"', '"10.0.0.0/33"')))}`,
    );
    expectError(
      addr,
      lineOf(addr, '10.0.0.0/33'),
      /sourceAddresses: bad address "10.0.0.0\/33": prefix length 33 is out of range/,
    );
    const port = template(
      `${POLICY},\n${group(networkRule(NET_FIELDS.replace('["443"]', '["9000-8000"]')))}`,
    );
    expectError(port, lineOf(port, '9000-8000'), /destinationPorts: bad port "9000-8000"/);
    const big = template(`${POLICY},\n${group(networkRule(NET_FIELDS.replace('["443"]', '["70000"]')))}`);
    expectError(big, lineOf(big, '70000'), /bad port "70000"/);
    const proto = template(`${POLICY},\n${group(networkRule(NET_FIELDS.replace('["TCP"]', '["SCTP"]')))}`);
    expectError(
      proto,
      lineOf(proto, 'SCTP'),
      /ipProtocols: unknown protocol "SCTP"; expected TCP, UDP, ICMP or Any/,
    );
    const action = template(`${POLICY},\n${group(networkRule(NET_FIELDS))}`).replace('"Allow"', '"Permit"');
    expectError(action, lineOf(action, 'Permit'), /action "Permit"; expected Allow or Deny/);
  });

  it('refuses rules Azure refuses: wildcard network FQDNs, mixed rule types, missing parts', () => {
    const wild = template(
      `${POLICY},\n${group(networkRule(NET_FIELDS.replace('"destinationAddresses": ["*"]', '"destinationFqdns": ["*.kognitivspark.net"]')))}`,
    );
    expectError(wild, lineOf(wild, '*.kognitivspark.net'), /network rules don't support wildcard FQDNs/);
    const app = `              {
                "ruleType": "ApplicationRule",
                "name": "a1",
                "sourceAddresses": ["*"],
                "targetFqdns": ["cdn.kognitivspark.net"]
              }`;
    const mixed = template(`${POLICY},\n${group(`${networkRule(NET_FIELDS)},\n${app}`)}`);
    expectError(
      mixed,
      lineOf(mixed, '"name": "coll"') - 2,
      /rule collection "coll": mixes network and application rules/,
    );
    const noProto = template(`${POLICY},\n${group(app)}`);
    expectError(noProto, lineOf(noProto, '"name": "a1"') - 2, /application rule "a1": no protocols/);
    const noSource = template(
      `${POLICY},\n${group(networkRule(NET_FIELDS.replace('"sourceAddresses": ["10.0.0.0/8"],', '')))}`,
    );
    expectError(
      noSource,
      lineOf(noSource, '"name": "r1"') - 2,
      /rule "r1": no sourceAddresses or sourceIpGroups/,
    );
    const noPorts = template(
      `${POLICY},\n${group(networkRule(NET_FIELDS.replace(',\n                "destinationPorts": ["443"]', '')))}`,
    );
    expectError(
      noPorts,
      lineOf(noPorts, '"name": "r1"') - 2,
      /rule "r1": no destinationPorts; a TCP or UDP rule needs/,
    );
    const icmp = readOne(
      template(
        `${POLICY},\n${group(networkRule(NET_FIELDS.replace('["TCP"]', '["ICMP"]').replace(',\n                "destinationPorts": ["443"]', '')))}`,
      ),
    );
    expect(rule(icmp, 'r1').services).toEqual({ kind: 'protocol', number: 1 });
    const noType = template(`${POLICY},\n${group(networkRule(NET_FIELDS))}`).replace(
      '"ruleType": "NetworkRule",',
      '',
    );
    expectError(noType, lineOf(noType, '"name": "r1"') - 2, /a rule without "ruleType"/);
  });

  it('refuses two groups or collections that share a priority for one rule type', () => {
    const t = template(
      `${POLICY},\n${group(networkRule(NET_FIELDS), { name: 'pol/a', priority: '300' })},\n${group(networkRule(NET_FIELDS, 'r2'), { name: 'pol/b', priority: '300' })}`,
    );
    const second =
      t.split('\n').findIndex((l, i) => i > lineOf(t, '"pol/b"') && l.includes('"priority": 300')) + 1;
    expectError(
      t,
      second,
      /rule collection groups "b" and "a" \(line \d+\) share priority 300 for network rules/,
    );
  });

  it('refuses a policy that inherits from itself', () => {
    const pol = (name: string, base: string) => `    {
      "type": "Microsoft.Network/firewallPolicies",
      "apiVersion": "2023-09-01",
      "name": "${name}",
      "properties": { "basePolicy": { "id": "[resourceId('Microsoft.Network/firewallPolicies', '${base}')]" } }
    }`;
    const t = template(`${pol('a', 'b')},\n${pol('b', 'a')}`);
    const e = readError([{ path: 'bad.json', text: t }]);
    expect(e.message).toMatch(/inherits from itself \((a -> b -> a|b -> a -> b)\)/);
  });

  it('refuses a policy or group defined twice', () => {
    const t = template(`${POLICY},\n${POLICY}`);
    expectError(t, 11, /firewall policy "pol" is defined twice \(first at bad.json:5\)/);
  });

  it('throws nothing but InputError on mangled input', () => {
    const lines = readFileSync(`${FIXTURES}/hub-policy-arm.json`, 'utf8').split('\n');
    fc.assert(
      fc.property(
        fc.nat({ max: lines.length - 1 }),
        fc.string({ maxLength: 12 }),
        fc.boolean(),
        (at, junk, replace) => {
          const copy = [...lines];
          copy[at] = replace ? copy[at]!.replace(/"[^"]*"(,?)$/, `"${junk}"$1`) : copy[at] + junk;
          expectReadOrInputError(
            (text) => azureFirewallReader.read([{ path: 'fuzz.json', text }]),
            copy.join('\n'),
            copy.length + 1,
          );
        },
      ),
      fuzzParameters(400),
    );
  });
});

describe('azure-firewall: size', () => {
  it('reads 30k rules of az CLI output in a few seconds', () => {
    const n = 30_000;
    const collections = [];
    for (let c = 0; c < n / 100; c++) {
      const rules = [];
      for (let i = 0; i < 100; i++) {
        const k = c * 100 + i;
        rules.push({
          name: `r${k}`,
          ruleType: 'NetworkRule',
          ipProtocols: ['TCP', 'UDP'],
          sourceAddresses: [`10.${(k >> 8) & 255}.${k & 255}.0/24`],
          destinationAddresses: [k % 7 ? '*' : `198.${k % 200}.0.0/16`],
          destinationIpGroups: [],
          destinationFqdns: [],
          destinationPorts: [`${(k % 60000) + 1}`],
        });
      }
      collections.push({
        name: `c${c}`,
        priority: 100 + c,
        action: { type: c % 2 ? 'Allow' : 'Deny' },
        ruleCollectionType: 'FirewallPolicyFilterRuleCollection',
        rules,
      });
    }
    const text = JSON.stringify(
      [
        {
          id: '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/firewallPolicies/big/ruleCollectionGroups/g',
          name: 'g',
          priority: 100,
          ruleCollections: collections,
        },
      ],
      null,
      2,
    );
    const start = performance.now();
    const p = readOne(text);
    const ms = performance.now() - start;
    expect(p.rules).toHaveLength(n);
    expect(ms).toBeLessThan(15_000);
  });
});
