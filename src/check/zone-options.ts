import { knownZones, policyName, zoneNamed, zonesIncomplete } from '../evaluate/zone-scope.js';
import type { Policy } from '../model/policy.js';
import { ZoneSet } from '../model/zone-set.js';
import { UsageError } from './usage-error.js';

/** "did you mean "INSIDE"?" for a name that differs from a known one only in case. */
function hint(name: string, known: readonly string[]): string {
  const near = known.filter((k) => k.toLowerCase() === name.toLowerCase());
  return near.length
    ? `; did you mean ${near.map((k) => `"${k}"`).join(' or ')}? (zone names are case-sensitive)`
    : '';
}

function listed(known: readonly string[]): string {
  return known.length ? known.map((k) => `"${k}"`).join(', ') : 'none';
}

/**
 * A zone option must name a zone some input defines: one no policy knows can't apply anywhere, and a typo
 * (`inside` for `INSIDE`) would otherwise quietly change nothing. Policies whose export may not show all
 * their zones (a Panorama device group, a trimmed export) accept any name.
 */
export function checkZoneOptions(
  policies: readonly Policy[],
  options: { sourceZones?: readonly string[]; destinationZones?: readonly string[] },
): void {
  if (policies.some(zonesIncomplete)) return;
  const known = [...new Set(policies.flatMap(knownZones))].sort();
  const check = (flag: string, names: readonly string[] | undefined) => {
    for (const name of names ?? []) {
      if (policies.some((p) => zoneNamed(p, name) !== undefined)) continue;
      throw new UsageError(
        `${flag} "${name}" is not a zone or interface of the input${hint(name, known)}; zones: ${listed(known)}`,
      );
    }
  };
  check('--source-zone', options.sourceZones);
  check('--destination-zone', options.destinationZones);
}

/** `POLICY=ZONE[,ZONE...]` specs into egress zones by policy name, each checked against that policy. */
export function parseEgressOverrides(
  policies: readonly Policy[],
  specs: readonly string[],
): Map<string, ZoneSet> {
  const out = new Map<string, ZoneSet>();
  for (const spec of specs) {
    const eq = spec.lastIndexOf('=');
    const name = spec.slice(0, eq);
    const zones = spec
      .slice(eq + 1)
      .split(',')
      .map((z) => z.trim())
      .filter(Boolean);
    if (eq <= 0 || zones.length === 0) {
      throw new UsageError(`--destination-zone-override "${spec}": expected POLICY=ZONE[,ZONE...]`);
    }
    const policy = policies.find((p) => policyName(p) === name);
    if (!policy) {
      throw new UsageError(
        `--destination-zone-override "${spec}": no policy "${name}" in the input; policies: ${policies.map(policyName).join(', ')}`,
      );
    }
    if (!zonesIncomplete(policy)) {
      const known = knownZones(policy);
      for (const [i, z] of zones.entries()) {
        const zone = zoneNamed(policy, z);
        if (zone !== undefined) zones[i] = zone;
        else {
          throw new UsageError(
            `--destination-zone-override "${spec}": "${z}" is not a zone or interface of "${name}"${hint(z, known)}; zones: ${listed(known)}`,
          );
        }
      }
    }
    if (out.has(name)) throw new UsageError(`--destination-zone-override: "${name}" is given twice`);
    out.set(name, ZoneSet.of(zones));
  }
  return out;
}
