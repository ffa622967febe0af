import { policyName } from '../../evaluate/zone-scope.js';
import type { InputFile } from '../../input/input-file.js';
import { IntervalSet } from '../../model/interval-set.js';
import type { Policy, Rule } from '../../model/policy.js';
import { fixRuleName } from '../../remediate/naming.js';
import type { Edit, FixRequest, ProposedFix, Unfixable } from '../../remediate/types.js';
import { parseLiteralAddress } from './address-values.js';
import { locate, type Layout, type ObjectHome, type Place } from './remediate-layout.js';
import { ObjectPlan, type NewObject, type RunObjects } from './remediate-objects.js';
import { cliList, cliWord, memberList, xmlAttr, xmlText } from './remediate-syntax.js';
import { beforeElement, endOfPath, indentStep, wrapLines, type Insertion } from './remediate-text.js';
import { PanoramaRuleNames } from './panorama-rule-names.js';
import { readerDocuments } from './reader-documents.js';
import { parseXmlDocument, type XmlDocument, type XmlElement } from './xml-tree.js';

const PURPOSE: Record<FixRequest['group']['kind'], string> = {
  web: 'RemoteSpark web endpoints',
  media: 'RemoteSpark STUN/TURN media',
  dns: 'RemoteSpark DNS',
};

/** What one run's fixes for a policy share: objects defined, and lists created (which a later fix can't add to). */
interface RunState {
  doc: XmlDocument;
  objects: RunObjects;
  created: Set<string>;
  /**
   * The policy's rulebases and scopes, located once for all its fixes: their scopes index the export's
   * objects on first use, which a 428 MiB export with 800,000 address objects made cost a second per fix.
   */
  layout?: Layout | null;
}
/** Keyed by the run's set of taken rule names: one set per policy per remediation run. */
const runs = new WeakMap<ReadonlySet<string>, RunState>();
/** What one run's fixes did to a Panorama export, across its policies (device groups). */
interface PanoramaRun {
  /** The rule names in use, those of the run's fixes included. */
  names: PanoramaRuleNames;
  /** The run's fix rules, by place, position and content (name aside). */
  placed: Map<string, { policy: string; rule: string }>;
}
/** One per file per remediation run. */
const panoramaRuns = new WeakMap<InputFile, PanoramaRun>();

/** A list a fix creates, by where it goes. */
const listKey = (ins: Insertion) => `${ins.line}\u0000${ins.wrap[0] ?? ''}`;

/** The `<config>` element: the root, or inside the XML API's `<response><result>`. */
function configOf(doc: XmlDocument): XmlElement | undefined {
  if (doc.name(doc.root) === 'config') return doc.root;
  return doc.select(doc.root, 'result', 'config');
}

/** The `<entry>` of a rule, found by its name and line among the policy's rulebases. */
function entryOf(doc: XmlDocument, containers: readonly XmlElement[], rule: Rule): XmlElement | undefined {
  for (const rules of containers) {
    for (const e of doc.entries(rules)) {
      if (doc.attr(e, 'name') === rule.name && doc.lineOf(e) === rule.location.line) return e;
    }
  }
  return undefined;
}

/** The zone the clients arrive on, when every client address lies in one zone's connected subnets. */
function clientZone(policy: Policy, sources: IntervalSet | undefined): string | undefined {
  const subnets = policy.zones?.subnets;
  if (!sources || !subnets?.length || sources.isEmpty()) return undefined;
  const byZone = new Map<string, IntervalSet>();
  for (const s of subnets) byZone.set(s.zone, (byZone.get(s.zone) ?? IntervalSet.EMPTY).union(s.net));
  for (const [zone, net] of byZone) if (net.covers(sources)) return zone;
  return undefined;
}

