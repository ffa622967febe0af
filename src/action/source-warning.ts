/**
 * Without client addresses a verdict holds for some source, not for all of them (the evaluator takes
 * an open source as "there exists"): a policy that lets one host out passes. Said wherever the result
 * is shown, since a green check reads as "the clients can connect".
 */
export function sourceWarning(sources: readonly string[], zones: readonly string[]): string | undefined {
  if (sources.length > 0) return undefined;
  const given =
    zones.length > 0
      ? `The "source" input names zones (${zones.join(', ')}) but no client addresses`
      : 'The "source" input is not set';
  return `${given}, so a flow counts as allowed when some client address gets out, not every one: a policy that lets a single host out passes. Set "source" to the clients' CIDRs to check them all.`;
}
