import { InputError } from '../../input/input-error.js';
import type { UnknownPart } from '../../model/location.js';
import type { Action, Policy, PolicyWarning, Rule } from '../../model/policy.js';
import { AddressEntries, locationOf } from './address-entries.js';
import { preview, Unresolved } from './arm-values.js';
import { IpGroups } from './ip-groups.js';
import { listedNames, uniqueNames, useNote } from './policy-uses.js';
import {
  POLICY_TYPE,
  referencedName,
  type FirewallResource,
  type GroupResource,
  type PolicyResource,
  type ResourceIndex,
  type TemplateInfo,
} from './resources.js';
import {
  buildRule,
  opaqueRules,
  PHASES,
  ruleName,
  type CollectionInfo,
  type Phase,
  type RuleEnv,
} from './rules.js';
import type { View } from './view.js';
import { azureFirewallFormat } from './detect.js';

export const FORMAT_ID = azureFirewallFormat.id;

const MIN_PRIORITY = 100;
const MAX_PRIORITY = 65000;

/** A firewall policy and the rule collection groups that belong to it. */
interface PolicyPlan {
  key: string;
  name: string;
  /** Undefined when the input holds only the policy's rule collection groups (az CLI output, say). */
  resource?: PolicyResource;
  /** A Bicep `existing` reference seen for it. */
  existingRef?: PolicyResource;
  groups: GroupResource[];
  /** Where the policy stands: its resource, or its first group. */
  anchor: View;
  notes: string[];
  /** Firewalls that name this policy but also have classic rules (checked as two results). */
  firewalls: string[];
}

/** One rule collection, read. */
interface CollectionPlan {
  name: string;
  priority: number;
  priorityView: View;
  phases: readonly Phase[];
  view: View;
  action: Action;
  vendorAction: string;
  /** The rule views, or why they can't be read. */
  rules: View[] | Unresolved;
  conditions: UnknownPart[];
}

/** One rule collection group, read. */
interface GroupPlan {
  group: GroupResource;
  priority: number;
  priorityView: View;
  collections: CollectionPlan[] | Unresolved;
}

/** A policy and its ancestors, root first; a parent that can't be read ends it with a reason. */
interface Chain {
  plans: PolicyPlan[];
  missing?: { reason: string; at: View; name: string; warning?: string };
}

/** What one output policy stands for: a policy chain as a firewall uses it, or a policy on its own. */
interface Use {
  name: string;
  firewall?: FirewallResource;
}

/** A firewall's `firewallPolicy`: a policy in the input, or stand-in rules for one that isn't. */
type FirewallPolicyRef = { plan: PolicyPlan } | { rules: Rule[]; warning?: PolicyWarning };

interface Prioritized {
  name: string;
  priority: number;
  priorityView: View;
}

function lower(s: string): string {
  return s.toLowerCase();
}

/** A priority: an integer 100-65000 ("Azure Firewall rule processing logic": lower numbers first). */
function priorityOf(owner: View, what: string): { priority: number; view: View } {
  const view = owner.get('priority');
  if (!view)
    throw owner.error(`${what}: missing "priority"; expected an integer ${MIN_PRIORITY}-${MAX_PRIORITY}`);
  const v = view.scalar('priority');
  if (v instanceof Unresolved) {
    throw view.error(
      `${what}: the priority is known only at deployment (${v.reason}); the rule order depends on it, so give the parameter a value (a parameters file or defaultValue)`,
    );
  }
  const n = typeof v === 'number' ? v : /^\d+$/.test(v.trim()) ? Number(v) : NaN;
  if (!Number.isInteger(n) || n < MIN_PRIORITY || n > MAX_PRIORITY) {
    throw view.error(`${what}: priority ${preview(v)} is not an integer ${MIN_PRIORITY}-${MAX_PRIORITY}`);
  }
  return { priority: n, view };
}

/**
 * Items in priority order, lower numbers first. Two items of one level with the same priority leave the
 * order undefined (Azure doesn't document which comes first), so that is an error, not a guess.
 */
function ordered<T extends Prioritized>(items: readonly T[], what: string, phase: Phase): T[] {
  const sorted = [...items].sort((a, b) => a.priority - b.priority);
  for (let i = 1; i < sorted.length; i++) {
    const [a, b] = [sorted[i - 1]!, sorted[i]!];
    if (a.priority === b.priority) {
      throw b.priorityView.error(
        `${what} "${b.name}" and "${a.name}" (line ${a.priorityView.line}) share priority ${b.priority} for ${phase} rules; Azure doesn't document which is processed first, so the rule order can't be known: give each a distinct priority`,
      );
    }
  }
  return sorted;
}

