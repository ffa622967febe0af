import type { FixRequest, ProposedFix, Unfixable } from '../../remediate/types.js';
export function remediateIptables(_req: FixRequest): ProposedFix | Unfixable {
  return { unfixable: 'todo' };
}
