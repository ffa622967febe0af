import { ANY_ADDRESS, ipsExpr } from '../../model/address.js';
import { FAMILY_RANGE } from '../../model/ip.js';
import type { UnknownPart } from '../../model/location.js';
import type { Action, Policy, PolicyStage, Rule, ZoneFacts } from '../../model/policy.js';
import { ANY_SERVICE } from '../../model/service.js';
import { ZoneSet } from '../../model/zone-set.js';
import type { AccessList } from './access-lists.js';
import { lineError } from './config-lines.js';
import { securityLevelOf, type AccessGroup, type AsaInterface, type DeviceSettings } from './interfaces.js';
import { asaFormat } from './detect.js';
import { setOrigin } from './rule-origin.js';
import type { StaleReferences } from './stale-references.js';

export const FORMAT_ID = asaFormat.id;

interface BuildInput {
  path: string;
  settings: DeviceSettings;
  acls: ReadonlyMap<string, AccessList>;
  notes: string[];
  stale: StaleReferences;
}

/**
 * Interfaces the export names (in access-group and route lines) without defining them, and whether the
 * device may have interfaces the export doesn't show: an ACL-only fragment has no interface sections at
 * all. Their security levels are unknown, and so is whatever depends on them.
 */
interface Unseen {
  names: Set<string>;
  incomplete: boolean;
  /** The interfaces whose security levels are known (every interface with a nameif section). */
  seen: ZoneSet;
  /** Where a rule about them points: the first line naming one, or the first access-group. */
  line: number;
  part: UnknownPart;
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
 * As two stages (Policy.stages) a packet must both pass: 1 and 3 (the outbound ACL of the interface it
 * leaves by), then 2. The ASA checks 2 before 3, but whether a packet passes both doesn't depend on the
 * order; this one names, for an allowed flow, the inbound rule that let it in (the last stage decides an
 * allowed flow), not the outbound check it also passed.
 */
export function buildPolicy(input: BuildInput): Policy {
  const { path, settings, acls, notes } = input;
  const interfaces = [...settings.interfaces.values()];
  const unseen = unseenInterfaces(input);
  const bindings = checkBindings(input, unseen);
  const rules: Rule[] = [];
  const stages: PolicyStage[] = [];
  const stage = (name: string, list: readonly Rule[]) => {
    stages.push({ name, start: rules.length, end: rules.length + list.length });
    rules.push(...list);
  };

  const v6 = ipv6BeforeNine(settings, path, notes);
  stage('same security level and outbound ACLs', [
    ...v6,
    ...sameSecurityRules(settings, path, unseen),
    ...outboundRules(input, bindings, unseen),
  ]);
  // Pre-9.0 IPv6 is unknown in each stage: the inbound one must not decide it either.
  stage('inbound ACLs', [...v6.map((r) => ({ ...r })), ...inboundRules(input, bindings, unseen)]);

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

  const egressZones = egressOf(settings, notes);
  const warnings = input.stale.warnings();
  return {
    format: FORMAT_ID,
    paths: [path],
    ...(settings.hostname !== undefined ? { name: settings.hostname } : {}),
    rules,
    stages,
    default: { action: 'deny', name: 'implicit deny' },
    egressZones,
    zones: zoneFacts(settings, unseen, path),
    ...(warnings.length > 0 ? { warnings } : {}),
    notes,
  };
}

/** The nameifs as zones, the unseen ones too, and each interface's connected subnets. */
function zoneFacts(settings: DeviceSettings, unseen: Unseen, path: string): ZoneFacts {
  const subnets = [...settings.interfaces.values()].flatMap((intf) =>
    intf.subnets.map((s) => ({
      zone: intf.name,
      net: s.net,
      interface: intf.hardware,
      location: { path, line: s.line },
    })),
  );
  return {
    known: [...settings.interfaces.keys(), ...unseen.names],
    incomplete: unseen.incomplete,
    ...(subnets.length > 0 ? { subnets } : {}),
  };
}

/**
 * Finds the interfaces access-group and route lines name that no section defines. In a config with
 * interface sections each is a stale reference (warned); an ACL-only fragment only has such names.
 */
function unseenInterfaces(input: BuildInput): Unseen {
  const { path, settings, notes, stale } = input;
  const names = new Set<string>();
  let line: number | undefined;
  const named = [
    ...settings.accessGroups.filter((g) => g.interface !== undefined),
    ...settings.defaultRoutes,
  ] as { interface: string; line: number }[];
  for (const at of named) {
    if (settings.interfaces.has(at.interface)) continue;
    names.add(at.interface);
    line ??= at.line;
    if (settings.anyInterface) stale.use(`nameif "${at.interface}"`, at.line);
  }
  const incomplete = !settings.anyInterface || names.size > 0;
  const list = [...names].map((n) => `"${n}"`).join(', ');
  if (!settings.anyInterface) {
    notes.push(
      `no interface sections: an ACL-only export${names.size > 0 ? ` naming interfaces ${list}` : ''}; the security levels and any other interfaces are unknown, so traffic they decide is unknown`,
    );
  }
  const at = line ?? settings.accessGroups[0]?.line ?? 1;
  return {
    names,
    incomplete,
    seen: ZoneSet.of(settings.interfaces.keys()),
    line: at,
    part: {
      reason: settings.anyInterface
        ? `the export has no section for interface${names.size > 1 ? 's' : ''} ${list}, so ${names.size > 1 ? 'their' : 'its'} security level is unknown`
        : 'the export has no interface sections, so security levels are unknown',
      location: { path, line: at },
    },
  };
}

/** An access-group and its ACL, or the unknown part standing for an ACL the export doesn't define. */
interface Binding extends AccessGroup {
  list: AccessList | UnknownPart;
}

interface Bindings {
  inbound: Map<string, Binding>;
  outbound: Map<string, Binding>;
  global?: Binding;
  used: Set<string>;
}

/**
 * Checks every access-group: its ACL is extended, one per direction and interface. An ACL the export
 * doesn't define is a stale reference (a real ASA refuses to apply one): the binding stays, unknown.
 */
function checkBindings(input: BuildInput, unseen: Unseen): Bindings {
  const { path, settings, acls, notes, stale } = input;
  const b: Bindings = { inbound: new Map(), outbound: new Map(), used: new Set() };
  for (const g of settings.accessGroups) {
    const acl = acls.get(g.acl);
    if (acl?.type === 'ethertype') {
      // EtherType ACLs only filter non-IP frames (transparent mode); IP traffic is not affected.
      notes.push(
        `access-group line ${g.line} applies EtherType ACL "${g.acl}", which does not filter IP traffic`,
      );
      continue;
    }
    if (acl?.type === 'standard' || acl?.type === 'webtype') {
      throw lineError(
        path,
        g,
        `access-list "${g.acl}" (line ${acl.line}) is ${acl.type}; access-group applies extended ACLs`,
      );
    }
    b.used.add(g.acl);
    const binding: Binding = { ...g, list: acl ?? stale.use(`access-list "${g.acl}"`, g.line) };
    if (g.direction === 'global') {
      if (b.global)
        throw lineError(
          path,
          g,
          `a global access-group is already set at line ${b.global.line}; there can be one`,
        );
      b.global = binding;
      continue;
    }
    const intf = g.interface!;
    if (!settings.interfaces.has(intf) && !unseen.names.has(intf)) {
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
    map.set(intf, binding);
  }
  return b;
}

function aclRules(
  g: Binding,
  sourceZones: ZoneSet,
  section: string,
  path: string,
  destinationZones = ZoneSet.ANY,
): Rule[] {
  const acl = g.list;
  if (!('aces' in acl)) {
    // An ACL the export doesn't show may permit, deny or pass on to what follows.
    return (['allow', 'deny'] as const).map((action) => ({
      ...maybeRule(`${g.acl} (not in this export)`, action, sourceZones, destinationZones, acl, g.line, path),
      section,
    }));
  }
  return acl.aces.map((ace) =>
    setOrigin(
      {
        name: `${acl.name} line ${ace.aclLine}`,
        key: `${section}\u0000${ace.text}`,
        enabled: ace.enabled,
        action: ace.action,
        vendorAction: ace.action === 'allow' ? 'permit' : 'deny',
        sourceZones,
        destinationZones,
        sources: ace.sources,
        destinations: ace.destinations,
        services: ace.services,
        ...(ace.conditions.length > 0 ? { conditions: ace.conditions } : {}),
        location: { path, line: ace.line },
        section,
      },
      { kind: 'ace', acl: acl.name, ace },
    ),
  );
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

/** The implicit deny ending an ACL the export holds, marked as such (a fix goes after its last line). */
function implicitDeny(g: Binding, rule: Rule): Rule {
  return 'aces' in g.list ? setOrigin(rule, { kind: 'implicit-deny', acl: g.acl }) : rule;
}

/** A rule that may match (the config can't tell) where its zones meet the traffic. */
function maybeRule(
  name: string,
  action: Action,
  sz: ZoneSet,
  dz: ZoneSet,
  part: UnknownPart,
  line: number,
  path: string,
): Rule {
  return { ...denyRule(name, sz, dz, line, path, 'not in this export'), action, conditions: [part] };
}

function levelLine(intf: AsaInterface): number {
  return intf.securityLevelLine ?? intf.nameifLine;
}

/**
 * Step 1: same-level and hairpin traffic without `same-security-traffic permit`. Traffic to or from an
 * interface whose level the export doesn't show may be same-level traffic: it may be dropped.
 */
function sameSecurityRules(settings: DeviceSettings, path: string, unseen: Unseen): Rule[] {
  const rules: Rule[] = [];
  if (unseen.incomplete && settings.sameSecurityInter === undefined) {
    const others = unseen.seen.negate();
    const name = 'same security level: interfaces not in this export';
    rules.push(
      maybeRule(name, 'deny', others, ZoneSet.ANY, unseen.part, unseen.line, path),
      maybeRule(name, 'deny', ZoneSet.ANY, others, unseen.part, unseen.line, path),
    );
  }
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
function inboundRules(input: BuildInput, b: Bindings, unseen: Unseen): Rule[] {
  const { path, settings } = input;
  const rules: Rule[] = [];
  for (const [intf, g] of b.inbound) {
    const sz = ZoneSet.of([intf]);
    const section = `access-group ${g.acl} in interface ${intf}`;
    rules.push(...aclRules(g, sz, section, path));
    if (!b.global)
      rules.push(implicitDeny(g, denyRule(`${g.acl} implicit deny`, sz, ZoneSet.ANY, g.line, path, section)));
  }
  if (b.global) {
    const section = `access-group ${b.global.acl} global`;
    rules.push(...aclRules(b.global, ZoneSet.ANY, section, path));
    rules.push(
      implicitDeny(
        b.global,
        denyRule(`${b.global.acl} implicit deny`, ZoneSet.ANY, ZoneSet.ANY, b.global.line, path, section),
      ),
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
    if (unseen.incomplete) {
      rules.push(
        maybeRule(
          `security level: ${intf.name} (${level}) to interfaces not in this export`,
          'allow',
          sz,
          unseen.seen.negate(),
          unseen.part,
          levelLine(intf),
          path,
        ),
      );
    }
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
  if (unseen.incomplete) {
    // Interfaces without an inbound ACL whose levels the export doesn't show: levels decide, unknown.
    const sz = unseen.seen.union(ZoneSet.of(b.inbound.keys())).negate();
    const name = 'security levels: interfaces not in this export';
    rules.push(
      maybeRule(name, 'allow', sz, ZoneSet.ANY, unseen.part, unseen.line, path),
      denyRule(name, sz, ZoneSet.ANY, unseen.line, path, 'not in this export'),
    );
  }
  return rules;
}

/**
 * Step 3: each outbound ACL for the traffic leaving by its interface, ending in its implicit deny; traffic
 * leaving by an interface without one passes ("no outbound ACL", at its nameif line). An outbound ACL the
 * export doesn't show may drop the traffic.
 */
function outboundRules(input: BuildInput, b: Bindings, unseen: Unseen): Rule[] {
  const { path, settings } = input;
  const rules: Rule[] = [];
  for (const g of b.outbound.values()) {
    const egress = ZoneSet.of([g.interface!]);
    const section = `access-group ${g.acl} out interface ${g.interface}`;
    if (!('aces' in g.list)) {
      const name = `${g.acl} (not in this export)`;
      rules.push({ ...maybeRule(name, 'deny', ZoneSet.ANY, egress, g.list, g.line, path), section });
      continue;
    }
    rules.push(...aclRules(g, ZoneSet.ANY, section, path, egress));
    rules.push(
      implicitDeny(g, denyRule(`${g.acl} implicit deny`, ZoneSet.ANY, egress, g.line, path, section)),
    );
    input.notes.push(
      `outbound ACL "${g.acl}" on ${g.interface}: traffic leaving through ${g.interface} must pass it as well as the inbound check`,
    );
  }
  const passes = (name: string, dz: ZoneSet, line: number): Rule => ({
    ...denyRule(name, ZoneSet.ANY, dz, line, path, 'no outbound ACL'),
    action: 'allow',
  });
  for (const intf of settings.interfaces.values()) {
    if (!b.outbound.has(intf.name))
      rules.push(passes(`no outbound ACL on ${intf.name}`, ZoneSet.of([intf.name]), intf.nameifLine));
  }
  // Interfaces without a section (and outbound ACLs the export doesn't show, after their maybe-deny).
  rules.push(passes('no outbound ACL on other interfaces', ZoneSet.ANY, unseen.line));
  return rules;
}

/**
 * Before 9.0, IPv4 ACLs don't filter IPv6 at all: separate `ipv6 access-list`s do. A rule that may allow
 * and one that may deny make IPv6 traffic unknown, whatever follows in the stage.
 */
function ipv6BeforeNine(settings: DeviceSettings, path: string, notes: string[]): Rule[] {
  const version = settings.version;
  if (!version || version.major >= 9) return [];
  const location = { path, line: version.line };
  const v6 = {
    reason: `ASA ${version.major}.${version.minor} filters IPv6 with separate "ipv6 access-list" rules, which this reader does not read`,
    location,
  };
  notes.push(
    `ASA ${version.major}.${version.minor}: "any" in an ACE is IPv4 only, and IPv6 flows are unknown (pre-9.0 IPv6 access lists are not read)`,
  );
  return (['allow', 'deny'] as const).map((action) => ({
    name: 'IPv6 before ASA 9.0',
    enabled: true,
    action,
    sourceZones: ZoneSet.ANY,
    destinationZones: ZoneSet.ANY,
    sources: ipsExpr(FAMILY_RANGE.ipv6),
    destinations: ANY_ADDRESS,
    services: ANY_SERVICE,
    conditions: [v6],
    location,
    section: 'version',
  }));
}

/**
 * The interfaces the internet is reached through: those of IPv4/IPv6 default routes (`route IF 0.0.0.0
 * 0.0.0.0 GW`, `ipv6 route IF ::/0 GW`) and of `ip address dhcp|pppoe setroute` (a default route learned
 * on the interface).
 */
function egressOf(settings: DeviceSettings, notes: string[]): ZoneSet | 'unknown' {
  const names = new Set<string>();
  const why: string[] = [];
  for (const r of settings.defaultRoutes) {
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
      'the config has no default route ("route IF 0.0.0.0 0.0.0.0 GW") and no "ip address dhcp setroute", so every interface is a candidate for the one reaching the internet (--destination-zone pins one)',
    );
    return 'unknown';
  }
  notes.push(`egress interface${names.size > 1 ? 's' : ''} ${[...names].join(', ')}: from ${why.join('; ')}`);
  return ZoneSet.of(names);
}