const NAT_COLLECTION = 'firewallpolicynatrulecollection';
const FILTER_COLLECTION = 'firewallpolicyfilterrulecollection';
const RULE_TYPES: Record<string, Phase> = {
  natrule: 'dnat',
  networkrule: 'network',
  applicationrule: 'application',
};

function actionOf(
  collection: View,
  what: string,
  nat: boolean,
): { action: Action; vendor: string; condition?: UnknownPart } {
  const actionView = collection.get('action');
  const typeView = actionView?.get('type', 'action');
  if (!actionView || !typeView) {
    throw collection.error(`${what}: missing "action": {"type": ${nat ? '"DNAT"' : '"Allow" or "Deny"'}}`);
  }
  const t = typeView.text('action.type');
  if (t instanceof Unresolved) {
    return {
      action: 'deny',
      vendor: 'unknown',
      condition: {
        reason: `${what}: the action is known only at deployment (${t.reason})`,
        location: locationOf(typeView),
      },
    };
  }
  const v = lower(t.trim());
  if (nat) {
    if (v === 'dnat') return { action: 'allow', vendor: 'DNAT' };
    if (v === 'snat') {
      return {
        action: 'allow',
        vendor: 'SNAT',
        condition: {
          reason: `${what}: SNAT rule collections are not modelled`,
          location: locationOf(typeView),
        },
      };
    }
    throw typeView.error(`${what}: action ${preview(t)}; a NAT rule collection's action is DNAT`);
  }
  if (v === 'allow') return { action: 'allow', vendor: 'Allow' };
  if (v === 'deny') return { action: 'deny', vendor: 'Deny' };
  throw typeView.error(`${what}: action ${preview(t)}; expected Allow or Deny`);
}

/**
 * A parent policy's DNAT rule collection, read as part of a child. Microsoft's pages disagree: "NAT rule
 * collections aren't inherited because they're specific to a given firewall" ("Azure Firewall Manager
 * policy overview", https://learn.microsoft.com/azure/firewall-manager/policy-overview), while the example
 * of "Azure Firewall rule processing logic" (https://learn.microsoft.com/azure/firewall/rule-processing)
 * processes the parent's DNAT collections first. So its rules only may match.
 */
function inheritedDnat(parent: string, c: CollectionPlan): UnknownPart {
  return {
    reason: `DNAT rule collection "${c.name}" is in parent policy "${parent}"; Microsoft's documentation disagrees on whether a child policy inherits DNAT rule collections`,
    location: locationOf(c.view),
  };
}

export function buildPolicies(index: ResourceIndex): Policy[] {
  return new PolicyBuilder(index).build();
}

class PolicyBuilder {
  private readonly entries = new AddressEntries();
  private readonly ipGroups: IpGroups;
  private readonly plans = new Map<string, PolicyPlan>();
  private readonly planOf = new Map<PolicyResource, PolicyPlan>();
  private readonly groupPlans = new Map<GroupResource, GroupPlan>();
  private readonly chains = new Map<PolicyPlan, Chain>();

  constructor(private readonly index: ResourceIndex) {
    this.ipGroups = new IpGroups(index.ipGroups);
  }

  /**
   * One policy per Azure Firewall (its classic rules, or the Firewall Policy chain it uses, named after the
   * firewall), then one per Firewall Policy that nothing in the input uses. A parent policy is checked only
   * as part of the children that inherit from it: no firewall runs its rules alone.
   */
  build(): Policy[] {
    this.linkPolicies();
    this.linkGroups();
    // Every chain up front: a cycle is an error even where no firewall uses the policies.
    for (const plan of this.plans.values()) this.chains.set(plan, this.chain(plan));
    const all: Policy[] = [];
    const usedByFirewall = new Set<PolicyPlan>();
    for (const fw of this.index.firewalls) {
      const ref = this.firewallPolicy(fw);
      if (ref && 'plan' in ref && !this.hasClassic(fw)) {
        usedByFirewall.add(ref.plan);
        all.push(this.policy(ref.plan, { name: fw.name, firewall: fw }));
      } else {
        all.push(this.firewall(fw, ref));
      }
    }
    const parents = new Set([...this.chains.values()].flatMap((c) => c.plans.slice(0, -1)));
    for (const plan of this.plans.values()) {
      if (usedByFirewall.has(plan) || this.onlyReferenced(plan)) continue;
      if (parents.has(plan) && plan.firewalls.length === 0) continue;
      all.push(this.policy(plan, { name: plan.name }));
    }
    uniqueNames(all);
    if (all.length === 0) {
      const first = this.index.ipGroups[0]?.view ?? undefined;
      throw new InputError(
        first?.path ?? this.index.templates[0]?.path ?? '(input)',
        first?.line ?? 1,
        'no Azure Firewall, Firewall Policy or rule collection group in the input (only IP groups, parameters or other resources); pass the firewall policy export too',
      );
    }
    return all;
  }