/** What the deciding rule's entry tells: its zones (a plain universal rule's) and, for an allow rule, its sources. */
function deciderParts(
  doc: XmlDocument,
  layout: Layout,
  place: Place,
  rule: Rule | undefined,
): { from?: string[]; to?: string[]; sources?: string[] } {
  const entry = rule ? entryOf(doc, layout.rules, rule) : undefined;
  if (!rule || entry === undefined) return {};
  const members = (tag: string) => doc.memberTexts(doc.child(entry, tag));
  const type = doc.childText(entry, 'rule-type') ?? 'universal';
  const zones = type === 'universal' && !rule.sameZone ? { from: members('from'), to: members('to') } : {};
  const sources = members('source');
  // The names must mean in the new rule's rulebase what they mean where the reader resolved them.
  const same = (n: string) =>
    n === 'any' ||
    parseLiteralAddress(n) !== undefined ||
    (place.scope.find('address', n) !== undefined &&
      place.scope.find('address', n) === layout.own.find('address', n));
  const usable =
    rule.action === 'allow' &&
    doc.childText(entry, 'negate-source') !== 'yes' &&
    sources.length > 0 &&
    sources.every(same);
  return { ...zones, ...(usable ? { sources } : {}) };
}

/** Where the rule goes: right before the deciding rule in its rulebase, or at the end of the policy's own rules. */
function placement(
  doc: XmlDocument,
  layout: Layout,
  target: Rule | undefined,
  step: string,
): { place: Place; at: Insertion; before?: string } | string {
  const section = target?.section ?? '';
  const closed = layout.closed.get(section);
  if (target && closed)
    return `${closed} (rule ${JSON.stringify(target.name)}, line ${target.location.line})`;
  const place = target && layout.before.has(section) ? layout.places.get(section) : undefined;
  if (target && place) {
    const rules = doc.select(place.base, ...place.rulebasePath, 'security', 'rules');
    const entry = entryOf(doc, rules === undefined ? [] : [rules], target);
    if (entry === undefined) return `rule ${JSON.stringify(target.name)} was not found in ${place.label}`;
    const at = beforeElement(doc, entry);
    return typeof at === 'string' ? at : { place, at, before: target.name };
  }
  const at = endOfPath(doc, layout.append.base, [...layout.append.rulebasePath, 'security', 'rules'], step);
  return typeof at === 'string' ? at : { place: layout.append, at };
}

/** The commands for the CLI in configure mode, or why the names can't be typed. */
function commands(
  place: Place,
  name: string,
  objects: readonly { cli: Place['cli']; words: string[] }[],
  parts: Record<'from' | 'to' | 'sources' | 'destinations' | 'services', readonly string[]>,
  purpose: string,
  before: string | undefined,
): string[] | string {
  for (const c of [place.cli, ...objects.map((o) => o.cli)]) if (!Array.isArray(c)) return c.untypable;
  const bad: string[] = [];
  const w = (s: string) => {
    const word = cliWord(s);
    if (word === undefined) bad.push(s);
    return word ?? '';
  };
  const list = (xs: readonly string[]) => cliList(xs.map(w));
  const words = (c: Place['cli']) => (Array.isArray(c) ? c.join(' ') : '');
  const scope = words(place.cli);
  const set = (rest: string, at = scope) => ['set', at, rest].filter(Boolean).join(' ');
  const rulebase = `${place.rulebaseWord} security rules ${w(name)}`;
  const out = [
    ...objects.map((o) => set(o.words.map(w).join(' '), words(o.cli))),
    set(
      `${rulebase} from ${list(parts.from)} to ${list(parts.to)} source ${list(parts.sources)} destination ${list(parts.destinations)} source-user any category any application any service ${list(parts.services)} action allow description ${w(purpose)}`,
    ),
    // `set` adds a rule at the bottom of its rulebase; `move ... before` puts it in place.
    ...(before !== undefined
      ? [['move', scope, `${rulebase} before ${w(before)}`].filter(Boolean).join(' ')]
      : []),
  ];
  return bad.length ? bad[0]! : out;
}

/**
 * PAN-OS fix: one security rule `<entry>` in the rulebase where it decides first (a vsys rulebase, a
 * Panorama device group's or Shared's pre- or post-rulebase), before the rule that denies the flows, with
 * the FQDN and service objects it needs defined in the same scope (existing ones reused where they match
 * exactly); and the same as `set` and `move` commands for the CLI's configure mode.
 */
