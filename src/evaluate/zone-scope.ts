import { IntervalSet } from '../model/interval-set.js';
import { formatAddressSet } from '../model/ip.js';
import type { Policy } from '../model/policy.js';
import { ZoneSet } from '../model/zone-set.js';

/**
 * Which clients a check is about, as the user gave it. Zone options fill in where a config is silent and
 * never replace what it says (an egress zone from a default route, say); `egressOverride` does, per policy.
 */
export interface Scope {
  sources?: IntervalSet;
  sourceZones?: ZoneSet;
  destinationZones?: ZoneSet;
  /** Egress zones that replace what the config says, by policy name (`--destination-zone-override`). */
  egressOverrides?: ReadonlyMap<string, ZoneSet>;
}

/**
 * One possibility for the zone the internet is reached through. `dz` is pinned ("for all" its members);
 * `undefined` leaves it open (rules don't depend on zones). `clientsOutside`: the clients are taken to be
 * in another zone than the egress one, so a same-zone rule can't match them.
 */
export interface EgressWorld {
  dz?: ZoneSet;
  sz: ZoneSet;
  /** Whether the source zone is pinned (for all) or open (there exists). */
  szPinned: boolean;
  clientsOutside: boolean;
  /** "zone untrust", "another zone than trust, untrust": how reports name this possibility. */
  label: string;
}

/** How one policy is evaluated: the possibilities for its egress zone and what the decision rests on. */
export interface PolicyScope {
  sources?: IntervalSet;
  /** One world: the config or the user decides. Several: the verdict is what they all agree on. */
  worlds: EgressWorld[];
  /** Why there are several worlds, when there are. */
  quantified?: string;
  /** What the scope rests on (an inferred client zone, a config's default route winning over an option). */
  assumptions: string[];
  /** When no world is left: why the flow can't be evaluated. */
  empty?: string;
}

export const policyName = (p: Policy): string => p.name ?? p.paths[0]!;

const namedZonesCache = new WeakMap<Policy, string[]>();

/** The zone names a policy defines, plus every name its rules mention (a reader may list none). */
export function knownZones(policy: Policy): string[] {
  let known = namedZonesCache.get(policy);
  if (known) return known;
  const names = new Set(policy.zones?.known ?? []);
  for (const r of policy.rules) {
    for (const n of r.sourceZones.names) names.add(n);
    for (const n of r.destinationZones.names) names.add(n);
  }
  known = [...names].sort();
  namedZonesCache.set(policy, known);
  return known;
}

/** Whether the device may have zones the config doesn't show (unknown when the reader lists none). */
export function zonesIncomplete(policy: Policy): boolean {
  return policy.zones ? policy.zones.incomplete : true;
}

/**
 * The zone of this policy a name given by the user stands for: the name itself when the policy knows it,
 * else the zone its reader puts such a name in (an interface the ruleset never spells, in the part of
 * the interface names its wildcards leave), else undefined.
 */
export function zoneNamed(policy: Policy, name: string): string | undefined {
  const known = knownZones(policy);
  if (known.includes(name)) return name;
  const zone = policy.zones?.zoneOf?.(name);
  return zone !== undefined && known.includes(zone) ? zone : undefined;
}

/**
 * The names of an option that apply to this policy: the ones it knows (or the zones it puts them in), or
 * all when its zones are open. `mapped` says which names stood for another zone.
 */
function applicable(option: ZoneSet | undefined, policy: Policy, mapped: string[] = []): ZoneSet | undefined {
  if (!option) return undefined;
  if (zonesIncomplete(policy)) return option;
  const mine = new Set<string>();
  for (const n of option.names) {
    const zone = zoneNamed(policy, n);
    if (zone === undefined) continue;
    if (zone !== n) mapped.push(`"${n}" is in zone "${zone}"`);
    mine.add(zone);
  }
  return mine.size ? ZoneSet.of(mine) : undefined;
}

/**
 * The zone the clients' addresses arrive on, from the interfaces' connected subnets: when every source
 * lies in subnets of one zone, that zone.
 */
