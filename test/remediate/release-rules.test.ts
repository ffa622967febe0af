import { describe, expect, it } from 'vitest';
import { runCheck } from '../../src/check/run-check.js';
import { evaluateAll } from '../../src/evaluate/evaluate.js';
import { remediate } from '../../src/remediate/remediate.js';
import { RELEASED_RULE } from '../../src/remediate/release-rules.js';
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

    it(`${path}: the rules results and fixes name keep names and lines, none matches as allowed`, async () => {
      const released = await check(path, sources);
      const untouched = await check(path, sources);
      const fixes = await remediate(released);
      const report = JSON.stringify(buildJsonReport(released, undefined, fixes));
      let kept = 0;
      let stubbed = 0;
      released.policies.forEach((p, i) =>
        p.rules.forEach((r, j) => {
          const was = untouched.policies[i]!.rules[j]!;
          expect([r.sources.kind, r.destinations.kind, r.services.kind]).toEqual([
            'unknown',
            'unknown',
            'unknown',
          ]);
          if (r === RELEASED_RULE) {
            stubbed++;
            expect(() => r.name).toThrow(/released rule/);
            expect(() => r.location).toThrow(/released rule/);
            return;
          }
          kept++;
          expect([r.name, r.location, r.action]).toEqual([was.name, was.location, was.action]);
        }),
      );
      // Every rule the report names (deciding rules, placements) is one that was kept.
      expect(kept).toBeGreaterThan(0);
      expect(stubbed).toBeGreaterThan(0);
      expect(report.length).toBeGreaterThan(0);
      // Evaluating the released model is never "allowed": either every verdict is less, or describing a
      // result by a stand-in's name stops it.
      let again: ReturnType<typeof evaluateAll> = [];
      try {
        again = evaluateAll(released.policies, released.evaluation.flows, released.evaluation.scope);
      } catch (e) {
        expect(String(e)).toMatch(/a released rule's name was read/);
      }
      for (const r of again) for (const p of r.perPolicy) expect(p.verdict).not.toBe('allowed');
    });
  }
});
