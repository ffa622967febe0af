import type { FixRequest, ProposedFix, Unfixable } from '../../remediate/types.js';

export function remediateNftables(_req: FixRequest): ProposedFix | Unfixable {
  return { unfixable: 'not yet' };
}
