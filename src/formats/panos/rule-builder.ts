import { listExpr, notExpr, type AddressExpr } from '../../model/address.js';
import type { SourceLocation, UnknownPart } from '../../model/location.js';
import type { Rule } from '../../model/policy.js';
import type { ServiceExpr } from '../../model/service.js';
import { ZoneSet } from '../../model/zone-set.js';
import type { AddressResolver } from './addresses.js';
import type { ApplicationResolver } from './applications.js';
import type { Scope } from './scopes.js';
import { APPLICATION_DEFAULT, type ServiceResolver } from './services.js';
import type { StaleReferences } from './stale-references.js';
import type { XmlDocument, XmlElement } from './xml-tree.js';
import { unionServiceExprs } from '../../model/service.js';

/**
 * Security rule actions ("Policies > Security", Actions tab): allow lets the session through; deny, drop
 * and the three resets block it (deny applies the application's default deny action).
 */
const ACTIONS = new Set(['allow', 'deny', 'drop', 'reset-client', 'reset-server', 'reset-both']);

/** Rule elements that don't restrict which traffic matches. */
const NOT_MATCHING = new Set([
  'description',
  'tag',
  'group-tag',
  'log-start',
  'log-end',
  'log-setting',
  'profile-setting',
  'option',
  'qos',
  'icmp-unreachable',
  'disabled',
  'rule-type',
  'negate-source',
  'negate-destination',
  'audit-comment',
  'uuid',
]);

/**
 * Match conditions the config can't decide for a RemoteSpark client: who the user is (User-ID), the
 * device's HIP posture, the URL category of the destination, the device objects. Any value but `any`
 * makes the rule "maybe" ("Components of a Security Policy Rule").
 */
const UNDECIDABLE: Record<string, string> = {
  'source-user': 'source user (User-ID)',
  category: 'URL category',
  'source-hip': 'source HIP profile',
  'destination-hip': 'destination HIP profile',
  'hip-profiles': 'HIP profile',
  'source-device': 'source device object',
  'destination-device': 'destination device object',
};

/** What rules of one policy share: where names resolve, the zones, and the resolvers. */
export interface RuleContext {
  doc: XmlDocument;
  /** Where the rule's object names are looked up. */
  scope: Scope;
  addresses: AddressResolver;
  services: ServiceResolver;
  applications: ApplicationResolver;
  /** Whether decryption rules may decrypt TLS (App-ID then sees the application inside). */
  decrypting: boolean;
  /** Zones of the vsys (or named in the policy): interzone rules expand over them. */
  knownZones: readonly string[];
  /** Whether the firewall may have zones besides `knownZones` (see ZoneFacts.incomplete). */
  zonesIncomplete: boolean;
  /** Zone names rules may use; undefined when the config doesn't define them (Panorama, templates). */
  definedZones: ReadonlySet<string> | undefined;
  stale: StaleReferences;
  zoneCache: Map<string, ZoneSet>;
  slots: RuleSlots;
}

/** The children of a rule entry read by tag, in the order of `RuleSlots` indexes. */
const SLOT_TAGS = [
  'from',
  'to',
  'source',
  'destination',
  'service',
  'application',
  'action',
  'disabled',
  'negate-source',
  'negate-destination',
  'rule-type',
] as const;
type SlotTag = (typeof SLOT_TAGS)[number];
/** The member lists every rule must have. */
type RequiredTag = (typeof SLOT_TAGS)[0 | 1 | 2 | 3 | 4 | 5];
/** Slot value of a tag that doesn't restrict matching; any other tag is a condition. */
const IGNORED = -2;
const CONDITION = -3;

/**
 * Where each child of a rule entry goes, by element name id (names are interned per document, so a rule's
 * children are sorted without comparing strings), and the scratch array a rule's children are put in.
 */
export interface RuleSlots {
  slotOf: Int8Array;
  found: Int32Array;
}

