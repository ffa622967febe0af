import type { TrafficChain } from '../read-options.js';
import { ipsExpr } from '../../model/address.js';
import { FAMILY_RANGE, type Family } from '../../model/ip.js';
import type { Policy, PolicyStage, PolicyWarning, Rule } from '../../model/policy.js';
import { ANY_SERVICE } from '../../model/service.js';
import { ZoneSet } from '../../model/zone-set.js';
import { entryRules, EntryShapes, type EntryPlace } from './entry-rules.js';
import { flattenChain, type RuleAt } from './flatten.js';
import { InterfaceZones } from './interface-zones.js';
import { jumpGraph, NFT_JUMP_STACK_SIZE } from './jump-graph.js';
import { natEgress } from './nat-egress.js';
import type { IpSet } from './ipsets.js';
import { MATCH_ALL, type Match } from './match.js';
import { setOrigin, type RuleOrigin } from './rule-origin.js';
import { newParseCache, type RuleContext } from './rule-args.js';
import { RuleReads } from './rule-reads.js';
import type { SaveFile, SaveRule, SaveTable } from './save-file.js';

export interface FamilyFile {
  save: SaveFile;
  family: Family;
  familyNote: string;
}

/**
 * The chains a flow's first packet traverses, in order (iptables(8) TABLES; the netfilter packet flow):
 * forwarded by a router, or sent by the host itself. The nat table sees only a flow's first packet.
 */
const ROUTER_PATH: readonly (readonly [string, string])[] = [
  ['raw', 'PREROUTING'],
  ['mangle', 'PREROUTING'],
  ['nat', 'PREROUTING'],
  ['mangle', 'FORWARD'],
  ['filter', 'FORWARD'],
  ['security', 'FORWARD'],
  ['mangle', 'POSTROUTING'],
];
const HOST_PATH: readonly (readonly [string, string])[] = [
  ['raw', 'OUTPUT'],
  ['mangle', 'OUTPUT'],
  ['nat', 'OUTPUT'],
  ['filter', 'OUTPUT'],
  ['security', 'OUTPUT'],
  ['mangle', 'POSTROUTING'],
];

/** Options whose values reading depends on: interfaces, and sets `-j SET` changes. */
const SCANNED_OPTIONS = ['-i', '-o', '--in-interface', '--out-interface', '--add-set', '--del-set'];

function allRules(save: SaveFile): SaveRule[] {
  return [...save.tables.values()].flatMap((t) => [...t.chains.values()].flatMap((c) => c.rules));
}

/**
 * What reading any rule depends on, from all of them in one pass: the interface names the rules name
 * (wildcards excluded: a `+` wildcard is matched against these) and the sets a `-j SET --add-set/--del-set`
 * rule changes at run time.
 */
function scanRules(group: readonly FamilyFile[]): { interfaces: InterfaceZones; dynamicSets: Set<string> } {
  const names = new Set<string>();
  const prefixes = new Set<string>();
  const dynamicSets = new Set<string>();
  for (const f of group)
    for (const r of allRules(f.save)) {
      const w = r.words;
      for (const option of SCANNED_OPTIONS)
        for (let i = w.indexOf(option); i >= 0 && i < w.length - 1; i = w.indexOf(option, i + 1)) {
          const v = w[i + 1]!;
          if (option === '--add-set' || option === '--del-set') dynamicSets.add(v);
          else if (v.endsWith('+')) prefixes.add(v.slice(0, -1));
          else if (v !== 'lo') names.add(v);
        }
    }
  return { interfaces: new InterfaceZones(names, prefixes), dynamicSets };
}

const words = (r: SaveRule) => r.words;
const targetOf = (r: SaveRule) => {
  const w = words(r);
  const i = Math.max(w.lastIndexOf('-j'), w.lastIndexOf('--jump'));
  return i >= 0 ? w[i + 1] : undefined;
};

const hasContent = (t: SaveTable | undefined, chain: string) => {
  const c = t?.chains.get(chain);
  return c !== undefined && (c.rules.length > 0 || c.policy === 'DROP');
};

/** Router or host, from the rules: which built-in chain client traffic meets, and why. */
function pickPath(group: readonly FamilyFile[]): { router: boolean; why: string } {
  for (const f of group) {
    const filter = f.save.tables.get('filter');
    const fwd = filter?.chains.get('FORWARD');
    if (fwd && fwd.rules.length > 0)
      return { router: true, why: `FORWARD has rules (${f.save.path}:${fwd.rules[0]!.line})` };
    if (fwd?.policy === 'DROP')
      return { router: true, why: `FORWARD's policy is DROP (${f.save.path}:${fwd.line})` };
    const post = f.save.tables.get('nat')?.chains.get('POSTROUTING');
    const snat = post?.rules.find((r) => ['MASQUERADE', 'SNAT'].includes(targetOf(r) ?? ''));
    if (snat)
      return {
        router: true,
        why: `nat POSTROUTING translates forwarded traffic (${f.save.path}:${snat.line})`,
      };
    if (hasContent(f.save.tables.get('mangle'), 'FORWARD'))
      return { router: true, why: 'mangle FORWARD has rules' };
  }
  return {
    router: false,
    why: 'FORWARD has no rules, its policy is ACCEPT and nothing is masqueraded, so this is read as a host firewall',
  };
}