  private linkPolicies(): void {
    for (const res of this.index.policies) {
      const existing = this.plans.get(res.key);
      if (res.existing) {
        if (!existing) {
          const plan = this.newPlan(res.key, res.name, res.view);
          plan.existingRef = res;
          this.plans.set(res.key, plan);
        }
        this.planOf.set(res, this.plans.get(res.key)!);
        continue;
      }
      if (existing?.resource) {
        const first = existing.resource.view;
        throw res.view.error(
          `firewall policy "${res.name}" is defined twice (first at ${first.path}:${first.line})`,
        );
      }
      const plan = existing ?? this.newPlan(res.key, res.name, res.view);
      plan.resource = res;
      plan.anchor = res.view;
      this.plans.set(res.key, plan);
      this.planOf.set(res, plan);
    }
  }

  private newPlan(key: string, name: string, anchor: View): PolicyPlan {
    return { key, name, groups: [], anchor, notes: [], firewalls: [] };
  }

  private linkGroups(): void {
    for (const g of this.index.groups) {
      const plan = this.planFor(g);
      const twin = plan.groups.find((x) => lower(x.name) === lower(g.name));
      if (twin) {
        throw g.view.error(
          `rule collection group "${g.name}" of policy "${plan.name}" is defined twice (first at ${twin.view.path}:${twin.view.line})`,
        );
      }
      plan.groups.push(g);
    }
  }

  private planFor(g: GroupResource): PolicyPlan {
    if (g.parentPolicy) return this.planOf.get(g.parentPolicy)!;
    if (g.policyKey !== undefined) {
      let plan = this.plans.get(g.policyKey);
      if (!plan) {
        plan = this.newPlan(g.policyKey, g.policyName ?? g.policyKey, g.view);
        this.plans.set(g.policyKey, plan);
      }
      return plan;
    }
    if (g.origin.kind === 'template') {
      const id = g.origin.template.id;
      const same = this.index.policies.filter(
        (p) => p.origin.kind === 'template' && p.origin.template.id === id,
      );
      if (same.length === 1) {
        const plan = this.planOf.get(same[0]!)!;
        plan.notes.push(
          `the name of rule collection group ${preview(g.name)} (${g.view.path}:${g.view.line}) can't be evaluated; it is read as part of "${plan.name}", the only firewall policy in its template`,
        );
        return plan;
      }
      throw g.view.error(
        `can't tell which firewall policy rule collection group ${preview(g.name)} belongs to: its name can't be evaluated before deployment and its template defines ${same.length} policies`,
      );
    }
    // az CLI output without IDs: the groups of one file form one policy.
    const key = `\u0000${g.view.path}`;
    let plan = this.plans.get(key);
    if (!plan) {
      const base = g.view.path.replace(/^.*[\\/]/, '').replace(/\.[^.]*$/, '');
      plan = this.newPlan(key, base, g.view);
      this.plans.set(key, plan);
    }
    return plan;
  }

  // --- policies ---

  /** A Bicep `existing` reference with no rule collection groups in the input: nothing of it is here. */
  private onlyReferenced(plan: PolicyPlan): boolean {
    return !plan.resource && plan.groups.length === 0;
  }

