import type { CheckResult } from '../check/run-check.js';
import type { FlowResult, PolicyFlowResult, Verdict } from '../evaluate/evaluate.js';
import { flowLabel } from '../model/flow.js';
import type { Policy, Rule } from '../model/policy.js';
import { changedParts, policyKey, ruleKey, ruleText } from './rule-identity.js';

/** What a change does to one flow (DESIGN.md, "Drift"). */
export type Change = 'new-failure' | 'fixed' | 'still-failing' | 'unchanged';

export type CauseKind =
  | 'rule-added'
  | 'rule-removed'
  | 'rule-edited'
  | 'rule-moved'
  | 'rule-disabled'
  | 'rule-enabled'
  | 'object-changed'
  | 'default-changed'
  | 'policy-added'
  | 'flow-added'
  | 'version-changed'
  | 'other';

/** Why a verdict changed, as far as the two revisions tell. */
export interface Cause {
  kind: CauseKind;
  text: string;
}

export interface PolicyDrift {
  change: Change;
  /** The same policy's result at the baseline; null when the policy didn't exist there. */
  baseline: PolicyFlowResult | null;
  cause?: Cause;
}

export interface FlowDrift {
  change: Change;
  /** The same flow at the baseline; null when it wasn't required there (a new release's flow). */
  baseline: FlowResult | null;
  cause?: Cause;
  /** Aligned with the head result's perPolicy. */
  perPolicy: PolicyDrift[];
}

/** The baseline a check was compared with. */
export interface BaselineInfo {
  ref: string;
  /** What it was read from: "git 1a2b3c4d5e6f (origin/main)". */
  describe: string;
  commit?: string;
  /** Set when the baseline could not be checked: then nothing is compared. */
  error?: string;
  /** Config paths that didn't exist there (files the change adds). */
  missing?: string[];
}

export interface Drift {
  baseline: BaselineInfo;
  /** Aligned with the head check's results; empty when the baseline could not be checked. */
  flows: FlowDrift[];
}

/** The file texts each side was read from, for telling a rule's own edits from its objects' ones. */
export type FileLines = (path: string) => readonly string[] | undefined;

export function changeOf(before: Verdict | undefined, after: Verdict): Change {
  const ok = after === 'allowed';
  if (before === undefined) return ok ? 'unchanged' : 'new-failure';
  const was = before === 'allowed';
  if (was && !ok) return 'new-failure';
  if (!was && ok) return 'fixed';
  return ok ? 'unchanged' : 'still-failing';
}

const flowKey = (f: FlowResult['flow']) => flowLabel(f);

function ruleRef(r: Rule): string {
  return `rule "${r.name}" (${r.location.path}:${r.location.line})`;
}

interface Side {
  policy: Policy;
  lines: FileLines;
  byKey: Map<string, number>;
}

function side(policy: Policy, lines: FileLines): Side {
  const byKey = new Map<string, number>();
  policy.rules.forEach((r, i) => {
    const k = ruleKey(r);
    if (!byKey.has(k)) byKey.set(k, i);
  });
  return { policy, lines, byKey };
}

/** How a rule present on both sides differs: disabled/enabled, edited, or changed through an object. */
function ruleChange(before: Side, bi: number, after: Side, ai: number): Cause | undefined {
  const b = before.policy.rules[bi]!;
  const a = after.policy.rules[ai]!;
  if (b.enabled && !a.enabled) return { kind: 'rule-disabled', text: `${ruleRef(a)} was disabled` };
  if (!b.enabled && a.enabled) return { kind: 'rule-enabled', text: `${ruleRef(a)} was enabled` };
  const parts = changedParts(b, a);
  if (parts.length === 0) return undefined;
  const textBefore = ruleText(b, before.policy, before.lines(b.location.path));
  const textAfter = ruleText(a, after.policy, after.lines(a.location.path));
  const what = parts.join(', ');
  if (textBefore !== undefined && textBefore === textAfter) {
    return {
      kind: 'object-changed',
      text: `an object ${ruleRef(a)} uses changed: its ${what} differ, with the rule's own text unchanged`,
    };
  }
  return { kind: 'rule-edited', text: `${ruleRef(a)} was edited: its ${what} changed` };
}

