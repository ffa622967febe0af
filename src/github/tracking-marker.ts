/**
 * How our tracking issue's body is laid out: the hidden marker first, the content, and last a stamp line
 * naming the run that last changed it. The stamp is left out when bodies are compared, so an issue is
 * rewritten only when what fails changes.
 */

/** Keyed like the pull-request comment (commentKey: the config set), so each config set has its own. */
export function trackingIssueMarker(key: string): string {
  return `<!-- remotespark-firewall-check:tracking-issue key=${key} -->`;
}

/** Only the first line counts, as for the comment: an issue quoting ours must not look like it. */
export function hasTrackingMarker(body: string | null | undefined, key: string): boolean {
  if (!body) return false;
  return body.split('\n', 1)[0]!.replace(/\r$/, '') === trackingIssueMarker(key);
}

/** Config text is escaped everywhere else in the body, so no other line can start like this. */
export const STAMP_PREFIX = '<sub>Last changed by ';

/** The body without its stamp line, line ends normalised (the web editor saves CRLF). */
export function trackingContent(body: string): string {
  const lines = body.replace(/\r\n/g, '\n').trimEnd().split('\n');
  if (lines.at(-1)?.startsWith(STAMP_PREFIX)) lines.pop();
  return lines.join('\n').trimEnd();
}