  /**
   * The policy and its ancestors, root first ("Azure Firewall Manager policy overview", hierarchical
   * policies: a policy with a parent "inherit[s] all rule collections from the parent policy"). A parent not
   * in the input ends the chain with a reason.
   */
  private chain(plan: PolicyPlan): Chain {
    const out: PolicyPlan[] = [plan];
    const seen = [plan.key];
    let current = plan;
    for (;;) {
      const baseView = current.resource?.props.get('basePolicy');
      if (!baseView || baseView.raw === null) break;
      const idView = baseView.get('id', 'basePolicy');
      if (!idView) throw baseView.error('basePolicy: missing "id" (the parent policy\'s resource ID)');
      const text = idView.text('basePolicy.id');
      if (text instanceof Unresolved) {
        return {
          plans: out.reverse(),
          missing: {
            reason: `the parent policy of "${current.name}" is known only at deployment (${text.reason}); its rules come first and could allow or deny anything`,
            at: idView,
            name: `parent policy of ${current.name} (unknown)`,
          },
        };
      }
      const { name, ref } = referencedName(text);
      if (ref && ref.type !== POLICY_TYPE) {
        throw idView.error(`basePolicy: ${preview(text)} is not a firewall policy ID`);
      }
      const parent = this.plans.get(lower(name));
      if (!parent || this.onlyReferenced(parent)) {
        return {
          plans: out.reverse(),
          missing: {
            reason: `parent policy "${name}" is not in the input; its rules are processed first ("Azure Firewall Manager rule processing logic", inherited rules) and could allow or deny anything: pass its export too`,
            at: idView,
            name: `parent policy ${name} (not in the input)`,
            warning: `parent policy "${name}" of firewall policy "${current.name}" is not in the input: every flow its rules could decide is unknown; pass its export too`,
          },
        };
      }
      if (seen.includes(parent.key)) {
        const names = [...seen, parent.key].map((k) => this.plans.get(k)!.name);
        throw idView.error(
          `basePolicy: policy "${parent.name}" inherits from itself (${names.join(' -> ')})`,
        );
      }
      seen.push(parent.key);
      out.push(parent);
      current = parent;
    }
    return { plans: out.reverse() };
  }

  /**
   * az CLI / REST output of a policy lists its rule collection groups by ID. A listed group that is not in
   * the input holds rules that could allow or deny anything: stand-in rules make flows unknown.
   */
  private unlistedGroups(p: PolicyPlan, warnings: PolicyWarning[]): Rule[] {
    const res = p.resource;
    if (!res || res.origin.kind !== 'cli') return [];
    const listed = res.props.get('ruleCollectionGroups');
    const items = listed && listed.raw !== null ? listed.items('ruleCollectionGroups') : [];
    if (items instanceof Unresolved) return [];
    const out: Rule[] = [];
    for (const item of items) {
      const id = item.get('id', 'ruleCollectionGroups[]')?.text('ruleCollectionGroups[].id');
      if (typeof id !== 'string') continue;
      const name = referencedName(id).name;
      if (p.groups.some((g) => lower(g.name) === lower(name))) continue;
      warnings.push({
        message: `firewall policy "${p.name}" lists rule collection group "${name}", which is not in the input: every flow its rules could decide is unknown; pass "az network firewall policy rule-collection-group list" output too`,
        location: locationOf(item),
      });
      out.push(
        ...opaqueRules(
          `rule collection group ${name} (not in the input)`,
          `firewall policy "${p.name}" lists rule collection group "${name}", which is not in the input; its rules could allow or deny anything: pass "az network firewall policy rule-collection-group list" output too`,
          item,
          p.name,
        ),
      );
    }
    return out;
  }

  /** DNS proxy ("Azure Firewall DNS settings", https://learn.microsoft.com/azure/firewall/dns-settings). */
  private dnsProxy(chain: readonly PolicyPlan[]): boolean | Unresolved {
    for (const p of [...chain].reverse()) {
      if (!p.resource) {
        return new Unresolved(
          `the DNS settings of firewall policy "${p.name}" are not in the input (only its rule collection groups are)`,
        );
      }
      const v = p.resource.props.get('dnsSettings')?.get('enableProxy', 'dnsSettings');
      if (v && v.raw !== null) return v.boolean('dnsSettings.enableProxy');
    }
    return false;
  }

  private groupPlan(g: GroupResource): GroupPlan {
    let plan = this.groupPlans.get(g);
    if (plan) return plan;
    const what = `rule collection group "${g.name}"`;
    if (g.unreadable) {
      plan = { group: g, priority: 0, priorityView: g.view, collections: g.unreadable };
      this.groupPlans.set(g, plan);
      return plan;
    }
    const { priority, view: priorityView } = priorityOf(g.props, what);
    const list = g.props.get('ruleCollections');
    const items = list && list.raw !== null ? list.items('ruleCollections') : [];
    const collections = items instanceof Unresolved ? items : items.map((c) => this.collection(c, g));
    plan = { group: g, priority, priorityView, collections };
    this.groupPlans.set(g, plan);
    return plan;
  }

