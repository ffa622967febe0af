import { ANY_ADDRESS, ipsExpr } from '../../model/address.js';
import { FAMILY_RANGE } from '../../model/ip.js';
import type { SourceLocation } from '../../model/location.js';
import type { Policy, Rule } from '../../model/policy.js';
import { ANY_SERVICE } from '../../model/service.js';
import { ZoneSet } from '../../model/zone-set.js';
import type { AccessList } from './access-lists.js';
import { combineRules } from './combine.js';
import { lineError } from './config-lines.js';
import { securityLevelOf, type AccessGroup, type AsaInterface, type DeviceSettings } from './interfaces.js';
import { asaFormat } from './detect.js';

export const FORMAT_ID = asaFormat.id;

/**
 * Past this many combined rules (inbound rules x outbound ACEs) the outbound ACL is not combined exactly;
 * traffic leaving through that interface is then unknown rather than guessed.
 */
const MAX_COMBINED_RULES = 500_000;

interface BuildInput {
  path: string;
  settings: DeviceSettings;
  acls: ReadonlyMap<string, AccessList>;
  notes: string[];
}

/**
 * Builds the one policy of an ASA (or of one security context) with the interfaces' `nameif`s as zones:
 * a rule's source zone is the interface the traffic enters, its destination zone the one it leaves by.
 * The order of checks for a new connection from interface I to interface E:
 *
 * 1. Same security level: traffic between two interfaces of the same level is dropped unless
 *    `same-security-traffic permit inter-interface` is set, and traffic in and out of one interface unless
 *    `... intra-interface` is ("Cisco ASA Series General Operations CLI Configuration Guide", "Allow Same
 *    Security Level Communication"; the ASA drops it before and regardless of access rules, as Batfish
 *    models it too).
 * 2. Inbound: I's inbound ACL, then the global ACL, then the implicit deny ("Cisco ASA Series Firewall
 *    CLI Configuration Guide", "Access Rules": "Interface access rules take precedence over global access
 *    rules"; "If you configure a global access rule, then the implicit deny comes after the global rule is
 *    processed: 1. Interface access rule. 2. Global access rule. 3. Implicit deny"). Global rules are
 *    inbound rules of every interface. Where neither exists, security levels decide ("Implicit Permits":
 *    traffic from a higher security interface to a lower one is allowed; lower to higher is not).
 * 3. Outbound: E's outbound ACL, if any, must permit the traffic as well ("Inbound and Outbound Rules").
 *
 * First-match over one rule list expresses 2 and 3 together by combining each permit of E's outbound ACL
 * with every inbound rule (see combineRules), ahead of the inbound rules for the other interfaces.
 */
