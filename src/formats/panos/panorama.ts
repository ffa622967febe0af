import type { Policy } from '../../model/policy.js';
import { readDefaultRules } from './default-rules.js';
import {
  assemblePolicy,
  DocumentResolvers,
  hasDecryption,
  namedZones,
  securitySection,
  type RulebaseSection,
} from './policy-assembly.js';
import { Scope } from './scopes.js';
import type { XmlDocument, XmlElement } from './xml-tree.js';

/**
 * Each device group's parent, from the read-only part of a Panorama config:
 * `readonly/devices/entry/device-group/entry/parent-dg` (PAN-OS 8.0 and later) or
 * `readonly/dg-meta-data/dginfo/entry/parent-dg` (earlier releases). No parent means Shared.
 */
export function deviceGroupParents(
  doc: XmlDocument,
  config: XmlElement,
): Map<string, { parent: string; at: XmlElement }> {
  const readonly = doc.child(config, 'readonly');
  const out = new Map<string, { parent: string; at: XmlElement }>();
  const containers = [
    ...doc.entries(doc.child(readonly, 'devices')).map((d) => doc.child(d, 'device-group')),
    doc.select(readonly, 'dg-meta-data', 'dginfo'),
    doc.select(readonly, 'dg-meta-data', 'dg-info'),
  ];
  for (const container of containers) {
    for (const entry of doc.entries(container)) {
      const name = doc.attr(entry, 'name');
      const parent = doc.child(entry, 'parent-dg');
      if (
        name !== undefined &&
        parent !== undefined &&
        doc.textOf(parent) !== '' &&
        doc.textOf(parent) !== 'shared'
      ) {
        out.set(name, { parent: doc.textOf(parent), at: parent });
      }
    }
  }
  return out;
}

/**
 * Zone names the config's templates and template stacks define (a stack may hold configuration of its
 * own, PAN-OS 10.1+). Which firewalls, and so which device groups, get which template isn't read.
 */
function templateZones(doc: XmlDocument, config: XmlElement): string[] {
  const out = new Set<string>();
  for (const device of doc.entries(doc.child(config, 'devices'))) {
    for (const kind of ['template', 'template-stack']) {
      for (const template of doc.entries(doc.child(device, kind))) {
        for (const d of doc.entries(doc.select(template, 'config', 'devices'))) {
          for (const vsys of doc.entries(doc.child(d, 'vsys'))) {
            for (const zone of doc.entries(doc.child(vsys, 'zone'))) {
              const name = doc.attr(zone, 'name');
              if (name !== undefined) out.add(name);
            }
          }
        }
      }
    }
  }
  return [...out];
}

/**
 * Panorama nests device groups "in a tree hierarchy of up to four levels" (PAN-OS Web Interface Help,
 * Override or Revert an Object, https://docs.paloaltonetworks.com/pan-os/9-1/pan-os-web-interface-help/objects/move-clone-override-or-revert-objects/override-or-revert-an-object).
 * The reader walks the chain recursively, so a deeper one (not a real export) is refused, with room to spare.
 */
const MAX_DEVICE_GROUP_DEPTH = 16;

/**
 * One policy per Panorama device group, as the firewalls of that group evaluate it (Panorama
 * Administrator's Guide, "Device Group Policies",
 * https://docs.paloaltonetworks.com/panorama/9-1/panorama-admin/panorama-overview/centralized-firewall-configuration-and-update-management/device-groups/device-group-policies):
 * shared pre-rules, then the pre-rules of each device group from the top of the hierarchy down to this
 * one, [the firewall's local rules], then the post-rules from this group up to the top, shared post-rules,
 * and the default rules. Names resolve in the device group, then its ancestors, then Shared.
 */