  private collection(c: View, g: GroupResource): CollectionPlan {
    const name = ruleName(c, `a rule collection of group "${g.name}"`);
    const what = `rule collection "${name}"`;
    const { priority, view: priorityView } = priorityOf(c, what);
    const typeView = c.get('ruleCollectionType');
    const typeText = typeView ? typeView.text('ruleCollectionType') : undefined;
    if (typeText instanceof Unresolved)
      throw typeView!.error(`${what}: ruleCollectionType is known only at deployment`);
    const rulesView = c.get('rules');
    const rules = rulesView && rulesView.raw !== null ? rulesView.items('rules') : [];
    let phases: Phase[];
    const type = typeText === undefined ? undefined : lower(typeText);
    if (type !== undefined && type !== NAT_COLLECTION && type !== FILTER_COLLECTION) {
      throw typeView!.error(
        `${what}: ruleCollectionType ${preview(typeText)}; expected FirewallPolicyFilterRuleCollection or FirewallPolicyNatRuleCollection`,
      );
    }
    if (rules instanceof Unresolved) {
      phases =
        type === NAT_COLLECTION
          ? ['dnat']
          : type === FILTER_COLLECTION
            ? ['network', 'application']
            : [...PHASES];
    } else {
      const kinds = new Set<Phase>();
      for (const r of rules) {
        const rt = r.get('ruleType');
        if (!rt)
          throw r.error(
            `${what}: a rule without "ruleType"; expected NetworkRule, ApplicationRule or NatRule`,
          );
        const t = rt.text('ruleType');
        if (t instanceof Unresolved) throw rt.error(`${what}: ruleType is known only at deployment`);
        const phase = RULE_TYPES[lower(t)];
        if (!phase)
          throw rt.error(`${what}: ruleType ${preview(t)}; expected NetworkRule, ApplicationRule or NatRule`);
        if (type === NAT_COLLECTION && phase !== 'dnat') {
          throw rt.error(`${what}: a NAT rule collection holds only NatRule rules, not ${t}`);
        }
        if (type === FILTER_COLLECTION && phase === 'dnat') {
          throw rt.error(`${what}: a filter rule collection holds network or application rules, not NatRule`);
        }
        kinds.add(phase);
      }
      if (kinds.size > 1) {
        throw c.error(
          `${what}: mixes ${[...kinds].join(' and ')} rules; a rule collection holds rules of one type`,
        );
      }
      phases = [...kinds];
    }
    const nat = type === NAT_COLLECTION || (type === undefined && phases.includes('dnat'));
    const act = actionOf(c, what, nat);
    const conditions: UnknownPart[] = [];
    if (act.condition) conditions.push(act.condition);
    if (g.condition) {
      conditions.push({
        reason: `rule collection group "${g.name}" is deployed only if its condition holds, which is known only at deployment (${g.condition.reason})`,
        location: locationOf(g.view),
      });
    }
    return {
      name,
      priority,
      priorityView,
      phases,
      view: c,
      action: act.action,
      vendorAction: act.vendor,
      rules,
      conditions,
    };
  }

