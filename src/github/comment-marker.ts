import { createHash } from 'node:crypto';

/**
 * The hidden first line that marks our pull-request comment. Its key comes from the config set, so
 * several checks in one workflow (one per firewall) each keep their own comment.
 */
export function commentKey(configs: readonly string[]): string {
  const set = [...new Set(configs.map((c) => c.trim()))].sort().join('\n');
  return createHash('sha256').update(set).digest('hex').slice(0, 16);
}

export function commentMarker(key: string): string {
  return `<!-- remotespark-firewall-check:comment key=${key} -->`;
}

/** Only the first line counts: a reply quoting our comment must not look like it. */
export function hasMarker(body: string | null | undefined, key: string): boolean {
  if (!body) return false;
  const first = body.split('\n', 1)[0]!.replace(/\r$/, '');
  return first === commentMarker(key);
}
