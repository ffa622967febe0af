import { minusExpr, unionExpr, unknownExpr, type AddressExpr } from '../../model/address.js';
import type { Family } from '../../model/ip.js';
import { addressObjectExpr, malformedPart, vipExpr, type ObjectContext } from './address-objects.js';
import type { Block, Entry } from './config-tree.js';
import { factoryDefaults } from './predefined.js';
import type { ReadLog } from './read-log.js';
import { NamedResolver, type Reference } from './references.js';
import { enabled, tableOf, valueOf, whereIn, type Scope } from './scopes.js';

type Kind = 'address' | 'group' | 'vip' | 'vipgrp';

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
  private readonly predefined: Block | undefined;
  private readonly resolver: NamedResolver<AddressExpr>;
  private readonly ctx: ObjectContext;

  constructor(
    private readonly scope: Scope,
    readonly family: Family,
    private readonly log: ReadLog,
  ) {
    for (const kind of KINDS) {
      const block = tableOf(scope, TABLES[family][kind]);
      if (block) this.tables[kind] = block;
    }
    this.predefined = factoryDefaults().get(TABLES[family].address);
    this.ctx = { path: scope.path, where: whereIn(scope) };
    this.resolver = new NamedResolver(
      scope.path,
      family === 'ipv4' ? 'address group' : 'IPv6 address group',
      (name) => this.build(name),
    );
  }

  private find(name: string): { kind: Kind; entry: Entry; predefined?: true } | undefined {
    for (const kind of KINDS) {
      const entry = this.tables[kind]?.entries.get(name);
      if (entry) return { kind, entry };
    }
    const entry = this.predefined?.entries.get(name);
    return entry ? { kind: 'address', entry, predefined: true } : undefined;
  }

  /** Whether the export (or FortiOS's defaults) defines the name. */
  defines(name: string): boolean {
    return this.resolver.cached(name) !== undefined || this.find(name) !== undefined;
  }

  /** The expression for a name used at `ref`; an unknown part there when nothing defines it. */
  resolve(name: string, ref: Reference): AddressExpr {
    // Resolved before: a factory default among them was noted then.
    const known = this.resolver.cached(name);
    if (known !== undefined) return known;
    const found = this.find(name);
    if (!found) return this.undefinedReference(name, ref);
    if (found.predefined) {
      this.log.assume(this.family === 'ipv4' ? 'address' : 'IPv6 address', name);
    }
    return this.resolver.resolve(name, ref);
  }

  /** Resolves every object and group of the scope, used or not, so every bad one is reported. */
  checkAll(): void {
    for (const kind of KINDS) {
      for (const entry of this.tables[kind]?.entries.values() ?? []) {
        this.resolver.resolve(entry.name, { line: entry.line, what: `${kind} ${q(entry.name)}` });
      }
    }
  }

  private undefinedReference(name: string, ref: Reference): AddressExpr {
    const other = TABLES[this.family === 'ipv4' ? 'ipv6' : 'ipv4'];
    const elsewhere = KINDS.find((k) => tableOf(this.scope, other[k])?.entries.has(name));
    const hint = elsewhere
      ? ` (${q(name)} is in config ${other[elsewhere]}, but ${ref.what.split(' ')[0]} takes ${this.family === 'ipv4' ? 'IPv4' : 'IPv6'} objects)`
      : '';
    this.log.undefinedName('address', `${q(name)}${hint}`, `in ${ref.what}${this.ctx.where}`, ref.line);
    return unknownExpr({
      reason: `address ${q(name)} is not defined in this export (${ref.what})`,
      location: { path: this.scope.path, line: ref.line },
    });
  }

  private build(name: string): AddressExpr {
    const found = this.find(name)!;
    const { kind, entry } = found;
    switch (kind) {
      case 'address':
        return addressObjectExpr(this.ctx, entry, this.family);
      case 'vip':
        return vipExpr(this.ctx, entry, this.family);
      case 'group':
      case 'vipgrp':
        return this.groupExpr(entry, kind);
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