export function buildPolicy(input: BuildInput): Policy {
  const { path, settings, acls, notes } = input;
  const interfaces = [...settings.interfaces.values()];
  const bindings = checkBindings(input);
  const rules: Rule[] = [];
  const location = (line: number): SourceLocation => ({ path, line });

  if (settings.version && settings.version.major < 9) {
    // Before 9.0, IPv4 ACLs don't filter IPv6 at all: separate `ipv6 access-list`s do. A rule that may
    // allow and one that may deny make IPv6 traffic unknown, whatever follows.
    const v6 = {
      reason: `ASA ${settings.version.major}.${settings.version.minor} filters IPv6 with separate "ipv6 access-list" rules, which this reader does not read`,
      location: location(settings.version.line),
    };
    for (const action of ['allow', 'deny'] as const) {
      rules.push({
        name: 'IPv6 before ASA 9.0',
        enabled: true,
        action,
        sourceZones: ZoneSet.ANY,
        destinationZones: ZoneSet.ANY,
        sources: ipsExpr(FAMILY_RANGE.ipv6),
        destinations: ANY_ADDRESS,
        services: ANY_SERVICE,
        conditions: [v6],
        location: location(settings.version.line),
        section: 'version',
      });
    }
    notes.push(
      `ASA ${settings.version.major}.${settings.version.minor}: "any" in an ACE is IPv4 only, and IPv6 flows are unknown (pre-9.0 IPv6 access lists are not read)`,
    );
  }

  rules.push(...sameSecurityRules(settings, path));

  const inbound = inboundRules(input, bindings);
  for (const out of bindings.outbound.values()) {
    rules.push(...outboundBlock(out, inbound, input));
  }
  rules.push(...inbound);

  if (bindings.inbound.size === 0 && !bindings.global && interfaces.length > 0) {
    notes.push(
      'no ACL is applied inbound (no "access-group ... in interface" or "access-group ... global"): security levels decide',
    );
  }
  for (const acl of acls.values()) {
    if (acl.type === 'extended' && !bindings.used.has(acl.name)) {
      notes.push(
        `access-list "${acl.name}" (line ${acl.line}) is not applied by any access-group, so it filters no traffic here`,
      );
    }
  }
  notes.push(
    'ACLs match real (untranslated) addresses, as the ASA does since 8.3 ("Access Control Lists": NAT and ACLs), so client sources are their inside addresses',
  );

  const egressZones = egressOf(settings, notes, path);
  return {
    format: FORMAT_ID,
    paths: [path],
    ...(settings.hostname !== undefined ? { name: settings.hostname } : {}),
    rules,
    default: { action: 'deny', name: 'implicit deny' },
    egressZones,
    notes,
  };
}

interface Bindings {
  inbound: Map<string, AccessGroup>;
  outbound: Map<string, AccessGroup>;
  global?: AccessGroup;
  used: Set<string>;
}

/** Checks every access-group: its ACL exists and is extended, its interface exists, one per direction. */
function checkBindings(input: BuildInput): Bindings {
  const { path, settings, acls, notes } = input;
  const b: Bindings = { inbound: new Map(), outbound: new Map(), used: new Set() };
  for (const g of settings.accessGroups) {
    const acl = acls.get(g.acl);
    if (!acl) {
      throw lineError(
        path,
        g,
        `access-group applies undefined access-list "${g.acl}"; define it with "access-list ${g.acl} extended ..."`,
      );
    }
    if (acl.type === 'ethertype') {
      // EtherType ACLs only filter non-IP frames (transparent mode); IP traffic is not affected.
      notes.push(
        `access-group line ${g.line} applies EtherType ACL "${g.acl}", which does not filter IP traffic`,
      );
      continue;
    }
    if (acl.type === 'standard' || acl.type === 'webtype') {
      throw lineError(
        path,
        g,
        `access-list "${g.acl}" (line ${acl.line}) is ${acl.type}; access-group applies extended ACLs`,
      );
    }
    b.used.add(g.acl);
    if (g.direction === 'global') {
      if (b.global)
        throw lineError(
          path,
          g,
          `a global access-group is already set at line ${b.global.line}; there can be one`,
        );
      b.global = g;
      continue;
    }
    const intf = g.interface!;
    if (!settings.interfaces.has(intf)) {
      throw lineError(
        path,
        g,
        `access-group names interface "${intf}", but no interface has "nameif ${intf}"`,
      );
    }
    const map = g.direction === 'in' ? b.inbound : b.outbound;
    const prev = map.get(intf);
    if (prev) {
      throw lineError(
        path,
        g,
        `interface "${intf}" already has an ${g.direction}bound access-group at line ${prev.line}; there can be one per direction`,
      );
    }
    map.set(intf, g);
  }
  return b;
}

function aclRules(acl: AccessList, sourceZones: ZoneSet, section: string, path: string): Rule[] {
  return acl.aces.map((ace) => ({
    name: `${acl.name} line ${ace.aclLine}`,
    enabled: ace.enabled,
    action: ace.action,
    vendorAction: ace.action === 'allow' ? 'permit' : 'deny',
    sourceZones,
    destinationZones: ZoneSet.ANY,
    sources: ace.sources,
    destinations: ace.destinations,
    services: ace.services,
    ...(ace.conditions.length > 0 ? { conditions: ace.conditions } : {}),
    location: { path, line: ace.line },
    section,
  }));
}

