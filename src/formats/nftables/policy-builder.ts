import type { TrafficChain } from '../read-options.js';
import type { Policy, PolicyStage, PolicyWarning, Rule } from '../../model/policy.js';
import { ZoneSet } from '../../model/zone-set.js';
import { trueCond, type Cond } from './condition.js';
import { checkJumps } from './jump-graph.js';
import { ChainInliner, StageTooLarge, type Emitted, type Origin } from './inline.js';
import { formatValue, type MatchScope } from './matches.js';
import type { ChainDef, Ruleset, Selector, TableDef, Value } from './ruleset.js';
import { InterfaceZones } from '../iptables/interface-zones.js';
import { natEgress } from './nat-egress.js';
import { toRules } from './to-rules.js';

/** Hooks a client's first packet passes, in order (nft(8), "ADDRESS FAMILIES": the Netfilter hooks). */
const ROUTER_HOOKS = ['prerouting', 'forward', 'postrouting'];
const HOST_HOOKS = ['output', 'postrouting'];
const EVALUATED_FAMILIES = new Set(['ip', 'ip6', 'inet']);
/** Chain types whose rules decide packets on those hooks (nft(8), "CHAINS", supported chain types). */
const EVALUATED_TYPES = new Set(['filter', 'nat', 'route']);
/** Most first-match rules one base chain may flatten into before it is read as unknown. */
const MAX_STAGE_RULES = 200_000;
/** Most alternatives one rule may expand into (concatenated sets, several interface wildcards). */
const MAX_ALTERNATIVES = 4096;

/** What a policy rule stands for, for the remediation module. */
const origins = new WeakMap<Rule, Origin>();
/** The ruleset a policy was read from. */
const rulesets = new WeakMap<Policy, Ruleset>();

export function originOf(rule: Rule): Origin | undefined {
  return origins.get(rule);
}

export function rulesetOf(policy: Policy): Ruleset | undefined {
  return rulesets.get(policy);
}

const isIfSelector = (s: Selector) =>
  s.kind === 'meta' && ['iifname', 'iif', 'oifname', 'oif'].includes(s.key);

/**
 * The interfaces as zones: every name the rules spell, and, where they use wildcards, the parts of the
 * names they don't (interface-zones.ts).
 */
function interfaceZones(rs: Ruleset): InterfaceZones {
  const names = new Set<string>();
  const prefixes = new Set<string>();
  const add = (v: Value, table: TableDef, pick?: number) => {
    const els =
      v.kind === 'set' ? v.elements : v.kind === 'ref' ? (table.sets.get(v.name)?.elements ?? []) : [v];
    for (let e of els) {
      if (e.kind === 'mapping') e = e.key;
      if (pick !== undefined) e = e.kind === 'concat' ? (e.parts[pick] ?? e) : e;
      if (e.kind !== 'atom') continue;
      if (e.text.endsWith('*') && !e.text.endsWith('\\*')) prefixes.add(e.text.slice(0, -1));
      else names.add(e.text.replace(/\\\*$/, '*'));
    }
  };
  for (const table of rs.tables) {
    for (const chain of table.chains.values()) {
      for (const rule of chain.rules) {
        for (const item of rule.items) {
          const sel =
            item.kind === 'match' ? item.match.selector : item.kind === 'vmap' ? item.selector : undefined;
          const value =
            item.kind === 'match' ? item.match.value : item.kind === 'vmap' ? item.map : undefined;
          if (!sel || !value) continue;
          if (isIfSelector(sel)) add(value, table);
          if (sel.kind === 'concat') sel.parts.forEach((p, k) => isIfSelector(p) && add(value, table, k));
        }
      }
    }
  }
  return new InterfaceZones(names, prefixes);
}

/**
 * The first base chain on the forward hook: with one, the machine is read as a router (clients behind it);
 * without, as a host whose own traffic the output hook decides.
 */
function forwards(rs: Ruleset): ChainDef | undefined {
  for (const t of rs.tables) {
    if (!EVALUATED_FAMILIES.has(t.family) || t.dormant) continue;
    for (const c of t.chains.values()) if (c.base?.hook === 'forward') return c;
  }
  return undefined;
}

function familyCond(family: string): Cond {
  return trueCond(family !== 'ip6', family !== 'ip');
}

interface StageChain {
  table: TableDef;
  chain: ChainDef;
  order: number;
}