export function ruleSlots(doc: XmlDocument): RuleSlots {
  const slotOf = new Int8Array(doc.nameCount).fill(CONDITION);
  for (const tag of NOT_MATCHING) {
    const id = doc.nameIdOf(tag);
    if (id >= 0) slotOf[id] = IGNORED;
  }
  SLOT_TAGS.forEach((tag, i) => {
    const id = doc.nameIdOf(tag);
    if (id >= 0) slotOf[id] = i;
  });
  return { slotOf, found: new Int32Array(SLOT_TAGS.length) };
}

/** A rule's `<member>` list: the list element (for error lines) and the members' trimmed texts. */
interface MemberList {
  el: XmlElement;
  names: string[];
}

const REQUIRED: Record<RequiredTag, string> = {
  from: 'zone names or any',
  to: 'zone names or any',
  source: 'address objects, groups, addresses or any',
  destination: 'address objects, groups, addresses or any',
  service: 'services, service groups, application-default or any',
  application: 'applications, application groups or any',
};

/** The child of a rule entry with this tag (see RuleSlots), if any. */
function slotElement(found: Int32Array, tag: SlotTag): XmlElement | undefined {
  const el = found[SLOT_TAGS.indexOf(tag)]!;
  return el < 0 ? undefined : el;
}

const ruleLabel = (name: string) => `rule "${name}"`;

/** A member list every rule must have, with at least one member. */
function requiredList(
  doc: XmlDocument,
  found: Int32Array,
  tag: RequiredTag,
  entry: XmlElement,
  name: string,
): MemberList {
  const el = slotElement(found, tag);
  const names = el === undefined ? [] : doc.memberTexts(el);
  if (el === undefined || names.length === 0) {
    throw doc.error(el ?? entry, `${ruleLabel(name)} has no <${tag}> members; expected ${REQUIRED[tag]}`);
  }
  return { el, names };
}

/** A yes/no flag of a rule; absent is no. */
function flagIsYes(doc: XmlDocument, found: Int32Array, tag: SlotTag, name: string): boolean {
  const el = slotElement(found, tag);
  const t = el === undefined ? undefined : doc.textOf(el);
  if (t === undefined || t === 'no') return false;
  if (t === 'yes') return true;
  throw doc.error(el!, `${ruleLabel(name)}: <${tag}> is "${t}"; expected yes or no`);
}

/** A security rule `<entry>`'s name (its `name` attribute). */
export function ruleName(doc: XmlDocument, entry: XmlElement): string {
  const name = doc.attr(entry, 'name');
  if (name === undefined) throw doc.error(entry, 'a security rule <entry> without a name attribute');
  return name;
}

/**
 * Builds the rules of one security rulebase `<entry>`, named `name` (ruleName), into `out` (one Rule, or
 * one per zone for interzone rules; see `zonePairs`). Reads the entry's children in one pass; a 100 MB
 * export has tens of thousands of rules, so nothing is allocated here that the rule doesn't keep.
 */
