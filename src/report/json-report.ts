import type { CheckResult } from '../check/run-check.js';
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
  };
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

function flowJson(fr: FlowResult): FlowJson {
  const { flow, primary } = fr;
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
    provenance: flow.provenance,
    results: fr.perPolicy.map((r) => ({
      path: r.policy.paths[0]!,
      policy: r.policy.name ?? r.policy.paths[0]!,
      verdict: r.verdict,
      ...decider(r),
      detail: r.detail,
      ...(r.assumptions?.length ? { assumptions: r.assumptions } : {}),
    })),
  };
}

export function failing(results: readonly FlowResult[], severity: Severity): FlowResult[] {
  return results.filter((r) => r.verdict !== 'allowed' && r.flow.severity === severity);
}

/** The machine-readable report (schemas/report.schema.json). */
export function buildJsonReport(check: CheckResult): JsonReport {
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
    },
    flows: check.results.map(flowJson),
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