  /**
   * One Firewall Policy, flattened in Azure's order ("Azure Firewall rule processing logic",
   * https://learn.microsoft.com/azure/firewall/rule-processing): DNAT rules, then network rules, then
   * application rules ("network rules are applied in priority order before application rules"); for each
   * kind, rule collection groups by priority, then their collections by priority, lower numbers first, then
   * the rules top-down ("Azure Firewall Policy rule sets", https://learn.microsoft.com/azure/firewall/policy-rule-sets).
   * A parent policy's rule collection groups come before the child's whatever their priorities ("If a
   * Firewall Policy is inherited from a parent policy, Rule Collection Groups in the parent policy always
   * takes precedence regardless of the priority of a child policy", same page), within each rule kind.
   * Rules are terminating; what none allows is denied ("Azure Firewall denies all traffic by default").
   * `use` names the result: the firewall that runs the chain, or the policy checked on its own.
   */
  private policy(plan: PolicyPlan, use: Use): Policy {
    const { plans: chain, missing } = this.chains.get(plan)!;
    const dnsProxy = this.dnsProxy(chain);
    const notes: string[] = [];
    const warnings: PolicyWarning[] = [];
    const files = new Set<string>([plan.anchor.path]);
    if (use.firewall) files.add(use.firewall.view.path);
    const rules: Rule[] = [];
    const seen = { networkFqdns: false };
    this.ipGroups.startPolicy();
    if (missing) {
      rules.push(...opaqueRules(missing.name, missing.reason, missing.at, 'parent policy'));
      if (missing.warning) warnings.push({ message: missing.warning, location: locationOf(missing.at) });
    }
    for (const p of chain) rules.push(...this.unlistedGroups(p, warnings));
    for (const phase of PHASES) {
      for (const p of chain) {
        const inherited = p !== plan;
        const groups = p.groups.map((g) => this.groupPlan(g));
        const unreadable = groups.filter((g) => g.collections instanceof Unresolved);
        for (const g of unreadable) {
          if (phase !== 'dnat') continue;
          const u = g.collections as Unresolved;
          rules.push(
            ...opaqueRules(
              `rule collection group ${g.group.name} (unreadable)`,
              `the rule collections of group "${g.group.name}" are known only at deployment (${u.reason})`,
              g.group.view,
              `${inherited ? `parent policy ${p.name}: ` : ''}${g.group.name}`,
            ),
          );
          files.add(g.group.view.path);
        }
        const withPhase = groups.filter(
          (g) =>
            !(g.collections instanceof Unresolved) && g.collections.some((c) => c.phases.includes(phase)),
        );
        const sortedGroups = ordered(
          withPhase.map((g) => ({ ...g, name: g.group.name })),
          'rule collection groups',
          phase,
        );
        for (const g of sortedGroups) {
          files.add(g.group.view.path);
          const collections = (g.collections as CollectionPlan[]).filter((c) => c.phases.includes(phase));
          for (const c of ordered(collections, `rule collections of group "${g.group.name}":`, phase)) {
            const section = `${inherited ? `parent policy ${p.name}: ` : ''}${g.group.name} / ${c.name}`;
            if (c.rules instanceof Unresolved) {
              rules.push(
                ...opaqueRules(
                  `rule collection ${c.name} (unreadable)`,
                  `the rules of collection "${c.name}" are known only at deployment (${c.rules.reason})`,
                  c.view,
                  section,
                ),
              );
              continue;
            }
            const conditions =
              inherited && phase === 'dnat' ? [...c.conditions, inheritedDnat(p.name, c)] : c.conditions;
            const info: CollectionInfo = {
              action: c.action,
              vendorAction: c.vendorAction,
              section,
              id: `${g.priority}/${c.priority}`,
              conditions,
            };
            const env: RuleEnv = {
              entries: this.entries,
              ipGroups: this.ipGroups,
              dnsProxy,
              dependsOn: g.group.dependsOn,
              seen,
            };
            for (const r of c.rules) rules.push(buildRule(phase, r, info, env));
          }
        }
      }
    }
    for (const g of this.ipGroups.used) files.add(g.view.path);
    warnings.push(...this.ipGroups.warnings());
    for (const p of chain) if (p.resource) files.add(p.resource.view.path);

    notes.push(
      useNote({
        policy: plan.name,
        // Nearest first; a parent not in the input is beyond the root.
        parents: [
          ...chain
            .slice(0, -1)
            .reverse()
            .map((p) => `"${p.name}"`),
          ...(missing ? [missing.name] : []),
        ],
        firewall: use.firewall?.name,
        classicFirewalls: plan.firewalls,
        listedFirewalls: listedNames(plan.resource, 'firewalls'),
        listedChildren: listedNames(plan.resource, 'childPolicies'),
      }),
    );
    if (!plan.resource) {
      notes.push(
        plan.existingRef
          ? `firewall policy "${plan.name}" is defined outside this template (Bicep "existing"); only the rule collection groups in the input were read, and any others it has are not checked`
          : `the input holds rule collection groups of firewall policy "${plan.name}" but not the policy itself: only these groups were read (pass "az network firewall policy rule-collection-group list" output to include all of them)`,
      );
    }
    notes.push(...plan.notes);
    if (use.firewall?.condition)
      notes.push(`the firewall is deployed only if its condition holds (${use.firewall.condition.reason})`);
    this.settingsNotes(
      chain.map((p) => p.resource?.props),
      plan.resource?.props,
      dnsProxy,
      seen.networkFqdns,
      notes,
    );
    this.templateNotes(
      [
        use.firewall,
        plan.resource,
        ...chain.flatMap((p) => p.groups),
        ...chain.map((p) => p.resource),
        ...this.ipGroups.used,
      ],
      files,
      notes,
    );
    if (rules.length === 0)
      notes.push('the policy has no rules: Azure Firewall denies all traffic by default');
    const paths = [plan.anchor.path, ...[...files].filter((f) => f !== plan.anchor.path)];
    return {
      format: FORMAT_ID,
      paths,
      name: use.name,
      rules,
      default: { action: 'deny', name: 'implicit deny', location: locationOf(plan.anchor) },
      ...(warnings.length ? { warnings } : {}),
      notes,
    };
  }

