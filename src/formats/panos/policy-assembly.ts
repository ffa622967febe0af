import type { SourceLocation } from '../../model/location.js';
import type { Policy, Rule, ZoneFacts } from '../../model/policy.js';
import type { ZoneSet } from '../../model/zone-set.js';
import { AddressResolver } from './addresses.js';
import { ApplicationResolver } from './applications.js';
import { defaultRules, type DefaultRuleSettings } from './default-rules.js';
import { panosFormat } from './detect.js';
import { buildRules, ruleName, ruleSlots, type RuleContext, type RuleSlots } from './rule-builder.js';
import type { Scope } from './scopes.js';
import { ServiceResolver } from './services.js';
import { StaleReferences } from './stale-references.js';
import type { XmlDocument, XmlElement } from './xml-tree.js';

export const FORMAT_ID = panosFormat.id;

/** The resolvers of one document, shared by all its policies so each object is resolved once. */
export class DocumentResolvers {
  readonly addresses: AddressResolver;
  readonly services: ServiceResolver;
  readonly applications: ApplicationResolver;
  readonly zoneCache = new Map<string, ZoneSet>();
  readonly ruleSlots: RuleSlots;
  readonly stale = new StaleReferences();

  constructor(readonly doc: XmlDocument) {
    this.addresses = new AddressResolver(doc, this.stale);
    this.services = new ServiceResolver(doc, this.stale);
    this.applications = new ApplicationResolver(doc);
    this.ruleSlots = ruleSlots(doc);
  }

  /**
   * Checks every object of a scope, so a bad object is reported even when no rule uses it; called once
   * the scope's rules are built (see AddressResolver.checkAll).
   */
  checkScope(scope: Scope): void {
    this.addresses.checkAll(scope);
    this.services.checkAll(scope);
  }
}

/** One rulebase in evaluation order: its `<rules>` element (if any) and how reports name it. */
export interface RulebaseSection {
  rules: XmlElement | undefined;
  label: string;
}

/** A rulebase (`<rulebase>`, `<pre-rulebase>`, `<post-rulebase>`) as a section of security rules. */
export function securitySection(
  doc: XmlDocument,
  rulebase: XmlElement | undefined,
  label: string,
): RulebaseSection {
  return { rules: doc.select(rulebase, 'security', 'rules'), label };
}

/**
 * Whether any enabled decryption rule of these rulebases decrypts ("Policies > Decryption": action
 * decrypt); App-ID then identifies the application inside TLS instead of `ssl`.
 */
export function hasDecryption(doc: XmlDocument, rulebases: readonly (XmlElement | undefined)[]): boolean {
  for (const rb of rulebases) {
    for (const rule of doc.entries(doc.select(rb, 'decryption', 'rules'))) {
      if (doc.childText(rule, 'action') === 'decrypt' && doc.childText(rule, 'disabled') !== 'yes')
        return true;
    }
  }
  return false;
}

/** The zone names rules of these sections use in from/to (besides any), in order of first use. */
export function namedZones(doc: XmlDocument, sections: readonly RulebaseSection[]): string[] {
  const out = new Set<string>();
  // By name id and links rather than lists of elements: this walks every rule of a large rulebase.
  const entry = doc.nameIdOf('entry');
  const from = doc.nameIdOf('from');
  const to = doc.nameIdOf('to');
  const member = doc.nameIdOf('member');
  const tags = [from, to];
  for (const s of sections) {
    if (s.rules === undefined) continue;
    for (let rule = doc.firstChild(s.rules); rule >= 0; rule = doc.nextSibling(rule)) {
      if (doc.nameIdAt(rule) !== entry) continue;
      for (const tag of tags) {
        // The first <from> / <to>, as doc.child finds it.
        let list = doc.firstChild(rule);
        while (list >= 0 && doc.nameIdAt(list) !== tag) list = doc.nextSibling(list);
        if (list < 0) continue;
        for (let m = doc.firstChild(list); m >= 0; m = doc.nextSibling(m)) {
          if (doc.nameIdAt(m) !== member) continue;
          const z = doc.textOf(m);
          if (z !== 'any') out.add(z);
        }
      }
    }
  }
  return [...out];
}

export interface PolicyParts {
  doc: XmlDocument;
  resolvers: DocumentResolvers;
  name: string;
  scope: Scope;
  sections: readonly RulebaseSection[];
  decrypting: boolean;
  /** The policy's zones: interzone rules expand over `known`. */
  zones: ZoneFacts;
  /** Zone names rules must use (a standalone firewall's own zones); others are stale references. */
  definedZones: ReadonlySet<string> | undefined;
  defaults: DefaultRuleSettings;
  /** Where the default rules are reported when no override names a line. */
  defaultsLocation: SourceLocation;
  egressZones: ZoneSet | 'unknown';
  notes: string[];
}

/** The `<rules>` lists already checked for names given twice, per document (Shared's serve every group). */
const checkedLists = new WeakMap<XmlDocument, Set<XmlElement>>();

/**
 * The names read so far from a `<rules>` list, to refuse one given twice: PAN-OS keys a list's `<entry>`
 * elements by their name (the XML API addresses one as `entry[@name='...']`), so a device never exports
 * two, and a patch that adds a second is not a config the device takes. Undefined when the list was
 * checked already, for another policy.
 */
function namesOfList(doc: XmlDocument, section: RulebaseSection): Map<string, XmlElement> | undefined {
  if (section.rules === undefined) return undefined;
  let checked = checkedLists.get(doc);
  if (!checked) checkedLists.set(doc, (checked = new Set()));
  if (checked.has(section.rules)) return undefined;
  checked.add(section.rules);
  return new Map();
}

/** The rules of all sections in order, then the default rules. */
export function assemblePolicy(p: PolicyParts): Policy {
  const ctx: RuleContext = {
    doc: p.doc,
    scope: p.scope,
    addresses: p.resolvers.addresses,
    services: p.resolvers.services,
    applications: p.resolvers.applications,
    decrypting: p.decrypting,
    knownZones: p.zones.known,
    zonesIncomplete: p.zones.incomplete,
    definedZones: p.definedZones,
    zoneCache: p.resolvers.zoneCache,
    slots: p.resolvers.ruleSlots,
    stale: p.resolvers.stale,
  };
  p.resolvers.stale.beginPolicy();
  const rules: Rule[] = [];
  let count = 0;
  const doc = p.doc;
  for (const section of p.sections) {
    const seen = namesOfList(doc, section);
    for (const entry of doc.entries(section.rules)) {
      count++;
      const name = ruleName(doc, entry);
      if (seen) {
        const first = seen.get(name);
        if (first !== undefined) {
          throw doc.error(
            entry,
            `rule ${JSON.stringify(name)} is defined twice in the ${section.label} (first at line ${doc.lineOf(first)})`,
          );
        }
        seen.set(name, entry);
      }
      buildRules(entry, name, section.label, ctx, rules);
    }
  }
  const warnings = p.resolvers.stale.endPolicy();
  const defaults = defaultRules(p.doc, p.defaults, p.defaultsLocation);
  rules.push(...defaults.rules);
  const notes = [...p.notes];
  if (count === 0) notes.push('the rulebase has no security rules: the default rules decide all traffic');
  if (p.decrypting) {
    notes.push(
      'decryption rules decrypt some TLS: App-ID may then see the application inside instead of "ssl"',
    );
  }
  return {
    format: FORMAT_ID,
    paths: [p.doc.path],
    name: p.name,
    rules,
    default: defaults.decision,
    egressZones: p.egressZones,
    zones: p.zones,
    ...(warnings.length > 0 ? { warnings } : {}),
    notes,
  };
}
