import {
  ANY_ADDRESS,
  ipsExpr,
  nameExpr,
  unionExpr,
  unknownExpr,
  type AddressExpr,
} from '../../model/address.js';
import { AddressSyntaxError } from '../../model/ip.js';
import type { IntervalSet } from '../../model/interval-set.js';
import { isValidHostName, normalizeHost } from '../../model/names.js';
import {
  isIpv4Netmask,
  parseIpNetmask,
  parseIpRange,
  parseIpWildcard,
  parseLiteralAddress,
} from './address-values.js';
import { firstValueElement, NO_VALUE, VALUE_TAGS, valueTagIds } from './address-value-facts.js';
import type { Definition, NamespaceIndex, Scope } from './scopes.js';
import type { StaleReference, StaleReferences } from './stale-references.js';
import { detach } from './xml-tokenizer.js';
import type { XmlDocument, XmlElement } from './xml-tree.js';

/** A resolved group, with the stale references among its members (warned of wherever it is used). */
interface MemoGroup {
  expr: AddressExpr;
  stale: StaleReference[];
}

/** Kinds a rule's source or destination member, or an address group member, can name. */

const EXPECTED: Record<string, string> = {
  'ip-netmask': 'an address with an optional prefix length, e.g. 192.168.18.0/24',
  'ip-range': 'first-last, e.g. 10.0.0.1-10.0.0.99',
  'ip-wildcard': 'an IPv4 address and wildcard mask, e.g. 10.132.1.1/0.0.2.255',
};

/** Elements of an address object that are not its value. */
const NOT_VALUES = new Set(['description', 'tag', 'disable-override']);

/** Nesting deeper than this is refused rather than risking the stack (PAN-OS allows far less). */
const MAX_NESTING = 200;

/**
 * Palo Alto's built-in external dynamic lists (PAN-OS Administrator's Guide, "Built-in External Dynamic
 * Lists"), usable in rules without being defined in the config.
 */
const BUILT_IN_EDL = /^panw-[a-z0-9-]+$/;

/** Predefined regions are ISO 3166 country codes plus a few two-character codes (A1, A2, AP, EU, O1). */
const COUNTRY_CODE = /^[A-Z][A-Z0-9]$/;

/** The address set of an ip-netmask, ip-range or ip-wildcard value; AddressSyntaxError when it is not one. */
function parseValue(tag: string, text: string): IntervalSet {
  return tag === 'ip-netmask'
    ? parseIpNetmask(text)
    : tag === 'ip-range'
      ? parseIpRange(text)
      : parseIpWildcard(text);
}

/**
 * Resolves address references the way PAN-OS does, into one shared AddressExpr per object:
 * - `ip-netmask`, `ip-range` and `ip-wildcard` objects are exact address sets;
 * - `fqdn` objects are names the firewall resolves itself ("the firewall resolves the FQDN" — Address
 *   Objects page; it refreshes the answers periodically), so NamePattern method `resolve`;
 * - static address groups are the union of their members, nested to any depth; a group that contains
 *   itself is an error;
 * - dynamic address groups (members chosen by tags at run time), external dynamic lists and regions
 *   can't be known from the config: they are unknown parts;
 * - a member that is no object may be an address written in place ("10.0.0.0/8", "10.0.0.1-10.0.0.9"),
 *   a country code (a predefined region) or a built-in list (`panw-...`); any other name is a stale
 *   reference (a trimmed export): an unknown part of the rules using it, and a warning.
 * Object names are case-sensitive.
 */
export class AddressResolver {
  /** Groups (whose members resolve per scope) by resolution scope and entry; objects keep theirs. */
  private readonly groupMemo = new Map<number, Map<XmlElement, MemoGroup>>();
  private readonly literals = new Map<string, AddressExpr>();
  private readonly open: { def: Definition; key: string }[] = [];
  /** The name ids of VALUE_TAGS in the document (-1: none has it). */
  private valueIds: number[] | undefined;

  constructor(
    private readonly doc: XmlDocument,
    private readonly stale: StaleReferences,
  ) {}

  /**
   * The expression for the `index`th member of the list element `list` (a rule's `<source>`, a group's
   * `<static>`), named `name`, referenced from `scope`.
   */
  member(name: string, scope: Scope, list: XmlElement, index: number): AddressExpr {
    if (name === 'any') return ANY_ADDRESS;
    const found = scope.locate('address', name);
    if (!found) return this.literal(name, scope, list, index);
    const slot = found.lastSlot;
    if (found.kindAt(slot) !== 'address')
      return this.definition(found.definitionAt(slot, name), scope, list, index);
    // A plain object keeps its value in the index: no Definition is made for the thousands a rulebase uses.
    const done = found.valueAt(slot) as AddressExpr | undefined;
    if (done) return done;
    const expr = this.plainValue(found, slot) ?? this.addressObject(found.elAt(slot), name);
    found.setValueAt(slot, expr);
    return expr;
  }

