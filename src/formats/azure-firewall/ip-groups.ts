import { ipsExpr, unionExpr, unknownExpr, type AddressExpr } from '../../model/address.js';
import { AddressSyntaxError, parseIpSpec } from '../../model/ip.js';
import { badValue, locationOf, unresolvedReason } from './address-entries.js';
import { preview, Unresolved } from './arm-values.js';
import { IP_GROUP_TYPE, referencedName, type IpGroupResource } from './resources.js';
import type { View } from './view.js';

const HOW_TO_EXPORT =
  'pass its export (az network ip-group show, or the template that defines it) with the policy';

/**
 * IP groups ("IP Groups in Azure Firewall", https://learn.microsoft.com/azure/firewall/ip-groups): named
 * lists of IP addresses, CIDRs and ranges that rules reference by resource ID in `sourceIpGroups` /
 * `destinationIpGroups`. A group in any input file resolves to its addresses (one shared expression per
 * group); a group that is in no input is an unknown part. In an ARM template, a group the referencing
 * resource lists in `dependsOn` must be defined in the template ("The resource ... is not defined in the
 * template" is a deployment error), so its absence is an error here too.
 */
export class IpGroups {
  private readonly byName = new Map<string, IpGroupResource[]>();
  private readonly exprs = new Map<IpGroupResource, AddressExpr>();
  /** Groups that some rule used: their files belong to the policy. */
  readonly used = new Set<IpGroupResource>();

  constructor(groups: readonly IpGroupResource[]) {
    for (const g of groups) {
      const list = this.byName.get(g.key) ?? [];
      list.push(g);
      this.byName.set(g.key, list);
    }
  }

  /** The addresses of the group a `sourceIpGroups` / `destinationIpGroups` entry names. */
  reference(view: View, role: string, dependsOn: ReadonlyMap<string, number>): AddressExpr {
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
      if (needed !== undefined) {
        throw view.error(
          `${role}: IP group "${name}" is not defined: the resource depends on it (dependsOn, line ${needed}) but no input defines a Microsoft.Network/ipGroups resource of that name`,
        );
      }
      return unknownExpr({ reason: `IP group "${name}" is not in the input; ${HOW_TO_EXPORT}`, location });
    }
    this.used.add(group);
    return this.addresses(group);
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
