import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/input/input-error.js';
import { oddNumberLiteral } from '../../src/input/number-literal.js';
import { parseYamlDocument } from '../../src/input/positioned.js';
import { runCli } from '../cli/cli-io.js';

const dir = mkdtempSync(join(tmpdir(), 'rsfc-odd-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

function yamlError(text: string): InputError {
  try {
    parseYamlDocument({ path: 'm.yaml', text });
  } catch (e) {
    if (e instanceof InputError) return e;
    throw e;
  }
  throw new Error('parsed');
}

describe('a multi-document YAML file', () => {
  it.each([
    ['a: 1\nb: 2\n---\nc: 3\n', 3],
    ['---\na: 1\n---\nc: 3\n', 3],
    ['# head\na: 1\n\n---   \n\n  c: 3\n', 4],
    ['a: 1\n---\n', 2],
  ])('names the line the second document starts on (%j)', (text, line) => {
    expect(yamlError(text)).toMatchObject({
      line,
      message: 'invalid YAML: a second document starts here; expected a single document',
    });
  });
});

describe('a multi-document YAML file given to check', () => {
  it.each([
    [
      'a policy',
      (p: string) => [p],
      'format: generic/v1\ndefault: deny\nrules: []\n---\nformat: generic/v1\n',
    ],
    [
      'a catalog',
      (p: string) => [
        '--catalog',
        p,
        file('ok-policy.yaml', 'format: generic/v1\ndefault: deny\nrules: []\n'),
      ],
      'catalogVersion: 2026.1.1\nmodes: []\nroles: []\n---\nreleases: []\n',
    ],
  ])('names the line of the second document in %s', async (what, args, text) => {
    const p = file(`multi-${what.replace(' ', '-')}.yaml`, text);
    const r = await runCli('check', ...args(p));
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(
      `${p}:4: invalid YAML: a second document starts here; expected a single document`,
    );
  });
});

describe('numbers written other than as plain decimal integers', () => {
  it.each([
    ['0x50', 'hexadecimal'],
    ['0o120', 'octal'],
    ['1e999', 'too large for a number'],
    ['.inf', 'is infinity'],
    ['-.inf', 'is minus infinity'],
    ['.nan', 'stands for no number (NaN)'],
    ['NaN', 'stands for no number (NaN)'],
    ['080', 'has a leading zero'],
    ['00443', 'has a leading zero'],
    ['0b101', 'binary'],
    ['+80', 'plus sign'],
    ['-0', 'negative zero'],
    ['-0.0', 'negative zero'],
    ['-5', 'negative number'],
    ['8e1', 'exponent notation'],
    ['80.0', 'decimal fraction'],
    ['1.5', 'not a whole number'],
  ])('%s is named as what it is', (text, what) => {
    expect(oddNumberLiteral(text)).toContain(what);
  });
  it('a plain decimal integer is not odd', () => {
    expect(oddNumberLiteral('443')).toBeUndefined();
    expect(oddNumberLiteral('0')).toBeUndefined();
  });

  const CATALOG = (port: string) => `catalogVersion: 2026.1.1
modes:
  - id: cloud
    label: Cloud
roles:
  - id: cdn
    label: CDN endpoint
releases:
  - version: 1.2.0
    source: test
    entries:
      - role: cdn
        modes: [cloud]
        hosts: [cdn.example.com]
        ports:
          - 443
          - ${port}
        protocols: [tcp]
        severity: required
        verified: true
`;
  const GENERIC = file('ok.yaml', 'format: generic/v1\ndefault: deny\nrules: []\n');
  it.each([
    ['0x50', /ports\[1\]: 0x50 is a hexadecimal number; a port is a whole number 1-65535 written in decimal/],
    ['80.0', /ports\[1\]: 80\.0 is a decimal fraction/],
    ['-0', /ports\[1\]: -0 is negative zero; must be >= 1/],
    ['1.5', /ports\[1\]: 1\.5 is not a whole number; must be integer/],
    ['080', /ports\[1\]: 080 has a leading zero/],
    ['.nan', /ports\[1\]: \.nan stands for no number \(NaN\)/],
  ])('in a catalog: %s', async (port, message) => {
    const p = file(`catalog-${port}.yaml`, CATALOG(port));
    const r = await runCli('check', '--catalog', p, GENERIC);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`${p}:17: `);
    expect(r.stderr).toMatch(message);
  });
  it('in a catalog overlay', async () => {
    const p = file(
      'overlay.yaml',
      'overlay: 1\nroles:\n  web-browser:\n    addFlows:\n      - hosts: [portal.contoso.example]\n        ports: [0x1bb]\n        protocols: [tcp]\n',
    );
    const r = await runCli('check', '--catalog', p, GENERIC);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/overlay\.yaml:6: .*ports\[0\]: 0x1bb is a hexadecimal number/);
  });

  const ARM = (ports: string, appPort: string) => `{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "contentVersion": "1.0.0.0",
  "resources": [
    {"type": "Microsoft.Network/firewallPolicies", "apiVersion": "2023-09-01", "name": "p", "properties": {}},
    {
      "type": "Microsoft.Network/firewallPolicies/ruleCollectionGroups",
      "apiVersion": "2023-09-01",
      "name": "p/rcg",
      "dependsOn": ["[resourceId('Microsoft.Network/firewallPolicies', 'p')]"],
      "properties": {
        "priority": 100,
        "ruleCollections": [
          {
            "ruleCollectionType": "FirewallPolicyFilterRuleCollection",
            "name": "net", "priority": 100, "action": {"type": "Allow"},
            "rules": [
              {
                "ruleType": "NetworkRule", "name": "r",
                "ipProtocols": ["TCP"],
                "sourceAddresses": ["*"], "destinationAddresses": ["*"],
                "destinationPorts": [${ports}]
              }
            ]
          },
          {
            "ruleCollectionType": "FirewallPolicyFilterRuleCollection",
            "name": "app", "priority": 200, "action": {"type": "Allow"},
            "rules": [
              {
                "ruleType": "ApplicationRule", "name": "a",
                "protocols": [{"protocolType": "Https", "port": ${appPort}}],
                "sourceAddresses": ["*"], "targetFqdns": ["*"]
              }
            ]
          }
        ]
      }
    }
  ]
}
`;
  it.each([
    ['-0', '443', 22, /destinationPorts.*-0 is negative zero/],
    ['1e999', '443', 22, /1e999 is too large for a number/],
    ['80.0', '443', 22, /80\.0 is a decimal fraction/],
    ['443', '1e999', 32, /protocols\[\]\.port: 1e999 is too large for a number/],
    ['443', '443.0', 32, /protocols\[\]\.port: 443\.0 is a decimal fraction/],
  ])('in an Azure rule: port %s, application port %s', async (ports, appPort, line, message) => {
    const p = file(`arm-${ports}-${appPort}.json`, ARM(ports, appPort));
    const r = await runCli('check', p);
    expect(r.stderr).not.toMatch(/internal error/);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`${p}:${line}: `);
    expect(r.stderr).toMatch(message);
  });
  it.each([
    ['0x50', '0x50 is a hexadecimal number'],
    ['080', '080 has a leading zero'],
    ['-0', '-0 is negative zero'],
    ['-5', '-5 is a negative number'],
    ['80--0', '-0 is negative zero'],
    ['NaN', 'NaN stands for no number (NaN)'],
    ['1e3', '1e3 is a number in exponent notation'],
    ['1e999', '1e999 is too large for a number'],
  ])('in a generic service entry: tcp/%s', async (port, what) => {
    const p = file(
      `svc-${port}.yaml`,
      `format: generic/v1\ndefault: deny\nrules:\n  - name: r\n    action: allow\n    sources: [any]\n    destinations: [any]\n    services: [tcp/${port}]\n`,
    );
    const r = await runCli('check', p);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`${p}:8: rules[0].services[0]: "tcp/${port}": ${what}`);
    expect(r.stderr).toMatch(/, not a port; expected a decimal number 0-65535/);
  });
  it.each([
    ['080', '080 has a leading zero (read as octal by some tools)'],
    ['NaN', 'NaN stands for no number (NaN)'],
    ['-Infinity', '-Infinity is minus infinity'],
    ['0x50', '0x50 is a hexadecimal number'],
    ['+80', '+80 has a plus sign'],
  ])('in JSON, where %s is no number at all', async (port, what) => {
    const p = file(
      `policy-${port}.json`,
      `{\n"format": "generic/v1",\n"default": "deny",\n"rules": [{"name": "r", "action": "allow",\n"sources": ["any"], "destinations": ["any"],\n"ports": [${port}]}]\n}\n`,
    );
    const r = await runCli('check', p);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`${p}:6: invalid JSON: ${what}; a JSON number is a plain decimal like 443`);
  });
});
