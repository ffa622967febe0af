import { flowLabel } from '../model/flow.js';
import { plainText } from './escape.js';
import type { FlowJson, JsonReport } from './json-report.js';

export type AnnotationLevel = 'error' | 'warning' | 'notice';

/** One annotation, as data: the action's sink turns it into a workflow command. */
export interface Annotation {
  level: AnnotationLevel;
  /** The file as the report names it. */
  file: string;
  line: number;
  title: string;
  message: string;
}

/** Where a flow's verdict is decided: the deciding rule, else the default's line, else the file's first line. */
export function flowLocation(report: JsonReport, f: FlowJson): { file: string; line: number } {
  if (f.rule) return { file: f.rule.path, line: f.rule.line };
  if (f.default?.path !== undefined && f.default.line !== undefined) {
    return { file: f.default.path, line: f.default.line };
  }
  const deciding = f.results.find((r) => r.verdict === f.verdict) ?? f.results[0];
  return { file: deciding?.path ?? report.inputs[0]?.path ?? '.', line: 1 };
}

/**
 * An annotation per failing flow, at its deciding rule. `levelOf` says how loud each is (null: none).
 * Config text is made plain (no control characters); the sink escapes what workflow commands need.
 */
export function flowAnnotations(
  report: JsonReport,
  levelOf: (f: FlowJson) => AnnotationLevel | null,
): Annotation[] {
  const out: Annotation[] = [];
  for (const f of report.flows) {
    if (f.verdict === 'allowed') continue;
    const level = levelOf(f);
    if (!level) continue;
    const label = plainText(flowLabel(f));
    out.push({
      level,
      ...flowLocation(report, f),
      title: `RemoteSpark ${f.severity} flow ${f.verdict}: ${label}`,
      message: `${label} (${plainText(f.roleLabel)}, ${f.severity}) is ${f.verdict}: ${plainText(f.detail)}`,
    });
  }
  return out;
}

/** A warning annotation per problem read around in an input (a stale reference), at its line. */
export function warningAnnotations(report: JsonReport): Annotation[] {
  return report.warnings.map((w) => ({
    level: 'warning',
    file: w.path ?? report.inputs[0]?.path ?? '.',
    line: w.line ?? 1,
    title: 'RemoteSpark check: read around a problem in the export',
    message: plainText(`${w.policy}: ${w.message}`),
  }));
}

export type AnnotationCounts = Record<AnnotationLevel, number>;

/** Keeps the first `limits[level]` annotations of each level, in order; counts the rest. */
export function capAnnotations(
  list: readonly Annotation[],
  limits: AnnotationCounts,
): { shown: Annotation[]; omitted: AnnotationCounts } {
  const used: AnnotationCounts = { error: 0, warning: 0, notice: 0 };
  const omitted: AnnotationCounts = { error: 0, warning: 0, notice: 0 };
  const shown: Annotation[] = [];
  for (const a of list) {
    if (used[a.level] < limits[a.level]) {
      used[a.level]++;
      shown.push(a);
    } else omitted[a.level]++;
  }
  return { shown, omitted };
}
