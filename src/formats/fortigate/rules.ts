import { InputError } from '../../input/input-error.js';
import { notExpr, listExpr, unknownExpr, type AddressExpr } from '../../model/address.js';
import type { Family } from '../../model/ip.js';
import type { UnknownPart } from '../../model/location.js';
import type { Action, Rule } from '../../model/policy.js';
import { ANY_SERVICE, type ServiceExpr, unionServiceExprs } from '../../model/service.js';
import { ZoneSet } from '../../model/zone-set.js';
import { withinFamily, type AddressBook } from './addresses.js';
import type { Entry } from './config-tree.js';
import { unpack, VALUE_SEP } from './settings.js';
import type { ReadLog } from './read-log.js';
import { enabled, valueOf, whereIn, type Scope } from './scopes.js';
import { type ServiceBook } from './services.js';
import type { ScopeZones } from './zone-facts.js';

/** The policy tables this reader turns into rules, and the fields each uses for its address families. */
export type TableKind = 'policy' | 'policy6' | 'consolidated policy' | 'acl' | 'acl6';

interface FamilyFields {
  family: Family;
  src: string;
  dst: string;
  srcNegate: string;
  dstNegate: string;
  /** The Internet Service switches that replace this family's destination / source. */
  isdb: string;
  isdbSrc: string;
}

const V4 = (src: string, dst: string): FamilyFields => ({
  family: 'ipv4',
  src,
  dst,
  srcNegate: 'srcaddr-negate',
  dstNegate: 'dstaddr-negate',
  isdb: 'internet-service',
  isdbSrc: 'internet-service-src',
});

const V6 = (src: string, dst: string, consolidated: boolean): FamilyFields => ({
  family: 'ipv6',
  src,
  dst,
  srcNegate: consolidated ? 'srcaddr6-negate' : 'srcaddr-negate',
  dstNegate: consolidated ? 'dstaddr6-negate' : 'dstaddr-negate',
  isdb: consolidated ? 'internet-service6' : 'internet-service',
  isdbSrc: consolidated ? 'internet-service6-src' : 'internet-service-src',
});

/**
 * Which fields carry which family: `config firewall policy` has IPv4 srcaddr/dstaddr and, from FortiOS 6.4
 * (consolidated IPv4/IPv6 policies), IPv6 srcaddr6/dstaddr6 in the same policy; `policy6` (up to 6.2) is
 * IPv6 only; the 6.2 `consolidated policy` uses srcaddr4/dstaddr4 and srcaddr6/dstaddr6 ("Technical Tip:
 * Consolidated IPv4 and IPv6 policies",
 * https://community.fortinet.com/t5/FortiGate/Technical-Tip-Consolidated-IPv4-and-IPv6-policies/ta-p/191945;
 * "firewall consolidated policy", FortiOS 6.2 CLI Reference,
 * https://docs.fortinet.com/document/fortigate/6.2.2/cli-reference/241620/firewall-consolidated-policy).
 */
const FIELDS: Record<TableKind, FamilyFields[]> = {
  policy: [V4('srcaddr', 'dstaddr'), V6('srcaddr6', 'dstaddr6', true)],
  policy6: [V6('srcaddr', 'dstaddr', false)],
  'consolidated policy': [V4('srcaddr4', 'dstaddr4'), V6('srcaddr6', 'dstaddr6', true)],
  acl: [V4('srcaddr', 'dstaddr')],
  acl6: [V6('srcaddr', 'dstaddr', false)],
};

/** Policy settings that add match conditions the configuration alone can't decide. */
const CONDITION_FIELDS: readonly [string, string][] = [
  ['users', 'authenticated users'],
  ['groups', 'authenticated user groups'],
  ['fsso-groups', 'FSSO user groups'],
  ['application', 'applications'],
  ['app-category', 'application categories'],
  ['app-group', 'application groups'],
  ['url-category', 'URL categories'],
  ['devices', 'device types'],
  ['src-vendor-mac', 'source device vendors'],
  ['ztna-ems-tag', 'ZTNA tags'],
];

function q(s: string): string {
  return JSON.stringify(s);
}

/** The actions of most policies, shared rather than made per policy. */
const ACCEPT = { action: 'allow' as Action, vendorAction: 'accept' };
const DENY = { action: 'deny' as Action, vendorAction: 'deny' };
const DENY_BY_DEFAULT = { action: 'deny' as Action, vendorAction: 'deny (default: no action set)' };

