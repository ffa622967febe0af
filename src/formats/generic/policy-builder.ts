import { formatDocPath, type DocPath, type PositionedDocument } from '../../input/positioned.js';
import { nameExpr, notExpr, unionExpr, type AddressExpr } from '../../model/address.js';
import type { NameMatchMethod, NamePattern } from '../../model/names.js';
import type { Policy, Rule } from '../../model/policy.js';
import { type ServiceExpr, unionServiceExprs } from '../../model/service.js';
import { ZoneSet } from '../../model/zone-set.js';
import { parseAddressEntry, type AddressLeaf } from './address-entries.js';
import type { GenericDocument, GenericRule } from './document.js';
import { EntryError } from './entry-error.js';
import { resolveGroups, type EntryRef } from './groups.js';
import { parseServiceEntry } from './service-entries.js';
import { genericFormat } from './detect.js';

export const FORMAT_ID = genericFormat.id;
const DEFAULT_METHOD: NameMatchMethod = 'resolve';
const SEP = '\u0000';

/** An address leaf as written in a group: names keep the line they were written on. */
type GroupLeaf = AddressLeaf & { line?: number };

/**
 * Turns a schema-checked generic document into a Policy. Every distinct entry text is parsed once, each
 * named group becomes one shared expression (per name-match method), and identical lists share one
 * expression, so a file of 100k rules costs little beyond its parsing.
 */
export class PolicyBuilder {
  private readonly addressLeaves = new Map<string, AddressLeaf>();
  private readonly serviceLeaves = new Map<string, ServiceExpr>();
  private readonly inlineNames = new Map<string, AddressExpr>();
  private readonly addressGroups: Map<string, readonly GroupLeaf[]>;
  private readonly serviceGroups: Map<string, readonly ServiceExpr[]>;
  private readonly addressGroupExprs = new Map<string, AddressExpr>();
  private readonly serviceGroupExprs = new Map<string, ServiceExpr>();
  private readonly addressLists = new Map<string, AddressExpr>();
  private readonly serviceLists = new Map<string, ServiceExpr>();
  private readonly zoneLists = new Map<string, ZoneSet>();

  constructor(
    private readonly doc: PositionedDocument,
    private readonly value: GenericDocument,
  ) {
    this.addressGroups = this.resolveAddressGroups();
    this.serviceGroups = this.resolveServiceGroups();
  }

  build(): Policy {
    const { doc, value } = this;
    const method = value['name-match'] ?? DEFAULT_METHOD;
    const seen = new Map<string, number>();
    const rules: Rule[] = value.rules.map((r, i) => {
      const line = doc.lineAt(['rules', i]);
      const first = seen.get(r.name);
      if (first !== undefined) {
        throw doc.error(
          ['rules', i, 'name'],
          `rules[${i}].name: duplicate rule name "${r.name}" (first used at line ${first}); rule names must be unique`,
        );
      }
      seen.set(r.name, line);
      return this.rule(r, i, line, r['name-match'] ?? method);
    });
    const notes: string[] = [];
    if (rules.length === 0)
      notes.push(`the policy has no rules: its default (${value.default}) decides all traffic`);
    return {
      format: FORMAT_ID,
      paths: [doc.path],
      ...(value.name !== undefined ? { name: value.name } : {}),
      rules,
      default: {
        action: value.default,
        name: 'default action',
        location: { path: doc.path, line: doc.lineAt(['default']) },
      },
      ...(value['egress-zones'] !== undefined ? { egressZones: ZoneSet.of(value['egress-zones']) } : {}),
      notes,
    };
  }

  private rule(r: GenericRule, i: number, line: number, method: NameMatchMethod): Rule {
    return {
      name: r.name,
      enabled: r.enabled ?? true,
      action: r.action,
      sourceZones: this.zones(r['from-zones']),
      destinationZones: this.zones(r['to-zones']),
      sources: this.addressList(r.sources, r['negate-sources'] ?? false, method, ['rules', i, 'sources']),
      destinations: this.addressList(r.destinations, r['negate-destinations'] ?? false, method, [
        'rules',
        i,
        'destinations',
      ]),
      services: this.serviceList(r.services, ['rules', i, 'services']),
      location: { path: this.doc.path, line },
    };
  }

  private entryError(at: DocPath, e: unknown): Error {
    if (e instanceof EntryError) return this.doc.error(at, `${formatDocPath(at)}: ${e.message}`);
    return e as Error;
  }

  // --- addresses ---

  /** Parses an entry once per distinct text; a parse failure is an InputError at `at`. */
  private parsedOnce<T>(cache: Map<string, T>, parse: (text: string) => T, text: string, at: DocPath): T {
    let leaf = cache.get(text);
    if (leaf === undefined) {
      try {
        leaf = parse(text);
      } catch (e) {
        throw this.entryError(at, e);
      }
      cache.set(text, leaf);
    }
    return leaf;
  }

