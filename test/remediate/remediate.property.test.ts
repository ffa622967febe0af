import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runCheck } from '../../src/check/run-check.js';
import { WORKING_TREE, type FileSource } from '../../src/check/file-source.js';
import { readGenericFile } from '../../src/formats/generic/generic-reader.js';
import { parseCidr } from '../../src/model/ip.js';
import type { Rule } from '../../src/model/policy.js';
import type { Protocol } from '../../src/model/service.js';
import { applyEdits } from '../../src/remediate/apply-edits.js';
import { remediate } from '../../src/remediate/remediate.js';
import { oracle } from '../evaluate/oracle.js';

/*
 * Random small generic policies (the oracle's kind: ordered allow/deny rules over a few address blocks
 * and ports, negation, disabled rules), random failing flows to one destination and client blocks. Whenever
 * the tool offers a fix, the patched policy, read back, must allow exactly what it allowed before plus
 * the asked flows from the clients — checked packet by packet with the brute-force oracle.
 */

const RUNS = Number(process.env.REMEDIATE_RUNS ?? 2_000);
const BLOCKS = 8;
const block = (k: number) => `10.0.0.${k * 16}/28`;
const DESTS = ['198.18.0.1', '198.18.0.2', '198.18.0.3', '198.18.0.4'];
const PORTS = [3478, 5349, 8089];
/** Packet address indices: a point in each client block, one outside, the destinations, one outside. */
const ADDR = [
  ...Array.from({ length: BLOCKS }, (_, k) => parseCidr(block(k)).min()!),
  parseCidr('10.9.9.9/32').min()!,
  ...DESTS.map((d) => parseCidr(`${d}/32`).min()!),
  parseCidr('198.18.9.9/32').min()!,
];
const SRC_POINTS = Array.from({ length: BLOCKS + 1 }, (_, i) => i);
const DST_POINTS = Array.from({ length: DESTS.length + 1 }, (_, i) => BLOCKS + 1 + i);

const arbList = <T>(arb: fc.Arbitrary<T>) => fc.uniqueArray(arb, { minLength: 1, maxLength: 2 });
const arbRule = fc.record({
  action: fc.constantFrom('allow', 'deny'),
  enabled: fc.integer({ min: 0, max: 9 }).map((n) => n > 0),
  sources: fc.oneof(
    { weight: 1, arbitrary: fc.constant(['any']) },
    { weight: 3, arbitrary: arbList(fc.integer({ min: 0, max: BLOCKS - 1 }).map(block)) },
  ),
  negateSources: fc.integer({ min: 0, max: 9 }).map((n) => n === 0),
  destinations: fc.oneof(
    { weight: 1, arbitrary: fc.constant(['any']) },
    { weight: 2, arbitrary: arbList(fc.constantFrom(...DESTS)) },
  ),
  services: fc.oneof(
    { weight: 1, arbitrary: fc.constant(['any']) },
    {
      weight: 4,
      arbitrary: arbList(
        fc.tuple(fc.constantFrom('tcp', 'udp'), fc.constantFrom(...PORTS, 443)).map(([p, n]) => `${p}/${n}`),
      ),
    },
    { weight: 1, arbitrary: fc.constantFrom(['udp/3000-6000'], ['tcp/5000-9000']) },
  ),
});

const arbCase = fc.record({
  rules: fc.array(arbRule, { minLength: 1, maxLength: 6 }),
  defaultAction: fc.constantFrom('allow', 'deny'),
  clients: arbList(fc.integer({ min: 0, max: BLOCKS - 1 }).map(block)),
  destination: fc.constantFrom(...DESTS),
  flows: fc.uniqueArray(fc.tuple(fc.constantFrom(...PORTS), fc.constantFrom<Protocol>('tcp', 'udp')), {
    minLength: 1,
    maxLength: 3,
  }),
});

type Case = typeof arbCase extends fc.Arbitrary<infer V> ? V : never;

function yaml(c: Case): string {
  const list = (xs: readonly string[]) => `[${xs.join(', ')}]`;
  const rules = c.rules.map(
    (r, i) =>
      `  - name: r${i}\n    action: ${r.action}\n${r.enabled ? '' : '    enabled: false\n'}    sources: ${list(r.sources)}\n${r.negateSources && r.sources[0] !== 'any' ? '    negate-sources: true\n' : ''}    destinations: ${list(r.destinations)}\n    services: ${list(r.services)}\n`,
  );
  return `format: generic/v1\nname: random\ndefault: ${c.defaultAction}\nrules:\n${rules.join('\n')}`;
}

/** A source that serves one in-memory file. */
const memory = (path: string, text: string): FileSource => ({
  describe: 'memory',
  read: (p) => Promise.resolve(p === path ? { path, text } : WORKING_TREE.read(p, 1 << 20)),
});

function allowedBy(
  rules: Rule[],
  def: 'allow' | 'deny',
  s: number,
  d: number,
  port: number,
  proto: Protocol,
): boolean {
  const r = oracle(rules, def, { sz: 'a', dz: 'a', s, d }, port, proto, false, (x) => ADDR[x]!);
  return r.outcome === 1;
}

describe('remediation vs brute-force oracle', () => {
  it(`a fix, when offered, allows exactly what was asked on top of what was allowed (${RUNS} random policies)`, async () => {
    let offered = 0;
    await fc.assert(
      fc.asyncProperty(arbCase, async (c) => {
        const path = 'random.yaml';
        const text = yaml(c);
        const flows = c.flows.map(([port, proto]) => `${c.destination}:${port}/${proto}`);
        const check = await runCheck({
          configs: [path],
          version: 'latest',
          mode: 'cloud',
          sources: c.clients,
          flows,
          files: memory(path, text),
        });
        const fixes = (await remediate(check)).filter((f) => f.verified);
        if (fixes.length === 0) return;
        offered++;
        const before = readGenericFile({ path, text });
        const after = readGenericFile({
          path,
          text: applyEdits(
            text,
            fixes.flatMap((f) => f.edits),
          ),
        });
        const asked = new Set(fixes.flatMap((f) => f.flows));
        const clients = new Set(c.clients.map((b) => Number(b.split('.')[3]!.split('/')[0]) / 16));
        const dest = BLOCKS + 1 + DESTS.indexOf(c.destination);
        for (const s of SRC_POINTS)
          for (const d of DST_POINTS)
            for (const port of [...PORTS, 443, 9999])
              for (const proto of ['tcp', 'udp'] as const) {
                const was = allowedBy([...before.rules], before.default.action, s, d, port, proto);
                const now = allowedBy([...after.rules], after.default.action, s, d, port, proto);
                const want =
                  was || (clients.has(s) && d === dest && asked.has(`${c.destination}:${port}/${proto}`));
                expect(now, `s=${s} d=${d} ${port}/${proto}\n${text}`).toBe(want);
              }
      }),
      { numRuns: RUNS },
    );
    // Not vacuous: most random policies with failing flows get a proven fix.
    expect(offered).toBeGreaterThan(RUNS * 0.3);
  }, 300_000);
});