export interface RuleBuilderOptions {
  scope: Scope;
  v4: AddressBook;
  v6: AddressBook;
  services: ServiceBook;
  /** Set in NGFW policy-based mode: security policies decide what an accept policy lets through. */
  ngfwPolicyBased: boolean;
  /** Lines of malformed values that made a rule field unknown, for the policy's notes. */
  malformedLines: number[];
  /** The interfaces and zones policies of the scope can name. */
  zones: ScopeZones;
  log: ReadLog;
}

/**
 * Builds rules from policy table entries, sharing one expression per distinct address list, service list
 * and zone list, so that large rule bases cost little beyond their parsing.
 */
export class RuleBuilder {
  /**
   * One expression per distinct list of defined names, by family and negation (restricted to the family
   * already), keyed by the names joined; a list naming an undefined object is built at each reference, so
   * its unknown part points there.
   */
  private readonly addressLists: Record<Family, [Map<string, AddressExpr>, Map<string, AddressExpr>]> = {
    ipv4: [new Map(), new Map()],
    ipv6: [new Map(), new Map()],
  };
  private readonly serviceLists: [Map<string, ServiceExpr>, Map<string, ServiceExpr>] = [
    new Map(),
    new Map(),
  ];
  /** Each distinct srcintf/dstintf list, and whether all its names are known (nothing to warn of). */
  private readonly zoneLists = new Map<string, { set: ZoneSet; clean: boolean }>();
  private readonly path: string;
  private readonly where: string;

  constructor(private readonly o: RuleBuilderOptions) {
    this.path = o.scope.path;
    this.where = whereIn(o.scope);
  }

  /**
   * One policy as a rule. FortiOS evaluates a VDOM's policies top-down in the order the configuration lists
   * them, not by policy id ("the sequence is based upon the order of the policies as they are in the file",
   * FortiOS Handbook, Security policies, https://fortinetguru.com/2016/07/security-policies/4; "Technical
   * Tip: How to find the ordered sequence number of firewall policies",
   * https://community.fortinet.com/t5/FortiGate/Technical-Tip-How-to-find-the-ordered-sequence-number-of/ta-p/212244),
   * so the caller passes entries in file order. `extra` adds conditions the table as a whole carries.
   */
  build(entry: Entry, kind: TableKind, extra: readonly UnknownPart[] = []): Rule {
    const isAcl = kind === 'acl' || kind === 'acl6';
    const label = `${isAcl ? 'ACL' : kind} ${entry.name}`;
    const location = { path: this.path, line: entry.line };
    const conditions: UnknownPart[] = [...extra];
    const unknownPart = (reason: string, line = entry.line): UnknownPart => ({
      reason: `${label}: ${reason}`,
      location: { path: this.path, line },
    });

    const action = isAcl
      ? { action: 'deny' as Action, vendorAction: 'deny' }
      : this.action(entry, label, conditions);

    const sourceZones = this.zones(entry, isAcl ? 'interface' : 'srcintf', label, conditions, unknownPart);
    const destinationZones = isAcl
      ? ZoneSet.ANY
      : this.zones(entry, 'dstintf', label, conditions, unknownPart);

    // A table has one or two families (FIELDS): a rule's side is one family's list, or the union of both.
    let sources: AddressExpr | undefined;
    let destinations: AddressExpr | undefined;
    let isdb = false;
    for (const f of FIELDS[kind]) {
      const part = this.familyPart(entry, f, label, unknownPart);
      if (!part) continue;
      isdb ||= part.isdb;
      sources = sources === undefined ? part.src : listExpr([sources, part.src]);
      destinations = destinations === undefined ? part.dst : listExpr([destinations, part.dst]);
    }
    if (sources === undefined || destinations === undefined) {
      const fields = FIELDS[kind].map((f) => `${f.src}/${f.dst}`).join(' or ');
      sources = destinations = unknownExpr(
        unknownPart(`no addresses (${fields}); FortiOS requires them, so what it matches is unknown`),
      );
    }

    const services = isdb ? ANY_SERVICE : this.services(entry, label, unknownPart);

    const nameSlot = entry.slot('name');
    const name = entry.firstAt(nameSlot);
    for (const [key, what] of CONDITION_FIELDS) {
      const s = entry.settings.get(key);
      if (s && s.values.length)
        conditions.push(unknownPart(`matches only ${what} ${s.values.map(q).join(', ')}`, s.line));
    }
    if (enabled(entry, 'ztna-status'))
      conditions.push(unknownPart('ZTNA is enabled: matches only tagged devices'));
    const reputation = valueOf(entry, 'reputation-minimum');
    if (reputation !== undefined && reputation !== '0') {
      conditions.push(unknownPart(`matches only destinations of reputation ${reputation} or better`));
    }
    const scheduleSlot = entry.slot('schedule');
    if (scheduleSlot >= 0) {
      const schedule = entry.firstAt(scheduleSlot);
      if (malformedAt(entry, scheduleSlot) || (schedule ?? 'always') !== 'always') {
        conditions.push(
          unknownPart(`applies only during schedule ${q(schedule ?? '?')}`, entry.lineAt(scheduleSlot)),
        );
      }
    }
    if (!isAcl && this.o.ngfwPolicyBased && action.action === 'allow') {
      conditions.push(
        unknownPart(
          'NGFW policy-based mode: the security policies (config firewall security-policy) decide what it lets through',
        ),
      );
    }

    const rule: Rule = {
      name:
        name !== undefined && name !== '' && !malformedAt(entry, nameSlot)
          ? name
          : `${isAcl ? 'acl' : 'policy'} ${entry.name}`,
      id: entry.name,
      enabled: valueOf(entry, 'status') !== 'disable',
      action: action.action,
      vendorAction: action.vendorAction,
      sourceZones,
      destinationZones,
      sources,
      destinations,
      services,
      location,
      section: kind,
    };
    // Added last rather than spread in: a spread builds the rule the slow way, tens of thousands of times.
    if (conditions.length > 0) rule.conditions = conditions;
    return rule;
  }

