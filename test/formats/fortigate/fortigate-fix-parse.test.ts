import { describe, expect, it, vi } from 'vitest';
import { runCheck } from '../../../src/check/run-check.js';
import { remediate } from '../../../src/remediate/remediate.js';

// Counts the fix writer's parses of an export (its layout is read in the same pass).
const parses = vi.hoisted(() => ({ count: 0 }));
vi.mock('../../../src/formats/fortigate/layout.js', async (original) => {
  const real = await original<typeof import('../../../src/formats/fortigate/layout.js')>();
  return {
    ...real,
    layoutReader: (text: string) => {
      parses.count++;
      return real.layoutReader(text);
    },
  };
});

describe('FortiGate fixes parse the export once', () => {
  it('for all the fixes of all its VDOMs, and drop it before the proofs', async () => {
    const check = await runCheck({
      configs: ['fixtures/fortigate/multi-vdom-6.2.conf'],
      version: 'latest',
      mode: 'cloud',
      sources: ['10.61.0.0/16'],
    });
    const fixes = await remediate(check);
    expect(new Set(fixes.filter((f) => f.edits.length > 0).map((f) => f.policy)).size).toBeGreaterThan(1);
    expect(fixes.filter((f) => f.verified).length).toBeGreaterThan(2);
    expect(parses.count).toBe(1);
    // Released once written: fixing again parses again.
    await remediate(check);
    expect(parses.count).toBe(2);
  });
});
