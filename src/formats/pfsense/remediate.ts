import type { FixRequest, ProposedFix, Unfixable } from '../../remediate/types.js';

export function remediatePfsense(_req: FixRequest): ProposedFix | Unfixable {
  return { unfixable: 'not written yet' };
}
