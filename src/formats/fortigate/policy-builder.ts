import type { UnknownPart } from '../../model/location.js';
import type { Policy, Rule } from '../../model/policy.js';
import type { ZoneSet } from '../../model/zone-set.js';
import { AddressBook } from './addresses.js';
import type { Block, Entry } from './config-tree.js';
import { egressOf } from './egress.js';
import { RuleBuilder, type TableKind } from './rules.js';
import { enabled, tableOf, valueOf, type Scope } from './scopes.js';
import { ServiceBook } from './services.js';
import { fortigateFormat } from './detect.js';
import { ReadLog } from './read-log.js';
import { scopeZones, type ScopeZones } from './zone-facts.js';
import { PROFILE_KEYS } from './read-keys.js';

export const FORMAT_ID = fortigateFormat.id;

const TABLE_PATHS: Record<TableKind, string> = {
  policy: 'firewall policy',
  policy6: 'firewall policy6',
  'consolidated policy': 'firewall consolidated policy',
  acl: 'firewall acl',
  acl6: 'firewall acl6',
};

/** The policy tables in the order their rules come, without and with consolidated-firewall-mode. */
const ORDER: readonly TableKind[] = ['acl', 'acl6', 'policy', 'policy6', 'consolidated policy'];
const CONSOLIDATED_ORDER: readonly TableKind[] = ['acl', 'acl6', 'consolidated policy', 'policy', 'policy6'];

/** The policy tables' paths, and the kind of each. */
export const POLICY_TABLES: ReadonlyMap<string, TableKind> = new Map(
  Object.entries(TABLE_PATHS).map(([kind, path]) => [path, kind as TableKind]),
);

/**
 * One scope (the whole file, or one VDOM) as a policy:
 * - ACL entries (`config firewall acl` / `acl6`) first, as deny rules: they only ever drop traffic, so
 *   putting them in front can only make a verdict stricter;
 * - then the firewall policies in file order: `firewall policy` (IPv4, and IPv6 too from FortiOS 6.4)
 *   and `firewall policy6` (IPv6 up to 6.2), or, with the 6.2 `consolidated-firewall-mode enable`,
 *   `firewall consolidated policy`; a table the mode leaves out still becomes rules, with an unknown
 *   condition, so it can never make a flow pass;
 * - then the implicit deny: traffic no policy accepts is dropped (policy 0, "Implicit deny", at the end of
 *   every VDOM's list: https://community.fortinet.com/t5/Support-Forum/Sequence-number-Seq-field-where-is-it/td-p/14208).
 */
export function buildScopePolicy(scope: Scope): Policy {
  const assembly = new ScopeAssembly(scope);
  for (const kind of assembly.order) {
    const entries = assembly.table(kind)?.entries;
    if (!entries) continue;
    const extra = assembly.extraFor(kind);
    for (const [key, entry] of entries) {
      assembly.add(kind, entry, extra);
      // The rule holds what the check needs of the entry, so the entry goes: on a big export, 160,000
      // entries held to the end of the build were ~20 MB of the read's peak (docs/performance.md).
      // Deleting the entry being visited doesn't disturb a Map's iteration.
      entry.release();
      entries.delete(key);
    }
  }
  return assembly.finish();
}

/**
 * A scope's policy as it is put together: made (its zones and objects read, every object checked) once
 * the scope's other tables are complete, then given the policy table entries in rule order (`order`), then
 * finished. buildScopePolicy gives it a whole tree's entries; policy-stream.ts gives it each entry as the
 * file closes it.
 */
export class ScopeAssembly {
  readonly order: readonly TableKind[];
  private readonly log: ReadLog;
  private readonly zones: ScopeZones;
  private readonly builder: RuleBuilder;
  private readonly ngfwPolicyBased: boolean;
  private readonly malformedLines: number[] = [];
  private readonly rules: Rule[] = [];
  private withProfiles = 0;
  /** The table kinds some entry was added from. */
  private readonly filled = new Set<TableKind>();
  /** Why a table's policies are undecidable: the table the mode leaves out. */
  private readonly inactive = new Map<TableKind, string>();

  constructor(private readonly scope: Scope) {
    this.log = new ReadLog(scope.path);
    const zones = (this.zones = scopeZones(scope));
    const v4 = new AddressBook(scope, 'ipv4', this.log);
    const v6 = new AddressBook(scope, 'ipv6', this.log);
    AddressBook.pair(v4, v6);
    const services = new ServiceBook(scope, this.log);
    v4.checkAll();
    v6.checkAll();
    services.checkAll();

    const settings = scope.blocks.get('system settings');
    const consolidatedMode = settings !== undefined && enabled(settings, 'consolidated-firewall-mode');
    this.ngfwPolicyBased = settings !== undefined && valueOf(settings, 'ngfw-mode') === 'policy-based';
    this.builder = new RuleBuilder({
      scope,
      v4,
      v6,
      services,
      ngfwPolicyBased: this.ngfwPolicyBased,
      malformedLines: this.malformedLines,
      zones,
      log: this.log,
    });
    if (consolidatedMode) {
      this.order = CONSOLIDATED_ORDER;
      const why = 'is not used while consolidated-firewall-mode is enabled';
      this.inactive.set('policy', why).set('policy6', why);
    } else {
      this.order = ORDER;
      this.inactive.set('consolidated policy', 'is used only with consolidated-firewall-mode enabled');
    }
  }

