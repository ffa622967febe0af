import type { PolicyFlowResult } from '../evaluate/evaluate.js';
import { ALLOW } from '../evaluate/first-match.js';
import type { Flow } from '../model/flow.js';
import type { FixGroup } from './types.js';

/** The kind of rule a flow needs: web (TCP 443 to names), DNS (port 53), media (STUN/TURN ports). */
function kindOf(flow: Flow): FixGroup['kind'] {
  if (flow.port === 53) return 'dns';
  if (flow.host !== '*' && flow.protocol === 'tcp' && flow.port === 443) return 'web';
  return 'media';
}

/** Failing flows in groups of one rule each: few, narrow rules (DESIGN.md, "Remediation"). */
export function fixGroups(flows: readonly Flow[]): FixGroup[] {
  const groups = new Map<FixGroup['kind'], Flow[]>();
  for (const f of flows) groups.set(kindOf(f), [...(groups.get(kindOf(f)) ?? []), f]);
  const order: FixGroup['kind'][] = ['web', 'media', 'dns'];
  return order
    .filter((k) => groups.has(k))
    .map((kind) => {
      const list = groups.get(kind)!;
      const anyDestination = list.some((f) => f.host === '*');
      const relays = list.find((f) => f.relays)?.relays;
      const seen = new Set<string>();
      const services: FixGroup['services'] = [];
      for (const f of list) {
        const k = `${f.protocol}/${f.port}`;
        if (!seen.has(k)) {
          seen.add(k);
          services.push({ protocol: f.protocol, port: f.port });
        }
      }
      // Not localeCompare: its first call loads ICU's collator (~6 ms of the action's start-up), and
      // 'tcp' and 'udp' order the same either way.
      services.sort(
        (a, b) => a.port - b.port || (a.protocol < b.protocol ? -1 : a.protocol > b.protocol ? 1 : 0),
      );
      return {
        kind,
        flows: list,
        hosts: anyDestination ? [] : [...new Set(list.map((f) => f.host))].sort(),
        anyDestination,
        ...(relays ? { relays } : {}),
        services,
      };
    });
}

/**
 * Where the new rule must go for a flow: before the first rule that denies it, may deny it, or leaves it
 * undecided for any of the clients (so nothing ahead of the new rule decides them otherwise); -1 when
 * only the default does (after the last rule). Undefined when the flow wasn't evaluated.
 */
export function placementFor(result: PolicyFlowResult): number | undefined {
  // Where the egress zone is one of several candidates, the rule must come first in every one of them.
  const families = (result.worlds ?? [result]).flatMap((w) => w.families);
  if (families.length === 0) return undefined;
  let first = Infinity;
  for (const f of families) {
    for (const p of f.pieces) {
      if (p.outcome === ALLOW) continue;
      const at = p.doubt?.rule ?? p.by;
      const index = at < 0 ? Infinity : at;
      if (index < first) first = index;
    }
  }
  return first === Infinity ? -1 : first;
}
