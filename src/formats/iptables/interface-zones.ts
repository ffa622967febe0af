import { ZoneSet } from '../../model/zone-set.js';

/** The zone of the interfaces a ruleset never names that start with `prefix` and with no longer wildcard. */
export function prefixZone(prefix: string): string {
  return `another interface named ${prefix}…`;
}

/** The zone of the interfaces a ruleset never names and no wildcard matches. */
export const OTHER_INTERFACE = 'another interface (no wildcard matches its name)';

const PREFIX_ZONE = /^another interface named (.*)…$/;

/** The wildcard prefix a zone from prefixZone stands for, or undefined for any other zone. */
export function prefixOfZone(zone: string): string | undefined {
  return PREFIX_ZONE.exec(zone)?.[1];
}

/**
 * Interfaces as zones, exact for wildcards (iptables `-i eth+`, nft `iifname "eth*"`) without names the
 * ruleset never spells: those are split by the LONGEST wildcard prefix they start with into one zone per
 * prefix P (prefixZone(P)), and OTHER_INTERFACE for names no wildcard matches. Each interface falls in
 * exactly one part (a name it spells, one prefix zone, or the other one), so a wildcard Q is the union of
 * the named interfaces starting with Q and the prefix zones whose P starts with Q (a name starting with P
 * starts with Q), a plain name is itself, and a negation is the complement: all exact. Without wildcards
 * (other than the empty one, which matches every interface) the names are all there is to say, and other
 * interfaces stay "another zone" as for any reader whose zone list may be incomplete.
 */
export class InterfaceZones {
  readonly names: readonly string[];
  readonly prefixes: readonly string[];
  private readonly named: ReadonlySet<string>;
  /** Every zone: the names, then the prefix zones and the other one where there are wildcards. */
  readonly zones: readonly string[];

  constructor(names: Iterable<string>, wildcardPrefixes: Iterable<string>) {
    this.named = new Set(names);
    this.names = [...this.named].sort();
    this.prefixes = [...new Set(wildcardPrefixes)].filter((p) => p !== '').sort();
    this.zones = this.complete
      ? [...this.names, ...this.prefixes.map(prefixZone), OTHER_INTERFACE]
      : this.names;
  }

  /** Whether the zones cover every interface (there are wildcard parts); else others are "another zone". */
  get complete(): boolean {
    return this.prefixes.length > 0;
  }

  /** The zones a wildcard for `prefix` matches. */
  wildcard(prefix: string): ZoneSet {
    if (prefix === '') return ZoneSet.ANY;
    return ZoneSet.of(this.zones.filter((z) => this.wildcardMatches(prefix, z)));
  }

  /** Whether a wildcard for `prefix` matches every interface of zone `zone`. */
  wildcardMatches(prefix: string, zone: string): boolean {
    if (this.named.has(zone)) return zone.startsWith(prefix);
    if (zone === OTHER_INTERFACE) return prefix === '';
    return prefixOfZone(zone)?.startsWith(prefix) ?? false;
  }

  /** The zone an actual interface name falls in (undefined: "another zone", outside the list). */
  zoneOf(name: string): string | undefined {
    if (this.named.has(name)) return name;
    let best: string | undefined;
    for (const p of this.prefixes)
      if (name.startsWith(p) && (best === undefined || p.length > best.length)) best = p;
    if (best !== undefined) return prefixZone(best);
    return this.complete ? OTHER_INTERFACE : undefined;
  }
}
