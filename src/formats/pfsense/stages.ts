import type { SourceLocation } from '../../model/location.js';
import type { PolicyStage, Rule } from '../../model/policy.js';
import { ANY_ADDRESS } from '../../model/address.js';
import { ANY_SERVICE } from '../../model/service.js';
import { ZoneSet } from '../../model/zone-set.js';
import type { PfRule } from './rules.js';

/** pf's order of the rules: automatic ones, then floating, group and interface tabs (MVC rules first). */
function compareOrder(a: PfRule, b: PfRule): number {
  if (a.category !== b.category) return a.category - b.category;
  const am = a.mvc ? 0 : 1;
  const bm = b.mvc ? 0 : 1;
  if (am !== bm) return am - bm;
  for (let i = 0; i < Math.max(a.order.length, b.order.length); i++) {
    const d = (a.order[i] ?? 0) - (b.order[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/**
 * pf applies the last matching rule, unless a matching rule is `quick`, which applies at once
 * (pf.conf(5); pfSense "Firewall Rule Processing Order"). As a first-match list that is exactly: the quick
 * rules in pf order, then the others in reverse order, then the default (pf's first, non-quick rule).
 */
export function firstMatchOrder(rules: readonly PfRule[]): PfRule[] {
  const sorted = [...rules].sort(compareOrder);
  return [...sorted.filter((r) => r.quick), ...sorted.filter((r) => !r.quick).reverse()];
}

export interface StageSpec {
  name: string;
  /** Which rules of which direction the stage evaluates, and on which side their interfaces sit. */
  direction: 'in' | 'out';
  catchAll: { name: string; action: 'allow' | 'deny'; location: SourceLocation };
}

/** Rules of every stage, concatenated, and the stages' ranges: a packet must pass each in turn. */
export function buildStages(
  rules: readonly PfRule[],
  specs: readonly StageSpec[],
): { rules: Rule[]; stages: PolicyStage[]; origin: (PfRule | undefined)[] } {
  const out: Rule[] = [];
  const origin: (PfRule | undefined)[] = [];
  const stages: PolicyStage[] = [];
  for (const spec of specs) {
    const start = out.length;
    const mine = rules.filter((r) => r.direction === 'any' || r.direction === spec.direction);
    for (const r of firstMatchOrder(mine)) {
      out.push({
        ...r.rule,
        sourceZones: spec.direction === 'in' ? r.interfaces : ZoneSet.ANY,
        destinationZones: spec.direction === 'out' ? r.interfaces : ZoneSet.ANY,
        section: `${spec.name}: ${r.rule.section ?? ''}`,
      });
      origin.push(r);
    }
    out.push({
      name: spec.catchAll.name,
      enabled: true,
      action: spec.catchAll.action,
      vendorAction: spec.catchAll.action === 'allow' ? 'pass' : 'block',
      sourceZones: ZoneSet.ANY,
      destinationZones: ZoneSet.ANY,
      sources: ANY_ADDRESS,
      destinations: ANY_ADDRESS,
      services: ANY_SERVICE,
      location: spec.catchAll.location,
      section: `${spec.name}: automatic rules`,
    });
    origin.push(undefined);
    stages.push({ name: spec.name, start, end: out.length });
  }
  return { rules: out, stages, origin };
}
