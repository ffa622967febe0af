import type { CheckResult } from './run-check.js';

/**
 * The checked files' texts by path, each decoded only when asked for (a fix's context): a check of a big
 * export that needs no fix never holds its text.
 */
export function inputTexts(check: CheckResult): Pick<ReadonlyMap<string, string>, 'get'> {
  return {
    get: (path) => check.evaluation.inputs.find((i) => i.file.path === path)?.file.text,
  };
}