  private addressLeaf(text: string, at: DocPath): AddressLeaf {
    return this.parsedOnce(this.addressLeaves, parseAddressEntry, text, at);
  }

  private resolveAddressGroups(): Map<string, readonly GroupLeaf[]> {
    const defs = new Map(Object.entries(this.value.addresses ?? {}));
    return resolveGroups<GroupLeaf>(defs, {
      leaf: (text, ref) => {
        const at = ['addresses', ref.group, ref.index];
        const leaf = this.addressLeaf(text, at);
        // Names remember where they were written; IP sets are shared by text.
        return leaf.kind === 'name' ? { ...leaf, line: this.doc.lineAt(at) } : leaf;
      },
      cycle: (cycle, ref) => this.cycleError('address', 'addresses', cycle, ref),
    });
  }

  private cycleError(kind: string, key: string, cycle: readonly string[], ref: EntryRef): Error {
    const at = [key, ref.group, ref.index];
    return this.doc.error(
      at,
      `${formatDocPath(at)}: ${kind} group "${cycle[0]}" contains itself (${cycle.join(' -> ')}); groups may nest but not in a cycle`,
    );
  }

  /** One shared expression per address group and name-match method. */
  private addressGroup(name: string, method: NameMatchMethod): AddressExpr {
    const key = method + SEP + name;
    let expr = this.addressGroupExprs.get(key);
    if (!expr) {
      const members = this.addressGroups.get(name)!.map((leaf) => {
        if (leaf.kind !== 'name') return leaf.expr;
        const location = leaf.line !== undefined ? { path: this.doc.path, line: leaf.line } : undefined;
        return nameExpr({ ...leaf.pattern, method, ...(location ? { location } : {}) } as NamePattern);
      });
      expr = members.length === 1 ? members[0]! : unionExpr(members);
      this.addressGroupExprs.set(key, expr);
    }
    return expr;
  }

  private leafExpr(leaf: AddressLeaf, method: NameMatchMethod): AddressExpr {
    if (leaf.kind !== 'name') return leaf.expr;
    const key = method + SEP + leaf.pattern.text;
    let expr = this.inlineNames.get(key);
    if (!expr) {
      expr = nameExpr({ ...leaf.pattern, method });
      this.inlineNames.set(key, expr);
    }
    return expr;
  }

  private addressList(
    entries: readonly string[],
    negate: boolean,
    method: NameMatchMethod,
    at: DocPath,
  ): AddressExpr {
    const key = (negate ? '!' : '=') + method + SEP + entries.join(SEP);
    let expr = this.addressLists.get(key);
    if (!expr) {
      const members = entries.map((raw, k) => {
        const text = raw.trim();
        if (this.addressGroups.has(text)) return this.addressGroup(text, method);
        return this.leafExpr(this.addressLeaf(text, [...at, k]), method);
      });
      const union = members.length === 1 ? members[0]! : unionExpr(members);
      expr = negate ? notExpr(union) : union;
      this.addressLists.set(key, expr);
    }
    return expr;
  }

  // --- services ---

  private serviceLeaf(text: string, at: DocPath): ServiceExpr {
    return this.parsedOnce(this.serviceLeaves, parseServiceEntry, text, at);
  }

  private resolveServiceGroups(): Map<string, readonly ServiceExpr[]> {
    const defs = new Map(Object.entries(this.value.services ?? {}));
    return resolveGroups<ServiceExpr>(defs, {
      leaf: (text, ref) => this.serviceLeaf(text, ['services', ref.group, ref.index]),
      cycle: (cycle, ref) => this.cycleError('service', 'services', cycle, ref),
    });
  }

  private serviceGroup(name: string): ServiceExpr {
    let expr = this.serviceGroupExprs.get(name);
    if (!expr) {
      expr = unionServiceExprs(this.serviceGroups.get(name)!);
      this.serviceGroupExprs.set(name, expr);
    }
    return expr;
  }

  private serviceList(entries: readonly string[], at: DocPath): ServiceExpr {
    const key = entries.join(SEP);
    let expr = this.serviceLists.get(key);
    if (!expr) {
      const members = entries.map((raw, k) => {
        const text = raw.trim();
        if (this.serviceGroups.has(text)) return this.serviceGroup(text);
        return this.serviceLeaf(text, [...at, k]);
      });
      expr = members.length === 1 ? members[0]! : unionServiceExprs(members);
      this.serviceLists.set(key, expr);
    }
    return expr;
  }

  // --- zones ---

  private zones(names: readonly string[] | undefined): ZoneSet {
    if (names === undefined) return ZoneSet.ANY;
    const key = names.join(SEP);
    let set = this.zoneLists.get(key);
    if (!set) {
      set = names.some((n) => n.trim().toLowerCase() === 'any')
        ? ZoneSet.ANY
        : ZoneSet.of(names.map((n) => n.trim()));
      this.zoneLists.set(key, set);
    }
    return set;
  }
}
