import { deviceGroupParents } from './panorama.js';
import type { XmlDocument, XmlElement } from './xml-tree.js';

/** Shared, where a device group's name is asked for (Place.group). */
export const SHARED = '';

/**
 * The security rule names a new Panorama rule may not take. Panorama refuses a rule name that Shared, the
 * rule's device group, one of its ancestors or one of its descendants already uses, in a pre- or a
 * post-rulebase: PAN-OS's own configuration library checks a name against Shared and the group's
 * descendants before it adds a rule there, and against every device group before it adds one to Shared
 * (PaloAltoNetworks/pan-os-php, RuleStore::isRuleNameAvailable); moving a rule into a group whose hierarchy
 * has the name fails (swaschkut/pan-os-php#73); pre- and post-rulebases share one name space
 * (batfish/batfish#6314). Sibling groups may use the same name. The names fixes take in one run count as
 * used, so that fixes for a group and for its child never share one.
 */
export class PanoramaRuleNames {
  /** Each device group's (and Shared's) rule names, the run's fixes included. */
  private readonly names = new Map<string, Set<string>>();
  private readonly parent = new Map<string, string>();
  private readonly children = new Map<string, string[]>();

  constructor(doc: XmlDocument, config: XmlElement) {
    const own = (group: string, base: XmlElement | undefined) => {
      const set = this.namesOf(group);
      for (const word of ['pre-rulebase', 'post-rulebase']) {
        for (const e of doc.entries(doc.select(base, word, 'security', 'rules'))) {
          const name = doc.attr(e, 'name');
          if (name !== undefined) set.add(name);
        }
      }
    };
    own(SHARED, doc.child(config, 'shared'));
    for (const device of doc.entries(doc.child(config, 'devices'))) {
      for (const dg of doc.entries(doc.child(device, 'device-group'))) own(doc.attr(dg, 'name') ?? '', dg);
    }
    for (const [group, { parent }] of deviceGroupParents(doc, config)) {
      this.parent.set(group, parent);
      const siblings = this.children.get(parent) ?? [];
      siblings.push(group);
      this.children.set(parent, siblings);
    }
  }

  private namesOf(group: string): Set<string> {
    let set = this.names.get(group);
    if (!set) this.names.set(group, (set = new Set()));
    return set;
  }

  /**
   * The groups whose names a rule in `group` (SHARED for Shared) must not repeat: Shared, the group's
   * ancestors, the group and its descendants (every group, for Shared).
   */
  private line(group: string): string[] {
    if (group === SHARED) return [...this.names.keys()];
    const out = [SHARED];
    const seen = new Set<string>(out);
    // The reader refused cycles; `seen` keeps a damaged hierarchy from looping all the same.
    for (let g: string | undefined = group; g !== undefined && !seen.has(g); g = this.parent.get(g)) {
      seen.add(g);
      out.push(g);
    }
    const below = [...(this.children.get(group) ?? [])];
    while (below.length) {
      const g = below.pop()!;
      if (seen.has(g)) continue;
      seen.add(g);
      out.push(g);
      below.push(...(this.children.get(g) ?? []));
    }
    return out;
  }

  /** Whether a rule in `group` may not be named `name`. */
  taken(group: string, name: string): boolean {
    return this.line(group).some((g) => this.names.get(g)?.has(name) === true);
  }

  /** Notes that a fix gave a rule in `group` this name. */
  take(group: string, name: string): void {
    this.namesOf(group).add(name);
  }
}
