import type { Container } from './fix-layout.js';

/** A value as the export writes it (`edit`) and as the az CLI takes it (`cli`). */
export interface Written {
  edit: string;
  cli: string;
}

/** One rule of the new collection. */
export interface NewRule {
  name: string;
  description: string;
  phase: 'network' | 'application';
  sources: { addresses: Written[]; ipGroups: Written[] };
  /** Network rules: protocols, ports and addresses or FQDNs. */
  protocols?: ('TCP' | 'UDP')[];
  ports?: number[];
  destinationAddresses?: string[];
  destinationFqdns?: string[];
  /** Application rules: HTTPS 443 to these names. */
  targetFqdns?: string[];
}

export interface NewCollection {
  name: string;
  priority: number;
  rules: NewRule[];
}

/**
 * A literal string in an ARM template: one starting with `[` is written `[[` ("Template syntax", escape
 * characters: https://learn.microsoft.com/azure/azure-resource-manager/templates/template-expressions).
 */
function literal(container: Container, s: string): string {
  return container.template && s.startsWith('[') ? `[${s}` : s;
}

function ruleObject(container: Container, r: NewRule): Record<string, unknown> {
  const lit = (xs: readonly string[]) => xs.map((x) => literal(container, x));
  const classic = container.kind === 'classic';
  const sources = {
    ...(r.sources.addresses.length ? { sourceAddresses: r.sources.addresses.map((a) => a.edit) } : {}),
    ...(r.sources.ipGroups.length ? { sourceIpGroups: r.sources.ipGroups.map((g) => g.edit) } : {}),
  };
  const head = {
    ...(classic ? {} : { ruleType: r.phase === 'network' ? 'NetworkRule' : 'ApplicationRule' }),
    name: r.name,
    description: r.description,
  };
  if (r.phase === 'application') {
    return {
      ...head,
      protocols: [{ protocolType: 'Https', port: 443 }],
      ...sources,
      targetFqdns: lit(r.targetFqdns ?? []),
    };
  }
  return {
    ...head,
    [classic ? 'protocols' : 'ipProtocols']: r.protocols,
    ...sources,
    ...(r.destinationFqdns
      ? { destinationFqdns: lit(r.destinationFqdns) }
      : { destinationAddresses: lit(r.destinationAddresses ?? ['*']) }),
    destinationPorts: (r.ports ?? []).map(String),
  };
}

/**
 * The new collection as JSON in the container's own shape: a Firewall Policy filter rule collection, or a
 * classic collection (`properties` nested where the export nests them).
 */
export function collectionObject(container: Container, c: NewCollection): Record<string, unknown> {
  const rules = c.rules.map((r) => ruleObject(container, r));
  const action = { type: 'Allow' };
  if (container.kind === 'group') {
    return {
      ruleCollectionType: 'FirewallPolicyFilterRuleCollection',
      name: c.name,
      priority: c.priority,
      action,
      rules,
    };
  }
  const nested = container.collections.some((x) => x.view.has('properties'));
  return nested
    ? { name: c.name, properties: { priority: c.priority, action, rules } }
    : { name: c.name, priority: c.priority, action, rules };
}

/** An object as indented JSON lines ending with a comma: it goes before an existing array element. */
export function elementText(obj: unknown, indent: string, unit = '  '): string {
  const json = JSON.stringify(obj, null, unit).split('\n');
  return `${json.map((l) => indent + l).join('\n')},\n`;
}

/** A POSIX shell word: bare where nothing in it is special, else single-quoted. */
export function sh(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

const words = (xs: readonly string[]) => xs.map(sh).join(' ');

/** The rule's match options, shared by the policy and classic commands. */
function ruleOptions(r: NewRule, classic: boolean): string {
  const parts: string[] = [`--description ${sh(r.description)}`];
  if (r.sources.addresses.length)
    parts.push(`--source-addresses ${words(r.sources.addresses.map((a) => a.cli))}`);
  if (r.sources.ipGroups.length)
    parts.push(`--source-ip-groups ${words(r.sources.ipGroups.map((g) => g.cli))}`);
  if (r.phase === 'application') {
    parts.push('--protocols Https=443', `--target-fqdns ${words(r.targetFqdns ?? [])}`);
    return parts.join(' ');
  }
  parts.push(`${classic ? '--protocols' : '--ip-protocols'} ${words(r.protocols ?? [])}`);
  if (r.destinationFqdns) parts.push(`--destination-fqdns ${words(r.destinationFqdns)}`);
  else parts.push(`--destination-addresses ${words(r.destinationAddresses ?? ['*'])}`);
  parts.push(`--destination-ports ${words((r.ports ?? []).map(String))}`);
  return parts.join(' ');
}

/**
 * The az CLI commands that make the same change on Azure. Firewall Policy: `az network firewall policy
 * rule-collection-group collection add-filter-collection` creates the collection with its first rule and
 * `... collection rule add` adds more (azure-firewall extension, "az network firewall policy
 * rule-collection-group collection", https://learn.microsoft.com/cli/azure/network/firewall/policy/rule-collection-group/collection).
 * A new group first: `az network firewall policy rule-collection-group create` ("az network firewall policy
 * rule-collection-group", https://learn.microsoft.com/cli/azure/network/firewall/policy/rule-collection-group).
 * Classic rules: `az network firewall network-rule create` / `application-rule create`, whose
 * `--priority`/`--action` create the collection ("az network firewall network-rule",
 * https://learn.microsoft.com/cli/azure/network/firewall/network-rule).
 */
export function commandsFor(
  container: Container,
  c: NewCollection,
  names: { resourceGroup: string; policy: string; newGroup?: { name: string; priority: number } },
): string[] {
  if (container.kind === 'group') {
    const group = names.newGroup?.name ?? container.name;
    const policy = `--resource-group ${names.resourceGroup} --policy-name ${names.policy}`;
    const where = `${policy} --rule-collection-group-name ${sh(group)}`;
    const create = names.newGroup
      ? [
          `az network firewall policy rule-collection-group create ${policy} --name ${sh(group)} --priority ${names.newGroup.priority}`,
        ]
      : [];
    return [
      ...create,
      ...c.rules.map((r, i) => {
        const type = `--rule-type ${r.phase === 'network' ? 'NetworkRule' : 'ApplicationRule'}`;
        return i === 0
          ? `az network firewall policy rule-collection-group collection add-filter-collection ${where} --name ${sh(c.name)} --collection-priority ${c.priority} --action Allow ${type} --rule-name ${sh(r.name)} ${ruleOptions(r, false)}`
          : `az network firewall policy rule-collection-group collection rule add ${where} --collection-name ${sh(c.name)} --name ${sh(r.name)} ${type} ${ruleOptions(r, false)}`;
      }),
    ];
  }
  return c.rules.map((r, i) => {
    const verb = r.phase === 'network' ? 'network-rule' : 'application-rule';
    const create = i === 0 ? ` --priority ${c.priority} --action Allow` : '';
    return `az network firewall ${verb} create --resource-group ${names.resourceGroup} --firewall-name ${sh(container.owner)} --collection-name ${sh(c.name)}${create} --name ${sh(r.name)} ${ruleOptions(r, true)}`;
  });
}
