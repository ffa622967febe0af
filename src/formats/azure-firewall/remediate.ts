import { InputError } from '../../input/input-error.js';
import type { AddressExpr } from '../../model/address.js';
import type { Rule } from '../../model/policy.js';
import { fixRuleName } from '../../remediate/naming.js';
import type { FixRequest, ProposedFix, Unfixable } from '../../remediate/types.js';
import { Unresolved } from './arm-values.js';
import { insertionPoint, layoutOf, locate, type CollectionSpot, type Container } from './fix-layout.js';
import { dnsProxyOf } from './fix-dns-proxy.js';
import { newGroupBefore, type NewGroup } from './fix-new-group.js';
import { collectionObject, commandsFor, elementText, sh, type NewRule, type Written } from './fix-text.js';
import type { Phase } from './rules.js';

const MIN = 100;
const MAX = 65000;

const DESCRIPTION = {
  web: 'RemoteSpark web endpoints (remotespark-firewall-check)',
  media: 'RemoteSpark STUN/TURN media (remotespark-firewall-check)',
  dns: 'RemoteSpark DNS (remotespark-firewall-check)',
};

/** Where the new collection goes: a container, its priority there, and the line it is inserted before. */
interface Placement {
  container: Container;
  priority: number;
  line: number;
  indent: string;
  unit: string;
  /** The collection goes in a new rule collection group (placed as a sibling of `container`). */
  group?: NewGroup;
}

/** The collection priorities taken in a container, counting those earlier fixes insert. */
const usedPriorities = (req: FixRequest, c: Container) =>
  new Set([...c.collections.map((x) => x.priority ?? -1), ...earlierPriorities(req).collections]);

/**
 * A policy's fixes are written one by one against the same export: each kind keeps to its own free
 * priorities (web, media, DNS: the 1st, 2nd, 3rd free one), and the priorities earlier fixes took count
 * as used, so that all of them can be applied together.
 */
const SLOT: Record<FixRequest['group']['kind'], number> = { web: 0, media: 1, dns: 2 };

/** Priorities of the collections and groups earlier fixes of this run insert (read back from their JSON). */
function earlierPriorities(req: FixRequest): { collections: Set<number>; groups: Set<number> } {
  const out = { collections: new Set<number>(), groups: new Set<number>() };
  const priorityOf = (o: Record<string, unknown>) =>
    (o.priority ?? (o.properties as Record<string, unknown> | undefined)?.priority) as number | undefined;
  for (const fix of req.earlier ?? []) {
    for (const e of fix.edits) {
      let obj: Record<string, unknown>;
      try {
        obj = JSON.parse(e.insert.trim().replace(/,$/, '')) as Record<string, unknown>;
      } catch {
        continue;
      }
      const props = (obj.properties ?? obj) as Record<string, unknown>;
      const inner = props.ruleCollections as Record<string, unknown>[] | undefined;
      const p = priorityOf(obj);
      if (inner) {
        if (p !== undefined) out.groups.add(p);
        for (const c of inner) if (priorityOf(c) !== undefined) out.collections.add(priorityOf(c)!);
      } else if (p !== undefined) out.collections.add(p);
    }
  }
  return out;
}

/** A free priority right below `limit` (the slot-th free one counting down), if any. */
function below(limit: number, used: ReadonlySet<number>, slot: number): number | undefined {
  let skip = slot;
  for (let p = limit - 1; p >= MIN; p--) if (!used.has(p) && skip-- === 0) return p;
  return undefined;
}

/** A free priority after every collection of the container (the next hundred, plus 10 per slot). */
function last(used: ReadonlySet<number>, slot: number): number | undefined {
  const max = Math.max(MIN - 1, ...used);
  const next = Math.floor(max / 100) * 100 + 100 + 10 * slot;
  if (next <= MAX && !used.has(next)) return next;
  return below(MAX + 1, used, slot);
}

/** A group whose priority another group of its policy shares can't take rules of a new kind safely. */
function uniqueGroup(layout: readonly Container[], c: Container): boolean {
  if (c.kind !== 'group') return true;
  return (
    c.priority !== undefined &&
    layout.filter((x) => x.kind === 'group' && x.ownerKey === c.ownerKey && x.priority === c.priority)
      .length === 1
  );
}

function place(
  req: FixRequest,
  container: Container,
  priority: number | undefined,
  before: CollectionSpot | undefined,
): Placement | string {
  if (priority === undefined) return `no free rule collection priority in "${container.name}"`;
  const file = req.files.find((f) => f.path === container.resource.view.path);
  if (!file) return `the file of "${container.name}" is not among the policy's files`;
  const at = insertionPoint(file, container, before);
  if (typeof at === 'string') return at;
  return { container, priority, ...at };
}

