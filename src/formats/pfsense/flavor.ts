import type { XmlDocument, XmlElement } from '../panos/xml-tree.js';
import type { Flavor } from './detect.js';

/**
 * Where pfSense and OPNsense read the same config.xml fields differently. Each difference is taken from
 * the product's own rule generator (pfSense src/etc/inc/filter.inc; OPNsense src/etc/inc/filter.lib.inc and
 * src/opnsense/mvc/app/library/OPNsense/Firewall/FilterRule.php) and listed in docs/formats/pfsense.md.
 */
export interface FlavorRules {
  flavor: Flavor;
  /** Whether a boolean flag element counts as set. */
  flag(doc: XmlDocument, parent: XmlElement, name: string): boolean;
  /** The families a rule without `<ipprotocol>` matches (pfSense: IPv4 only; OPNsense: both). */
  defaultFamilies: 'inet' | 'inet46';
  /** Whether "Block all IPv6" (System > Advanced, Allow IPv6 off) also blocks outbound. */
  ipv6BlockBothWays: boolean;
  /** Source networks of "Block private networks" (OPNsense adds 100.64.0.0/10). */
  privateNetworks: readonly string[];
  /** The menu an admin adds rules under, for notes. */
  product: string;
}

/** A flag set when its element is present, whatever its text (isset() in both products' PHP). */
export const present = (doc: XmlDocument, parent: XmlElement, name: string) =>
  doc.child(parent, name) !== undefined;

/** OPNsense: most flags are written `1`; an empty or `0` element is unset (!empty() in FilterRule.php). */
function nonEmpty(doc: XmlDocument, parent: XmlElement, name: string): boolean {
  const el = doc.child(parent, name);
  if (el === undefined) return false;
  const v = doc.textOf(el);
  return v !== '' && v !== '0';
}

const PRIVATE = ['10.0.0.0/8', '127.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7'];

export const FLAVORS: Record<Flavor, FlavorRules> = {
  pfsense: {
    flavor: 'pfsense',
    flag: present,
    defaultFamilies: 'inet',
    ipv6BlockBothWays: true,
    privateNetworks: PRIVATE,
    product: 'pfSense',
  },
  opnsense: {
    flavor: 'opnsense',
    flag: nonEmpty,
    defaultFamilies: 'inet46',
    ipv6BlockBothWays: false,
    privateNetworks: [...PRIVATE, '100.64.0.0/10'],
    product: 'OPNsense',
  },
};