  table(kind: TableKind): Block | undefined {
    return this.scope.blocks.get(TABLE_PATHS[kind]);
  }

  /** The condition every rule of a table the mode leaves out carries; none for the others. */
  extraFor(kind: TableKind): UnknownPart[] {
    const why = this.inactive.get(kind);
    const block = this.table(kind);
    if (why === undefined || !block) return [];
    return [
      { reason: `config ${TABLE_PATHS[kind]} ${why}`, location: { path: this.scope.path, line: block.line } },
    ];
  }

  /** The next policy entry, in rule order; the caller releases it after. */
  add(kind: TableKind, entry: Entry, extra: readonly UnknownPart[]): void {
    const rule = this.builder.build(entry, kind, extra);
    this.rules.push(rule);
    if (rule.action === 'allow' && hasProfiles(entry)) this.withProfiles++;
    this.filled.add(kind);
  }

  finish(): Policy {
    const { scope, log, zones, rules, ngfwPolicyBased, malformedLines, withProfiles } = this;
    const notes: string[] = [];
    for (const kind of this.order) {
      const why = this.inactive.get(kind);
      if (why === undefined || !this.filled.has(kind)) continue;
      notes.push(
        `config ${TABLE_PATHS[kind]} (line ${this.table(kind)!.line}) ${why}; its policies are kept as undecidable`,
      );
    }
    const { egress, note } = egressOf(scope);
    notes.unshift(note);
    const assumed = log.assumedNote();
    if (assumed) notes.push(assumed);
    if (zones.incomplete) {
      // A trimmed export: the names its policies and routes use are real, others may exist too.
      for (const r of rules) for (const z of [r.sourceZones, r.destinationZones]) namesOf(z, zones.known);
      if (egress !== 'unknown') namesOf(egress, zones.known);
      notes.push(
        'the export has no config system interface, so the device may have interfaces and zones it does not show',
      );
    }
    if (scope.vdom !== undefined && scope.blocks.size === 0) {
      notes.push(
        `the export declares VDOM ${JSON.stringify(scope.vdom)} but holds none of its configuration`,
      );
    }
    if (rules.length === 0) notes.push('no firewall policies: the implicit deny decides all traffic');
    if (ngfwPolicyBased) {
      notes.push(
        'NGFW policy-based mode: security policies (config firewall security-policy) are not modelled, so accept policies only "may" match',
      );
    }
    if (withProfiles > 0) {
      notes.push(
        `${withProfiles} accept ${withProfiles === 1 ? 'policy applies' : 'policies apply'} security profiles (application control, web or DNS filter, IPS, antivirus), which can still block traffic the policy accepts; they are not modelled`,
      );
    }
    const proxy = tableOf(scope, 'firewall proxy-policy');
    if (proxy && proxy.entries.size > 0) {
      notes.push(
        `explicit web proxy policies (config firewall proxy-policy, line ${proxy.line}) are not evaluated: they apply only to clients set up to use the FortiGate's web proxy`,
      );
    }
    if (malformedLines.length > 0) {
      notes.push(
        `values with malformed quoting at line${malformedLines.length > 1 ? 's' : ''} ${[...new Set(malformedLines)].join(', ')} can't be read; the rules using them are undecidable`,
      );
    }

    const firstTable = (['policy', 'policy6', 'consolidated policy'] as TableKind[])
      .map((k) => this.table(k))
      .find((b) => b !== undefined);
    const defaultLine = firstTable?.line ?? scope.line;
    return {
      format: FORMAT_ID,
      paths: [scope.path],
      ...(scope.vdom !== undefined ? { name: scope.vdom } : {}),
      rules,
      default: {
        action: 'deny',
        name: 'implicit deny',
        ...(defaultLine !== undefined ? { location: { path: scope.path, line: defaultLine } } : {}),
      },
      egressZones: egress,
      zones: {
        known: [...zones.known],
        incomplete: zones.incomplete,
        ...(zones.subnets.length ? { subnets: zones.subnets } : {}),
      },
      ...(log.warnings().length ? { warnings: log.warnings() } : {}),
      notes,
    };
  }
}

/** Adds the names a zone set lists (not a complement such as `any`) to `into`. */
function namesOf(set: ZoneSet, into: Set<string>): void {
  if (!set.complement) for (const n of set.names) into.add(n);
}

function hasProfiles(entry: Entry): boolean {
  // Security profiles apply only with `set utm-status enable` (disabled by default).
  if (valueOf(entry, 'utm-status') !== 'enable') return false;
  return PROFILE_KEYS.some((k) => (valueOf(entry, k) ?? '') !== '');
}
