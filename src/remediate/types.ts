import type { InputFile } from '../input/input-file.js';
import type { Flow } from '../model/flow.js';
import type { IntervalSet } from '../model/interval-set.js';
import type { Policy, Rule } from '../model/policy.js';
import type { Scope } from '../evaluate/zone-scope.js';
import type { ReadOptions } from '../formats/read-options.js';

/** Text to insert before a 1-based line of a file (line = the file's line count + 1 appends). */
export interface Edit {
  path: string;
  line: number;
  insert: string;
}

/**
 * The flows one new rule is to fix: one group per role kind (DESIGN.md, "Remediation"): `web` (TCP 443 to
 * host names), `media` (STUN/TURN ports, to any public address, the relays, or host names), `dns`.
 */
export interface FixGroup {
  kind: 'web' | 'media' | 'dns';
  flows: Flow[];
  /** The host names to allow, when the rule goes to names (web, and media with no `*` flow). */
  hosts: string[];
  /** Any public destination (a `*` flow); `relays` narrows it where the user gave relay addresses. */
  anyDestination: boolean;
  relays?: { set: IntervalSet; text: readonly string[] };
  /** Port and protocol pairs the rule must allow. */
  services: { protocol: 'tcp' | 'udp'; port: number }[];
}

/** What a vendor module is asked to write: one allow rule for a group, placed before a given rule. */
export interface FixRequest {
  policy: Policy;
  /** The policy's files as read (the first is its main file). */
  files: readonly InputFile[];
  group: FixGroup;
  /** Index in policy.rules of the rule to insert before; -1: after the last rule (before the default). */
  before: number;
  /** The clients: `--source` addresses as given, and as a set. */
  sources?: { texts: readonly string[]; set: IntervalSet };
  /** The deciding rule's sources, for when no `--source` was given. */
  fallbackSourcesOf?: Rule;
  /** The clients' zone and the egress zones, where known (given or told by the config). */
  sourceZones?: readonly string[];
  destinationZones?: readonly string[];
  /** Names already taken in the policy (rules), so a new name doesn't clash. */
  ruleNames: ReadonlySet<string>;
  /** The check's own evaluation scope (sources, zones, overrides), for a module that re-evaluates. */
  scope: Scope;
  /** How the check read the configs (--chain), for a module that reads its patched files again. */
  read: ReadOptions;
  /**
   * Fixes already written for this policy in this run, in order: objects they define may be reused (they
   * are proven together first; on their own only where that fails).
   */
  earlier: readonly ProposedFix[];
}

/** A vendor's proposed rule: the edits to the committed export and the commands for the device. */
export interface ProposedFix {
  /** The new rule's name ("allow-remotespark-web"). */
  name: string;
  edits: Edit[];
  /** What an admin types on the device or cloud CLI, where the vendor has one. */
  commands: string[];
  /** Anything a reviewer should know (objects created, a source widened to the deciding rule's). */
  notes?: string[];
}

/** A vendor can't write this fix (a rule in a template the export doesn't hold, say), and why. */
export interface Unfixable {
  unfixable: string;
}

/** The remediation part of a vendor module, next to its reader. */
export type Remediator = (request: FixRequest) => ProposedFix | Unfixable;