  /**
   * `set action accept|deny|ipsec`. Without the line the policy denies: deny is the default of `action`,
   * and `show` omits settings at their default, so deny policies have no action line (FortiOS CLI
   * Reference, config firewall policy, https://docs.fortinet.com/document/fortigate/7.6.1/cli-reference/333889629;
   * batfish models FortiOS the same way: DEFAULT_ACTION = DENY in
   * projects/batfish/src/main/java/org/batfish/representation/fortios/Policy.java). An `ipsec` policy
   * sends what it matches into a VPN tunnel, which can't be followed here, so it becomes an allow with an
   * unknown condition.
   */
  private action(
    entry: Entry,
    label: string,
    conditions: UnknownPart[],
  ): { action: Action; vendorAction: string } {
    const slot = entry.slot('action');
    const s = entry.packedAt(slot) === undefined ? entry.settingAt(slot) : undefined;
    if (s?.malformed) {
      throw new InputError(
        this.path,
        s.line,
        `${label}${this.where}: malformed action (${s.malformed}); expected accept or deny`,
      );
    }
    const value = entry.firstAt(slot) ?? 'deny';
    switch (value) {
      case 'accept':
        return ACCEPT;
      case 'deny':
        return slot >= 0 ? DENY : DENY_BY_DEFAULT;
      case 'ipsec':
      case 'ssl-vpn':
        conditions.push({
          reason: `${label}: action ${value} sends matching traffic into a VPN tunnel, which this check can't follow`,
          location: { path: this.path, line: entry.lineAt(slot) },
        });
        return { action: 'allow', vendorAction: value };
      default:
        throw new InputError(
          this.path,
          entry.lineAt(slot),
          `unknown action ${q(value)} in ${label}${this.where}; expected accept, deny or ipsec`,
        );
    }
  }

  /** srcintf / dstintf: interface or zone names, `any` for all of them. */
  private zones(
    entry: Entry,
    key: string,
    label: string,
    conditions: UnknownPart[],
    unknownPart: (reason: string, line?: number) => UnknownPart,
  ): ZoneSet {
    // The values as stored (one string) where they can be: most policies, read without a copy.
    const i = entry.slot(key);
    const packed = entry.packedAt(i);
    const s = packed === undefined ? entry.settingAt(i) : undefined;
    if (s?.malformed) {
      this.o.malformedLines.push(s.line);
      conditions.push(unknownPart(`its ${key} value has malformed quoting (${s.malformed})`, s.line));
      return ZoneSet.ANY;
    }
    if (packed === undefined && (!s || s.values.length === 0)) {
      conditions.push(
        unknownPart(`no ${key}; FortiOS requires one, so which traffic it applies to is unknown`),
      );
      return ZoneSet.ANY;
    }
    const names = packed ?? s!.values;
    const cacheKey = listKey(names);
    let known = this.zoneLists.get(cacheKey);
    if (!known) {
      const values = listOf(names);
      known = {
        set: values.includes('any') ? ZoneSet.ANY : ZoneSet.of(values),
        clean: values.every((name) => name === 'any' || this.o.zones.problem(name) === undefined),
      };
      this.zoneLists.set(cacheKey, known);
    }
    if (!known.clean) {
      const line = entry.lineAt(i);
      for (const name of listOf(names)) {
        const problem = name === 'any' ? undefined : this.o.zones.problem(name);
        if (problem === undefined) continue;
        conditions.push(unknownPart(`${key}: ${problem}`, line));
        this.o.log.warn(
          `${problem} (${key} of ${label}${this.where}), so whether the policy matches is unknown`,
          line,
        );
      }
    }
    return known.set;
  }