/**
 * The egress zones nat's source translation shows (nat-egress.ts), with the note saying where they come
 * from; else a hint naming the translating rules that didn't count.
 */
function egressFromNat(group: readonly FamilyFile[], notes: string[]): ZoneSet | undefined {
  const found = natEgress(group);
  if (found.length > 0) {
    const names = [...new Set(found.map((e) => e.name))];
    const where = found.map((e) => `-o ${e.name} at ${e.path}:${e.line}`).join(', ');
    notes.push(
      `the internet is taken to be reached through ${names.join(', ')}: nat POSTROUTING masquerades or SNATs the traffic leaving by ${names.length > 1 ? 'them' : 'it'} (${where}); clients are taken to be on another interface unless --source-zone says otherwise, and --destination-zone-override POLICY=INTERFACE replaces this`,
    );
    return ZoneSet.of(names);
  }
  for (const f of group)
    for (const r of f.save.tables.get('nat')?.chains.get('POSTROUTING')?.rules ?? []) {
      const w = words(r);
      const o = w.indexOf('-o');
      if (o >= 0 && w[o - 1] !== '!' && ['MASQUERADE', 'SNAT'].includes(targetOf(r) ?? ''))
        notes.push(
          `nat POSTROUTING translates some traffic leaving by ${w[o + 1]} (${f.save.path}:${r.line}), but the rule has conditions besides sources, protocols and ports, so it is not taken as the interface reaching the internet; --destination-zone ${w[o + 1]} checks with it`,
        );
    }
  return undefined;
}

/** A rule only for the family no save in the group covers: whatever follows can't be told for it. */
function missingFamilyRules(family: Family, path: string, line: number): Rule[] {
  const reason = `no ${family === 'ipv6' ? 'ip6tables-save' : 'iptables-save'} output in the input: its ${family === 'ipv6' ? 'IPv6' : 'IPv4'} rules are not known`;
  return (['deny', 'allow'] as const).map((action) => ({
    name: `${family === 'ipv6' ? 'IPv6' : 'IPv4'} rules not in the input`,
    enabled: true,
    action,
    sourceZones: ZoneSet.ANY,
    destinationZones: ZoneSet.ANY,
    sources: ipsExpr(FAMILY_RANGE[family]),
    destinations: ipsExpr(FAMILY_RANGE[family]),
    services: ANY_SERVICE,
    conditions: [{ reason }],
    location: { path, line },
    section: 'input',
  }));
}