  /**
   * `threatFrom`: the settings of the policy chain (or the firewall). A child inherits the parent's threat
   * intelligence mode and may only make it stricter ("Azure Firewall Manager policy overview", hierarchical
   * policies), so Deny anywhere in the chain is Deny.
   */
  private settingsNotes(
    threatFrom: readonly (View | undefined)[],
    props: View | undefined,
    dnsProxy: boolean | Unresolved,
    networkFqdns: boolean,
    notes: string[],
  ): void {
    const deny = threatFrom.some((v) => {
      const threat = v?.get('threatIntelMode')?.text('threatIntelMode');
      return typeof threat === 'string' && lower(threat) === 'deny';
    });
    if (deny) {
      notes.push(
        'threat intelligence mode is Deny: traffic to addresses and domains Microsoft flags as malicious is denied before any rule ("Azure Firewall threat intelligence-based filtering"); not modelled',
      );
    }
    const idps = props
      ?.get('intrusionDetection')
      ?.get('mode', 'intrusionDetection')
      ?.text('intrusionDetection.mode');
    if (typeof idps === 'string' && lower(idps) === 'deny') {
      notes.push(
        'IDPS mode is Deny: traffic matching intrusion signatures is dropped (Azure Firewall Premium IDPS); not modelled',
      );
    }
    if (networkFqdns && dnsProxy !== true) {
      notes.push(
        dnsProxy instanceof Unresolved
          ? `whether DNS proxy is enabled is known only at deployment (${dnsProxy.reason}): FQDNs in network rules are unknown`
          : 'DNS proxy is not enabled: FQDNs in network rules are unknown (Azure Firewall needs DNS proxy for them)',
      );
    }
    notes.push(
      "application rules are followed by Azure's built-in infrastructure rule collection (Azure platform FQDNs) before the implicit deny; it is not modelled",
    );
  }

  /** Notes about the templates the policy was read from: Bicep, parameter defaults used, input-level notes. */
  private templateNotes(
    resources: readonly ({ origin: { kind: string; template?: TemplateInfo } } | undefined)[],
    files: ReadonlySet<string>,
    notes: string[],
  ): void {
    const templates = new Set<TemplateInfo>();
    for (const r of resources)
      if (r?.origin.kind === 'template' && r.origin.template) templates.add(r.origin.template);
    const scopes = new Set([...templates].map((t) => t.scope));
    if ([...templates].some((t) => t.bicep)) notes.push('read from Bicep-compiled ARM JSON');
    for (const scope of scopes) {
      for (const d of scope.defaultsUsed.values()) {
        notes.push(
          `template parameter '${d.name}' = ${preview(d.value)} is its defaultValue (${scope.doc.path}:${d.line}); a deployment may give it another value`,
        );
      }
    }
    for (const f of files) notes.push(...(this.index.notes.get(f) ?? []));
  }

  // --- classic rules ---

  /** The classic rule collection lists of a firewall, by rule kind. */
  private classicLists(fw: FirewallResource) {
    const kinds: [Phase, string][] = [
      ['dnat', 'natRuleCollections'],
      ['network', 'networkRuleCollections'],
      ['application', 'applicationRuleCollections'],
    ];
    return kinds.map(([phase, key]) => {
      const v = fw.props.get(key);
      return { phase, key, view: v, items: v && v.raw !== null ? v.items(key) : [] };
    });
  }

  private hasClassic(fw: FirewallResource): boolean {
    return this.classicLists(fw).some((l) => l.items instanceof Unresolved || l.items.length > 0);
  }

  /** The Firewall Policy a firewall uses (`firewallPolicy.id`), or stand-in rules where it isn't here. */
  private firewallPolicy(fw: FirewallResource): FirewallPolicyRef | undefined {
    const policyRef = fw.props.get('firewallPolicy');
    const idView = policyRef && policyRef.raw !== null ? policyRef.get('id', 'firewallPolicy') : undefined;
    if (!idView) return undefined;
    const text = idView.text('firewallPolicy.id');
    const name = typeof text === 'string' ? referencedName(text).name : undefined;
    const plan = name !== undefined ? this.plans.get(lower(name)) : undefined;
    if (plan && !this.onlyReferenced(plan)) return { plan };
    const reason =
      text instanceof Unresolved
        ? `the firewall's Firewall Policy is known only at deployment (${text.reason})`
        : `the firewall's rules are in Firewall Policy "${name}", which is not in the input: pass its export too`;
    const rules = opaqueRules(
      `firewall policy ${name ?? '(unknown)'} (not in the input)`,
      reason,
      idView,
      'firewall policy',
    );
    if (text instanceof Unresolved) return { rules };
    return {
      rules,
      warning: {
        message: `Azure Firewall "${fw.name}" uses Firewall Policy "${name}", which is not in the input: every flow its rules could decide is unknown; pass its export too`,
        location: locationOf(idView),
      },
    };
  }