function inferSourceZone(policy: Policy, sources: IntervalSet): { zone: string; why: string } | undefined {
  const subnets = policy.zones?.subnets;
  if (!subnets?.length || sources.isEmpty()) return undefined;
  const byZone = new Map<string, IntervalSet>();
  for (const s of subnets) byZone.set(s.zone, (byZone.get(s.zone) ?? IntervalSet.EMPTY).union(s.net));
  for (const [zone, net] of byZone) {
    if (!net.covers(sources)) continue;
    const where = subnets
      .filter((s) => s.zone === zone && s.net.intersects(sources))
      .map((s) => {
        const iface = s.interface && s.interface !== zone ? `interface ${s.interface}, ` : '';
        const at = s.location ? `, ${s.location.path}:${s.location.line}` : '';
        return `${iface}${formatAddressSet(s.net, 2)}${at}`;
      });
    return {
      zone,
      why: `the clients (${formatAddressSet(sources, 4)}) arrive on zone "${zone}", whose connected subnet holds them (${where.join('; ')})`,
    };
  }
  return undefined;
}

/** The worlds to evaluate a policy in, from what its config says and what the user gave. */
export function policyScope(policy: Policy, scope: Scope): PolicyScope {
  const assumptions: string[] = [];
  const name = policyName(policy);

  const mapped: string[] = [];
  let sz = applicable(scope.sourceZones, policy, mapped);
  if (!sz && scope.sources) {
    const inferred = inferSourceZone(policy, scope.sources);
    if (inferred) {
      sz = ZoneSet.of([inferred.zone]);
      assumptions.push(inferred.why);
    }
  }

  const override = scope.egressOverrides?.get(name);
  const config = policy.egressZones;
  let egress: ZoneSet | undefined;
  if (override) {
    egress = override;
    assumptions.push(`egress zones ${override} set by --destination-zone-override for "${name}"`);
  } else if (config instanceof ZoneSet) {
    egress = config;
    const given = scope.destinationZones;
    if (given && given.toString() !== config.toString() && applicable(given, policy)) {
      assumptions.push(
        `the config says the internet is reached through ${config}; --destination-zone ${given} only fills in where a config is silent`,
      );
    }
  } else if (config === undefined) {
    egress = scope.destinationZones;
  } else {
    egress = applicable(scope.destinationZones, policy, mapped);
  }
  if (mapped.length) assumptions.push(`names the config never spells: ${mapped.join('; ')}`);

  // Where the export shows every zone, clients arrive on one of them; else on any zone.
  const complete = !zonesIncomplete(policy) && knownZones(policy).length > 0;
  const anyClientZone = complete ? ZoneSet.of(knownZones(policy)) : ZoneSet.ANY;
  const pinned = (dz: ZoneSet | undefined): EgressWorld => {
    // Clients don't sit in the zone the internet is reached through, so an open source zone excludes it.
    const clientSz = sz ?? (dz ? anyClientZone.subtract(dz) : anyClientZone);
    return {
      dz,
      sz: clientSz,
      szPinned: sz !== undefined,
      clientsOutside: dz !== undefined && clientSz.intersect(dz).isEmpty(),
      label: dz ? `zone ${dz}` : 'any zone',
    };
  };

  if (egress || config === undefined) {
    const world = pinned(egress);
    if (world.sz.isEmpty())
      return { worlds: [], assumptions, empty: 'no source zone is left outside the egress zones' };
    return { sources: scope.sources, worlds: [world], assumptions };
  }

  // The config doesn't tell the egress zone: every zone it defines is a candidate, and "another one" where
  // the device may have zones the export doesn't show. Internet traffic doesn't leave by the clients' zone.
  const known = knownZones(policy);
  const worlds: EgressWorld[] = [];
  for (const z of known) {
    if (sz?.has(z)) continue;
    const world = pinned(ZoneSet.of([z]));
    // With every zone shown, a single-zone device leaves the clients no zone apart from the egress one.
    if (!world.sz.isEmpty()) worlds.push({ ...world, label: `zone "${z}"` });
  }
  if (zonesIncomplete(policy) || known.length === 0) {
    const others = ZoneSet.allBut(known);
    const clientSz = sz ?? ZoneSet.ANY;
    worlds.push({
      dz: others,
      sz: clientSz,
      szPinned: sz !== undefined,
      clientsOutside: true,
      label: known.length ? `another zone than ${known.map((z) => `"${z}"`).join(', ')}` : 'any zone',
    });
  }
  if (worlds.length === 0) {
    return {
      worlds,
      assumptions,
      empty: sz
        ? `no zone is left for the internet outside the clients' zones ${sz}`
        : `no zone is left for the clients outside the egress zone (zones: ${known.join(', ')})`,
    };
  }
  const quantified =
    worlds.length === 1 && known.length === 0
      ? "the config doesn't tell which zone reaches the internet; the clients are taken to be in another zone than the egress one"
      : `the config doesn't tell which zone reaches the internet; checked ${worlds.map((w) => w.label).join(', ')}`;
  return { sources: scope.sources, worlds, quantified, assumptions };
}