/** The cause of one policy's verdict change for one flow, from the deciding rules on both sides. */
function policyCause(before: Side, b: PolicyFlowResult, after: Side, a: PolicyFlowResult): Cause {
  const aRule = a.decidedBy !== undefined && a.decidedBy >= 0 ? after.policy.rules[a.decidedBy]! : undefined;
  const bRule = b.decidedBy !== undefined && b.decidedBy >= 0 ? before.policy.rules[b.decidedBy]! : undefined;
  const aInBefore = aRule ? before.byKey.get(ruleKey(aRule)) : undefined;
  const bInAfter = bRule ? after.byKey.get(ruleKey(bRule)) : undefined;

  if (aRule && aInBefore === undefined) return { kind: 'rule-added', text: `${ruleRef(aRule)} was added` };
  if (bRule && bInAfter === undefined) {
    return { kind: 'rule-removed', text: `${ruleRef(bRule)} was removed` };
  }
  // The rule that decides now, and the one that decided then, each compared with itself.
  if (aRule && aInBefore !== undefined) {
    const c = ruleChange(before, aInBefore, after, a.decidedBy!);
    if (c) return c;
  }
  if (bRule && bInAfter !== undefined) {
    const c = ruleChange(before, b.decidedBy!, after, bInAfter);
    if (c) return c;
  }
  if (
    aRule &&
    bRule &&
    aInBefore !== undefined &&
    bInAfter !== undefined &&
    ruleKey(aRule) !== ruleKey(bRule)
  ) {
    const nowFirst = a.decidedBy! < bInAfter;
    const thenFirst = aInBefore < b.decidedBy!;
    if (nowFirst !== thenFirst) {
      return {
        kind: 'rule-moved',
        text: `${ruleRef(aRule)} was moved ${nowFirst ? 'before' : 'after'} rule "${bRule.name}"`,
      };
    }
  }
  const da = after.policy.default;
  const db = before.policy.default;
  if (da.action !== db.action || da.name !== db.name) {
    return {
      kind: 'default-changed',
      text: `the default changed from ${db.name} (${db.action}) to ${da.name} (${da.action})`,
    };
  }
  return {
    kind: 'other',
    text: 'the deciding rules are unchanged: something they depend on changed (zones, routes, interfaces, options)',
  };
}

function versionCause(base: CheckResult, head: CheckResult): Cause | undefined {
  const b = base.target;
  const h = head.target;
  if (b.release !== h.release && !h.customFlows) {
    return {
      kind: 'version-changed',
      text: `RemoteSpark ${b.release ?? 'custom flows'} → ${h.release}: the requirements changed`,
    };
  }
  if (b.catalogVersion !== h.catalogVersion || b.overlay !== h.overlay) {
    return {
      kind: 'version-changed',
      text: `the catalog changed (${b.catalogVersion} → ${h.catalogVersion})`,
    };
  }
  return undefined;
}

/**
 * Compares two checks flow by flow and policy by policy: what the head's change breaks, fixes, leaves
 * failing, and why where the revisions tell (the deciding rule now versus then; the catalog or version).
 */
export function compareChecks(
  base: CheckResult,
  baseLines: FileLines,
  head: CheckResult,
  headLines: FileLines,
): FlowDrift[] {
  const baseFlows = new Map(base.results.map((r) => [flowKey(r.flow), r]));
  const baseSides = new Map(base.policies.map((p) => [policyKey(p), side(p, baseLines)]));
  const headSides = new Map(head.policies.map((p) => [policyKey(p), side(p, headLines)]));
  const version = versionCause(base, head);

  return head.results.map((hr) => {
    const br = baseFlows.get(flowKey(hr.flow)) ?? null;
    const perPolicy = hr.perPolicy.map((a): PolicyDrift => {
      const key = policyKey(a.policy);
      const bs = baseSides.get(key);
      const b = br?.perPolicy.find((x) => policyKey(x.policy) === key) ?? null;
      const change = changeOf(b?.verdict, a.verdict);
      if (!b || !bs) {
        const cause: Cause = br
          ? { kind: 'policy-added', text: `${a.policy.name ?? a.policy.paths[0]} is new in this change` }
          : (version ?? { kind: 'flow-added', text: 'the flow is new: not required at the baseline' });
        return { change, baseline: b, ...(change === 'new-failure' ? { cause } : {}) };
      }
      if (
        change === 'unchanged' ||
        (change === 'still-failing' &&
          b.verdict === a.verdict &&
          b.decidedBy !== undefined &&
          sameDecider(bs, b, headSides.get(key)!, a))
      ) {
        return { change, baseline: b };
      }
      return { change, baseline: b, cause: policyCause(bs, b, headSides.get(key)!, a) };
    });
    const change = changeOf(br?.verdict, hr.verdict);
    // The cause of the policy whose own change is the flow's (the one that breaks or fixes it).
    let cause = (perPolicy.find((p) => p.change === change && p.cause) ?? perPolicy.find((p) => p.cause))
      ?.cause;
    if (!br && change === 'new-failure') {
      cause = version ?? { kind: 'flow-added', text: 'the flow is new: not required at the baseline' };
    }
    return { change, baseline: br, ...(cause && change !== 'unchanged' ? { cause } : {}), perPolicy };
  });
}

/** Whether the same rule (or the default) decides on both sides. */
function sameDecider(bs: Side, b: PolicyFlowResult, hs: Side, a: PolicyFlowResult): boolean {
  if (a.decidedBy === undefined || b.decidedBy === undefined) return false;
  if (a.decidedBy < 0 || b.decidedBy < 0) return a.decidedBy === b.decidedBy;
  return ruleKey(bs.policy.rules[b.decidedBy]!) === ruleKey(hs.policy.rules[a.decidedBy]!);
}
