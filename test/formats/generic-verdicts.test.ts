import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { runCheck } from '../../src/check/run-check.js';

/** Each fixture's `<name>.expected.yaml` (conventions in fixtures/generic/README.md), run through the whole check. */
interface Expectation {
  flow: string;
  source?: string;
  verdict: string;
  rule?: string;
  line?: number;
}

const DIR = 'fixtures/generic';
const fixtures = readdirSync(DIR).filter((f) => /\.(ya?ml|json)$/.test(f) && !f.includes('.expected.'));

describe('generic fixtures give their expected verdicts', () => {
  for (const fixture of fixtures) {
    const expectedPath = join(DIR, fixture.replace(/\.(ya?ml|json)$/, '.expected.yaml'));
    const expectations = yaml.load(readFileSync(expectedPath, 'utf8')) as Expectation[];
    describe(fixture, () => {
      for (const e of expectations) {
        it(`${e.flow}${e.source ? ` from ${e.source}` : ''} is ${e.verdict}`, () => {
          const check = runCheck({
            configs: [join(DIR, fixture)],
            version: 'latest',
            mode: 'cloud',
            flows: [e.flow],
            sources: e.source ? [e.source] : undefined,
          });
          const [result] = check.results;
          expect(result!.verdict).toBe(e.verdict);
          if (e.rule !== undefined) {
            const { policy, decidedBy } = result!.primary;
            const decider =
              decidedBy === undefined ? undefined : decidedBy < 0 ? policy.default : policy.rules[decidedBy]!;
            const where = decider && ('location' in decider ? decider.location : undefined);
            expect(decider?.name).toBe(e.rule);
            if (e.line !== undefined) expect(where?.line).toBe(e.line);
            expect(where?.path).toBe(join(DIR, fixture));
          }
        });
      }
    });
  }
  it('covers every fixture', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(6);
  });
});
