import type { Drift, FileLines } from '../drift/compare.js';
import { compareChecks } from '../drift/compare.js';
import { InputError } from '../input/input-error.js';
import type { InputFile } from '../input/input-file.js';
import { WORKING_TREE, type FileSource } from './file-source.js';
import { MissingAtSourceError, runCheck, type CheckOptions, type CheckResult } from './run-check.js';
import { RevisionError } from './revision-error.js';
import { UsageError } from './usage-error.js';

export interface DriftCheck {
  head: CheckResult;
  /** Undefined when the baseline could not be checked (drift.baseline.error says why). */
  base?: CheckResult;
  drift: Drift;
}

/** A source that keeps what it read, so rule texts can be compared after the check. */
function recording(source: FileSource): { source: FileSource; lines: FileLines } {
  const files = new Map<string, InputFile>();
  const split = new Map<string, readonly string[]>();
  return {
    source: {
      get describe() {
        return source.describe;
      },
      get commit() {
        return source.commit;
      },
      async read(path, maxBytes) {
        const file = await source.read(path, maxBytes);
        if (file) files.set(path, file);
        return file;
      },
    },
    lines: (path) => {
      let l = split.get(path);
      if (!l) {
        const f = files.get(path);
        if (!f) return undefined;
        l = f.text.split('\n');
        split.set(path, l);
      }
      return l;
    },
  };
}

function reason(e: unknown): string {
  if (e instanceof InputError) return e.format();
  if (e instanceof MissingAtSourceError) return `no config file existed there (${e.message})`;
  return e instanceof Error ? e.message : String(e);
}

/**
 * The check at head and at the baseline, with the same options, compared flow by flow. A revision git
 * doesn't know is a usage error; a baseline whose files can't be read or checked is said in the drift,
 * and the head's check stands on its own.
 */
export async function runDriftCheck(
  options: CheckOptions,
  /** `options` changes what the baseline is checked with (a repo config naming another version there). */
  baseline: { ref: string; files: FileSource; options?: Partial<CheckOptions> },
): Promise<DriftCheck> {
  const headSide = recording(options.files ?? WORKING_TREE);
  const head = await runCheck({ ...options, files: headSide.source });
  if (!options.files) delete head.source;
  const baseSide = recording(baseline.files);
  let base: CheckResult | undefined;
  let error: string | undefined;
  try {
    base = await runCheck({ ...options, ...baseline.options, files: baseSide.source });
  } catch (e) {
    if (e instanceof RevisionError) throw new UsageError(e.message);
    if (!(e instanceof InputError || e instanceof UsageError || e instanceof MissingAtSourceError)) throw e;
    error = reason(e);
  }
  const info = {
    ref: baseline.ref,
    describe: baseline.files.describe,
    ...(baseline.files.commit ? { commit: baseline.files.commit } : {}),
    ...(error ? { error } : {}),
    ...(base?.missing?.length ? { missing: base.missing } : {}),
  };
  return {
    head,
    ...(base ? { base } : {}),
    drift: { baseline: info, flows: base ? compareChecks(base, baseSide.lines, head, headSide.lines) : [] },
  };
}
