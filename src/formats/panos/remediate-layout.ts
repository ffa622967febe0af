import type { Policy } from '../../model/policy.js';
import { deviceGroupParents } from './panorama.js';
import { SHARED } from './panorama-rule-names.js';
import { cliWord } from './remediate-syntax.js';
import { Scope } from './scopes.js';
import type { XmlDocument, XmlElement } from './xml-tree.js';

/** One rulebase a fix can be written into, with where its objects go and how the CLI names it. */
export interface Place {
  /** The Rule.section label the reader gives its rules. */
  label: string;
  /** The element the rulebase and the object lists are found (or created) under, and the paths from it. */
  base: XmlElement;
  rulebasePath: string[];
  objectsPath: string[];
  /** Where names used by its rules resolve (and where new objects are defined). */
  scope: Scope;
  /** CLI words before `address`, `service` or the rulebase (`device-group X`), or a name it can't type. */
  cli: string[] | { untypable: string };
  rulebaseWord: 'rulebase' | 'pre-rulebase' | 'post-rulebase';
  /** On Panorama: the device group the rulebase is in, SHARED ('') for Shared (panorama-rule-names.ts). */
  group?: string;
}

/** A policy's rulebases as the fix sees them: what it may write, what it can't, where to append. */
export interface Layout {
  places: Map<string, Place>;
  /** Sections a fix can't go before, and why (rules Panorama pushed to a firewall). */
  closed: Map<string, string>;
  /** Sections where the fix goes right before the rule that decides (else it is appended, see `append`). */
  before: Set<string>;
  /** Where a rule goes when the deciding rule comes after the policy's own rules (or is a default). */
  append: Place;
  /** The scope the reader resolves the policy's names in. */
  own: Scope;
  /** Every `<rules>` element of the policy, to find a rule's entry by its line. */
  rules: XmlElement[];
  /** The Shared location, where objects go when the rule's own scope can't take them. */
  shared: ObjectHome;
}

/** Where objects are defined: the element, the path from it to the object lists' parent, the CLI words. */
export interface ObjectHome {
  base: XmlElement;
  objectsPath: string[];
  cli: Place['cli'];
  label: string;
}

const sharedHome = (config: XmlElement): ObjectHome => ({
  base: config,
  objectsPath: ['shared'],
  cli: ['shared'],
  label: 'shared',
});

const cliPrefix = (words: [string, string] | [string]): Place['cli'] => {
  if (words.length === 1) return words;
  const w = cliWord(words[1]);
  return w === undefined ? { untypable: words[1] } : [words[0], w];
};

function rulesOf(doc: XmlDocument, rulebase: XmlElement | undefined): XmlElement | undefined {
  return doc.select(rulebase, 'security', 'rules');
}

/** The vsys of a firewall export the policy was read from (named as the reader names them). */
function firewallLayout(doc: XmlDocument, config: XmlElement, name: string): Layout | undefined {
  const pushed = doc.child(config, 'panorama');
  const pushedShared = doc.child(pushed, 'shared');
  const pushedSharedScope =
    pushedShared !== undefined ? new Scope(doc, 'pushed shared', pushedShared, undefined, true) : undefined;
  const shared = new Scope(doc, 'shared', doc.child(config, 'shared'), pushedSharedScope, true);
  const devices = doc.entries(doc.child(config, 'devices'));
  for (const device of devices) {
    const all = doc.entries(doc.child(device, 'vsys'));
    for (const vsys of all) {
      const vsysName = doc.attr(vsys, 'name') ?? '';
      if ((devices.length > 1 ? `${doc.attr(device, 'name') ?? ''}/${vsysName}` : vsysName) !== name)
        continue;
      const fromPanorama = doc
        .entries(doc.child(pushed, 'vsys'))
        .find((e) => doc.attr(e, 'name') === vsysName);
      const pushedScope =
        fromPanorama !== undefined ? new Scope(doc, 'pushed', fromPanorama, shared, false) : undefined;
      const scope = new Scope(doc, `vsys "${vsysName}"`, vsys, pushedScope ?? shared, false);
      // A single-vsys firewall's CLI has no vsys level; a multi-vsys one names it.
      const local: Place = {
        label: 'rulebase',
        base: vsys,
        rulebasePath: ['rulebase'],
        objectsPath: [],
        scope,
        cli: all.length > 1 ? cliPrefix(['vsys', vsysName]) : [],
        rulebaseWord: 'rulebase',
      };
      const pre = doc.child(fromPanorama, 'pre-rulebase');
      const post = doc.child(fromPanorama, 'post-rulebase');
      return {
        places: new Map([['rulebase', local]]),
        closed: new Map([
          [
            'Panorama pre-rulebase',
            'the rule that decides is a pre-rule Panorama pushed to this firewall, and local rules come after pre-rules: fix it in the Panorama device group (check the Panorama export)',
          ],
        ]),
        before: new Set(['rulebase']),
        append: local,
        own: scope,
        rules: [rulesOf(doc, pre), rulesOf(doc, doc.child(vsys, 'rulebase')), rulesOf(doc, post)].filter(
          (r): r is XmlElement => r !== undefined,
        ),
        shared: sharedHome(config),
      };
    }
  }
  return undefined;
}

