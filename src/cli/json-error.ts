import { CatalogUsageError } from '../catalog/index.js';
import { UsageError } from '../check/usage-error.js';
import { InputError } from '../input/input-error.js';
import { TOOL_NAME, TOOL_VERSION } from '../tool-info.js';

/** Bumped on any incompatible change; documented in schemas/error.schema.json. */
export const ERROR_SCHEMA_VERSION = 1;

export interface JsonError {
  schemaVersion: number;
  tool: { name: string; version: string };
  error: {
    /** `input`: a file could not be read; `usage`: the options were wrong; `internal`: a bug. */
    kind: 'input' | 'usage' | 'internal';
    /** The file at fault (input errors), else null. */
    path: string | null;
    /** 1-based, or null where the problem is the whole file or not a file at all. */
    line: number | null;
    message: string;
  };
}

/** What `--json` prints on stdout when the check can't run (exit 2), so a pipeline never gets nothing. */
export function jsonError(e: InputError | UsageError | CatalogUsageError | TypeError): JsonError {
  const input = e instanceof InputError;
  return {
    schemaVersion: ERROR_SCHEMA_VERSION,
    tool: { name: TOOL_NAME, version: TOOL_VERSION },
    error: {
      kind: input ? 'input' : 'usage',
      path: input ? e.path : null,
      line: input ? (e.line ?? null) : null,
      message: e.message,
    },
  };
}

/** The JSON error for a bug met while checking `files` (the first named as the path). */
export function jsonInternalError(message: string, files: readonly string[]): JsonError {
  return {
    schemaVersion: ERROR_SCHEMA_VERSION,
    tool: { name: TOOL_NAME, version: TOOL_VERSION },
    error: { kind: 'internal', path: files[0] ?? null, line: null, message: `internal error: ${message}` },
  };
}

/**
 * Whether the arguments ask for JSON output. Read from the raw arguments, since the error may be in
 * parsing them; the last --output wins, as parseArgs keeps it.
 */
export function wantsJson(argv: readonly string[]): boolean {
  let json = false;
  let output: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') break;
    if (a === '--json') json = true;
    else if (a === '--output') output = argv[++i];
    else if (a.startsWith('--output=')) output = a.slice('--output='.length);
  }
  return json || output === 'json';
}
