import { headOf, type InputFile } from '../input/input-file.js';

/**
 * Exports of products this tool does not read yet, recognised so that a refusal says what the file is
 * instead of suggesting a fix that can't work (a GCP dump has a nested "rules" list, but adding the
 * generic marker would not make it a generic policy). Checked only after every reader said no.
 */
interface Unsupported {
  name: string;
  /** Matched against the file's head: keys and keywords the product's own output always has. */
  test: RegExp[];
}

const HEAD = 256 * 1024;

const UNSUPPORTED: readonly Unsupported[] = [
  {
    // gcloud compute firewall-rules list / networks get-effective-firewalls --format=json: each VPC
    // rule carries "kind": "compute#firewall"; hierarchical policies sit under "firewallPolicys".
    name: 'Google Cloud VPC firewall rules or effective firewalls (gcloud JSON)',
    test: [/"kind"\s*:\s*"compute#firewall(?:Policy)?"/, /"firewallPolicys"\s*:\s*\[/],
  },
  {
    // aws ec2 describe-security-groups
    name: 'AWS security groups (aws ec2 describe-security-groups JSON)',
    test: [/"SecurityGroups"\s*:\s*\[[\s\S]*"IpPermissions(?:Egress)?"\s*:/],
  },
  {
    // aws ec2 describe-network-acls
    name: 'AWS network ACLs (aws ec2 describe-network-acls JSON)',
    test: [/"NetworkAcls"\s*:\s*\[[\s\S]*"Entries"\s*:/],
  },
  {
    // Management API show-access-rulebase / ShowPolicyPackage: uid-keyed objects with domain info.
    name: 'Check Point management API JSON (show-access-rulebase or ShowPolicyPackage)',
    test: [
      /"objects-dictionary"\s*:/,
      /"type"\s*:\s*"access-(?:rule|section|layer)"/,
      /"domain-type"\s*:\s*"[^"]*"[\s\S]*"uid"\s*:|"uid"\s*:[\s\S]*"domain-type"\s*:/,
    ],
  },
  {
    name: 'Juniper Junos configuration (SRX)',
    test: [/^set (?:version|security|interfaces|system|firewall) /m, /^security \{\r?$/m],
  },
];

/** The product a file that no reader took is an export of, when it is one this tool knows it can't read. */
export function recogniseUnsupported(file: InputFile): string | undefined {
  const head = headOf(file, HEAD);
  return UNSUPPORTED.find((u) => u.test.some((re) => re.test(head)))?.name;
}
