import type { CheckResult } from '../check/run-check.js';
import type { BaselineInfo, Cause, Change, Drift, FlowDrift } from '../drift/compare.js';
import type { Remediation } from '../remediate/remediate.js';
import type { FlowResult, PolicyFlowResult, Verdict } from '../evaluate/evaluate.js';
import type { Provenance, Severity } from '../model/flow.js';
import { TOOL_NAME, TOOL_VERSION } from '../tool-info.js';

/** Bumped on any incompatible change to the report; documented in schemas/report.schema.json. */
export const REPORT_SCHEMA_VERSION = 1;

export interface RuleRefJson {
  name: string;
  path: string;
  line: number;
  action: 'allow' | 'deny';
  vendorAction?: string;
}

export interface DefaultRefJson {
  name: string;
  action: 'allow' | 'deny';
  path?: string;
  line?: number;
}

export interface PolicyResultJson {
  path: string;
  policy: string;
  verdict: Verdict;
  rule: RuleRefJson | null;
  default: DefaultRefJson | null;
  detail: string;
  assumptions?: string[];
  /** With a baseline: the same policy's result there (null: the policy is new), and what changed. */
  baseline?: BaselineResultJson | null;
  change?: Change;
  cause?: Cause;
}

/** A verdict at the baseline, with what decided it. */
export interface BaselineResultJson {
  verdict: Verdict;
  rule: RuleRefJson | null;
  default: DefaultRefJson | null;
  detail: string;
}

/** A problem in an input that was read around (a stale reference), with where it is. */
export interface WarningJson {
  policy: string;
  message: string;
  path?: string;
  line?: number;
}

export interface FlowJson {
  role: string;
  roleLabel: string;
  host: string;
  port: number;
  protocol: 'tcp' | 'udp';
  severity: Severity;
  verdict: Verdict;
  rule: RuleRefJson | null;
  default: DefaultRefJson | null;
  detail: string;
  relays?: string[];
  nameMatch?: { name: string; method: string; condition: string };
  allowedFrom?: { sources?: string; sourceZones?: string; destinationZones?: string };
  /** What the verdict rests on (the candidate egress zones it holds for, an inferred client zone ...). */
  assumptions?: string[];
  /** With a baseline: the flow's verdict there (null: not required there), the change, and its cause. */
  baseline?: BaselineResultJson | null;
  change?: Change;
  cause?: Cause;
  provenance: Provenance;
  results: PolicyResultJson[];
}

export interface JsonReport {
  schemaVersion: number;
  tool: { name: string; version: string };
  target: CheckResult['target'];
  scope: CheckResult['scope'];
  inputs: CheckResult['inputs'];
  summary: {
    passed: boolean;
    flows: number;
    allowed: number;
    partial: number;
    blocked: number;
    unknown: number;
    failingRequired: number;
    failingRecommended: number;
    /** With a baseline that could be checked: flows per kind of change, and required new failures. */
    drift?: {
      newFailures: number;
      fixed: number;
      stillFailing: number;
      unchanged: number;
      newFailuresRequired: number;
    };
  };
  /** The revision compared with (`--baseline`), when one was given. */
  baseline?: BaselineInfo;
  /** The missing rules per policy and group of flows, in the vendor's syntax, proven where `verified`. */
  remediations?: Remediation[];
  flows: FlowJson[];
  notes: string[];
  warnings: WarningJson[];
}

function decider(r: PolicyFlowResult): { rule: RuleRefJson | null; default: DefaultRefJson | null } {
  if (r.decidedBy === undefined) return { rule: null, default: null };
  if (r.decidedBy < 0) {
    const d = r.policy.default;
    return {
      rule: null,
      default: {
        name: d.name,
        action: d.action,
        ...(d.location ? { path: d.location.path, line: d.location.line } : {}),
      },
    };
  }
  const rule = r.policy.rules[r.decidedBy]!;
  return {
    rule: {
      name: rule.name,
      path: rule.location.path,
      line: rule.location.line,
      action: rule.action,
      ...(rule.vendorAction ? { vendorAction: rule.vendorAction } : {}),
    },
    default: null,
  };
}