export function buildRules(
  entry: XmlElement,
  name: string,
  section: string,
  ctx: RuleContext,
  out: Rule[],
): void {
  const doc = ctx.doc;
  const location: SourceLocation = { path: doc.path, line: doc.lineOf(entry) };

  // A tag given twice: the last one counts.
  const { slotOf, found } = ctx.slots;
  found.fill(-1);
  let conditions: UnknownPart[] | undefined;
  for (let el = doc.firstChild(entry); el >= 0; el = doc.nextSibling(el)) {
    const slot = slotOf[doc.nameIdAt(el)]!;
    if (slot >= 0) found[slot] = el;
    else if (slot === CONDITION) {
      const c = condition(doc, el, doc.name(el), name, location);
      if (c) (conditions ??= []).push(c);
    }
  }

  const actionEl = slotElement(found, 'action');
  const actionText = actionEl === undefined ? undefined : doc.textOf(actionEl);
  if (actionText === undefined || !ACTIONS.has(actionText)) {
    throw doc.error(
      actionEl ?? entry,
      actionText === undefined
        ? `${ruleLabel(name)} has no <action>; expected allow, deny, drop, reset-client, reset-server or reset-both`
        : `${ruleLabel(name)}: unknown action "${actionText}"; expected allow, deny, drop, reset-client, reset-server or reset-both`,
    );
  }
  const from = requiredList(doc, found, 'from', entry, name);
  const to = requiredList(doc, found, 'to', entry, name);
  const source = requiredList(doc, found, 'source', entry, name);
  const destination = requiredList(doc, found, 'destination', entry, name);
  const service = requiredList(doc, found, 'service', entry, name);
  const application = requiredList(doc, found, 'application', entry, name);
  const negateSource = flagIsYes(doc, found, 'negate-source', name);
  const negateDestination = flagIsYes(doc, found, 'negate-destination', name);
  const enabled = !flagIsYes(doc, found, 'disabled', name);
  const typeEl = slotElement(found, 'rule-type');

  const sources = addressList(ctx, source, negateSource);
  const destinations = addressList(ctx, destination, negateDestination);
  const services = ruleServices(ctx, name, service, application);
  if (ctx.definedZones) {
    for (let i = 0; i < from.names.length; i++) checkZone(ctx, name, from, i);
    for (let i = 0; i < to.names.length; i++) checkZone(ctx, name, to, i);
  }

  const ruleType = typeEl === undefined ? 'universal' : doc.textOf(typeEl);
  if (ruleType !== 'universal' && ruleType !== 'intrazone' && ruleType !== 'interzone') {
    throw doc.error(
      typeEl!,
      `${ruleLabel(name)}: unknown rule-type "${ruleType}"; expected universal, intrazone or interzone`,
    );
  }
  const uuid = doc.attr(entry, 'uuid');
  const pairs =
    ruleType === 'universal'
      ? [{ from: zoneSet(ctx, from.names), to: zoneSet(ctx, to.names) } as ZonePair]
      : zonePairs(ctx, ruleType, from.names, to.names, location);
  for (const pair of pairs) {
    const r: Rule = {
      ...(pair.sameZone ? { sameZone: true } : {}),
      name,
      enabled,
      action: actionText === 'allow' ? 'allow' : 'deny',
      sourceZones: pair.from,
      destinationZones: pair.to,
      sources,
      destinations,
      services,
      location,
      section,
    };
    if (uuid) r.id = uuid;
    if (actionText !== 'allow') r.vendorAction = actionText;
    const all = pair.condition ? [...(conditions ?? []), pair.condition] : conditions;
    if (all !== undefined) r.conditions = all;
    out.push(r);
  }
}

function zoneSet(ctx: RuleContext, names: readonly string[]): ZoneSet {
  if (names.includes('any')) return ZoneSet.ANY;
  const key = names.length === 1 ? names[0]! : names.join('\u0000');
  let z = ctx.zoneCache.get(key);
  if (!z) {
    z = ZoneSet.of(names);
    ctx.zoneCache.set(key, z);
  }
  return z;
}

/**
 * A zone the vsys doesn't define is a stale reference: the rule keeps the name (a trimmed export may have
 * left the zone out; the policy's zones then count as incomplete) and a warning says so.
 */
function checkZone(ctx: RuleContext, name: string, list: MemberList, i: number): void {
  const zone = list.names[i]!;
  if (zone === 'any' || !ctx.definedZones || ctx.definedZones.has(zone)) return;
  const at = ctx.doc.memberAt(list.el, i);
  ctx.stale.add([
    {
      what: `${ruleLabel(name)}: undefined zone "${zone}" (${ctx.scope.label} defines ${[...ctx.definedZones].join(', ')})`,
      location: { path: ctx.doc.path, line: ctx.doc.lineOf(at) },
    },
  ]);
}

interface ZonePair {
  from: ZoneSet;
  to: ZoneSet;
  sameZone?: boolean;
  condition?: UnknownPart;
}

