import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { runCheck } from '../../src/check/run-check.js';
import { InputError } from '../../src/input/input-error.js';
import { policyName } from '../../src/evaluate/zone-scope.js';
import { applyEdits } from '../../src/remediate/apply-edits.js';
import { remediate, verifyEdits, verifyFix } from '../../src/remediate/remediate.js';

// Counts the reads: the first check's and every proof's.
const reads = vi.hoisted(() => ({ count: 0, failAt: 0 }));
vi.mock('../../src/formats/registry.js', async (original) => {
  const actual = await original<typeof import('../../src/formats/registry.js')>();
  return {
    ...actual,
    readPolicies: (...args: Parameters<typeof actual.readPolicies>) => {
      reads.count++;
      // A read made to fail (a proof's): the patched export "does not read".
      if (reads.count === reads.failAt) throw new InputError(args[0][0]!.file.path, 1, 'made to fail');
      return actual.readPolicies(...args);
    },
  };
});

const check = (path: string, sources?: string[]) =>
  runCheck({ configs: [path], version: 'latest', mode: 'cloud', ...(sources ? { sources } : {}) });

describe('every policy of a file proven by one read', () => {
  const cases = [
    { path: 'fixtures/fortigate/multi-vdom-6.2.conf', policies: 3 },
    { path: 'fixtures/panos/fw-multi-vsys.xml', policies: 2 },
  ];
  for (const { path, policies } of cases) {
    it(`${path}: ${policies} policies' fixes, one proof read`, async () => {
      const before = await check(path);
      reads.count = 0;
      const fixes = await remediate(before);
      expect(new Set(fixes.map((f) => f.policy)).size).toBe(policies);
      expect(fixes.filter((f) => !f.verified).map((f) => f.reason)).toEqual([]);
      expect(reads.count).toBe(1);
    });
  }
});

describe('fixes that reach other policies', () => {
  // Branches and its child Branch-EU are both decided by branches-pre-deny-8089-tcp: each one's media fix
  // would be the same rule right before it, in the Branches pre-rulebase.
  const path = 'fixtures/panos/panorama-hierarchy.xml';

  it("a child device group's fix that the parent's already makes: not offered twice, and why", async () => {
    const before = await check(path);
    const fixes = await remediate(before);
    const media = fixes.filter((f) => f.flows.includes('*:3478/udp'));
    expect(media.map((f) => [f.policy, f.rule, f.verified])).toEqual([
      ['Branches', 'allow-remotespark-media', true],
      ['Branch-EU', undefined, false],
      ['Datacenter', 'allow-remotespark-media', true],
    ]);
    expect(media[1]!.reason).toBe(
      'these flows are already allowed by the fix for Branches (rule "allow-remotespark-media"), the same rule in the device group "Branches" pre-rulebase: nothing more to add',
    );
    // What is offered holds together: applied at once, every fixed flow of every device group is allowed.
    const patched = applyEdits(
      readFileSync(path, 'utf8'),
      fixes.filter((f) => f.verified).flatMap((f) => f.edits),
    );
    const dir = mkdtempSync(join(tmpdir(), 'rsfc-combined-'));
    try {
      writeFileSync(join(dir, 'panorama.xml'), patched);
      const after = await check(join(dir, 'panorama.xml'));
      for (const f of fixes) {
        const p = after.policies.findIndex((x) => policyName(x) === f.policy);
        for (const label of f.flows) {
          const r = after.results.find((x) => `${x.flow.host}:${x.flow.port}/${x.flow.protocol}` === label)!;
          expect(r.perPolicy[p]!.verdict, `${label} in ${f.policy}`).toBe('allowed');
        }
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("where the proof of every fix at once fails, each policy's fixes are proven on top of those kept", async () => {
    const before = await check(path);
    reads.count = 0;
    reads.failAt = 1;
    try {
      const fixes = await remediate(before);
      expect(fixes.filter((f) => f.verified).map((f) => [f.policy, f.rule])).toEqual([
        ['Branches', 'allow-remotespark-web'],
        ['Branches', 'allow-remotespark-media'],
        ['Branch-EU', 'allow-remotespark-web-2'],
        ['Datacenter', 'allow-remotespark-web'],
        ['Datacenter', 'allow-remotespark-media'],
      ]);
      // The failed read of everything, then one per device group with fixes.
      expect(reads.count).toBe(4);
    } finally {
      reads.failAt = 0;
    }
  });

  it('fixes that hold together are proven by one read', async () => {
    const before = await check(path);
    reads.count = 0;
    const fixes = await remediate(before);
    expect(fixes.filter((f) => f.verified)).toHaveLength(5);
    expect(reads.count).toBe(1);
  });
});

describe('a proof covers every policy of the patched file', () => {
  const path = 'fixtures/fortigate/multi-vdom-6.2.conf';
  // A deny-all policy put first in VDOM lab (its policy table starts at line 186).
  const denyAll = [
    '    edit 99',
    '        set name "deny-everything"',
    '        set srcintf "any"',
    '        set dstintf "any"',
    '        set srcaddr "all"',
    '        set dstaddr "all"',
    '        set action deny',
    '        set schedule "always"',
    '        set service "ALL"',
    '    next',
  ].join('\n');

  it('the fixture is what the edit assumes', () => {
    const lines = readFileSync(path, 'utf8').split('\n');
    expect(lines[184]).toBe('config firewall policy');
    expect(lines[185]).toBe('    edit 1');
  });

  it("an edit that makes another VDOM's flows worse is not proven for this one", async () => {
    const before = await check(path);
    const customerA = before.policies.find((p) => policyName(p) === 'customer-a')!;
    const edits = [{ path, line: 186, insert: denyAll }];
    expect(await verifyFix(before, customerA, edits, [])).toMatch(
      /^in lab: .* would get worse: unknown → blocked$/,
    );
    // Without the edit, nothing is worse anywhere.
    expect(await verifyEdits(before, [], [{ policy: customerA, flows: [] }])).toBeUndefined();
  });

  it('a failing proof names the policy whose flow is still not allowed', async () => {
    const before = await check(path);
    const lab = before.policies.find((p) => policyName(p) === 'lab')!;
    const root = before.policies.find((p) => policyName(p) === 'root')!;
    const web = before.evaluation.flows.filter((f) => f.port === 443);
    const edits = [{ path, line: 186, insert: denyAll }];
    expect(
      await verifyEdits(before, edits, [
        { policy: root, flows: [] },
        { policy: lab, flows: web },
      ]),
    ).toMatch(/^in lab: .*:443\/tcp is still blocked with the new rule/);
  });
});
