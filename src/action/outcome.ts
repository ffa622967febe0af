import type { AnnotationLevel } from '../report/annotations.js';
import type { FlowJson, JsonReport } from '../report/json-report.js';
import type { FailOn } from './settings.js';

/** What the verdicts mean for the step, decided before any side effect. */
export interface Outcome {
  /** No flow that the fail-on setting counts is failing. */
  passed: boolean;
  /**
   * Flows failing the check: required ones, and recommended ones with fail-on: recommended; with
   * fail-on: new, the required ones the change breaks.
   */
  failingCount: number;
  /** 0 or 1; input errors are 2 and never get this far. */
  exitCode: 0 | 1;
  /** How loud a failing flow's annotation is. */
  levelOf: (f: FlowJson) => AnnotationLevel;
  /** Said as a warning: why the setting counts other flows than it says (fail-on: new, no baseline). */
  note?: string;
}

export function decideOutcome(report: JsonReport, failOn: FailOn): Outcome {
  const failingRequired = (f: FlowJson) => f.verdict !== 'allowed' && f.severity === 'required';
  let counts = (f: FlowJson) =>
    f.verdict !== 'allowed' && (f.severity === 'required' || failOn === 'recommended');
  let note: string | undefined;
  if (failOn === 'new') {
    if (report.summary.drift) {
      counts = (f) => failingRequired(f) && f.change === 'new-failure';
    } else {
      // Nothing to count against: every failing required flow counts, never a silent pass.
      counts = failingRequired;
      const why = report.baseline?.error
        ? `the baseline could not be checked (${report.baseline.error})`
        : 'there is no baseline to compare with (only pull_request, pull_request_target and merge_group runs have one, unless the "baseline" input names a ref)';
      note = `fail-on: new counts every required flow not allowed: ${why}.`;
    }
  }
  const failingCount = report.flows.filter(counts).length;
  const passed = failingCount === 0;
  return {
    passed,
    failingCount,
    exitCode: passed || failOn === 'never' ? 0 : 1,
    levelOf: (f) => (counts(f) && failOn !== 'never' ? 'error' : 'warning'),
    ...(note ? { note } : {}),
  };
}