/**
 * The zone pairs a rule covers ("Components of a Security Policy Rule", Rule Type): universal rules every
 * pair of their source and destination zones; intrazone rules traffic within each source zone (the
 * destination zones don't count), which `sameZone` says exactly; interzone rules traffic between
 * different zones. A zone set can't say "another zone than the source", so interzone rules become one
 * rule per zone; between two zones the config doesn't show (where it may have more), whether they differ
 * can't be told: that part only "may" match.
 */
export function zonePairs(
  ctx: Pick<RuleContext, 'knownZones' | 'zonesIncomplete' | 'zoneCache'>,
  ruleType: string,
  from: readonly string[],
  to: readonly string[],
  location: SourceLocation,
): ZonePair[] {
  const fromSet = zoneSet(ctx as RuleContext, from);
  const toSet = zoneSet(ctx as RuleContext, to);
  if (ruleType === 'universal') return [{ from: fromSet, to: toSet }];
  if (ruleType === 'intrazone') return [{ from: fromSet, to: fromSet, sameZone: true }];
  const zones = fromSet.isAny() ? ctx.knownZones : from;
  const pairs: ZonePair[] = zones.map((z) => ({
    from: ZoneSet.of([z]),
    to: toSet.subtract(ZoneSet.of([z])),
  }));
  if (fromSet.isAny()) {
    // Traffic from a zone the config doesn't name to one it does is interzone too.
    const known = ZoneSet.of(zones);
    pairs.push({ from: ZoneSet.allBut(zones), to: toSet.intersect(known) });
    if (ctx.zonesIncomplete || zones.length === 0) {
      pairs.push({
        from: ZoneSet.allBut(zones),
        to: toSet.subtract(known),
        condition: {
          reason:
            "interzone rule: between two zones the config doesn't show, whether they are different can't be told",
          location,
        },
      });
    }
  }
  return pairs.filter((p) => !p.to.isEmpty());
}

function addressList(ctx: RuleContext, list: MemberList, negate: boolean): AddressExpr {
  const names = list.names;
  const union = listExpr(names.map((n, i) => ctx.addresses.member(n, ctx.scope, list.el, i)));
  // negate-source / negate-destination: the rule matches every address not in the list.
  return negate ? notExpr(union) : union;
}

function ruleServices(
  ctx: RuleContext,
  name: string,
  service: MemberList,
  application: MemberList,
): ServiceExpr {
  const appDefault = service.names.includes(APPLICATION_DEFAULT);
  if (appDefault && service.names.length > 1) {
    throw ctx.doc.error(
      service.el,
      `${ruleLabel(name)}: application-default can't be combined with other services`,
    );
  }
  const apps = ctx.applications.applicationSet(application.el, application.names, ctx.scope);
  const services = appDefault
    ? undefined
    : unionServiceExprs(service.names.map((n, i) => ctx.services.member(n, ctx.scope, service.el, i)));
  return ctx.applications.ruleServices(apps, services, appDefault, ctx.decrypting);
}

/** The condition a rule element sets that the config can't decide, if any. */
function condition(
  doc: XmlDocument,
  el: XmlElement,
  tag: string,
  name: string,
  location: SourceLocation,
): UnknownPart | undefined {
  if (tag === 'schedule') {
    const s = doc.textOf(el);
    return s ? { reason: `${ruleLabel(name)} applies only during schedule "${s}"`, location } : undefined;
  }
  if (tag === 'target') {
    // Panorama: a rule can target some of the device group's firewalls only.
    const devices = doc.entries(doc.child(el, 'devices'));
    const negate = doc.childText(el, 'negate') === 'yes';
    return devices.length > 0 || negate
      ? {
          reason: `${ruleLabel(name)} applies only to some firewalls of the device group (its target)`,
          location,
        }
      : undefined;
  }
  if (doc.membersAllAre(el, 'any')) return undefined;
  const names = doc.memberTexts(el);
  if (names.length === 0 || names.every((n) => n === 'any')) return undefined;
  const label = UNDECIDABLE[tag] ?? `<${tag}>`;
  return {
    reason: `${ruleLabel(name)} matches only ${label} ${names.map((n) => `"${n}"`).join(', ')}`,
    location,
  };
}
