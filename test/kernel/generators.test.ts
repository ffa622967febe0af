import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kernelOracleSkipReason } from './availability.js';
import { generateIptables } from './iptables-gen.js';
import { Lab } from './lab.js';
import { generateNftables } from './nftables-gen.js';
import { Rng } from './random.js';

const skip = await kernelOracleSkipReason();
const N = 60;

// The random rulesets must be ones the kernel's own tools accept, or the differential tests would stop at
// loading instead of comparing; and they must use what they are meant to cover.
describe.skipIf(skip !== undefined)(`random rulesets load${skip ? ` (skipped: ${skip})` : ''}`, () => {
  let lab: Lab;
  beforeAll(async () => {
    lab = await Lab.create();
  });
  afterAll(async () => {
    await lab?.destroy();
  });

  it(`${N} iptables rulesets load with iptables-restore and cover the constructs`, async () => {
    const seen = new Set<string>();
    for (let i = 0; i < N; i++) {
      const rs = generateIptables(new Rng(1000 + i), {
        sourcePorts: true,
        log: true,
        rawConntrack: true,
        unnamedInterfaces: true,
      });
      rs.features.forEach((f) => seen.add(f));
      await lab.loadIptables(rs);
    }
    for (const f of [
      'user-chain',
      'goto',
      'return',
      'negation',
      'multiport',
      'conntrack',
      'state',
      'iprange',
      'ipset',
      'comment',
      'reject',
      'raw',
      'mangle',
      'interface-wildcard',
      'unnamed-interface',
    ])
      expect(seen).toContain(f);
  });

  it(`${N} nftables rulesets load with nft -f and cover the constructs`, async () => {
    const seen = new Set<string>();
    for (let i = 0; i < N; i++) {
      const rs = generateNftables(new Rng(2000 + i), {
        prerouting: true,
        log: true,
        beforeConntrack: true,
        unnamedInterfaces: true,
      });
      rs.features.forEach((f) => seen.add(f));
      await lab.loadNftables(rs.text);
    }
    for (const f of [
      'jump',
      'goto',
      'return',
      'negation',
      'named-set',
      'anonymous-set',
      'concatenation',
      'vmap',
      'ct-state',
      'iifname',
      'oifname',
      'define',
      'several-base-chains',
      'reject',
      'nfproto',
      'l4proto',
    ])
      expect(seen).toContain(f);
  });
});