  /** One family's source and destination, or undefined when the policy has nothing of that family. */
  private familyPart(
    entry: Entry,
    f: FamilyFields,
    label: string,
    unknownPart: (reason: string, line?: number) => UnknownPart,
  ): { src: AddressExpr; dst: AddressExpr; isdb: boolean } | undefined {
    const src = givenSlot(entry, f.src);
    const dst = givenSlot(entry, f.dst);
    const isdb = enabled(entry, f.isdb);
    const isdbSrc = enabled(entry, f.isdbSrc);
    if (src < 0 && dst < 0 && !isdb && !isdbSrc) return undefined;
    return {
      src: this.side(entry, f, src, f.src, f.srcNegate, isdbSrc, f.isdbSrc, label, unknownPart),
      dst: this.side(entry, f, dst, f.dst, f.dstNegate, isdb, f.isdb, label, unknownPart),
      isdb,
    };
  }

  /** One side (`slot`: its address list's, or -1 when not given) of one family. */
  private side(
    entry: Entry,
    f: FamilyFields,
    slot: number,
    key: string,
    negateKey: string,
    isdbOn: boolean,
    isdbKey: string,
    label: string,
    unknownPart: (reason: string, line?: number) => UnknownPart,
  ): AddressExpr {
    if (isdbOn) return withinFamily(this.isdbExpr(entry, isdbKey, label), f.family);
    if (slot < 0) {
      return withinFamily(
        unknownExpr(unknownPart(`no ${key}; FortiOS requires one, so which addresses it matches is unknown`)),
        f.family,
      );
    }
    const packed = entry.packedAt(slot);
    const s = packed === undefined ? entry.settingAt(slot) : undefined;
    if (s?.malformed) {
      this.o.malformedLines.push(s.line);
      return withinFamily(
        unknownExpr(unknownPart(`its ${key} value has malformed quoting (${s.malformed})`, s.line)),
        f.family,
      );
    }
    const book = f.family === 'ipv4' ? this.o.v4 : this.o.v6;
    const negate = this.negation(entry, negateKey, f, key, unknownPart);
    return this.addressList(book, packed ?? s!.values, entry.lineAt(slot), key, label, negate);
  }

  /**
   * Whether a list is negated. In a consolidated policy, FortiOS versions before srcaddr6-negate /
   * dstaddr6-negate existed had one switch for both families; when only srcaddr-negate is set, whether it
   * also negates the IPv6 list depends on the version, so that list becomes unknown.
   */
  private negation(
    entry: Entry,
    negateKey: string,
    f: FamilyFields,
    key: string,
    unknownPart: (reason: string, line?: number) => UnknownPart,
  ): boolean | UnknownPart {
    const own = valueOf(entry, negateKey);
    if (own !== undefined) return own === 'enable';
    if (f.family === 'ipv6' && negateKey.includes('6-negate')) {
      const shared = negateKey.replace('6-negate', '-negate');
      if (enabled(entry, shared)) {
        return unknownPart(
          `${shared} is enabled; whether it also negates ${key} depends on the FortiOS version`,
        );
      }
    }
    return false;
  }

  /**
   * A list of address names as an expression restricted to the book's family. `names`: the values as
   * stored (one string, joined by VALUE_SEP) or as a list.
   */
  private addressList(
    book: AddressBook,
    names: Names,
    line: number,
    key: string,
    label: string,
    negate: boolean | UnknownPart,
  ): AddressExpr {
    if (typeof negate === 'object') return withinFamily(unknownExpr(negate), book.family);
    const what = `${key} of ${label}`;
    // One name: its object's own expression, shared by every rule naming it.
    const single = onlyName(names);
    if (single !== undefined && !negate) return book.resolveWithin(single, { line, what });
    const lists = this.addressLists[book.family][negate ? 1 : 0];
    const cacheKey = listKey(names);
    let expr = lists.get(cacheKey);
    if (expr) return expr;
    let defined = true;
    const members = listOf(names).map((name) => {
      const e = book.resolve(name, { line, what });
      defined &&= book.lastDefined;
      return e;
    });
    expr = withinFamily(negate ? notExpr(listExpr(members)) : listExpr(members), book.family);
    if (defined) lists.set(cacheKey, expr);
    return expr;
  }

