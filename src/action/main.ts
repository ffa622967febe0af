// The GitHub Action's entry (bundled into dist/index.js).
import { setFailed, warning } from '@actions/core';
import { plainText } from '../report/escape.js';
import { runAction } from './run-action.js';

const message = (e: unknown) => plainText(e instanceof Error ? e.message : String(e));

/** The exit status, once the verdicts have decided it. */
let settled: number | undefined;

// Verdict first: an error escaping the reporting steps (a stray rejection in the HTTP client, say) must
// neither crash the step into another status nor hide the one already decided.
const keepVerdict = (e: unknown) => {
  if (settled === undefined) {
    setFailed(
      `internal error: ${message(e)}. This is a bug in remotespark-firewall-check; please report it.`,
    );
    process.exit(2);
  }
  warning(`internal error after the check: ${message(e)}. The check result is not affected.`);
  process.exit(settled);
};
process.on('uncaughtException', keepVerdict);
process.on('unhandledRejection', keepVerdict);

try {
  process.exitCode = await runAction(undefined, (code) => {
    settled = code;
    process.exitCode = code;
  });
} catch (e) {
  keepVerdict(e);
}