  /**
   * The value of the address object in an index slot, from the plain value noted there when its scope
   * was indexed (address-value-facts.ts), or undefined when there is none or it is not valid: the object
   * is then read from its element, which reports what is wrong.
   */
  private plainValue(found: NamespaceIndex, slot: number): AddressExpr | undefined {
    const at = found.valueTextAt(slot);
    if (at === NO_VALUE) return undefined;
    const text = this.doc.keptText(at, found.valueTextLength(slot));
    const tag = VALUE_TAGS[found.valueTagAt(slot)]!;
    if (tag === 'fqdn') {
      return isValidHostName(text) ? this.fqdn(text, found.elAt(slot)) : undefined;
    }
    try {
      return ipsExpr(parseValue(tag, text));
    } catch (e) {
      if (e instanceof AddressSyntaxError) return undefined;
      throw e;
    }
  }

  /** An fqdn object's value: a name the firewall resolves itself. */
  private fqdn(text: string, entry: XmlElement): AddressExpr {
    // A copy: the policy keeps it, and a view would keep a whole piece of the values alive.
    const own = detach(text);
    return nameExpr({
      kind: 'fqdn',
      domain: normalizeHost(own),
      apex: false,
      depth: 'any',
      method: 'resolve',
      text: own,
      location: this.locationOf(entry),
    });
  }

  private literal(name: string, scope: Scope, list: XmlElement, index: number): AddressExpr {
    let expr = this.literals.get(name);
    if (expr) return expr;
    const at = this.doc.memberAt(list, index);
    const set = parseLiteralAddress(name);
    if (set) expr = ipsExpr(set);
    else if (COUNTRY_CODE.test(name)) {
      expr = unknownExpr({
        reason: `region "${name}" (the firewall maps addresses to countries with its geolocation database)`,
        location: this.locationOf(at),
      });
    } else if (BUILT_IN_EDL.test(name)) {
      expr = unknownExpr({
        reason: `built-in external dynamic list "${name}" (its entries change at run time)`,
        location: this.locationOf(at),
      });
    } else {
      // Not cached: each use names its own line.
      const ref: StaleReference = {
        what: `undefined address object or group "${name}" (looked up in ${scope.chainLabel()})`,
        location: this.locationOf(at),
      };
      this.stale.add([ref]);
      return unknownExpr({ reason: `${ref.what}, a stale reference`, location: ref.location });
    }
    this.literals.set(name, expr);
    return expr;
  }

  private locationOf(el: XmlElement) {
    return { path: this.doc.path, line: this.doc.lineOf(el) };
  }

  /** Which scope a group's members resolve in: shared objects see only shared ones (see Scope). */
  private memberScope(def: Definition, from: Scope): Scope {
    return def.scope.isShared ? def.scope : from;
  }

  private definition(def: Definition, from: Scope, list: XmlElement, index: number): AddressExpr {
    if (def.kind === 'address-group') {
      const groupScope = this.memberScope(def, from);
      let perScope = this.groupMemo.get(groupScope.id);
      if (!perScope) {
        perScope = new Map();
        this.groupMemo.set(groupScope.id, perScope);
      }
      const done = perScope.get(def.el);
      if (done) {
        this.stale.add(done.stale);
        return done.expr;
      }
      this.stale.nest();
      let expr: AddressExpr;
      let stale: StaleReference[] = [];
      try {
        expr = this.group(def, groupScope, `${def.el}@${groupScope.id}`, list, index);
      } finally {
        stale = this.stale.unnest();
      }
      perScope.set(def.el, { expr, stale });
      return expr;
    }
    const done = def.address;
    if (done) return done;
    let expr: AddressExpr;
    switch (def.kind) {
      case 'address':
        expr = this.addressObject(def.el, def.name);
        break;
      case 'external-list':
        expr = unknownExpr({
          reason: `external dynamic list "${def.name}" (its entries are fetched at run time)`,
          location: this.locationOf(def.el),
        });
        break;
      default:
        expr = unknownExpr({
          reason: `region "${def.name}" (PAN-OS matches regions through its geolocation database as well as any addresses listed)`,
          location: this.locationOf(def.el),
        });
    }
    def.address = expr;
    return expr;
  }