/** The device group (or Shared, when there is none) of a Panorama export the policy was read from. */
function panoramaLayout(doc: XmlDocument, config: XmlElement, name: string): Layout | undefined {
  const sharedEl = doc.child(config, 'shared');
  const shared = new Scope(doc, 'shared', sharedEl, undefined, true);
  const groups = new Map<string, XmlElement>();
  for (const device of doc.entries(doc.child(config, 'devices'))) {
    for (const dg of doc.entries(doc.child(device, 'device-group')))
      groups.set(doc.attr(dg, 'name') ?? '', dg);
  }
  const sharedPlace = (word: 'pre-rulebase' | 'post-rulebase'): Place => ({
    label: `shared ${word}`,
    base: config,
    rulebasePath: ['shared', word],
    objectsPath: ['shared'],
    scope: shared,
    cli: ['shared'],
    rulebaseWord: word,
    group: SHARED,
  });
  const places = new Map<string, Place>();
  const rules: XmlElement[] = [];
  const add = (p: Place) => {
    places.set(p.label, p);
    const r = rulesOf(doc, doc.select(p.base, ...p.rulebasePath));
    if (r !== undefined) rules.push(r);
  };
  add(sharedPlace('pre-rulebase'));
  add(sharedPlace('post-rulebase'));
  if (groups.size === 0) {
    if (name !== 'shared') return undefined;
    const post = places.get('shared post-rulebase')!;
    const before = new Set(places.keys());
    return {
      places,
      closed: new Map(),
      before,
      append: post,
      own: shared,
      rules,
      shared: sharedHome(config),
    };
  }
  if (!groups.has(name)) return undefined;
  const parents = deviceGroupParents(doc, config);
  // This group first, then its ancestors; the reader has refused cycles and unknown parents already.
  const chain: { name: string; scope?: Scope }[] = [];
  for (let n: string | undefined = name; n !== undefined && groups.has(n); n = parents.get(n)?.parent) {
    if (chain.some((c) => c.name === n)) return undefined;
    chain.push({ name: n });
  }
  for (let i = chain.length - 1; i >= 0; i--) {
    const parent = i + 1 < chain.length ? chain[i + 1]!.scope! : shared;
    const c = chain[i]!;
    c.scope = new Scope(doc, `device group "${c.name}"`, groups.get(c.name), parent, false);
    for (const word of ['pre-rulebase', 'post-rulebase'] as const) {
      add({
        label: `${c.scope.label} ${word}`,
        base: groups.get(c.name)!,
        rulebasePath: [word],
        objectsPath: [],
        scope: c.scope,
        cli: cliPrefix(['device-group', c.name]),
        rulebaseWord: word,
        group: c.name,
      });
    }
  }
  const own = chain[0]!.scope!;
  const ownPost = places.get(`${own.label} post-rulebase`)!;
  const ownPre = places.get(`${own.label} pre-rulebase`)!;
  const has = (p: Place) => rulesOf(doc, doc.select(p.base, ...p.rulebasePath)) !== undefined;
  // A rule deciding in an ancestor's or Shared's post-rules, or a default, is preceded by the group's own
  // post-rules (else its pre-rules, when it has only those): the fix stays in the group.
  const append = has(ownPost) || !has(ownPre) ? ownPost : ownPre;
  const before = new Set([...places.keys()].filter((l) => l.endsWith(' pre-rulebase')));
  before.add(ownPost.label);
  return { places, closed: new Map(), before, append, own, rules, shared: sharedHome(config) };
}

/** Whether the policy was read from a firewall's vsys (else from Panorama), by its rules' sections. */
function kindOf(policy: Policy): 'firewall' | 'panorama' | undefined {
  for (const r of policy.rules) {
    const s = r.section ?? '';
    if (s === 'rulebase' || s.startsWith('Panorama ')) return 'firewall';
    if (s.startsWith('shared ') || s.startsWith('device group ')) return 'panorama';
  }
  return undefined;
}

/** The policy's rulebases in the document, or undefined when they can't be told apart. */
export function locate(doc: XmlDocument, config: XmlElement, policy: Policy): Layout | undefined {
  const name = policy.name ?? '';
  const kind = kindOf(policy);
  const fw = kind !== 'panorama' ? firewallLayout(doc, config, name) : undefined;
  const pano = kind !== 'firewall' ? panoramaLayout(doc, config, name) : undefined;
  if (fw && pano) return undefined;
  return fw ?? pano;
}