/** A group name for the fix, not taken by a group of the policy. */
function groupName(layout: readonly Container[], ownerKey: string, kind: string): string {
  const taken = new Set(
    layout.filter((c) => c.kind === 'group' && c.ownerKey === ownerKey).map((c) => c.name.toLowerCase()),
  );
  const base = `rcg-remotespark-${kind}`;
  if (!taken.has(base)) return base;
  for (let i = 2; ; i++) if (!taken.has(`${base}-${i}`)) return `${base}-${i}`;
}

/**
 * Right before the collection holding the first rule that denies the flows: a free priority below it in
 * the same group (or classic list); where there is none, a new rule collection group of the same policy
 * with a lower priority number; where that can't be written, the group of the policy processed just before.
 */
function beforeCollection(
  req: FixRequest,
  layout: readonly Container[],
  container: Container,
  anchor: CollectionSpot,
): Placement | string {
  const slot = SLOT[req.group.kind];
  const reasons: string[] = [];
  if (anchor.priority !== undefined && uniqueGroup(layout, container)) {
    const p = place(req, container, below(anchor.priority, usedPriorities(req, container), slot), anchor);
    if (typeof p !== 'string') return p;
    reasons.push(p);
  }
  if (container.kind !== 'group' || container.priority === undefined) {
    return `no place for a rule collection before "${anchor.name}" (priority ${anchor.priority ?? '?'}) in "${container.name}": ${reasons.join('; ')}`;
  }
  const groups = layout.filter((c) => c.kind === 'group' && c.ownerKey === container.ownerKey);
  const used = new Set([...groups.map((c) => c.priority ?? -1), ...earlierPriorities(req).groups]);
  const priority = below(container.priority, used, slot);
  const file = req.files.find((f) => f.path === container.resource.view.path);
  if (priority !== undefined && file) {
    const name = groupName(layout, container.ownerKey, req.group.kind);
    const group = newGroupBefore(file, container, name, priority);
    if (typeof group !== 'string') {
      return { container, priority: 100, line: group.line, indent: group.indent, unit: group.unit, group };
    }
    reasons.push(group);
  }
  const earlier = groups
    .filter((c) => c.priority !== undefined && c.priority < container.priority!)
    .sort((a, b) => b.priority! - a.priority!);
  for (const c of earlier) {
    if (!uniqueGroup(layout, c)) continue;
    const p = place(req, c, last(usedPriorities(req, c), slot), undefined);
    if (typeof p !== 'string') return p;
    reasons.push(p);
  }
  const hint =
    container.priority > MIN
      ? `add a rule collection group with a lower priority number than ${container.priority} by hand`
      : `group "${container.name}" has the lowest priority (${MIN}): renumber the groups to make room`;
  return `no place for a rule collection before "${anchor.name}" (priority ${anchor.priority ?? '?'}) in "${container.name}"${reasons.length ? `: ${reasons.join('; ')}` : ''}; ${hint}`;
}

/** Anywhere among the rules of the needed kind (nothing of that kind denies the flows): after the rest. */
function anywhere(
  req: FixRequest,
  layout: readonly Container[],
  ownerKey: string,
  phase: Phase,
): Placement | string {
  // Groups already holding rules of the kind first (a network rule in "rcg-dnat" would puzzle a reader).
  const holds = (c: Container) => (c.collections.some((x) => x.phase === phase) ? 1 : 0);
  const candidates = layout
    .filter((c) => c.ownerKey === ownerKey && (c.kind === 'group' || c.phase === phase))
    .sort((a, b) => holds(b) - holds(a) || (b.priority ?? 0) - (a.priority ?? 0));
  const reasons: string[] = [];
  for (const c of candidates) {
    if (!uniqueGroup(layout, c)) continue;
    const p = place(req, c, last(usedPriorities(req, c), SLOT[req.group.kind]), undefined);
    if (typeof p !== 'string') return p;
    reasons.push(p);
  }
  const what = phase === 'network' ? 'network' : 'application';
  return `no rule collection list to add a ${what} rule collection to${reasons.length ? ` (${reasons.join('; ')})` : ''}`;
}

/** The policy's own rules (not a parent policy's), to tell which policy or firewall the fix belongs to. */
function ownerOf(req: FixRequest, layout: readonly Container[]): string | undefined {
  const own = req.policy.rules.filter((r) => !r.section?.startsWith('parent policy '));
  for (const r of own) {
    const at = locate(layout, r);
    if (at) return at.container.ownerKey;
  }
  const keys = new Set(layout.filter((c) => c.collections.length).map((c) => c.ownerKey));
  return keys.size === 1 ? [...keys][0] : undefined;
}

