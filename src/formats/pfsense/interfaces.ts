import type { SourceLocation } from '../../model/location.js';
import { IntervalSet } from '../../model/interval-set.js';
import { AddressSyntaxError, parseAddress, prefixBlock, type Family } from '../../model/ip.js';
import type { XmlDocument, XmlElement } from '../panos/xml-tree.js';
import type { FlavorRules } from './flavor.js';
import { present } from './flavor.js';

/** One family's address of an interface: a static one, one learned at run time, or none. */
export type IfAddress =
  | { kind: 'static'; address: IntervalSet; network: IntervalSet }
  | { kind: 'dynamic'; how: string }
  | { kind: 'none' };

/** An assigned interface (`<interfaces><lan>`), keyed as rules name it. */
export interface Interface {
  key: string;
  descr?: string;
  device?: string;
  enabled: boolean;
  ipv4: IfAddress;
  ipv6: IfAddress;
  /** The IPv4 gateway named on the interface (a WAN-type interface). */
  gateway?: string;
  blockpriv?: SourceLocation;
  blockbogons?: SourceLocation;
  location: SourceLocation;
}

function readAddress(
  doc: XmlDocument,
  el: XmlElement,
  family: Family,
  addrTag: string,
  maskTag: string,
): IfAddress {
  const value = doc.childText(el, addrTag) ?? '';
  if (value === '') return { kind: 'none' };
  let parsed;
  try {
    parsed = parseAddress(value);
  } catch (e) {
    if (!(e instanceof AddressSyntaxError)) throw e;
    // dhcp, pppoe, dhcp6, track6, slaac, 6rd ...: the address comes at run time.
    if (/^[a-z][a-z0-9_-]*$/i.test(value)) return { kind: 'dynamic', how: value };
    throw doc.error(doc.child(el, addrTag)!, `<${addrTag}> "${value}" is not an ${family} address or a mode`);
  }
  if (parsed.family !== family) {
    throw doc.error(doc.child(el, addrTag)!, `<${addrTag}> "${value}" is not an ${family} address`);
  }
  const maskText = doc.childText(el, maskTag) ?? '';
  const max = family === 'ipv4' ? 32 : 128;
  const mask = maskText === '' ? max : Number(maskText);
  if (!Number.isInteger(mask) || mask < 0 || mask > max) {
    throw doc.error(doc.child(el, maskTag)!, `<${maskTag}> "${maskText}" is not a prefix length 0-${max}`);
  }
  return {
    kind: 'static',
    address: IntervalSet.point(parsed.value),
    network: prefixBlock(family, parsed.value, mask),
  };
}

/** The assigned interfaces, in document order. */
export function readInterfaces(doc: XmlDocument, root: XmlElement, flavor: FlavorRules): Interface[] {
  const section = doc.child(root, 'interfaces');
  if (section === undefined) return [];
  const at = (el: XmlElement): SourceLocation => ({ path: doc.path, line: doc.lineOf(el) });
  return doc.children(section).map((el) => {
    const flagAt = (name: string) => {
      const f = doc.child(el, name);
      return f !== undefined && present(doc, el, name) ? at(f) : undefined;
    };
    const descr = doc.childText(el, 'descr');
    const device = doc.childText(el, 'if');
    const gateway = doc.childText(el, 'gateway');
    return {
      key: doc.name(el),
      ...(descr ? { descr } : {}),
      ...(device ? { device } : {}),
      ...(gateway ? { gateway } : {}),
      enabled: flavor.flag(doc, el, 'enable'),
      ipv4: readAddress(doc, el, 'ipv4', 'ipaddr', 'subnet'),
      ipv6: readAddress(doc, el, 'ipv6', 'ipaddrv6', 'subnetv6'),
      blockpriv: flagAt('blockpriv'),
      blockbogons: flagAt('blockbogons'),
      location: at(el),
    };
  });
}

/** Interface groups (`<ifgroups><ifgroupentry>`): name to member interface keys. */
export function readGroups(doc: XmlDocument, root: XmlElement): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  for (const entry of doc.childrenNamed(doc.child(root, 'ifgroups'), 'ifgroupentry')) {
    const name = doc.childText(entry, 'ifname');
    if (!name) continue;
    const members = (doc.childText(entry, 'members') ?? '').split(/[\s,]+/).filter(Boolean);
    groups.set(name, members);
  }
  return groups;
}