function denyRule(name: string, sz: ZoneSet, dz: ZoneSet, line: number, path: string, section: string): Rule {
  return {
    name,
    enabled: true,
    action: 'deny',
    sourceZones: sz,
    destinationZones: dz,
    sources: ANY_ADDRESS,
    destinations: ANY_ADDRESS,
    services: ANY_SERVICE,
    location: { path, line },
    section,
  };
}

function levelLine(intf: AsaInterface): number {
  return intf.securityLevelLine ?? intf.nameifLine;
}

/** Step 1: same-level and hairpin traffic without `same-security-traffic permit`. */
function sameSecurityRules(settings: DeviceSettings, path: string): Rule[] {
  const rules: Rule[] = [];
  const interfaces = [...settings.interfaces.values()];
  for (const intf of interfaces) {
    const level = securityLevelOf(intf);
    if (settings.sameSecurityInter === undefined) {
      const peers = interfaces.filter((o) => o !== intf && securityLevelOf(o) === level).map((o) => o.name);
      if (peers.length > 0) {
        rules.push(
          denyRule(
            `same security level: ${intf.name} (${level}) to other level-${level} interfaces`,
            ZoneSet.of([intf.name]),
            ZoneSet.of(peers),
            levelLine(intf),
            path,
            'no same-security-traffic permit inter-interface',
          ),
        );
      }
    }
    if (settings.sameSecurityIntra === undefined) {
      rules.push(
        denyRule(
          `same interface: in and out of ${intf.name}`,
          ZoneSet.of([intf.name]),
          ZoneSet.of([intf.name]),
          intf.nameifLine,
          path,
          'no same-security-traffic permit intra-interface',
        ),
      );
    }
  }
  return rules;
}

/** Step 2 as rules: every interface's inbound ACL, the global ACL, implicit denies, security levels. */
function inboundRules(input: BuildInput, b: Bindings): Rule[] {
  const { path, settings, acls } = input;
  const rules: Rule[] = [];
  for (const [intf, g] of b.inbound) {
    const sz = ZoneSet.of([intf]);
    const section = `access-group ${g.acl} in interface ${intf}`;
    rules.push(...aclRules(acls.get(g.acl)!, sz, section, path));
    if (!b.global) rules.push(denyRule(`${g.acl} implicit deny`, sz, ZoneSet.ANY, g.line, path, section));
  }
  if (b.global) {
    const section = `access-group ${b.global.acl} global`;
    rules.push(...aclRules(acls.get(b.global.acl)!, ZoneSet.ANY, section, path));
    rules.push(
      denyRule(`${b.global.acl} implicit deny`, ZoneSet.ANY, ZoneSet.ANY, b.global.line, path, section),
    );
    return rules;
  }
  const interfaces = [...settings.interfaces.values()];
  for (const intf of interfaces) {
    if (b.inbound.has(intf.name)) continue;
    const level = securityLevelOf(intf);
    const sz = ZoneSet.of([intf.name]);
    // Equal levels (and the interface itself) are allowed here: step 1 already dropped them unless
    // same-security-traffic permits them.
    const reachable = interfaces.filter((o) => securityLevelOf(o) <= level).map((o) => o.name);
    const section = 'security levels (no inbound ACL)';
    rules.push({
      ...denyRule(
        `security level: ${intf.name} (${level}) to lower levels`,
        sz,
        ZoneSet.of(reachable),
        levelLine(intf),
        path,
        section,
      ),
      action: 'allow',
    });
    rules.push(
      denyRule(
        `security level: ${intf.name} (${level}) to higher levels`,
        sz,
        ZoneSet.ANY,
        levelLine(intf),
        path,
        section,
      ),
    );
  }
  return rules;
}