/** Whether an address expression has no part the config can't tell (an IP group not in the input ...). */
function known(e: AddressExpr): boolean {
  switch (e.kind) {
    case 'unknown':
      return false;
    case 'union':
      return e.members.every(known);
    case 'not':
      return known(e.of);
    case 'minus':
      return known(e.from) && known(e.without);
    default:
      return true;
  }
}

/**
 * The new rule's sources: the clients (`--source`); else the sources of the allow rule the flows were meant
 * to pass, where they can be named (copied as written when the new rule lands in the same template scope);
 * else any, with a note.
 */
function sourcesFor(
  req: FixRequest,
  layout: readonly Container[],
  target: Container,
  notes: string[],
): NewRule['sources'] {
  if (req.sources) {
    return { addresses: req.sources.texts.map((t) => ({ edit: t, cli: t })), ipGroups: [] };
  }
  const rule: Rule | undefined = req.fallbackSourcesOf;
  const found = rule?.action === 'allow' && known(rule.sources) ? locate(layout, rule) : undefined;
  const view = found?.collection.rules.find(
    (r) => r.path === rule!.location.path && r.line === rule!.location.line,
  );
  if (view) {
    const sameScope = view.path === target.array?.path && view.ctx?.scope === target.array?.ctx?.scope;
    const copy = (key: string): Written[] | undefined => {
      const list = view.get(key);
      if (!list || list.raw === null) return [];
      const items = list.items();
      if (items instanceof Unresolved) return undefined;
      const out: Written[] = [];
      for (const item of items) {
        const value = item.text();
        if (typeof value !== 'string') return undefined;
        const raw = typeof item.raw === 'string' ? item.raw : value;
        out.push({ edit: sameScope ? raw : value, cli: value });
      }
      return out;
    };
    const addresses = copy('sourceAddresses');
    const ipGroups = copy('sourceIpGroups');
    if (addresses && ipGroups && addresses.length + ipGroups.length > 0) {
      notes.push(
        `no client sources were given (--source): the rule takes the sources of rule "${rule!.name}" (${rule!.location.path}:${rule!.location.line})`,
      );
      return { addresses, ipGroups };
    }
  }
  notes.push(
    'no client sources were given (--source): the rule allows any source (*); name the clients for a narrower rule',
  );
  return { addresses: [{ edit: '*', cli: '*' }], ipGroups: [] };
}

/** Network rules for the group's services: one rule where every protocol has the same ports, else one per protocol. */
function networkRules(
  name: string,
  base: Omit<NewRule, 'name' | 'phase' | 'protocols' | 'ports'>,
  services: FixRequest['group']['services'],
): NewRule[] {
  const ports = (p: 'tcp' | 'udp') => services.filter((s) => s.protocol === p).map((s) => s.port);
  const tcp = ports('tcp');
  const udp = ports('udp');
  const same = tcp.length === udp.length && tcp.every((p, i) => udp[i] === p);
  if (same || tcp.length === 0 || udp.length === 0) {
    const protocols = [...(udp.length ? ['UDP' as const] : []), ...(tcp.length ? ['TCP' as const] : [])];
    return [{ ...base, name, phase: 'network', protocols, ports: tcp.length ? tcp : udp }];
  }
  return [
    { ...base, name: `${name}-udp`, phase: 'network', protocols: ['UDP'], ports: udp },
    { ...base, name: `${name}-tcp`, phase: 'network', protocols: ['TCP'], ports: tcp },
  ];
}

/**
 * Azure Firewall's fix: one new Allow rule collection. Azure processes DNAT, then network, then application
 * rules; within each, rule collection groups by priority, then collections by priority, a parent policy's
 * groups first ("Azure Firewall rule processing logic", https://learn.microsoft.com/azure/firewall/rule-processing).
 * So an application rule can never fix a flow a network rule denies: web names go in an application rule
 * (HTTPS 443, target FQDNs) unless a network rule denies them, then in a network rule with destination
 * FQDNs, which Azure matches only with DNS proxy on ("Use FQDN filtering in network rules",
 * https://learn.microsoft.com/azure/firewall/fqdn-filtering-network-rules); media and DNS always in
 * network rules. Edits insert the collection into the export's JSON; commands are the az CLI's.
 */
