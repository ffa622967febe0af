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

let nextScopeId = 0;

/**
 * One level of PAN-OS's object namespace: a vsys, the shared location, a Panorama device group, or the
 * part of a firewall's config Panorama pushed. Names are looked up here first, then in `parent`
 * (PAN-OS Administrator's Guide, "Objects": an object defined in a vsys or device group is visible there
 * and below; shared objects are visible everywhere). Each object list is indexed on first use.
 */
export class Scope {
  readonly id = nextScopeId++;
  private readonly tables = new Map<ObjectKind, Map<string, Definition>>();

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

  /** All definitions of `kind` in this scope (not its parents), by name; indexed on first use. */
  table(kind: ObjectKind): Map<string, Definition> {
    let t = this.tables.get(kind);
    if (!t) {
      t = new Map();
      const doc = this.doc;
      const entries = doc.entries(doc.child(this.el, kind));
      for (let i = 0; i < entries.length; i++) {
        const el = entries[i]!;
        const name = doc.attr(el, 'name');
        if (name === undefined) throw doc.error(el, `a ${kindLabel(kind)} <entry> without a name attribute`);
        const size = t.size;
        // One hash lookup per object: a name seen before doesn't grow the table.
        if (t.set(name, { kind, name, el, scope: this }).size === size) {
          const first = entries.find((e) => doc.attr(e, 'name') === name)!;
          throw doc.error(
            el,
            `${kindLabel(kind)} "${name}" is defined twice in ${this.label} (first at line ${doc.lineOf(first)})`,
          );
        }
      }
      this.tables.set(kind, t);
    }
    return t;
  }

  /**
   * Finds `name` among `kinds` (which share a namespace: address objects and groups, ...), in this scope
   * and then its parents; the nearest definition wins, and within a scope the first kind listed.
   */
  find(kinds: readonly ObjectKind[], name: string): Definition | undefined {
    let tables = this.nonEmpty.get(kinds);
    if (!tables) {
      tables = kinds.map((k) => this.table(k)).filter((t) => t.size > 0);
      this.nonEmpty.set(kinds, tables);
    }
    for (const t of tables) {
      const def = t.get(name);
      if (def !== undefined) return def;
    }
    return this.parent?.find(kinds, name);
  }

  /** The non-empty tables of a list of kinds (keyed by the caller's constant array). */
  private readonly nonEmpty = new Map<readonly ObjectKind[], Map<string, Definition>[]>();

  /** The labels of this scope and its parents, for "looked up in ..." messages. */
  chainLabel(): string {
    return this.parent ? `${this.label}, ${this.parent.chainLabel()}` : this.label;
  }
}