  /**
   * An Azure Firewall resource. Classic rules (`natRuleCollections`, `networkRuleCollections`,
   * `applicationRuleCollections`) make one policy: "The firewall processes rule collections in priority
   * order by rule type, from lower numbers to higher numbers" ("Azure Firewall rule processing logic",
   * rule processing by using classic rules). A firewall whose Firewall Policy is in the input and that has
   * no classic rules is checked through the policy instead (`policy`).
   */
  private firewall(fw: FirewallResource, ref: FirewallPolicyRef | undefined): Policy {
    const lists = this.classicLists(fw);
    const hasClassic = lists.some((l) => l.items instanceof Unresolved || l.items.length > 0);
    const notes: string[] = [];
    const warnings: PolicyWarning[] = [];
    const files = new Set<string>([fw.view.path]);
    const rules: Rule[] = [];
    if (ref && 'plan' in ref) {
      // Azure PowerShell refuses this ("Firewall Policy and Rule Collections cannot coexist").
      ref.plan.firewalls.push(fw.name);
      notes.push(`also uses Firewall Policy "${ref.plan.name}", read as its own policy`);
    } else if (ref) {
      rules.push(...ref.rules);
      if (ref.warning) warnings.push(ref.warning);
    }
    this.ipGroups.startPolicy();
    const seen = { networkFqdns: false };
    const proxyView = fw.props
      .get('additionalProperties')
      ?.get('Network.DNS.EnableProxy', 'additionalProperties');
    const dnsProxy: boolean | Unresolved = proxyView ? proxyView.boolean('Network.DNS.EnableProxy') : false;
    for (const l of lists) {
      if (l.items instanceof Unresolved) {
        rules.push(
          ...opaqueRules(
            `${l.key} (unreadable)`,
            `${l.key} is known only at deployment (${l.items.reason})`,
            l.view!,
            l.key,
          ),
        );
        continue;
      }
      const collections = l.items.map((c) => this.classicCollection(c, l.phase));
      for (const c of ordered(collections, `${l.key}`, l.phase)) {
        const info: CollectionInfo = {
          action: c.action,
          vendorAction: c.vendorAction,
          section: `${c.name} (${l.phase === 'dnat' ? 'NAT' : l.phase} rule collection)`,
          id: `${c.priority}`,
          conditions: c.conditions,
        };
        if (c.rules instanceof Unresolved) {
          rules.push(
            ...opaqueRules(`rule collection ${c.name} (unreadable)`, c.rules.reason, c.view, info.section),
          );
          continue;
        }
        const env: RuleEnv = {
          entries: this.entries,
          ipGroups: this.ipGroups,
          dnsProxy,
          dependsOn: fw.dependsOn,
          seen,
        };
        for (const r of c.rules) rules.push(buildRule(l.phase, r, info, env));
      }
    }
    if (!hasClassic && !ref)
      notes.push(
        'the firewall has no rules and no Firewall Policy: Azure Firewall denies all traffic by default',
      );
    if (fw.condition)
      notes.push(`the firewall is deployed only if its condition holds (${fw.condition.reason})`);
    for (const g of this.ipGroups.used) files.add(g.view.path);
    warnings.push(...this.ipGroups.warnings());
    if (hasClassic) this.settingsNotes([fw.props], fw.props, dnsProxy, seen.networkFqdns, notes);
    this.templateNotes([fw, ...this.ipGroups.used], files, notes);
    const paths = [fw.view.path, ...[...files].filter((f) => f !== fw.view.path)];
    return {
      format: FORMAT_ID,
      paths,
      name: fw.name,
      rules,
      default: { action: 'deny', name: 'implicit deny', location: locationOf(fw.view) },
      ...(warnings.length ? { warnings } : {}),
      notes,
    };
  }

  private classicCollection(c: View, phase: Phase): CollectionPlan {
    const name = ruleName(c, 'a classic rule collection');
    const props = c.get('properties') ?? c;
    const what = `rule collection "${name}"`;
    const { priority, view: priorityView } = priorityOf(props, what);
    const act = actionOf(props, what, phase === 'dnat');
    const rulesView = props.get('rules');
    const rules = rulesView && rulesView.raw !== null ? rulesView.items('rules') : [];
    return {
      name,
      priority,
      priorityView,
      phases: [phase],
      view: c,
      action: act.action,
      vendorAction: act.vendor,
      rules,
      conditions: act.condition ? [act.condition] : [],
    };
  }
}
