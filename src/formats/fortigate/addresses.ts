import { ipsExpr, minusExpr, unionExpr, unknownExpr, type AddressExpr } from '../../model/address.js';
import { FAMILY_RANGE, type Family } from '../../model/ip.js';
import { addressObjectExpr, malformedPart, vipExpr, type ObjectContext } from './address-objects.js';
import { Entry, type Block } from './config-tree.js';
import { factoryDefaults } from './predefined.js';
import type { ReadLog } from './read-log.js';
import { checkTable, NamedResolver, type Reference } from './references.js';
import { enabled, tableOf, valueOf, whereIn, type Scope } from './scopes.js';

type Kind = 'address' | 'group' | 'vip' | 'vipgrp';

/**
 * An object's expression, and the same kept to the book's family once a policy names it; needed only where
 * the two differ (see `resolved`).
 */
class Resolved {
  within: AddressExpr | undefined = undefined;
  constructor(readonly expr: AddressExpr) {}
}

/**
 * What the resolver keeps of an object: its expression itself where that is already of the book's family
 * (an address or range of it: most objects of a large export, ~40 bytes each saved), else a Resolved.
 */
type Kept = AddressExpr | Resolved;

function resolved(expr: AddressExpr, family: Family): Kept {
  return expr.kind === 'ips' && withinFamily(expr, family) === expr ? expr : new Resolved(expr);
}

/** Keeps an expression to one address family: a negated IPv4 list never matches IPv6 traffic. */
export function withinFamily(expr: AddressExpr, family: Family): AddressExpr {
  if (expr.kind === 'ips') {
    const set = expr.set.intersect(FAMILY_RANGE[family]);
    // A set of the family already is kept as it is (intersect gives it back): no copy per object.
    return set === expr.set ? expr : ipsExpr(set);
  }
  // So is a list or group of the family's own addresses, the most common source and destination of a
  // large export's policies: taking the other family away would change nothing (~45 bytes per list).
  if (expr.kind === 'union' && expr.members.every((m) => m.kind === 'ips' && withinFamily(m, family) === m))
    return expr;
  return minusExpr(expr, family === 'ipv4' ? V6_ONLY : V4_ONLY);
}

const V4_ONLY = ipsExpr(FAMILY_RANGE.ipv4);
const V6_ONLY = ipsExpr(FAMILY_RANGE.ipv6);

/** The tables that hold the names a policy's address fields may use, per family. */
const TABLES: Record<Family, Record<Kind, string>> = {
  ipv4: {
    address: 'firewall address',
    group: 'firewall addrgrp',
    vip: 'firewall vip',
    vipgrp: 'firewall vipgrp',
  },
  ipv6: {
    address: 'firewall address6',
    group: 'firewall addrgrp6',
    vip: 'firewall vip6',
    vipgrp: 'firewall vipgrp6',
  },
};

const KINDS: readonly Kind[] = ['address', 'group', 'vip', 'vipgrp'];

function q(s: string): string {
  return JSON.stringify(s);
}

/**
 * The address objects of one scope and family: each name resolved once into one shared expression (so the
 * evaluator's per-object cache works across rules), groups nested at any depth, cycles refused. A name the
 * export doesn't define is FortiOS's factory-default object of that name (`all`, `none`) where there is
 * one, else an unknown part at the reference, with a warning: a trimmed or stale export.
 *
 * Addresses, address groups and virtual IPs share one name space ("Addresses, address groups, and virtual
 * IPs must have unique names", FortiOS 6.0 CLI Reference, firewall {addrgrp | addgrp6},
 * https://docs.fortinet.com/document/fortigate/6.0.6/cli-reference/843701/firewall-addrgrp-addgrp6).
 */