/**
 * Step 3 for one interface with an outbound ACL: each deny ACE stays a deny for traffic leaving there;
 * each permit ACE is combined with the whole inbound list (which ends in a catch-all deny, so a permit's
 * traffic never falls through to the next ACE); what no ACE matches meets the ACL's implicit deny.
 */
function outboundBlock(g: AccessGroup, inbound: readonly Rule[], input: BuildInput): Rule[] {
  const { path, acls, notes } = input;
  const egress = ZoneSet.of([g.interface!]);
  const section = `access-group ${g.acl} out interface ${g.interface}`;
  const aces = aclRules(acls.get(g.acl)!, ZoneSet.ANY, section, path);
  const stage = [...inbound, denyRule('implicit deny', ZoneSet.ANY, ZoneSet.ANY, g.line, path, 'inbound')];
  const permits = aces.filter((r) => r.enabled && r.action === 'allow').length;
  if (permits * stage.length > MAX_COMBINED_RULES) {
    notes.push(
      `outbound ACL "${g.acl}" on ${g.interface} is too large to combine with the inbound rules (${permits} permits x ${stage.length} rules): traffic leaving through ${g.interface} is unknown`,
    );
    return [
      {
        ...denyRule(`${g.acl} (not combined)`, ZoneSet.ANY, egress, g.line, path, section),
        action: 'allow',
        conditions: [
          {
            reason: `outbound ACL "${g.acl}" too large to combine exactly`,
            location: { path, line: g.line },
          },
        ],
      },
      denyRule(`${g.acl} (not combined)`, ZoneSet.ANY, egress, g.line, path, section),
    ];
  }
  const rules: Rule[] = [];
  for (const ace of aces) {
    if (!ace.enabled) {
      rules.push({ ...ace, destinationZones: egress });
      continue;
    }
    if (ace.action === 'deny') {
      rules.push({ ...ace, destinationZones: egress });
      continue;
    }
    for (const r of stage) {
      if (!r.enabled) continue;
      const combined = combineRules(r, ace, egress);
      if (combined) rules.push(combined);
    }
  }
  rules.push(denyRule(`${g.acl} implicit deny`, ZoneSet.ANY, egress, g.line, path, section));
  notes.push(
    `outbound ACL "${g.acl}" on ${g.interface}: each of its permits is combined with the inbound rules, so traffic leaving through ${g.interface} must pass both`,
  );
  return rules;
}

/**
 * The interfaces the internet is reached through: those of IPv4/IPv6 default routes (`route IF 0.0.0.0
 * 0.0.0.0 GW`, `ipv6 route IF ::/0 GW`) and of `ip address dhcp|pppoe setroute` (a default route learned
 * on the interface).
 */
function egressOf(settings: DeviceSettings, notes: string[], path: string): ZoneSet | 'unknown' {
  const names = new Set<string>();
  const why: string[] = [];
  for (const r of settings.defaultRoutes) {
    if (!settings.interfaces.has(r.interface)) {
      throw lineError(
        path,
        r,
        `default route via interface "${r.interface}", but no interface has "nameif ${r.interface}"`,
      );
    }
    names.add(r.interface);
    why.push(`${r.family === 'ipv4' ? 'route' : 'ipv6 route'} ${r.interface} (default) at line ${r.line}`);
  }
  for (const intf of settings.interfaces.values()) {
    if (intf.setrouteLine !== undefined) {
      names.add(intf.name);
      why.push(`"ip address ${intf.dynamicAddress} setroute" on ${intf.name} at line ${intf.setrouteLine}`);
    }
  }
  if (names.size === 0) {
    notes.push(
      'egress interface unknown: the config has no default route ("route IF 0.0.0.0 0.0.0.0 GW") and no "ip address dhcp setroute"; name it with --destination-zone',
    );
    return 'unknown';
  }
  notes.push(`egress interface${names.size > 1 ? 's' : ''} ${[...names].join(', ')}: from ${why.join('; ')}`);
  return ZoneSet.of(names);
}