export function remediateAzureFirewall(req: FixRequest): ProposedFix | Unfixable {
  let layout: Container[];
  try {
    layout = layoutOf(req.files);
  } catch (e) {
    if (e instanceof InputError)
      return { unfixable: `the export can't be laid out for a fix: ${e.format()}` };
    throw e;
  }
  const g = req.group;
  const notes: string[] = [];
  const anchor = req.before >= 0 ? req.policy.rules[req.before]! : undefined;
  const at = anchor ? locate(layout, anchor) : undefined;
  if (anchor && !at) {
    return {
      unfixable: `the first rule that denies or may deny these flows, "${anchor.name}" (${anchor.location.path}:${anchor.location.line}), is not a rule written in a rule collection the fix can be placed before`,
    };
  }
  const anchorPhase = at?.collection.phase;
  if (at && !anchorPhase)
    return { unfixable: `the kind of rule collection "${at.collection.name}" can't be told` };
  if (anchorPhase === 'dnat') {
    return {
      unfixable: `DNAT rule "${anchor!.name}" decides these flows, and DNAT rules are processed before any network or application rule`,
    };
  }
  const owner = ownerOf(req, layout);
  if (!owner) return { unfixable: "can't tell which policy or firewall of the input the fix belongs in" };

  const phase: 'network' | 'application' =
    g.kind === 'web' && anchorPhase !== 'network' ? 'application' : 'network';
  const fqdns = phase === 'network' && !g.anyDestination ? g.hosts : undefined;
  if (fqdns) {
    const proxy = dnsProxyOf(req.files, owner);
    if (proxy !== true) {
      const why =
        g.kind === 'web'
          ? `network rule "${anchor?.name}" denies these web flows, so only a network rule (processed before application rules) can allow them, and`
          : 'these flows go to host names, and';
      return {
        unfixable: `${why} network rules match FQDNs only with DNS proxy enabled, which ${proxy === undefined ? 'the input does not show' : 'this policy does not have'} (dnsSettings.enableProxy / Network.DNS.EnableProxy)`,
      };
    }
    notes.push(
      'the rule names host names in a network rule (destinationFqdns): Azure Firewall resolves them through its DNS proxy, which is enabled; clients must use the firewall as their DNS server for the addresses to agree',
    );
  }

  const placement =
    at && anchorPhase === phase
      ? beforeCollection(req, layout, at.container, at.collection)
      : anywhere(req, layout, owner, phase);
  if (typeof placement === 'string') return { unfixable: placement };
  const target = placement.container;

  const taken = new Set(req.ruleNames);
  for (const c of layout) for (const x of c.collections) taken.add(x.name);
  for (const r of req.policy.rules) taken.add(r.name);
  const name = fixRuleName(g.kind, taken);
  const sources = sourcesFor(req, layout, target, notes);
  const base = { description: DESCRIPTION[g.kind], sources };
  const rules: NewRule[] =
    phase === 'application'
      ? [{ ...base, name, phase, targetFqdns: g.hosts }]
      : networkRules(
          name,
          fqdns
            ? { ...base, destinationFqdns: fqdns }
            : { ...base, destinationAddresses: g.relays ? [...g.relays.text] : ['*'] },
          g.services,
        );
  const collection = { name, priority: placement.priority, rules };

  if (target.ownerKey !== owner) {
    notes.push(
      `the collection goes in parent policy "${target.owner}" (a parent's rule collection groups come before the child's): every policy inheriting from it gets the rule`,
    );
  }
  if (placement.group) {
    notes.push(
      `"${at!.container.name}" has no free priority below "${at!.collection.name}" (${at!.collection.priority}): the collection goes in a new rule collection group "${placement.group.name}" (priority ${placement.group.priority}), processed before "${at!.container.name}" (${at!.container.priority})`,
    );
    if (target.template) {
      notes.push(
        "Azure updates one rule collection group of a policy at a time: chain the new group into the template's dependsOn order if the deployment reports a conflict",
      );
    }
  } else if (at && target !== at.container) {
    notes.push(
      `"${at.container.name}" has no free priority below "${at.collection.name}" (${at.collection.priority}): the collection goes in rule collection group "${target.name}" (priority ${target.priority}), processed before it`,
    );
  }
  const rg = target.resourceGroup ? sh(target.resourceGroup) : '"$RESOURCE_GROUP"';
  if (!target.resourceGroup) notes.push('the commands take the resource group from $RESOURCE_GROUP');
  let policyName = '';
  if (target.kind === 'group') {
    const named = target.owner !== target.resource.view.path;
    policyName = named ? sh(target.owner) : '"$FIREWALL_POLICY"';
    if (!named) notes.push('the commands take the firewall policy name from $FIREWALL_POLICY');
  }
  const object = collectionObject(target, collection);
  let insert: string;
  if (placement.group) {
    const fields = { ...placement.group.fields };
    const props = Object.keys(fields).find((k) => k.toLowerCase() === 'properties');
    if (props) fields[props] = { ...(fields[props] as object), ruleCollections: [object] };
    else fields.ruleCollections = [object];
    insert = elementText(fields, placement.indent, placement.unit);
  } else {
    insert = elementText(object, placement.indent, placement.unit);
  }
  return {
    name,
    edits: [{ path: target.resource.view.path, line: placement.line, insert }],
    commands: commandsFor(target, collection, {
      resourceGroup: rg,
      policy: policyName,
      ...(placement.group ? { newGroup: placement.group } : {}),
    }),
    notes,
  };
}
