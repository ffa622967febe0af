import type { AnnotationLevel } from '../report/annotations.js';
import type { FlowJson, JsonReport } from '../report/json-report.js';
import type { FailOn } from './settings.js';

/** What the verdicts mean for the step, decided before any side effect. */
export interface Outcome {
  /** No flow that the fail-on setting counts is failing. */
  passed: boolean;
  /** Flows failing the check: required ones, and recommended ones with fail-on: recommended. */
  failingCount: number;
  /** 0 or 1; input errors are 2 and never get this far. */
  exitCode: 0 | 1;
  /** How loud a failing flow's annotation is. */
  levelOf: (f: FlowJson) => AnnotationLevel;
}

export function decideOutcome(report: JsonReport, failOn: FailOn): Outcome {
  const counts = (f: FlowJson) =>
    f.verdict !== 'allowed' && (f.severity === 'required' || failOn === 'recommended');
  const failingCount = report.flows.filter(counts).length;
  const passed = failingCount === 0;
  return {
    passed,
    failingCount,
    exitCode: passed || failOn === 'never' ? 0 : 1,
    levelOf: (f) => (counts(f) && failOn !== 'never' ? 'error' : 'warning'),
  };
}