/** One firewall's saves (an IPv4 one, an IPv6 one, or both) as one staged policy. */
export function buildPolicy(
  group: readonly FamilyFile[],
  sets: ReadonlyMap<string, IpSet>,
  chain?: TrafficChain,
): Policy {
  const main = group[0]!;
  const { interfaces, dynamicSets: dynamic } = scanRules(group);
  const path = chain ? { router: chain === 'FORWARD', why: `--chain ${chain} was given` } : pickPath(group);
  const topChain = path.router ? 'FORWARD' : 'OUTPUT';
  const notes: string[] = group.map((f) => f.familyNote);
  const warnings: PolicyWarning[] = [];
  notes.push(
    path.router
      ? `client traffic is checked in the FORWARD chain, as on a router: ${path.why}; OUTPUT (the firewall's own traffic) is not checked`
      : `client traffic is checked in the OUTPUT chain: ${path.why}`,
  );
  const natEgressZones = egressFromNat(group, notes);

  const rules: Rule[] = [];
  const stages: PolicyStage[] = [];
  const missing = (['ipv4', 'ipv6'] as const)
    .filter((family) => !group.some((f) => f.family === family))
    .flatMap((family) => missingFamilyRules(family, main.save.path, 1));

  const contexts = new Map<SaveTable, RuleContext>();
  const walks = new Map<SaveTable, ReadonlyMap<string, number>>();
  for (const f of group) {
    const raw = f.save.tables.get('raw');
    const mayBeUntracked = raw
      ? [...raw.chains.values()].some((c) =>
          c.rules.some((r) => targetOf(r) === 'NOTRACK' || words(r).includes('--notrack')),
        )
      : false;
    const cache = newParseCache();
    for (const table of f.save.tables.values()) {
      const ctx: RuleContext = {
        path: f.save.path,
        family: f.family,
        host: !path.router,
        interfaces,
        sets,
        dynamicSets: dynamic,
        mayBeUntracked,
        table: table.name,
        chains: new Set([...table.chains.values()].filter((c) => !c.builtin).map((c) => c.name)),
        cache,
      };
      contexts.set(table, ctx);
      const graph = jumpGraph(f.save.path, table);
      walks.set(table, graph.walks);
      const { chains: deep, rules: jumps } = graph.deepest;
      if (jumps.length >= NFT_JUMP_STACK_SIZE)
        warnings.push({
          message: `chain ${deep[NFT_JUMP_STACK_SIZE]} of *${table.name} is reached through ${NFT_JUMP_STACK_SIZE} nested jumps (${deep.slice(0, NFT_JUMP_STACK_SIZE + 1).join(' -> ')}): iptables' nf_tables backend refuses to load that ("Too many links": the kernel's nf_tables allows ${NFT_JUMP_STACK_SIZE - 1}); the legacy backend loads it, and the verdicts are for the rules as written`,
          location: { path: f.save.path, line: jumps[NFT_JUMP_STACK_SIZE - 1]!.line },
        });
    }
    for (const name of f.save.repeated)
      warnings.push({
        message: `table *${name} appears more than once; iptables-restore keeps the last one, and so does this check`,
        location: { path: f.save.path, line: f.save.tables.get(name)!.line },
      });
    if (mayBeUntracked)
      notes.push(
        `${f.save.path}: the raw table marks some traffic untracked, so state matches that leave out UNTRACKED are unknown for it`,
      );
  }

  const shapes = new EntryShapes();
  const reads = new RuleReads(contexts, walks);
  const stagesSeen: string[] = [];
  for (const [tableName, chainName] of path.router ? ROUTER_PATH : HOST_PATH) {
    const isMain = tableName === 'filter' && chainName === topChain;
    if (!isMain && !group.some((f) => hasContent(f.save.tables.get(tableName), chainName))) continue;
    const start = rules.length;
    if (start === 0) rules.push(...missing);
    for (const f of group) {
      const table = f.save.tables.get(tableName);
      const family = FAMILY_RANGE[f.family];
      const startMatch: Match = { ...MATCH_ALL, src: family, dst: family };
      if (!table) {
        // A table iptables-save leaves out is not in use: it lets everything through.
        if (isMain)
          notes.push(
            `${f.save.path}: no *filter table (iptables-save leaves out tables not in use): nothing filters ${f.family} traffic`,
          );
        const place: EntryPlace = {
          path: f.save.path,
          table: tableName,
          chain: chainName,
          policyWord: 'ACCEPT',
          policyLine: 1,
        };
        rules.push(...entryRules({ match: startMatch, action: 'allow', via: [] }, place, shapes));
        continue;
      }
      const chain = table.chains.get(chainName)!;
      if (chain.policy === undefined)
        warnings.push({
          message: `built-in chain ${chainName} of *${tableName} has no ":${chainName} POLICY" line: its policy is unknown`,
          location: { path: f.save.path, line: table.line },
        });
      const place: EntryPlace = {
        path: f.save.path,
        table: tableName,
        chain: chainName,
        policyWord: chain.policy ?? 'unknown',
        policyLine: chain.line ?? table.line,
      };
      // Entries reached through the same rule of the built-in chain share one origin.
      const origins = new Map<RuleAt | undefined, RuleOrigin>();
      flattenChain(f.save.path, table, chain, startMatch, reads.reader(table), (e) => {
        const topRule = e.via[0] ?? e.at;
        let origin = origins.get(topRule);
        if (!origin) {
          origin = {
            path: f.save.path,
            family: f.family,
            host: !path.router,
            table: tableName,
            chain: chainName,
            ...(topRule ? { top: { line: topRule.rule.line, index: topRule.index } } : {}),
            ...(chain.rules[0] ? { first: chain.rules[0].line } : {}),
            commitLine: table.commitLine,
          };
          origins.set(topRule, origin);
        }
        for (const r of entryRules(e, place, shapes)) rules.push(setOrigin(r, origin));
      });
    }
    stages.push({ name: `${tableName} ${chainName}`, start, end: rules.length });
    stagesSeen.push(`${tableName} ${chainName}`);
  }
  // Every rule is read, also in chains no flow meets: a save iptables-restore would refuse is refused.
  reads.readTheRest();
  if (stagesSeen.length > 1) {
    notes.push(
      `the flows' first packets pass ${stagesSeen.join(', then ')}: an ACCEPT ends only its own chain, a DROP or REJECT anywhere is final; DNAT/REDIRECT in nat make the flows they catch unknown`,
    );
  }

  const mainChain = main.save.tables.get('filter')?.chains.get(topChain);
  const usesEgress = rules.some((r) => !r.destinationZones.isAny());
  return {
    format: 'iptables',
    paths: group.map((f) => f.save.path),
    rules,
    stages,
    default: {
      action: mainChain?.policy === 'DROP' ? 'deny' : 'allow',
      name: `${topChain} policy ${mainChain?.policy ?? 'ACCEPT'}`,
      location: { path: main.save.path, line: mainChain?.line ?? 1 },
    },
    ...(natEgressZones
      ? { egressZones: natEgressZones }
      : usesEgress
        ? { egressZones: 'unknown' as const }
        : {}),
    // With wildcards the zones cover every interface (interface-zones.ts); zoneOf places a name they miss.
    zones: {
      known: interfaces.zones,
      incomplete: !interfaces.complete,
      zoneOf: (name) => interfaces.zoneOf(name),
    },
    ...(warnings.length ? { warnings } : {}),
    notes,
  };
}
