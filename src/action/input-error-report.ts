import { clip } from '../report/bounded-lines.js';
import { markdownCode, markdownText } from '../report/escape.js';
import { inputWording } from './input-names.js';

/** Why the check could not run: the file and line when an input file is at fault, and the message. */
export interface CouldNotRun {
  /** Workspace-relative, when a file is at fault. */
  path?: string;
  line?: number;
  /** Without the location; may quote config text. */
  message: string;
}

/** An input error's message can quote a whole line of config; a comment needs only its start. */
const MAX_MESSAGE = 2000;

/**
 * The comment or summary for a run that could not check (exit status 2). It replaces whatever an earlier
 * run wrote, so a stale "every flow allowed" never outlives a config that no longer reads. Config text in
 * the message is escaped like every other Markdown the action writes.
 */
export function renderCouldNotRun(
  e: CouldNotRun,
  o: { heading: '##' | '###'; label?: string; runUrl?: string; footer?: string },
): string {
  const label = o.label ? ` (${markdownText(o.label)})` : '';
  const where = e.path ? `${markdownCode(e.line !== undefined ? `${e.path}:${e.line}` : e.path)}: ` : '';
  return [
    `${o.heading} ⛔ RemoteSpark firewall check${label}: the check could not run`,
    '',
    `${where}${markdownText(clip(inputWording(e.message), MAX_MESSAGE))}`,
    '',
    'No flow was checked, so no earlier result of this check stands. Fix the input and run the check again.',
    ...(o.runUrl
      ? ['', `The log: [workflow run](${encodeURI(o.runUrl).replace(/[()]/g, encodeURIComponent)}).`]
      : []),
    ...(o.footer ? ['', `<sub>${markdownText(o.footer)}</sub>`] : []),
    '',
  ].join('\n');
}