function baselineJson(r: FlowResult | PolicyFlowResult | null): BaselineResultJson | null {
  if (!r) return null;
  const p = 'primary' in r ? r.primary : r;
  return { verdict: r.verdict, ...decider(p), detail: p.detail };
}

function flowJson(fr: FlowResult, drift?: FlowDrift): FlowJson {
  const { flow, primary } = fr;
  const changed = (d: { baseline: FlowResult | PolicyFlowResult | null; change: Change; cause?: Cause }) => ({
    baseline: baselineJson(d.baseline),
    change: d.change,
    ...(d.cause ? { cause: d.cause } : {}),
  });
  return {
    role: flow.role,
    roleLabel: flow.roleLabel,
    host: flow.host,
    port: flow.port,
    protocol: flow.protocol,
    severity: flow.severity,
    verdict: fr.verdict,
    ...decider(primary),
    detail: primary.detail,
    ...(flow.relays ? { relays: [...flow.relays.text] } : {}),
    ...(primary.nameMatch
      ? {
          nameMatch: {
            name: primary.nameMatch.text,
            method: primary.nameMatch.method,
            condition: primary.nameMatch.condition,
          },
        }
      : {}),
    ...(primary.allowedFrom ? { allowedFrom: primary.allowedFrom } : {}),
    ...(primary.assumptions?.length ? { assumptions: primary.assumptions } : {}),
    ...(drift ? changed(drift) : {}),
    provenance: flow.provenance,
    results: fr.perPolicy.map((r, i) => ({
      path: r.policy.paths[0]!,
      policy: r.policy.name ?? r.policy.paths[0]!,
      verdict: r.verdict,
      ...decider(r),
      detail: r.detail,
      ...(r.assumptions?.length ? { assumptions: r.assumptions } : {}),
      ...(drift?.perPolicy[i] ? changed(drift.perPolicy[i]) : {}),
    })),
  };
}

function driftCounts(check: CheckResult, drift: Drift) {
  const n = (c: Change) => drift.flows.filter((f) => f.change === c).length;
  return {
    newFailures: n('new-failure'),
    fixed: n('fixed'),
    stillFailing: n('still-failing'),
    unchanged: n('unchanged'),
    newFailuresRequired: drift.flows.filter(
      (f, i) => f.change === 'new-failure' && check.results[i]!.flow.severity === 'required',
    ).length,
  };
}

export function failing(results: readonly FlowResult[], severity: Severity): FlowResult[] {
  return results.filter((r) => r.verdict !== 'allowed' && r.flow.severity === severity);
}

/** The machine-readable report (schemas/report.schema.json). */
export function buildJsonReport(check: CheckResult, drift?: Drift, remediations?: Remediation[]): JsonReport {
  const count = (v: Verdict) => check.results.filter((r) => r.verdict === v).length;
  const failingRequired = failing(check.results, 'required').length;
  const notes = [...new Set(check.policies.flatMap((p) => p.notes))];
  if (check.results.some((r) => !r.flow.provenance.verified)) {
    notes.push(
      'Some catalog hostnames are not in the public RemoteSpark article and are unverified; see docs/catalog.md to override them.',
    );
  }
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    tool: { name: TOOL_NAME, version: TOOL_VERSION },
    target: check.target,
    scope: check.scope,
    inputs: check.inputs,
    summary: {
      passed: failingRequired === 0,
      flows: check.results.length,
      allowed: count('allowed'),
      partial: count('partial'),
      blocked: count('blocked'),
      unknown: count('unknown'),
      failingRequired,
      failingRecommended: failing(check.results, 'recommended').length,
      ...(drift && !drift.baseline.error ? { drift: driftCounts(check, drift) } : {}),
    },
    ...(drift ? { baseline: drift.baseline } : {}),
    flows: check.results.map((r, i) => flowJson(r, drift?.flows[i])),
    ...(remediations ? { remediations } : {}),
    notes,
    warnings: check.policies.flatMap((p) =>
      (p.warnings ?? []).map((w) => ({
        policy: p.name ?? p.paths[0]!,
        message: w.message,
        ...(w.location ? { path: w.location.path, line: w.location.line } : {}),
      })),
    ),
  };
}