export class AddressBook {
  private readonly tables: Partial<Record<Kind, Block>> = {};
  /**
   * The tables that exist, in the order names are looked up (one lookup per reference, so kept lean). Once
   * checked, the scope's own tables are replaced by what was made of their entries (see checkAll).
   */
  private readonly lookup: { kind: Kind; entries: ReadonlyMap<string, Entry | Kept> }[] = [];
  /** The other family's book of the scope: where a name missing here may be (see undefinedReference). */
  private sibling: AddressBook | undefined;
  private readonly predefined: Block | undefined;
  private readonly resolver: NamedResolver<Kept>;
  private readonly ctx: ObjectContext;

  constructor(
    private readonly scope: Scope,
    readonly family: Family,
    private readonly log: ReadLog,
  ) {
    for (const kind of KINDS) {
      const block = tableOf(scope, TABLES[family][kind]);
      if (block) {
        this.tables[kind] = block;
        this.lookup.push({ kind, entries: block.entries });
      }
    }
    this.predefined = factoryDefaults().get(TABLES[family].address);
    this.ctx = { path: scope.path, where: whereIn(scope) };
    this.resolver = new NamedResolver(
      scope.path,
      family === 'ipv4' ? 'address group' : 'IPv6 address group',
      (entry) => this.build(entry),
    );
  }

  /** Pairs the IPv4 and IPv6 books of one scope (see undefinedReference). */
  static pair(v4: AddressBook, v6: AddressBook): void {
    v4.sibling = v6;
    v6.sibling = v4;
  }

  /** Set by find: the table kind of the entry found, and whether it is a factory default. */
  private foundKind: Kind = 'address';
  private foundDefault = false;

  /** The entry defining a name, or what was made of it once its table was checked. */
  private find(name: string): Entry | Kept | undefined {
    const lookup = this.lookup;
    for (let k = 0; k < lookup.length; k++) {
      const entry = lookup[k]!.entries.get(name);
      if (entry) {
        this.foundKind = lookup[k]!.kind;
        this.foundDefault = false;
        return entry;
      }
    }
    const entry = this.predefined?.entries.get(name);
    this.foundKind = 'address';
    this.foundDefault = true;
    return entry;
  }

  /** Whether the name given to the last `resolve` was defined (by the export or FortiOS's defaults). */
  lastDefined = false;

  /** The expression for a name used at `ref`; an unknown part there when nothing defines it. */
  resolve(name: string, ref: Reference): AddressExpr {
    const entry = this.find(name);
    this.lastDefined = entry !== undefined;
    if (!entry) return this.undefinedReference(name, ref);
    const kept = this.resolveFound(entry, ref);
    return kept instanceof Resolved ? kept.expr : kept;
  }

  /** The same, kept to the book's family (see withinFamily), once per object. */
  resolveWithin(name: string, ref: Reference): AddressExpr {
    const entry = this.find(name);
    this.lastDefined = entry !== undefined;
    if (!entry) return withinFamily(this.undefinedReference(name, ref), this.family);
    const kept = this.resolveFound(entry, ref);
    return kept instanceof Resolved ? (kept.within ??= withinFamily(kept.expr, this.family)) : kept;
  }

  /** What `find` just returned, resolved once. */
  private resolveFound(entry: Entry | Kept, ref: Reference): Kept {
    if (!(entry instanceof Entry)) return entry;
    const shared = this.foundDefault;
    const known = this.resolver.cached(entry, shared);
    if (known !== undefined) return known;
    // Noted once, when first resolved.
    if (shared) this.log.assume(this.family === 'ipv4' ? 'address' : 'IPv6 address', entry.name);
    return this.resolver.resolve(entry, ref, shared);
  }

