import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './cli-io.js';

const dir = mkdtempSync(join(tmpdir(), 'rsfc-unsupported-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Hand-written excerpts in each product's own output shape (field names as the tools print them).
const GCP_EFFECTIVE = `{
  "firewalls": [
    {
      "kind": "compute#firewall",
      "name": "allow-egress-https",
      "network": "https://www.googleapis.com/compute/v1/projects/acme-prod/global/networks/default",
      "priority": 1000,
      "destinationRanges": ["0.0.0.0/0"],
      "allowed": [{ "IPProtocol": "tcp", "ports": ["443"] }],
      "direction": "EGRESS",
      "disabled": false
    }
  ],
  "firewallPolicys": [
    {
      "name": "100000000001",
      "type": "HIERARCHY",
      "rules": [
        { "priority": 2147483647, "action": "goto_next", "direction": "EGRESS",
          "match": { "destIpRanges": ["0.0.0.0/0"], "layer4Configs": [{ "ipProtocol": "all" }] } }
      ]
    }
  ]
}
`;

const AWS_SG = `{
    "SecurityGroups": [
        {
            "Description": "branch clients",
            "GroupName": "clients",
            "IpPermissions": [],
            "GroupId": "sg-0a1b2c3d4e5f60718",
            "IpPermissionsEgress": [
                { "IpProtocol": "-1", "IpRanges": [{ "CidrIp": "0.0.0.0/0" }], "Ipv6Ranges": [], "PrefixListIds": [], "UserIdGroupPairs": [] }
            ],
            "VpcId": "vpc-0123456789abcdef0"
        }
    ]
}
`;

const AWS_NACL = `{
    "NetworkAcls": [
        {
            "Associations": [],
            "Entries": [
                { "CidrBlock": "0.0.0.0/0", "Egress": true, "Protocol": "-1", "RuleAction": "allow", "RuleNumber": 100 },
                { "CidrBlock": "0.0.0.0/0", "Egress": true, "Protocol": "-1", "RuleAction": "deny", "RuleNumber": 32767 }
            ],
            "IsDefault": true,
            "NetworkAclId": "acl-0a1b2c3d",
            "VpcId": "vpc-0123456789abcdef0"
        }
    ]
}
`;

const CHECKPOINT_RULEBASE = `{
  "uid" : "9a5b2f6e-5b1c-4b52-9f0e-0a1f7c2d8e11",
  "name" : "Network",
  "rulebase" : [ {
    "uid" : "1c0e3f8a-6a7d-4d6b-8f7e-2b9c4a5d6e7f",
    "name" : "Cleanup rule",
    "type" : "access-rule",
    "rule-number" : 1,
    "source" : [ "97aeb369-9aea-11d5-bd16-0090272ccb30" ],
    "destination" : [ "97aeb369-9aea-11d5-bd16-0090272ccb30" ],
    "action" : "6c488338-8eec-4103-ad21-cd461ac2c473"
  } ],
  "objects-dictionary" : [ {
    "uid" : "6c488338-8eec-4103-ad21-cd461ac2c473",
    "name" : "Drop",
    "type" : "RulebaseAction",
    "domain" : { "uid" : "a0bbbc99-adef-4ef8-bb6d-defdefdefdef", "name" : "Check Point Data", "domain-type" : "data domain" }
  } ],
  "from" : 1,
  "to" : 1,
  "total" : 1
}
`;

const JUNOS = `set version 21.4R3-S2
set security zones security-zone trust interfaces ge-0/0/1.0
set security policies from-zone trust to-zone untrust policy web match source-address any
set security policies from-zone trust to-zone untrust policy web then permit
`;

const CASES: [string, string, RegExp][] = [
  ['gcp.json', GCP_EFFECTIVE, /Google Cloud VPC firewall rules or effective firewalls/],
  ['sg.json', AWS_SG, /AWS security groups/],
  ['nacl.json', AWS_NACL, /AWS network ACLs/],
  ['rulebase.json', CHECKPOINT_RULEBASE, /Check Point management API JSON/],
  ['srx.cfg', JUNOS, /Juniper Junos/],
];

describe('an export of a product not read yet is named, with no hint that cannot work', () => {
  it.each(CASES)('%s', async (name, text, product) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    const r = await runCli('check', path);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(product);
    expect(r.stderr).toContain('a format not read yet');
    expect(r.stderr).toMatch(/Formats tried: generic .*asa .*fortigate .*panos .*azure-firewall/);
    // The GCP dump's nested "rules" list once drew "add format: generic/v1", which can't make it readable.
    expect(r.stderr).not.toContain('marker');
  });

  it('a generic policy that only lacks its marker still gets that hint', async () => {
    const path = join(dir, 'unmarked.yaml');
    writeFileSync(path, 'default: deny\nrules:\n  - name: web\n    action: allow\n');
    const r = await runCli('check', path);
    expect(r.stderr).toContain('no "format: generic/v1" marker');
    expect(r.stderr).not.toContain('not read yet');
  });
});
