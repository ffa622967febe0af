import type { AddressExpr } from '../../model/address.js';
import type { ServiceExpr } from '../../model/service.js';
import {
  MAX_VALUE_LENGTH,
  NO_VALUE,
  valueFacts,
  valueLength,
  valueTag,
  valueTagIds,
} from './address-value-facts.js';
import { hashName } from './name-hash.js';
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

/** Int32s per slot of a NamespaceIndex. */
const SLOT = 4;
/** The bits of a name's hash a slot keeps (its top 8), beside an address value's tag and length. */
const HASH_BITS = 0xff000000 | 0;
const TAG_SHIFT = 17;
const LENGTH_BITS = MAX_VALUE_LENGTH;
/** A slot's value word: >= 0, where an address object's plain value stands; below -1, a kept value. */
const KEPT = -2;

/**
 * One namespace of a scope: its kinds' `<entry>` lists, and an open-addressing table of them by name
 * (hashName), built from the names where they stand in the document, so neither a string nor a
 * Definition is made for an object until a lookup finds it (a 100 MB export has 200,000 address objects).
 */
export class NamespaceIndex {
  /**
   * Per slot (SLOT numbers): the top 8 bits of the name's hash with, for an address object with a plain
   * value, its tag << TAG_SHIFT and its length; the name's position in its kind's list * 4 + kind, + 1
   * (0: empty); where its plain name stands in the document's values (-1: compared decoded); and the value
   * word: where the address object's plain value stands (address-value-facts.ts; NO_VALUE: none), until a
   * resolver keeps a value for it (KEPT - its index in `values`). A lookup that finds an object reads all
   * it needs of it there, and a slot is no larger than a name alone needs.
   */
  private readonly slots: Int32Array;
  private readonly mask: number;
  /** Per kind, per position: index + 1 into `defs` once made, into `values` once kept. */
  private readonly made: Int32Array[];
  private readonly defs: Definition[] = [];
  private readonly valueOf: Int32Array[];
  private readonly values: unknown[] = [];

  constructor(
    private readonly scope: Scope,
    private readonly kinds: readonly ObjectKind[],
    readonly lists: readonly (readonly XmlElement[])[],
  ) {
    const doc = scope.doc;
    let total = 0;
    for (const l of lists) total += l.length;
    let size = 8;
    while (size < total * 2) size *= 2;
    this.mask = size - 1;
    const slots = (this.slots = new Int32Array(size * SLOT));
    const valueIds = kinds.includes('address') ? valueTagIds(doc) : undefined;
    this.made = lists.map((l) => new Int32Array(l.length));
    this.valueOf = lists.map((l) => new Int32Array(l.length));
    for (let k = 0; k < lists.length; k++) {
      const kind = kinds[k]!;
      const list = lists[k]!;
      for (let pos = 0; pos < list.length; pos++) {
        const el = list[pos]!;
        const plain = doc.plainAttrAt(el, 'name');
        const h = plain >= 0 ? doc.hashAt(plain) : doc.attrHash(el, 'name');
        if (h === undefined) throw doc.error(el, `a ${kindLabel(kind)} <entry> without a name attribute`);
        let at = h & this.mask;
        for (;;) {
          const code = slots[at * SLOT + 1]! - 1;
          if (code < 0) break;
          if ((slots[at * SLOT]! & HASH_BITS) === (h & HASH_BITS)) {
            const name = doc.attr(el, 'name')!;
            const other = this.lists[code & 3]![code >>> 2]!;
            // Defined as an earlier kind of the namespace too: that definition stays first in the chain.
            if (doc.attrIs(other, 'name', name) && (code & 3) === k) {
              throw doc.error(
                el,
                `${kindLabel(kind)} "${name}" is defined twice in ${scope.label} (first at line ${doc.lineOf(other)})`,
              );
            }
          }
          at = (at + 1) & this.mask;
        }
        const base = at * SLOT;
        const value = kind === 'address' ? valueFacts(doc, valueIds!, el) : NO_VALUE;
        slots[base] = (h & HASH_BITS) | (value === NO_VALUE ? 0 : (valueTag << TAG_SHIFT) | valueLength);
        slots[base + 1] = ((pos << 2) | k) + 1;
        slots[base + 2] = plain;
        slots[base + 3] = value;
      }
    }
  }

