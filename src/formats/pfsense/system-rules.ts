import { ANY_ADDRESS, ipsExpr, unknownExpr } from '../../model/address.js';
import { IntervalSet } from '../../model/interval-set.js';
import { FAMILY_RANGE, parseIpSpec } from '../../model/ip.js';
import type { SourceLocation } from '../../model/location.js';
import { ANY_SERVICE } from '../../model/service.js';
import { ZoneSet } from '../../model/zone-set.js';
import type { XmlDocument, XmlElement } from '../panos/xml-tree.js';
import { present, type FlavorRules } from './flavor.js';
import type { Interface } from './interfaces.js';
import type { Networks } from './networks.js';
import { Category, type PfRule } from './rules.js';

function system(
  name: string,
  action: 'allow' | 'deny',
  location: SourceLocation,
  parts: Partial<PfRule['rule']>,
  on: ZoneSet,
  direction: PfRule['direction'],
): PfRule {
  return {
    rule: {
      name,
      enabled: true,
      action,
      vendorAction: action === 'allow' ? 'pass' : 'block',
      sources: ANY_ADDRESS,
      destinations: ANY_ADDRESS,
      services: ANY_SERVICE,
      location,
      section: 'automatic rules',
      ...parts,
    },
    interfaces: on,
    direction,
    quick: true,
    category: Category.System,
    order: [0],
    tab: 'automatic',
  };
}

/** The anti-lockout ports: the web GUI's port (and 80 with the HTTPS redirect), and SSH when enabled. */
function antiLockoutPorts(doc: XmlDocument, sys: XmlElement | undefined): number[] {
  const gui = doc.child(sys, 'webgui');
  const https = (gui !== undefined ? doc.childText(gui, 'protocol') : undefined) !== 'http';
  const port = Number(gui !== undefined ? doc.childText(gui, 'port') : '') || (https ? 443 : 80);
  const ports = [port];
  if (https && gui !== undefined && doc.child(gui, 'disablehttpredirect') === undefined) ports.push(80);
  const ssh = doc.child(sys, 'ssh');
  if (ssh !== undefined && doc.childText(ssh, 'enable')) ports.push(Number(doc.childText(ssh, 'port')) || 22);
  return ports;
}

/**
 * The automatic rules that come before the user's (pfSense filter.inc filter_rules_generate, OPNsense
 * filter.lib.inc filter_core_rules_system), as far as they can decide a client's first packet to the
 * internet: "Block all IPv6" while Allow IPv6 is off, "Block private networks" and "Block bogon networks"
 * on interfaces that set them, and the anti-lockout rule (to the firewall's own LAN address).
 */
export function systemRules(
  doc: XmlDocument,
  root: XmlElement,
  flavor: FlavorRules,
  interfaces: readonly Interface[],
  networks: Networks,
): PfRule[] {
  const out: PfRule[] = [];
  const sys = doc.child(root, 'system');
  const sysAt: SourceLocation = { path: doc.path, line: doc.lineOf(sys ?? root) };
  if (sys === undefined || !present(doc, sys, 'ipv6allow')) {
    out.push(
      system(
        'Block all IPv6',
        'deny',
        sysAt,
        { sources: ipsExpr(FAMILY_RANGE.ipv6) },
        ZoneSet.ANY,
        flavor.ipv6BlockBothWays ? 'any' : 'in',
      ),
    );
  }
  const priv = IntervalSet.unionAll(flavor.privateNetworks.map(parseIpSpec));
  for (const i of interfaces) {
    if (!i.enabled) continue;
    const on = ZoneSet.of([i.key]);
    if (i.blockpriv)
      out.push(
        system(
          `Block private networks from ${i.descr ?? i.key}`,
          'deny',
          i.blockpriv,
          { sources: ipsExpr(priv) },
          on,
          'in',
        ),
      );
    if (i.blockbogons) {
      const sources = unknownExpr({
        reason:
          'the bogons table (reserved and unassigned networks, updated from the vendor) is loaded at run time',
        location: i.blockbogons,
      });
      out.push(
        system(`Block bogon networks from ${i.descr ?? i.key}`, 'deny', i.blockbogons, { sources }, on, 'in'),
      );
    }
  }
  const gui = doc.child(sys, 'webgui');
  if (gui === undefined || doc.child(gui, 'noantilockout') === undefined) {
    const lan = interfaces.find((i) => i.key === 'lan' && i.device);
    const target =
      interfaces.length > 1
        ? lan
        : interfaces.length === 1 && interfaces[0]!.key === 'wan'
          ? interfaces[0]
          : undefined;
    if (target) {
      const ports = antiLockoutPorts(doc, sys);
      out.push(
        system(
          'anti-lockout rule',
          'allow',
          target.location,
          {
            destinations: networks.network(`${target.key}ip`)!,
            services: { kind: 'ports', protocol: 'tcp', ports: ports.map((p) => [p, p] as const) },
          },
          ZoneSet.of([target.key]),
          'in',
        ),
      );
    }
  }
  return out;
}