export function panoramaPolicies(
  doc: XmlDocument,
  config: XmlElement,
  resolvers: DocumentResolvers,
): Policy[] {
  const sharedEl = doc.child(config, 'shared');
  const shared = new Scope(doc, 'shared', sharedEl, undefined, true);
  const groups = new Map<string, XmlElement>();
  for (const device of doc.entries(doc.child(config, 'devices'))) {
    for (const dg of doc.entries(doc.child(device, 'device-group'))) {
      const name = doc.attr(dg, 'name');
      if (name === undefined) throw doc.error(dg, 'a device-group <entry> without a name attribute');
      groups.set(name, dg);
    }
  }
  const parents = deviceGroupParents(doc, config);
  const scopes = new Map<string, Scope>();
  const depths = new Map<string, number>();
  const scopeOf = (name: string, path: string[]): Scope => {
    const done = scopes.get(name);
    if (done) return done;
    if (path.includes(name)) {
      const link = parents.get(path[path.length - 1]!)!;
      throw doc.error(
        link.at,
        `device group "${name}" is its own ancestor (${[...path.slice(path.indexOf(name)), name].join(' -> ')})`,
      );
    }
    const p = parents.get(name);
    if (p && !groups.has(p.parent)) {
      throw doc.error(
        p.at,
        `device group "${name}" has parent "${p.parent}", which is not a device group of this config`,
      );
    }
    const tooDeep = () =>
      doc.error(
        p!.at,
        `device group "${name}" is nested more than ${MAX_DEVICE_GROUP_DEPTH} levels deep; Panorama allows four`,
      );
    // Checked on the way up (the chain being resolved) and down (parents resolved before).
    if (p && path.length >= MAX_DEVICE_GROUP_DEPTH) throw tooDeep();
    const parent = p ? scopeOf(p.parent, [...path, name]) : shared;
    const depth = p ? depths.get(p.parent)! + 1 : 1;
    if (depth > MAX_DEVICE_GROUP_DEPTH) throw tooDeep();
    depths.set(name, depth);
    const scope = new Scope(doc, `device group "${name}"`, groups.get(name), parent, false);
    scopes.set(name, scope);
    return scope;
  };

  const fromTemplates = templateZones(doc, config);
  const sharedPre = doc.child(sharedEl, 'pre-rulebase');
  const sharedPost = doc.child(sharedEl, 'post-rulebase');
  const notes = [
    'zones and routes live in Panorama templates and on the firewalls, so the zone that reaches the internet is unknown: each zone it could be (those the templates define or the rules name, or another) is tried, and a verdict holds when they all agree (--destination-zone names the zone)',
    'local rules on the managed firewalls stand between the pre-rules and post-rules but are not part of a Panorama export; if the firewalls have any, check their exports too',
  ];
  const policyFor = (name: string, chain: Scope[], el: XmlElement | undefined): Policy => {
    // chain: this group first, then its ancestors (no Shared).
    const pre = chain.map((s) => doc.child(s.el, 'pre-rulebase'));
    const post = chain.map((s) => doc.child(s.el, 'post-rulebase'));
    const sections: RulebaseSection[] = [securitySection(doc, sharedPre, 'shared pre-rulebase')];
    for (let i = chain.length - 1; i >= 0; i--)
      sections.push(securitySection(doc, pre[i], `${chain[i]!.label} pre-rulebase`));
    for (let i = 0; i < chain.length; i++)
      sections.push(securitySection(doc, post[i], `${chain[i]!.label} post-rulebase`));
    sections.push(securitySection(doc, sharedPost, 'shared post-rulebase'));
    const scope = chain[0] ?? shared;
    return assemblePolicy({
      doc,
      resolvers,
      name,
      scope,
      sections,
      decrypting: hasDecryption(doc, [sharedPre, sharedPost, ...pre, ...post]),
      zones: { known: [...new Set([...fromTemplates, ...namedZones(doc, sections)])], incomplete: true },
      definedZones: undefined,
      defaults: readDefaultRules(
        doc,
        [...post, sharedPost].map((rb) => doc.child(rb, 'default-security-rules')),
      ),
      defaultsLocation: { path: doc.path, line: doc.lineOf(el ?? sharedEl ?? config) },
      egressZones: 'unknown',
      notes,
    });
  };

  const policies: Policy[] = [];
  if (groups.size === 0) policies.push(policyFor('shared', [], sharedEl));
  for (const [name, el] of groups) {
    const chain: Scope[] = [];
    for (let s: Scope | undefined = scopeOf(name, []); s && s !== shared; s = s.parent) chain.push(s);
    policies.push(policyFor(name, chain, el));
    // Objects no rule used are checked too, once the rules have resolved theirs.
    resolvers.checkScope(chain[0]!);
  }
  resolvers.checkScope(shared);
  return policies;
}
