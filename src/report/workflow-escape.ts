import { plainText } from './escape.js';

/**
 * Text for a GitHub Actions log. The runner treats a line whose first non-blank characters are `::` as a
 * workflow command (`::error::`, `::set-output`, `::stop-commands::`), and still honours the legacy
 * `##[command]` form anywhere in a line. Control characters are shown escaped first (so untrusted text
 * can't start a new line), then both forms are broken with a zero-width space: visible text is unchanged.
 */
export function workflowLogText(text: string): string {
  return text
    .split('\n')
    .map((line) =>
      plainText(line)
        .replace(/^(\s*):(?=:)/, '$1:\u200b')
        .replace(/##\[/g, '##\u200b['),
    )
    .join('\n');
}
