import type { AddressExpr } from './address.js';
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
  /** Assumptions the reader made that a user should know about. */
  notes: readonly string[];
}
