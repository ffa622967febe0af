import { ipsExpr, unionExpr, unknownExpr, type AddressExpr } from '../../model/address.js';
import { AddressSyntaxError, parseIpSpec } from '../../model/ip.js';
import type { SourceLocation } from '../../model/location.js';
import type { PolicyWarning } from '../../model/policy.js';
import { badValue, locationOf, unresolvedReason } from './address-entries.js';
import { preview, Unresolved } from './arm-values.js';
import { IP_GROUP_TYPE, referencedName, type IpGroupResource } from './resources.js';
import type { View } from './view.js';

const HOW_TO_EXPORT =
  'pass its export (az network ip-group show, or the template that defines it) with the policy';

interface MissingGroup {
  name: string;
  rules: string[];
  location: SourceLocation;
  dependsOnLine?: number;
}

/**
 * IP groups ("IP Groups in Azure Firewall", https://learn.microsoft.com/azure/firewall/ip-groups): named
 * lists of IP addresses, CIDRs and ranges that rules reference by resource ID in `sourceIpGroups` /
 * `destinationIpGroups`. A group in any input file resolves to its addresses (one shared expression per
 * group); a group that is in no input (a trimmed export, az CLI output of the rules alone) is an unknown
 * part of the rules that use it, and a warning. A group the referencing resource lists in `dependsOn` but no
 * input defines can't be deployed as written ("The resource ... is not defined in the template"): read the
 * same way, the warning saying so.
 */
export class IpGroups {
  private readonly byName = new Map<string, IpGroupResource[]>();
  private readonly exprs = new Map<IpGroupResource, AddressExpr>();
  /** Groups that some rule used: their files belong to the policy. */
  readonly used = new Set<IpGroupResource>();
  /** Groups referenced but in no input, by lower-case name: the rules using them, for warnings. */
  private readonly missing = new Map<string, MissingGroup>();

  constructor(groups: readonly IpGroupResource[]) {
    for (const g of groups) {
      const list = this.byName.get(g.key) ?? [];
      list.push(g);
      this.byName.set(g.key, list);
    }
  }

  /** Forgets the groups used and missing so far: called before each policy is built. */
  startPolicy(): void {
    this.used.clear();
    this.missing.clear();
  }

  /** One warning per group the policy's rules reference but no input defines, at its first reference. */
  warnings(): PolicyWarning[] {
    const byLine = [...this.missing.values()].sort(
      (a, b) =>
        (a.location.path < b.location.path ? -1 : a.location.path > b.location.path ? 1 : 0) ||
        a.location.line - b.location.line,
    );
    return byLine.map((m) => {
      const rules = m.rules.map((r) => `"${r}"`).join(', ');
      const why =
        m.dependsOnLine === undefined
          ? 'is not in the input'
          : `is not in the input, though the resource depends on it (dependsOn, line ${m.dependsOnLine}): the template can't be deployed as written`;
      return {
        message: `IP group "${m.name}" ${why}; rule${m.rules.length > 1 ? 's' : ''} ${rules} using it ${m.rules.length > 1 ? 'are' : 'is'} unknown wherever its addresses matter: ${HOW_TO_EXPORT}`,
        location: m.location,
      };
    });
  }

  /** The addresses of the group a `sourceIpGroups` / `destinationIpGroups` entry of rule `rule` names. */
  reference(view: View, role: string, dependsOn: ReadonlyMap<string, number>, rule: string): AddressExpr {
    const text = view.text(role);
    const location = locationOf(view);
    if (text instanceof Unresolved) {
      return unknownExpr({ reason: unresolvedReason(view, `IP group reference`, text), location });
    }
    const { name, ref } = referencedName(text);
    if (ref && ref.type !== IP_GROUP_TYPE) {
      throw view.error(
        `${role}: ${preview(text)} is not an IP group ID (…/providers/Microsoft.Network/ipGroups/<name>)`,
      );
    }
    if (!name) throw view.error(`${role}: empty IP group reference`);
    let candidates = this.byName.get(name.toLowerCase()) ?? [];
    if (candidates.length > 1 && ref?.resourceGroup) {
      const rg = ref.resourceGroup;
      const inGroup = candidates.filter((c) => c.id?.resourceGroup === rg);
      if (inGroup.length > 0) candidates = inGroup;
    }
    if (candidates.length > 1) {
      const where = candidates.map((c) => `${c.view.path}:${c.view.line}`).join(', ');
      throw view.error(`${role}: IP group "${name}" is ambiguous: several inputs define it (${where})`);
    }
    const group = candidates[0];
    if (!group) {
      const needed =
        dependsOn.get(`${IP_GROUP_TYPE}/${name.toLowerCase()}`) ??
        dependsOn.get(`name:${name.toLowerCase()}`);
      this.noteMissing(name, rule, location, needed);
      return unknownExpr({ reason: `IP group "${name}" is not in the input; ${HOW_TO_EXPORT}`, location });
    }
    this.used.add(group);
    return this.addresses(group);
  }

  private noteMissing(name: string, rule: string, location: SourceLocation, dependsOnLine?: number): void {
    const key = name.toLowerCase();
    const m = this.missing.get(key);
    if (!m) this.missing.set(key, { name, rules: [rule], location, dependsOnLine });
    else if (!m.rules.includes(rule)) m.rules.push(rule);
  }

  private addresses(group: IpGroupResource): AddressExpr {
    let expr = this.exprs.get(group);
    if (!expr) {
      expr = this.build(group);
      this.exprs.set(group, expr);
    }
    return expr;
  }

  private build(group: IpGroupResource): AddressExpr {
    const location = locationOf(group.view);
    if (group.existing) {
      return unknownExpr({
        reason: `IP group "${group.name}" is an existing resource this template only refers to; ${HOW_TO_EXPORT}`,
        location,
      });
    }
    const list = group.props.get('ipAddresses');
    if (!list) {
      throw group.view.error(
        `IP group "${group.name}" has no "ipAddresses"; expected a list of addresses, CIDRs or ranges`,
      );
    }
    const items = list.items('ipAddresses');
    if (items instanceof Unresolved) {
      return unknownExpr({
        reason: `the addresses of IP group "${group.name}" are known only at deployment (${items.reason})`,
        location: locationOf(list),
      });
    }
    const members = items.map((item) => this.entry(item, group.name));
    return members.length === 1 ? members[0]! : unionExpr(members);
  }

  private entry(item: View, groupName: string): AddressExpr {
    const text = item.text('ipAddresses');
    if (text instanceof Unresolved) {
      return unknownExpr({
        reason: unresolvedReason(item, `an address of IP group "${groupName}"`, text),
        location: locationOf(item),
      });
    }
    try {
      return ipsExpr(parseIpSpec(text.trim()));
    } catch (e) {
      if (!(e instanceof AddressSyntaxError)) throw e;
      return badValue(
        item,
        `IP group "${groupName}": bad address ${preview(text)}: ${e.message}; expected an IP address, a CIDR or a range first-last`,
      );
    }
  }
}