  /** The slot of the entry named `name` (whose hashName is `h`), or -1; also left in `lastSlot`. */
  probe(name: string, h: number): number {
    const slots = this.slots;
    const doc = this.scope.doc;
    for (let at = h & this.mask; ; at = (at + 1) & this.mask) {
      const code = slots[at * SLOT + 1]! - 1;
      if (code < 0) return -1;
      if ((slots[at * SLOT]! & HASH_BITS) !== (h & HASH_BITS)) continue;
      const plain = slots[at * SLOT + 2]!;
      if (
        plain >= 0 ? doc.valueAtIs(plain, name) : doc.attrIs(this.lists[code & 3]![code >>> 2]!, 'name', name)
      ) {
        this.lastSlot = at;
        return at;
      }
    }
  }

  /** The slot the last successful probe found. */
  lastSlot = -1;

  /** The definition named `name` (whose hashName is `h`), if this namespace has one. */
  get(name: string, h: number): Definition | undefined {
    const at = this.probe(name, h);
    return at < 0 ? undefined : this.definitionAt(at, name);
  }

  /** The kind of the entry in a slot. */
  kindAt(slot: number): ObjectKind {
    return this.kinds[(this.slots[slot * SLOT + 1]! - 1) & 3]!;
  }

  /** The `<entry>` in a slot. */
  elAt(slot: number): XmlElement {
    const code = this.slots[slot * SLOT + 1]! - 1;
    return this.lists[code & 3]![code >>> 2]!;
  }

  /** The definition of the entry in a slot, named `name`. */
  definitionAt(slot: number, name: string): Definition {
    const code = this.slots[slot * SLOT + 1]! - 1;
    return this.at(code & 3, code >>> 2, name);
  }

  /**
   * The value a resolver keeps for the entry in a slot (a plain address object's), read from the slot
   * itself: no Definition is made for the objects a large rulebase uses.
   */
  valueAt(slot: number): unknown {
    const v = this.slots[slot * SLOT + 3]!;
    return v <= KEPT ? this.values[KEPT - v] : undefined;
  }

  /** Where the plain value of the address object in a slot stands in the kept values, or NO_VALUE. */
  valueTextAt(slot: number): number {
    const v = this.slots[slot * SLOT + 3]!;
    return v >= 0 ? v : NO_VALUE;
  }

  /** The length of the value at valueTextAt. */
  valueTextLength(slot: number): number {
    return this.slots[slot * SLOT]! & LENGTH_BITS;
  }

  /** The VALUE_TAGS index of the element holding the value at valueTextAt. */
  valueTagAt(slot: number): number {
    return (this.slots[slot * SLOT]! >>> TAG_SHIFT) & 3;
  }

  setValueAt(slot: number, value: unknown): void {
    const code = this.slots[slot * SLOT + 1]! - 1;
    const i = this.values.push(value);
    this.slots[slot * SLOT + 3] = KEPT - (i - 1);
    this.valueOf[code & 3]![code >>> 2] = i;
  }

  /** Whether a value is kept for the `pos`th entry of kind `k`. */
  hasValue(k: number, pos: number): boolean {
    return this.valueOf[k]![pos]! > 0;
  }

  /** The definition of the `pos`th entry of kind `k` (named `name`, when the caller knows), made on first use (one per entry). */
  at(k: number, pos: number, name?: string): Definition {
    const made = this.made[k]!;
    const i = made[pos]! - 1;
    if (i >= 0) return this.defs[i]!;
    const el = this.lists[k]![pos]!;
    const def: Definition = {
      kind: this.kinds[k]!,
      name: name ?? this.scope.doc.attr(el, 'name')!,
      el,
      scope: this.scope,
      address: undefined,
      service: undefined,
    };
    made[pos] = this.defs.push(def);
    return def;
  }