/** Reads a ruleset into one staged policy: one stage per base chain on the hooks clients' traffic passes. */
export function buildPolicy(path: string, rs: Ruleset, chain?: TrafficChain): Policy {
  const notes: string[] = [];
  if (rs.form === 'json') notes.push('read from nft -j JSON');
  else if (rs.script)
    notes.push('read as an nft script: define variables expanded, commands applied in order');
  const warnings: PolicyWarning[] = [];
  const fwd = forwards(rs);
  const router = chain ? chain === 'FORWARD' : fwd !== undefined;
  const hooks = router ? ROUTER_HOOKS : HOST_HOOKS;
  if (chain) {
    notes.push(
      router
        ? `read as a router (--chain FORWARD was given): client traffic is checked as forwarded through the prerouting, forward and postrouting hooks`
        : `read as a host (--chain OUTPUT was given): the traffic checked is this machine's own, through the output and postrouting hooks`,
    );
  } else if (fwd) {
    notes.push(
      `read as a router: chain ${fwd.name} (line ${fwd.line}) is on the forward hook, so client traffic is checked as forwarded through the prerouting, forward and postrouting hooks (a machine that is itself the client is decided by its output hook)`,
    );
  } else {
    notes.push(
      "read as a host: no chain is on the forward hook, so the traffic checked is this machine's own, through the output and postrouting hooks",
    );
  }
  // The kernel checks every table's jumps when the ruleset is loaded, also tables not evaluated here.
  for (const table of rs.tables) checkJumps(path, table);
  const chains: StageChain[] = [];
  let order = 0;
  for (const table of rs.tables) {
    if (table.dormant) {
      notes.push(
        `table ${table.family} ${table.name} (line ${table.line}) is dormant ("flags dormant"): not evaluated`,
      );
      continue;
    }
    if (!EVALUATED_FAMILIES.has(table.family)) {
      if ([...table.chains.values()].some((c) => c.base))
        notes.push(
          `table ${table.family} ${table.name} (line ${table.line}): the ${table.family} family's chains are not evaluated (bridge, netdev and arp tables filter other traffic or before the IP layer)`,
        );
      continue;
    }
    for (const chain of table.chains.values()) {
      if (!chain.base || !hooks.includes(chain.base.hook)) continue;
      if (!EVALUATED_TYPES.has(chain.base.type)) continue;
      chains.push({ table, chain, order: order++ });
    }
  }
  chains.sort(
    (a, b) =>
      hooks.indexOf(a.chain.base!.hook) - hooks.indexOf(b.chain.base!.hook) ||
      a.chain.base!.priority - b.chain.base!.priority ||
      a.order - b.order,
  );

  const ifZones = interfaceZones(rs);
  const known = ifZones.zones;
  const notrack = rs.tables
    .flatMap((t) => [...t.chains.values()])
    .flatMap((c) => c.rules)
    .find((r) => r.items.some((i) => i.kind === 'notrack'));
  const ctUnknown = notrack
    ? `a rule (line ${notrack.line}) turns connection tracking off ("notrack"), so the conntrack state of a packet can't be told`
    : undefined;

  const rules: Rule[] = [];
  const stages: PolicyStage[] = [];
  for (const { table, chain } of chains) {
    const hook = chain.base!.hook;
    const updated = new Set(
      [...table.chains.values()]
        .flatMap((c) => c.rules)
        .flatMap((r) => r.items.flatMap((i) => (i.kind === 'set-update' ? [i.set] : []))),
    );
    // Conntrack runs at priority -200 on prerouting and output; before it a first packet has no connection
    // and `ct state` sees it as invalid (shown on the kernel by test/kernel/lab.test.ts). At -200 itself the
    // order among hooks of one priority can't be told.
    const conntrackHook = hook === 'prerouting' || hook === 'output';
    const priority = chain.base!.priority;
    const atConntrack = conntrackHook && priority === -200;
    const chainCtUnknown =
      ctUnknown ??
      (atConntrack
        ? `the chain's priority is conntrack's own (-200), so whether a packet already has its conntrack state can't be told`
        : undefined);
    const scopeAt = (line: number): MatchScope => ({
      path,
      line,
      table,
      knownIfs: known,
      ifZones,
      noIif: !router || hook === 'postrouting',
      noOif: hook === 'prerouting',
      ...(chainCtUnknown ? { ctUnknown: chainCtUnknown } : {}),
      firstState: conntrackHook && priority < -200 ? 'invalid' : 'new',
      updatedSets: updated,
      listing: rs.form === 'json' || !rs.script,
      limit: MAX_ALTERNATIVES,
    });
    const fam = familyCond(table.family);
    let emitted: Emitted[];
    try {
      emitted = new ChainInliner(path, table, chain, fam, scopeAt, MAX_STAGE_RULES).run();
    } catch (e) {
      if (!(e instanceof StageTooLarge)) throw e;
      const b = chain.base!;
      const origin: Origin = { kind: 'policy', table, chain, base: chain };
      const location = { path, line: b.line };
      const why = e.message || `flatten into more than ${MAX_STAGE_RULES} rules`;
      const reason = `chain ${chain.name} and the chains it jumps to ${why}; its verdicts are not worked out`;
      emitted = [
        {
          cond: { ...fam, unknown: [{ reason, location }] },
          action: 'deny',
          vendorAction: 'unknown',
          origin,
          location,
        },
        { cond: fam, action: 'allow', vendorAction: 'unknown', origin, location },
      ];
      warnings.push({ message: reason, location });
    }
    // A chain that can't drop anything (nat postrouting with masquerade, say) passes every packet.
    if (!emitted.some((e) => e.action === 'deny')) {
      notes.push(
        `${table.family} ${table.name} ${chain.name} (line ${chain.line}) on hook ${hook} drops nothing`,
      );
      continue;
    }
    const start = rules.length;
    for (const e of emitted) {
      for (const r of toRules(e, known, !router)) {
        origins.set(r, e.origin);
        rules.push(r);
      }
    }
    stages.push({
      name: `${table.family} ${table.name} ${chain.name} (hook ${hook}, priority ${chain.base!.priority})`,
      start,
      end: rules.length,
    });
  }
  if (chains.length === 0) {
    notes.push(`no base chain on the ${hooks.join(', ')} hooks: nothing filters this traffic`);
  }
  const usesInterfaces = rules.some((r) => !r.destinationZones.isAny() || !r.sourceZones.isAny());
  const egress = natEgress(rs);
  const egressNames = [...new Set(egress.map((e) => e.name))];
  if (egressNames.length) {
    notes.push(
      `the internet is taken to be reached through ${egressNames.map((n) => `"${n}"`).join(', ')}: nat postrouting masquerades or snats the traffic leaving by ${egressNames.length > 1 ? 'them' : 'it'} (${egress.map((e) => `${path}:${e.line}`).join(', ')}); clients are taken to be on another interface unless --source-zone says otherwise, and --destination-zone-override POLICY=INTERFACE replaces this`,
    );
  } else {
    const masquerade = masqueradeInterfaces(rs);
    if (usesInterfaces && masquerade.length)
      notes.push(
        `masquerade/snat rules name ${masquerade.map((m) => `"${m}"`).join(', ')}, but with conditions besides sources, protocols and ports, so they are not taken as the interface reaching the internet (pass --destination-zone to check one)`,
      );
  }
  const policy: Policy = {
    format: 'nftables',
    paths: [path],
    rules,
    default: {
      action: 'allow',
      name: 'accepted: no later chain on the hook filters its address family',
    },
    stages,
    ...(usesInterfaces || known.length || egressNames.length
      ? {
          // With wildcards the zones cover every interface (interface-zones.ts); zoneOf places others.
          zones: { known, incomplete: !ifZones.complete, zoneOf: (name) => ifZones.zoneOf(name) },
          egressZones: egressNames.length ? ZoneSet.of(egressNames) : ('unknown' as const),
        }
      : {}),
    ...(warnings.length ? { warnings } : {}),
    notes,
  };
  rulesets.set(policy, rs);
  return policy;
}

/** Interfaces named by `oifname` in rules that masquerade or snat: a hint of where the internet is. */
function masqueradeInterfaces(rs: Ruleset): string[] {
  const out = new Set<string>();
  for (const t of rs.tables) {
    for (const c of t.chains.values()) {
      for (const r of c.rules) {
        if (!r.items.some((i) => i.kind === 'nat' && (i.type === 'masquerade' || i.type === 'snat')))
          continue;
        for (const i of r.items) {
          if (
            i.kind === 'match' &&
            i.match.selector.kind === 'meta' &&
            ['oifname', 'oif'].includes(i.match.selector.key) &&
            i.match.op !== '!='
          )
            out.add(formatValue(i.match.value).replace(/^"|"$/g, ''));
        }
      }
    }
  }
  return [...out];
}