  /**
   * Internet Service Database entries (`internet-service enable` with internet-service-name / -id /
   * -group / -custom): FortiGuard's lists of a service's addresses and ports, not in the configuration
   * ("firewall {policy | policy6}", FortiOS 6.0 CLI Reference,
   * https://docs.fortinet.com/document/fortigate/6.0.0/cli-reference/491762/firewall-policy-policy6).
   */
  private isdbExpr(entry: Entry, switchKey: string, label: string): AddressExpr {
    const names: string[] = [];
    let line = entry.line;
    for (const part of ['name', 'id', 'group', 'custom', 'custom-group']) {
      const s = entry.settings.get(`${switchKey}-${part}`);
      if (s) {
        for (const v of s.values) names.push(v); // not push(...values): a list may be very long
        line = s.line;
      }
    }
    const negated = enabled(entry, `${switchKey}-negate`) ? 'not ' : '';
    return unknownExpr({
      reason: `${label}: its ${switchKey.endsWith('-src') ? 'source' : 'destination'} is ${negated}Internet Service ${names.map(q).join(', ') || '(none listed)'}, whose addresses come from FortiGuard's Internet Service Database`,
      location: { path: this.path, line },
    });
  }

  /** `set service A B` (with `service-negate enable`, everything but those). */
  private services(
    entry: Entry,
    label: string,
    unknownPart: (reason: string, line?: number) => UnknownPart,
  ): ServiceExpr {
    const slot = entry.slot('service');
    const packed = entry.packedAt(slot);
    const s = packed === undefined ? entry.settingAt(slot) : undefined;
    if (s?.malformed) {
      this.o.malformedLines.push(s.line);
      return {
        kind: 'unknown',
        part: unknownPart(`its service value has malformed quoting (${s.malformed})`, s.line),
      };
    }
    if (packed === undefined && (!s || s.values.length === 0)) {
      return {
        kind: 'unknown',
        part: unknownPart('no service; FortiOS requires one, so which ports it matches is unknown'),
      };
    }
    const names = packed ?? s!.values;
    const line = entry.lineAt(slot);
    const negate = enabled(entry, 'service-negate');
    const what = `service of ${label}`;
    const book = this.o.services;
    // One name: its object's own expression.
    const single = onlyName(names);
    if (single !== undefined && !negate) return book.resolve(single, { line, what });
    const lists = this.serviceLists[negate ? 1 : 0];
    const cacheKey = listKey(names);
    let expr = lists.get(cacheKey);
    if (expr) return expr;
    let defined = true;
    const union = unionServiceExprs(
      listOf(names).map((name) => {
        const e = book.resolve(name, { line, what });
        defined &&= book.lastDefined;
        return e;
      }),
    );
    expr = negate ? { kind: 'not', of: union } : union;
    if (defined) lists.set(cacheKey, expr);
    return expr;
  }
}

/** A list setting's values as stored: joined by VALUE_SEP in one string (see Settings), or a list. */
type Names = string | readonly string[];

/** A list as one map key: its values joined by VALUE_SEP (the name itself for one). */
function listKey(names: Names): string {
  return typeof names === 'string' ? names : names.join(VALUE_SEP);
}

function listOf(names: Names): readonly string[] {
  return typeof names === 'string' ? unpack(names) : names;
}

/** The one name of a list (stored joined by VALUE_SEP, or as a list); undefined when it has several. */
function onlyName(names: Names): string | undefined {
  if (typeof names !== 'string') return names.length === 1 ? names[0] : undefined;
  return names.includes(VALUE_SEP) ? undefined : names;
}

/**
 * The slot of a list setting that is given (with a value, or malformed); -1 when absent or empty:
 * `show full-configuration` may print a list with no values, and that is no list.
 */
function givenSlot(entry: Entry, key: string): number {
  const i = entry.slot(key);
  if (i < 0 || entry.packedAt(i) !== undefined) return i;
  const s = entry.settingAt(i)!;
  return s.values.length > 0 || s.malformed ? i : -1;
}

/** Whether the quoting of the setting at a slot is broken (false for -1). */
function malformedAt(entry: Entry, slot: number): boolean {
  return entry.packedAt(slot) === undefined && entry.settingAt(slot)?.malformed !== undefined;
}
