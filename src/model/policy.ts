import type { AddressExpr } from './address.js';
import type { IntervalSet } from './interval-set.js';
import type { SourceLocation, UnknownPart } from './location.js';
import type { ServiceExpr } from './service.js';
import type { ZoneSet } from './zone-set.js';

export type Action = 'allow' | 'deny';

/** One rule of a vendor's ordered rule list, normalized. */
export interface Rule {
  /** The vendor's name for the rule, or a made-up label like "rule 12" where it has none. */
  name: string;
  /** The vendor's id where it has one apart from the name (FortiGate policy id, Azure priority ...). */
  id?: string;
  /**
   * Identity across revisions where neither name nor id is stable (an ASA ACE, named by its position:
   * its ACL and text). Default: section, then id or name.
   */
  key?: string;
  enabled: boolean;
  action: Action;
  /** The vendor's own word for the action (drop, reset-client, reject ...), for reports. */
  vendorAction?: string;
  sourceZones: ZoneSet;
  destinationZones: ZoneSet;
  sources: AddressExpr;
  destinations: AddressExpr;
  services: ServiceExpr;
  /** Further match conditions the config can't decide (applications, users, schedules ...). */
  conditions?: readonly UnknownPart[];
  location: SourceLocation;
  /** Where in the vendor's structure the rule sits (pre-rulebase, rule collection ...). */
  section?: string;
  /**
   * The rule matches only traffic that enters and leaves by the same zone (PAN-OS `intrazone-default`),
   * whatever `sourceZones`/`destinationZones` say. The evaluator decides it exactly where the query's
   * zones tell, and treats it as never matching where clients are taken to be outside the egress zone.
   */
  sameZone?: boolean;
}

/** A connected subnet of a zone or interface (an interface's own address and mask). */
export interface ZoneSubnet {
  zone: string;
  net: IntervalSet;
  /** The interface it was read from, for notes ("port1", "ethernet1/2"). */
  interface?: string;
  location?: SourceLocation;
}

/** What the config tells of its zones (or interfaces, where rules name interfaces). */
export interface ZoneFacts {
  /** Every zone or interface name rules can name, as the config spells them. */
  known: readonly string[];
  /**
   * True when the device may have zones the export doesn't show (a Panorama device group, whose zones live
   * in templates; a trimmed export): "another zone" is then one more possibility.
   */
  incomplete: boolean;
  /** Interface subnets by zone: which zone a client address arrives on. */
  subnets?: readonly ZoneSubnet[];
  /**
   * The zone a name the user gives falls in, where the zones are parts of a larger name space (Linux
   * interfaces the ruleset never spells, split by the wildcards that match them): `wlan9` is in "another
   * interface named wlan…". Undefined: the name is no zone of this policy.
   */
  zoneOf?: (name: string) => string | undefined;
}

/** Something a user must see about the input (a stale reference read as unknown), with where it is. */
export interface PolicyWarning {
  message: string;
  location?: SourceLocation;
}

/** One stage of a policy: `rules[start]` up to (not including) `rules[end]`. */
export interface PolicyStage {
  name: string;
  start: number;
  end: number;
}

/** What happens to traffic no rule matches. */
export interface DefaultDecision {
  action: Action;
  /** "implicit deny", "interzone-default", "default action in policy.yaml" ... */
  name: string;
  location?: SourceLocation;
}

/** One firewall's rules in evaluation order, as its vendor applies them. */
export interface Policy {
  /** Reader id (the `--format` value). */
  format: string;
  /** The files the policy was read from; the first is the main one. */
  paths: readonly string[];
  /** Which firewall, vsys, VDOM or device group, where the input holds several. */
  name?: string;
  rules: readonly Rule[];
  default: DefaultDecision;
  /**
   * Zones or interfaces the internet is reached through: a set when the config says so (a default route's
   * interface, say); `unknown` when the vendor's verdicts hinge on it and the config doesn't tell (every
   * flow is then unknown until the user names them); absent when rules don't depend on zones.
   */
  egressZones?: ZoneSet | 'unknown';
  /**
   * The zones the config defines. With `egressZones: 'unknown'` the evaluator tries every one of them
   * (and "another one" when `incomplete`) as the zone reaching the internet; options naming zones are
   * checked against them.
   */
  zones?: ZoneFacts;
  /** Problems in the input that were read around (shown with file:line in every output). */
  warnings?: readonly PolicyWarning[];
  /**
   * Stages a packet must all pass, in order (nftables base chains on one hook, ASA inbound then outbound
   * ACLs, pfSense floating then interface rules, Check Point layers, an NSG in front of a firewall): each
   * a range of `rules`, an ordered first-match list of its own. An accept ends only its own stage; a deny
   * in any stage is final. A stage's default is a catch-all rule at its end (so it has a line); where a
   * stage has none, `default` applies. Absent: `rules` is one stage.
   */
  stages?: readonly PolicyStage[];
  /** Assumptions the reader made that a user should know about. */
  notes: readonly string[];
}