  /** The definition of the `pos`th entry of kind `k` if something made it already. */
  existing(k: number, pos: number): Definition | undefined {
    const i = this.made[k]![pos]! - 1;
    return i >= 0 ? this.defs[i] : undefined;
  }
}

/**
 * One level of PAN-OS's object namespace: a vsys, the shared location, a Panorama device group, or the
 * part of a firewall's config Panorama pushed. Names are looked up here first, then in `parent`
 * (PAN-OS Administrator's Guide, "Objects": an object defined in a vsys or device group is visible there
 * and below; shared objects are visible everywhere). Each namespace is indexed on first use, in one table
 * for all its kinds, so a name is found with one probe sequence per scope.
 */
export class Scope {
  readonly id = nextScopeId++;
  private readonly namespaces = new Map<Namespace, NamespaceIndex>();
  private readonly byKind = new Map<ObjectKind, { index: NamespaceIndex; k: number }>();

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
    const { index, k } = this.kindIndex(kind);
    return index.lists[k]!.map((_, pos) => index.at(k, pos));
  }

  /** The `<entry>` elements of `kind` in this scope, in document order, without making definitions. */
  entries(kind: ObjectKind): readonly XmlElement[] {
    const { index, k } = this.kindIndex(kind);
    return index.lists[k]!;
  }

  /** The definition of `entries(kind)[pos]`. */
  definitionAt(kind: ObjectKind, pos: number): Definition {
    const { index, k } = this.kindIndex(kind);
    return index.at(k, pos);
  }

  /** The definition of `entries(kind)[pos]` if a lookup made it already. */
  existingAt(kind: ObjectKind, pos: number): Definition | undefined {
    const { index, k } = this.kindIndex(kind);
    return index.existing(k, pos);
  }

  /** Whether a resolver keeps a value for `entries(kind)[pos]` (NamespaceIndex.valueAt). */
  hasValueAt(kind: ObjectKind, pos: number): boolean {
    const { index, k } = this.kindIndex(kind);
    return index.hasValue(k, pos);
  }

  private kindIndex(kind: ObjectKind): { index: NamespaceIndex; k: number } {
    let found = this.byKind.get(kind);
    if (!found) {
      const ns = NAMESPACE_OF[kind];
      found = { index: this.namespace(ns), k: (NAMESPACES[ns] as readonly ObjectKind[]).indexOf(kind) };
      this.byKind.set(kind, found);
    }
    return found;
  }

  /** A namespace's index; a name defined twice in one kind is an error. */
  private namespace(ns: Namespace): NamespaceIndex {
    let index = this.namespaces.get(ns);
    if (index) return index;
    const doc = this.doc;
    const kinds = NAMESPACES[ns];
    index = new NamespaceIndex(
      this,
      kinds,
      kinds.map((kind) => doc.entries(doc.child(this.el, kind))),
    );
    this.namespaces.set(ns, index);
    return index;
  }

  /**
   * Finds `name` in a namespace, in this scope and then its parents; the nearest definition wins, and
   * within a scope the kind listed first in NAMESPACES.
   */
  find(ns: Namespace, name: string): Definition | undefined {
    const h = hashName(name);
    const def = this.namespace(ns).get(name, h);
    if (def) return def;
    for (let s = this.parent; s; s = s.parent) {
      const found = s.namespace(ns).get(name, h);
      if (found) return found;
    }
    return undefined;
  }

  /**
   * Finds `name` as `find` does, without making a Definition: the index of the scope defining it, whose
   * `lastSlot` is the entry's slot (read it before the next lookup), or undefined.
   */
  locate(ns: Namespace, name: string): NamespaceIndex | undefined {
    const h = hashName(name);
    const own = this.namespace(ns);
    if (own.probe(name, h) >= 0) return own;
    for (let s = this.parent; s; s = s.parent) {
      const index = s.namespace(ns);
      if (index.probe(name, h) >= 0) return index;
    }
    return undefined;
  }

  /** The labels of this scope and its parents, for "looked up in ..." messages. */
  chainLabel(): string {
    return this.parent ? `${this.label}, ${this.parent.chainLabel()}` : this.label;
  }
}