  /** The value of the address object `<entry>` el, named `name` (read from it when not given). */
  private addressObject(entry: XmlElement, name?: string): AddressExpr {
    const doc = this.doc;
    const el = firstValueElement(doc, (this.valueIds ??= valueTagIds(doc)), entry);
    if (el >= 0) {
      const tag = doc.name(el);
      // Kept only by an fqdn (copied there); an address is parsed and its text dropped.
      const text = doc.textView(el);
      if (tag === 'fqdn') {
        if (!isValidHostName(text)) {
          throw doc.error(
            el,
            `address object "${name ?? doc.attr(entry, 'name')}": "${text}" is not a valid host name; expected e.g. cdn.example.com`,
          );
        }
        return this.fqdn(text, entry);
      }
      try {
        return ipsExpr(parseValue(tag, text));
      } catch (e) {
        if (!(e instanceof AddressSyntaxError)) throw e;
        throw doc.error(
          el,
          `address object "${name ?? doc.attr(entry, 'name')}": bad ${tag} "${text}": ${e.message}; expected ${EXPECTED[tag]}`,
        );
      }
    }
    // A type this reader doesn't know (a newer PAN-OS release's): it may hold any address.
    const other = doc.children(entry).find((c) => !NOT_VALUES.has(doc.name(c)));
    if (other !== undefined) {
      return unknownExpr({
        reason: `address object "${name ?? doc.attr(entry, 'name')}" is of type <${doc.name(other)}>, which this reader doesn't model`,
        location: this.locationOf(entry),
      });
    }
    throw doc.error(
      entry,
      `address object "${name ?? doc.attr(entry, 'name')}" has no ip-netmask, ip-range, ip-wildcard or fqdn value`,
    );
  }

  private group(def: Definition, scope: Scope, key: string, list: XmlElement, index: number): AddressExpr {
    const doc = this.doc;
    const cycleFrom = this.open.findIndex((o) => o.key === key);
    if (cycleFrom >= 0) {
      const names = [...this.open.slice(cycleFrom).map((o) => o.def.name), def.name];
      throw doc.error(
        doc.memberAt(list, index),
        `address group "${def.name}" contains itself (${names.join(' -> ')}); groups may nest but not in a cycle`,
      );
    }
    if (this.open.length >= MAX_NESTING) {
      throw doc.error(def.el, `address groups nest deeper than ${MAX_NESTING} levels`);
    }
    const dynamic = doc.child(def.el, 'dynamic');
    if (dynamic !== undefined) {
      const filter = doc.childText(dynamic, 'filter') ?? '';
      return unknownExpr({
        reason: `dynamic address group "${def.name}" (its members are the addresses tagged ${filter || 'at run time'}; they change at run time)`,
        location: this.locationOf(def.el),
      });
    }
    // PAN-OS 6.0 and later list members under <static>; older releases directly under the entry.
    const members = doc.child(def.el, 'static') ?? def.el;
    const names = doc.memberTexts(members);
    if (names.length === 0) {
      throw doc.error(
        def.el,
        `address group "${def.name}" has no members; expected <static><member>...</member></static> or a dynamic filter`,
      );
    }
    this.open.push({ def, key });
    try {
      const exprs = names.map((name, i) => this.member(name, scope, members, i));
      return exprs.length === 1 ? exprs[0]! : unionExpr(exprs);
    } finally {
      this.open.pop();
    }
  }

  /**
   * Checks every address object and group of a scope, so a bad one is reported even when unused. Meant
   * to run after the rules are built: objects they use are resolved already, and the values of unused
   * ones are checked and dropped rather than kept.
   */
  checkAll(scope: Scope): void {
    const doc = this.doc;
    const entries = scope.entries('address');
    const netmask = doc.nameIdOf('ip-netmask');
    for (let pos = 0; pos < entries.length; pos++) {
      if (scope.hasValueAt('address', pos) || scope.existingAt('address', pos)?.address) continue;
      // The commonest value, an IPv4 host or subnet, is checked without building its set (or a Definition).
      const first = doc.firstChild(entries[pos]!);
      if (first >= 0 && doc.nameIdAt(first) === netmask && isIpv4Netmask(doc.textView(first))) continue;
      this.addressObject(entries[pos]!);
    }
    for (const def of scope.definitions('address-group')) this.definition(def, scope, def.el, -1);
  }
}
