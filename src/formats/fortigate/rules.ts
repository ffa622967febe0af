import { InputError } from '../../input/input-error.js';
import { notExpr, listExpr, unknownExpr, type AddressExpr } from '../../model/address.js';
import type { Family } from '../../model/ip.js';
import type { UnknownPart } from '../../model/location.js';
import type { Action, Rule } from '../../model/policy.js';
import { ANY_SERVICE, type ServiceExpr, unionServiceExprs } from '../../model/service.js';
import { ZoneSet } from '../../model/zone-set.js';
import { withinFamily, type AddressBook } from './addresses.js';
import type { Entry, Setting } from './config-tree.js';
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

const SEP = '\u0000';

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

    const sources: AddressExpr[] = [];
    const destinations: AddressExpr[] = [];
    let anyFamily = false;
    let isdb = false;
    for (const f of FIELDS[kind]) {
      const part = this.familyPart(entry, f, label, unknownPart);
      if (!part) continue;
      anyFamily = true;
      isdb ||= part.isdb;
      sources.push(part.src);
      destinations.push(part.dst);
    }
    if (!anyFamily) {
      const fields = FIELDS[kind].map((f) => `${f.src}/${f.dst}`).join(' or ');
      const missing = unknownExpr(
        unknownPart(`no addresses (${fields}); FortiOS requires them, so what it matches is unknown`),
      );
      sources.push(missing);
      destinations.push(missing);
    }

    const services = isdb ? ANY_SERVICE : this.services(entry, label, unknownPart);

    const name = valueOf(entry, 'name');
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
    const schedule = entry.settings.get('schedule');
    if (schedule && (schedule.malformed || (schedule.values[0] ?? 'always') !== 'always')) {
      conditions.push(
        unknownPart(`applies only during schedule ${q(schedule.values[0] ?? '?')}`, schedule.line),
      );
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
        name !== undefined && name !== '' && !entry.settings.get('name')?.malformed
          ? name
          : `${isAcl ? 'acl' : 'policy'} ${entry.name}`,
      id: entry.name,
      enabled: valueOf(entry, 'status') !== 'disable',
      action: action.action,
      vendorAction: action.vendorAction,
      sourceZones,
      destinationZones,
      sources: listExpr(sources),
      destinations: listExpr(destinations),
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
    const s = entry.settings.get('action');
    if (s?.malformed) {
      throw new InputError(
        this.path,
        s.line,
        `${label}${this.where}: malformed action (${s.malformed}); expected accept or deny`,
      );
    }
    const value = s?.values[0] ?? 'deny';
    switch (value) {
      case 'accept':
        return { action: 'allow', vendorAction: 'accept' };
      case 'deny':
        return { action: 'deny', vendorAction: s ? 'deny' : 'deny (default: no action set)' };
      case 'ipsec':
      case 'ssl-vpn':
        conditions.push({
          reason: `${label}: action ${value} sends matching traffic into a VPN tunnel, which this check can't follow`,
          location: { path: this.path, line: s!.line },
        });
        return { action: 'allow', vendorAction: value };
      default:
        throw new InputError(
          this.path,
          s!.line,
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
    const s = entry.settings.get(key);
    if (s?.malformed) {
      this.o.malformedLines.push(s.line);
      conditions.push(unknownPart(`its ${key} value has malformed quoting (${s.malformed})`, s.line));
      return ZoneSet.ANY;
    }
    if (!s || s.values.length === 0) {
      conditions.push(
        unknownPart(`no ${key}; FortiOS requires one, so which traffic it applies to is unknown`),
      );
      return ZoneSet.ANY;
    }
    const cacheKey = joined(s.values);
    let known = this.zoneLists.get(cacheKey);
    if (!known) {
      known = {
        set: s.values.includes('any') ? ZoneSet.ANY : ZoneSet.of(s.values),
        clean: s.values.every((name) => name === 'any' || this.o.zones.problem(name) === undefined),
      };
      this.zoneLists.set(cacheKey, known);
    }
    if (!known.clean) {
      for (const name of s.values) {
        const problem = name === 'any' ? undefined : this.o.zones.problem(name);
        if (problem === undefined) continue;
        conditions.push(unknownPart(`${key}: ${problem}`, s.line));
        this.o.log.warn(
          `${problem} (${key} of ${label}${this.where}), so whether the policy matches is unknown`,
          s.line,
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
    // `show full-configuration` may print a list with no values: that is no list.
    const given = (key: string): Setting | undefined => {
      const s = entry.settings.get(key);
      return s && (s.values.length > 0 || s.malformed) ? s : undefined;
    };
    const src = given(f.src);
    const dst = given(f.dst);
    const isdb = enabled(entry, f.isdb);
    const isdbSrc = enabled(entry, f.isdbSrc);
    if (!src && !dst && !isdb && !isdbSrc) return undefined;
    const book = f.family === 'ipv4' ? this.o.v4 : this.o.v6;

    const side = (
      s: Setting | undefined,
      key: string,
      negateKey: string,
      isdbOn: boolean,
      isdbKey: string,
    ): AddressExpr => {
      if (isdbOn) return withinFamily(this.isdbExpr(entry, isdbKey, label), f.family);
      if (s?.malformed) {
        this.o.malformedLines.push(s.line);
        return withinFamily(
          unknownExpr(unknownPart(`its ${key} value has malformed quoting (${s.malformed})`, s.line)),
          f.family,
        );
      }
      if (!s || s.values.length === 0) {
        return withinFamily(
          unknownExpr(
            unknownPart(`no ${key}; FortiOS requires one, so which addresses it matches is unknown`),
          ),
          f.family,
        );
      }
      return this.addressList(book, s, key, label, this.negation(entry, negateKey, f, key, unknownPart));
    };
    return {
      src: side(src, f.src, f.srcNegate, isdbSrc, f.isdbSrc),
      dst: side(dst, f.dst, f.dstNegate, isdb, f.isdb),
      isdb,
    };
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

  /** A list of address names as an expression restricted to the book's family. */
  private addressList(
    book: AddressBook,
    s: Setting,
    key: string,
    label: string,
    negate: boolean | UnknownPart,
  ): AddressExpr {
    if (typeof negate === 'object') return withinFamily(unknownExpr(negate), book.family);
    const what = `${key} of ${label}`;
    // One name: its object's own expression, shared by every rule naming it.
    if (s.values.length === 1 && !negate) return book.resolveWithin(s.values[0]!, { line: s.line, what });
    const lists = this.addressLists[book.family][negate ? 1 : 0];
    const cacheKey = s.values.join(SEP);
    let expr = lists.get(cacheKey);
    if (expr) return expr;
    let defined = true;
    const members = s.values.map((name) => {
      const e = book.resolve(name, { line: s.line, what });
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
    const s = entry.settings.get('service');
    if (s?.malformed) {
      this.o.malformedLines.push(s.line);
      return {
        kind: 'unknown',
        part: unknownPart(`its service value has malformed quoting (${s.malformed})`, s.line),
      };
    }
    if (!s || s.values.length === 0) {
      return {
        kind: 'unknown',
        part: unknownPart('no service; FortiOS requires one, so which ports it matches is unknown'),
      };
    }
    const negate = enabled(entry, 'service-negate');
    const what = `service of ${label}`;
    const book = this.o.services;
    // One name: its object's own expression.
    if (s.values.length === 1 && !negate) return book.resolve(s.values[0]!, { line: s.line, what });
    const lists = this.serviceLists[negate ? 1 : 0];
    const cacheKey = joined(s.values);
    let expr = lists.get(cacheKey);
    if (expr) return expr;
    let defined = true;
    const union = unionServiceExprs(
      s.values.map((name) => {
        const e = book.resolve(name, { line: s.line, what });
        defined &&= book.lastDefined;
        return e;
      }),
    );
    expr = negate ? { kind: 'not', of: union } : union;
    if (defined) lists.set(cacheKey, expr);
    return expr;
  }
}

/** A list of names as one map key (the name itself for one). */
function joined(values: readonly string[]): string {
  return values.length === 1 ? values[0]! : values.join(SEP);
}
