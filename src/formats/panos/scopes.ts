import type { AddressExpr } from '../../model/address.js';
import type { ServiceExpr } from '../../model/service.js';
import type { XmlDocument, XmlElement } from './xml-tree.js';

/** The object lists a PAN-OS scope (vsys, shared, device group) can hold, by their element names. */
export type ObjectKind =
  | 'address'
  | 'address-group'
  | 'external-list'
  | 'region'
  | 'service'
  | 'service-group'
  | 'application'
  | 'application-group'
  | 'application-filter'
  | 'zone';

const KIND_LABEL: Record<ObjectKind, string> = {
  address: 'address object',
  'address-group': 'address group',
  'external-list': 'external dynamic list',
  region: 'region',
  service: 'service',
  'service-group': 'service group',
  application: 'application',
  'application-group': 'application group',
  'application-filter': 'application filter',
  zone: 'zone',
};

export function kindLabel(kind: ObjectKind): string {
  return KIND_LABEL[kind];
}

/** A named object found by a lookup: its kind, its `<entry>` and the scope that defines it. */
export interface Definition {
  kind: ObjectKind;
  name: string;
  el: XmlElement;
  scope: Scope;
  /** The value of a plain address object once resolved (a group's depends on where it is resolved). */
  address?: AddressExpr;
  /** The value of a plain service once resolved. */
  service?: ServiceExpr;
}

/**
 * Kinds that share one namespace, in the order a name is looked up among them within a scope: an
 * address group can't take the name of an address object, and so on.
 */
export const NAMESPACES = {
  address: ['address', 'address-group', 'external-list', 'region'],
  service: ['service', 'service-group'],
  application: ['application', 'application-group', 'application-filter'],
  zone: ['zone'],
} as const satisfies Record<string, readonly ObjectKind[]>;
export type Namespace = keyof typeof NAMESPACES;

const NAMESPACE_OF = Object.fromEntries(
  Object.entries(NAMESPACES).flatMap(([ns, kinds]) => kinds.map((k) => [k, ns])),
) as Record<ObjectKind, Namespace>;

let nextScopeId = 0;

/**
 * One level of PAN-OS's object namespace: a vsys, the shared location, a Panorama device group, or the
 * part of a firewall's config Panorama pushed. Names are looked up here first, then in `parent`
 * (PAN-OS Administrator's Guide, "Objects": an object defined in a vsys or device group is visible there
 * and below; shared objects are visible everywhere). Each namespace is indexed on first use, in one map
 * for all its kinds, so a name is found with one lookup per scope.
 */
export class Scope {
  readonly id = nextScopeId++;
  private readonly namespaces = new Map<Namespace, Map<string, Definition>>();
  private readonly lists = new Map<ObjectKind, Definition[]>();

  constructor(
    readonly doc: XmlDocument,
    /** For messages: `vsys "vsys1"`, `shared`, `device group "Branches"`. */
    readonly label: string,
    /** The element holding the object lists (`<entry name="vsys1">`, `<shared>`), if any. */
    readonly el: XmlElement | undefined,
    readonly parent: Scope | undefined,
    /** Shared scopes resolve group members in themselves only; see AddressResolver. */
    readonly isShared: boolean,
  ) {}

  /** All definitions of `kind` in this scope (not its parents), in document order. */
  definitions(kind: ObjectKind): readonly Definition[] {
    this.namespace(NAMESPACE_OF[kind]);
    return this.lists.get(kind)!;
  }

  /** The definitions of a namespace's kinds by name; a name defined twice in one kind is an error. */
  private namespace(ns: Namespace): Map<string, Definition> {
    let byName = this.namespaces.get(ns);
    if (byName) return byName;
    byName = new Map();
    const doc = this.doc;
    for (const kind of NAMESPACES[ns]) {
      const list: Definition[] = [];
      const entries = doc.entries(doc.child(this.el, kind));
      for (let i = 0; i < entries.length; i++) {
        const el = entries[i]!;
        const name = doc.attr(el, 'name');
        if (name === undefined) throw doc.error(el, `a ${kindLabel(kind)} <entry> without a name attribute`);
        const def: Definition = { kind, name, el, scope: this };
        list.push(def);
        const size = byName.size;
        // One hash operation per object; a name seen before doesn't grow the map.
        if (byName.set(name, def).size === size) {
          const first = list.find((d) => d.name === name)!;
          if (first !== def) {
            throw doc.error(
              el,
              `${kindLabel(kind)} "${name}" is defined twice in ${this.label} (first at line ${doc.lineOf(first.el)})`,
            );
          }
          // Defined as an earlier kind of the namespace too: that definition is found first.
          byName.set(name, this.earlierDefinition(ns, kind, name)!);
        }
      }
      this.lists.set(kind, list);
    }
    this.namespaces.set(ns, byName);
    return byName;
  }

  private earlierDefinition(ns: Namespace, before: ObjectKind, name: string): Definition | undefined {
    for (const kind of NAMESPACES[ns]) {
      if (kind === before) return undefined;
      const def = this.lists.get(kind)!.find((d) => d.name === name);
      if (def) return def;
    }
    return undefined;
  }

  /**
   * Finds `name` in a namespace, in this scope and then its parents; the nearest definition wins, and
   * within a scope the kind listed first in NAMESPACES.
   */
  find(ns: Namespace, name: string): Definition | undefined {
    return this.namespace(ns).get(name) ?? this.parent?.find(ns, name);
  }

  /** The labels of this scope and its parents, for "looked up in ..." messages. */
  chainLabel(): string {
    return this.parent ? `${this.label}, ${this.parent.chainLabel()}` : this.label;
  }
}
