import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { parseFlowSpec } from '../../src/check/flow-spec.js';
import { evaluateFlow, type Scope } from '../../src/evaluate/evaluate.js';
import type { FormatReader } from '../../src/formats/format-reader.js';
import { readInputFile } from '../../src/input/input-file.js';
import { IntervalSet } from '../../src/model/interval-set.js';
import { parseIpSpec } from '../../src/model/ip.js';
import type { Policy } from '../../src/model/policy.js';
import { ZoneSet } from '../../src/model/zone-set.js';

/**
 * One expected verdict (conventions in fixtures/generic/README.md). Vendor fixtures may add:
 * `source-zone` / `destination-zone` (comma-separated), `policy` (which policy of a file that yields several:
 * vsys, VDOM, device group ...), and `path` (the file the deciding rule is in, when it is not the fixture).
 */
export interface Expectation {
  flow: string;
  source?: string;
  'source-zone'?: string;
  'destination-zone'?: string;
  /** Egress zones replacing what the config says, as --destination-zone-override does (comma-separated). */
  'destination-zone-override'?: string;
  policy?: string;
  verdict: string;
  rule?: string;
  line?: number;
  path?: string;
}

function scopeOf(e: Expectation): Scope {
  const zones = (s?: string) => (s === undefined ? undefined : ZoneSet.of(s.split(',').map((z) => z.trim())));
  return {
    sources: e.source
      ? IntervalSet.unionAll(e.source.split(',').map((s) => parseIpSpec(s.trim())))
      : undefined,
    sourceZones: zones(e['source-zone']),
    destinationZones: zones(e['destination-zone']),
  };
}

/** The scope for one expectation against one policy (an override applies to the policy it is for). */
function scopeFor(e: Expectation, policy: Policy): Scope {
  const scope = scopeOf(e);
  const override = e['destination-zone-override'];
  if (override === undefined) return scope;
  const name = policy.name ?? policy.paths[0]!;
  return {
    ...scope,
    egressOverrides: new Map([[name, ZoneSet.of(override.split(',').map((z) => z.trim()))]]),
  };
}

function pick(policies: Policy[], name: string | undefined, fixture: string): Policy {
  if (name === undefined) {
    expect(policies.length, `${fixture} yields several policies: name one with "policy"`).toBe(1);
    return policies[0]!;
  }
  const p = policies.find((x) => x.name === name);
  expect(p, `no policy "${name}" in ${fixture}: ${policies.map((x) => x.name).join(', ')}`).toBeDefined();
  return p!;
}

/**
 * For every fixture in `dir` with a sibling `<name>.expected.yaml`, reads it with `reader` and checks each
 * expected verdict, deciding rule and line. `extraFiles` lists fixtures read together with another one
 * (e.g. an Azure IP group file) as `{ fixture: [extra, ...] }`.
 */
export function describeExpectedVerdicts(
  dir: string,
  reader: FormatReader,
  extraFiles: Record<string, string[]> = {},
): void {
  const fixtures = readdirSync(dir).filter(
    (f) => !f.includes('.expected.') && readdirSync(dir).includes(f.replace(/\.[^.]+$/, '.expected.yaml')),
  );
  describe(`${reader.id} fixtures give their expected verdicts`, () => {
    it('has fixtures', () => expect(fixtures.length).toBeGreaterThan(0));
    for (const fixture of fixtures) {
      const path = join(dir, fixture);
      const expectations = yaml.load(
        readFileSync(path.replace(/\.[^.]+$/, '.expected.yaml'), 'utf8'),
      ) as Expectation[];
      describe(fixture, () => {
        for (const e of expectations) {
          const label = [
            e.flow,
            e.source && `from ${e.source}`,
            e['source-zone'] && `zone ${e['source-zone']}`,
            e.policy && `in ${e.policy}`,
          ]
            .filter(Boolean)
            .join(' ');
          it(`${label} is ${e.verdict}`, () => {
            const files = [path, ...(extraFiles[fixture] ?? []).map((x) => join(dir, x))].map((p) =>
              readInputFile(p),
            );
            const policy = pick(reader.read(files), e.policy, fixture);
            const result = evaluateFlow(policy, parseFlowSpec(e.flow), scopeFor(e, policy));
            expect(result.verdict, result.detail).toBe(e.verdict);
            if (e.rule !== undefined) {
              const by = result.decidedBy;
              const decider = by === undefined ? undefined : by < 0 ? policy.default : policy.rules[by];
              expect(decider?.name, result.detail).toBe(e.rule);
              const where = decider?.location;
              if (e.line !== undefined) expect(where?.line).toBe(e.line);
              expect(where?.path).toBe(e.path ? join(dir, e.path) : path);
            }
          });
        }
      });
    }
  });
}
