import { describe, expect, it } from 'vitest';
import { runCheck } from '../../src/check/run-check.js';
import { evaluateAll } from '../../src/evaluate/evaluate.js';
import { remediate } from '../../src/remediate/remediate.js';
import { buildJsonReport } from '../../src/report/json-report.js';

const cases = [
  { path: 'fixtures/panos/panorama-hierarchy.xml' },
  { path: 'fixtures/fortigate/hq-backup-7.2.conf', sources: ['172.16.30.0/24'] },
  { path: 'fixtures/azure-firewall/hub-firewalls-policy-chain-arm.json' },
  { path: 'fixtures/generic/https-only.yaml', sources: ['10.40.0.0/16'] },
];

const check = (path: string, sources?: string[]) =>
  runCheck({ configs: [path], version: 'latest', mode: 'cloud', ...(sources ? { sources } : {}) });

describe('the first model, released before the proofs', () => {
  for (const { path, sources } of cases) {
    it(`${path}: the report is the same as from a check never released`, async () => {
      const released = await check(path, sources);
      const fixes = await remediate(released);
      expect(fixes.some((f) => f.verified)).toBe(true);
      const untouched = await check(path, sources);
      expect(buildJsonReport(released, undefined, fixes)).toEqual(
        buildJsonReport(untouched, undefined, fixes),
      );
    });

    it(`${path}: its rules keep names and lines, and match nothing as allowed any more`, async () => {
      const released = await check(path, sources);
      const untouched = await check(path, sources);
      await remediate(released);
      released.policies.forEach((p, i) =>
        p.rules.forEach((r, j) => {
          const was = untouched.policies[i]!.rules[j]!;
          expect([r.name, r.location, r.action]).toEqual([was.name, was.location, was.action]);
          expect([r.sources.kind, r.destinations.kind, r.services.kind]).toEqual([
            'unknown',
            'unknown',
            'unknown',
          ]);
        }),
      );
      const again = evaluateAll(released.policies, released.evaluation.flows, released.evaluation.scope);
      for (const r of again) for (const p of r.perPolicy) expect(p.verdict).not.toBe('allowed');
    });
  }
});