  /**
   * Resolves every object and group of the scope, used or not, so every bad one is reported. The scope's
   * own tables then give way to maps of what was made of their entries, which references look up instead
   * (checkTable); `config global` tables stay.
   */
  checkAll(): void {
    for (const slot of this.lookup) {
      const table = this.tables[slot.kind];
      const settled = checkTable(
        table,
        this.scope.blocks.get(TABLES[this.family][slot.kind]) === table,
        (entry) => {
          if (slot.kind !== 'address') return this.find(entry.name)!;
          this.foundKind = slot.kind;
          this.foundDefault = false;
          return entry;
        },
        (found, entry) =>
          this.resolveFound(found, { line: entry.line, what: `${slot.kind} ${q(entry.name)}` }),
      );
      if (settled) slot.entries = settled;
    }
  }

  /** The table of this book defining a name, if one does. */
  private tableDefining(name: string): string | undefined {
    const slot = this.lookup.find((t) => t.entries.has(name));
    return slot && TABLES[this.family][slot.kind];
  }

  private undefinedReference(name: string, ref: Reference): AddressExpr {
    const elsewhere = this.sibling?.tableDefining(name);
    const hint = elsewhere
      ? ` (${q(name)} is in config ${elsewhere}, but ${ref.what.split(' ')[0]} takes ${this.family === 'ipv4' ? 'IPv4' : 'IPv6'} objects)`
      : '';
    this.log.undefinedName('address', `${q(name)}${hint}`, `in ${ref.what}${this.ctx.where}`, ref.line);
    return unknownExpr({
      reason: `address ${q(name)} is not defined in this export (${ref.what})`,
      location: { path: this.scope.path, line: ref.line },
    });
  }

  /** Called by the resolver straight after `find` found the entry, so `foundKind` is its kind. */
  private build(entry: Entry): Kept {
    switch (this.foundKind) {
      case 'address':
        return resolved(addressObjectExpr(this.ctx, entry, this.family), this.family);
      case 'vip':
        return resolved(vipExpr(this.ctx, entry, this.family), this.family);
      case 'group':
        return resolved(this.groupExpr(entry, 'group'), this.family);
      default:
        return resolved(this.groupExpr(entry, 'vipgrp'), this.family);
    }
  }

  /**
   * A group is the union of its members; with `set exclude enable`, minus the union of its
   * `exclude-member`s ("Address group exclusions", FortiOS 6.2 Cookbook,
   * https://docs.fortinet.com/document/fortigate/6.2.9/cookbook/219540).
   */
  private groupExpr(entry: Entry, kind: 'group' | 'vipgrp'): AddressExpr {
    const label = `${kind === 'group' ? 'address group' : 'virtual IP group'} ${q(entry.name)}`;
    const location = { path: this.ctx.path, line: entry.line };
    const category = valueOf(entry, 'category');
    if (category !== undefined && category !== 'default') {
      return unknownExpr({
        reason: `${label}: a ${category} group, matched by ZTNA tags at run time`,
        location,
      });
    }
    const members = this.memberList(entry, 'member', label);
    if (members.kind === 'malformed') return members.expr;
    if (members.exprs.length === 0) {
      return unknownExpr({ reason: `${label} has no members`, location });
    }
    const union = members.exprs.length === 1 ? members.exprs[0]! : unionExpr(members.exprs);
    if (kind === 'vipgrp' || !enabled(entry, 'exclude')) return union;
    const excluded = this.memberList(entry, 'exclude-member', label);
    if (excluded.kind === 'malformed') return excluded.expr;
    if (excluded.exprs.length === 0) return union;
    return minusExpr(union, excluded.exprs.length === 1 ? excluded.exprs[0]! : unionExpr(excluded.exprs));
  }

  private memberList(
    entry: Entry,
    key: string,
    label: string,
  ): { kind: 'ok'; exprs: AddressExpr[] } | { kind: 'malformed'; expr: AddressExpr } {
    const s = entry.settings.get(key);
    if (!s) return { kind: 'ok', exprs: [] };
    if (s.malformed) return { kind: 'malformed', expr: malformedPart(this.ctx, s, label) };
    const what = `${key} of ${label}`;
    return { kind: 'ok', exprs: s.values.map((m) => this.resolve(m, { line: s.line, what })) };
  }
}