export function remediatePanos(req: FixRequest): ProposedFix | Unfixable {
  const policy = req.policy;
  const file: InputFile | undefined = req.files.find((f) => f.path === policy.paths[0]) ?? req.files[0];
  if (!file) return { unfixable: 'the export is not at hand' };
  let state = runs.get(req.ruleNames);
  if (!state || state.doc.path !== file.path) {
    // The document the reader kept, with its layout; a file read some other way is parsed, once per
    // policy and run: every group's fix reads the same export.
    const kept = readerDocuments.get(file);
    const doc = kept?.hasLayout ? kept : parseXmlDocument(file);
    state = { doc, objects: new Map(), created: new Set() };
    runs.set(req.ruleNames, state);
  }
  const doc = state.doc;
  if (state.layout === undefined) {
    const config = configOf(doc);
    state.layout = (config === undefined ? undefined : locate(doc, config, policy)) ?? null;
  }
  const layout = state.layout;
  if (!layout)
    return {
      unfixable: `the rulebases of ${JSON.stringify(policy.name ?? '')} could not be told apart in the export`,
    };
  const step = indentStep(doc);
  const target = req.before >= 0 ? policy.rules[req.before] : undefined;
  const where = placement(doc, layout, target, step);
  if (typeof where === 'string') return { unfixable: where };
  const { place, at } = where;
  const g = req.group;
  const notes: string[] = [];
  const plan = new ObjectPlan(doc, place.scope, state.objects);
  const decider = deciderParts(doc, layout, place, req.fallbackSourcesOf);

  let sources: string[];
  if (req.sources) {
    sources = [];
    for (const text of req.sources.texts) {
      const set = parseLiteralAddress(text);
      if (!set)
        return {
          unfixable: `the client address ${JSON.stringify(text)} can't be written as a PAN-OS address`,
        };
      sources.push(plan.source(text, set));
    }
  } else if (decider.sources) {
    sources = decider.sources;
    notes.push(
      `no client sources were given (--source): the rule takes the sources of ${JSON.stringify(req.fallbackSourcesOf!.name)}, the rule the flows are meant to pass`,
    );
  } else {
    sources = ['any'];
    notes.push(
      'no client sources were given (--source): the rule allows any source; name the clients for a narrower rule',
    );
  }
  const inferred = clientZone(policy, req.sources?.set);
  const from = req.sourceZones ?? (inferred ? [inferred] : undefined) ?? decider.from ?? ['any'];
  // With the egress zone unknown, only `any` holds whichever zone reaches the internet.
  const to = req.destinationZones ?? (policy.egressZones === 'unknown' ? undefined : decider.to) ?? ['any'];

  let destinations: string[];
  if (!g.anyDestination) destinations = plan.hosts(g.hosts);
  else if (g.relays) {
    destinations = [...g.relays.text];
    const bad = destinations.find((d) => parseLiteralAddress(d) === undefined);
    if (bad)
      return { unfixable: `the relay address ${JSON.stringify(bad)} can't be written as a PAN-OS address` };
  } else destinations = ['any'];
  const services: string[] = [];
  for (const protocol of ['tcp', 'udp'] as const) {
    const ports = g.services.filter((s) => s.protocol === protocol).map((s) => s.port);
    if (ports.length) services.push(...plan.services(protocol, ports));
  }

  // On Panorama the name must be free in the whole device-group hierarchy, not only in this policy.
  const group = place.group;
  let run: PanoramaRun | undefined;
  if (group !== undefined) {
    run = panoramaRuns.get(file);
    if (!run) {
      run = { names: new PanoramaRuleNames(doc, configOf(doc)!), placed: new Map() };
      panoramaRuns.set(file, run);
    }
  }
  const name = fixRuleName(g.kind, {
    has: (n) => req.ruleNames.has(n) || (group !== undefined && run!.names.taken(group, n)),
  });
  const purpose = `${PURPOSE[g.kind]} (remotespark-firewall-check)`;
  const ruleLines = (pad: string) => [
    `${pad}<entry name="${xmlAttr(name)}">`,
    ...memberList(pad + step, step, 'from', from),
    ...memberList(pad + step, step, 'to', to),
    ...memberList(pad + step, step, 'source', sources),
    ...memberList(pad + step, step, 'destination', destinations),
    ...memberList(pad + step, step, 'source-user', ['any']),
    ...memberList(pad + step, step, 'category', ['any']),
    // App-ID would make the flow's verdict depend on what the firewall identifies: any application.
    ...memberList(pad + step, step, 'application', ['any']),
    ...memberList(pad + step, step, 'service', services),
    `${pad}${step}<action>allow</action>`,
    `${pad}${step}<description>${xmlText(purpose)}</description>`,
    `${pad}</entry>`,
  ];

  // A rule in Shared or a device group applies to every group under it: where a fix for another group
  // of this run put the same rule at the same place, this one would only repeat it.
  const same = run && `${place.label}\u0000${at.line}\u0000${ruleLines('').slice(1).join('\n')}`;
  const earlier = same ? run!.placed.get(same) : undefined;
  if (earlier) {
    return {
      unfixable: `these flows are already allowed by the fix for ${earlier.policy} (rule ${JSON.stringify(earlier.rule)}), the same rule in the ${place.label}: nothing more to add`,
    };
  }

  const edits: Edit[] = [];
  const created: string[] = [];
  const insert = (ins: Insertion, content: (pad: string) => string[]): string | undefined => {
    if (ins.wrap.length) {
      const key = listKey(ins);
      if (state.created.has(key)) {
        return `the fix needs the <${ins.wrap[0]}> list an earlier fix for this policy creates (line ${ins.line}); apply that fix and check again`;
      }
      created.push(key);
    }
    edits.push({ path: file.path, line: ins.line, insert: `${wrapLines(ins, step, content).join('\n')}\n` });
    return undefined;
  };
  const homes = new Map<NewObject['list'], ObjectHome>();
  for (const list of ['address', 'service'] as const) {
    const objects = plan.created.filter((o) => o.list === list);
    if (!objects.length) continue;
    // The rule's own scope; Shared (visible everywhere) when an earlier fix of this run creates the list.
    let home: ObjectHome = { ...place, label: place.scope.label };
    let ins = endOfPath(doc, home.base, [...home.objectsPath, list], step);
    if (typeof ins !== 'string' && ins.wrap.length && state.created.has(listKey(ins))) {
      home = layout.shared;
      ins = endOfPath(doc, home.base, [...home.objectsPath, list], step);
    }
    const why =
      typeof ins === 'string' ? ins : insert(ins, (pad) => objects.flatMap((o) => o.lines(pad, step)));
    if (why) return { unfixable: why };
    homes.set(list, home);
  }
  const why = insert(at, ruleLines);
  if (why) return { unfixable: why };
  plan.commit();
  created.forEach((k) => state.created.add(k));

  if (place.scope !== layout.own) {
    notes.push(
      `the rule goes in the ${place.label}, before ${JSON.stringify(where.before ?? '')} which decides there: it applies to every device group under it`,
    );
  }
  for (const [list, home] of homes) {
    const names = plan.created.filter((o) => o.list === list).map((o) => o.name);
    notes.push(`new ${list} objects in ${home.label}: ${names.join(', ')}`);
  }
  const cmds = commands(
    place,
    name,
    plan.created.map((o) => ({ cli: homes.get(o.list)!.cli, words: o.cli })),
    { from, to, sources, destinations, services },
    purpose,
    where.before,
  );
  if (typeof cmds === 'string') {
    notes.push(
      `no CLI commands: the name ${JSON.stringify(cmds)} holds characters the PAN-OS CLI can't take (quotes, backslashes or line breaks); apply the edits to the export instead`,
    );
  }
  // Taken only by a fix that is written: a later fix may use what an unfixable one would have.
  if (group !== undefined) run!.names.take(group, name);
  if (same) run!.placed.set(same, { policy: policyName(policy), rule: name });
  return { name, edits, commands: typeof cmds === 'string' ? [] : cmds, notes };
}
