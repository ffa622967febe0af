import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

const optionsIn = (file: string, pattern: RegExp) => {
  const m = pattern.exec(readFileSync(file, 'utf8'));
  return m?.[1]?.replace(/\s+/g, ' ').trim();
};

describe('the action bundle', () => {
  it('precompiles schemas with the Ajv options the engine uses (else every start compiles them)', () => {
    const engine = optionsIn('src/input/schema-check.ts', /new Ajv2020\((\{[^}]*\})\)/);
    const build = optionsIn('scripts/build.mjs', /AJV_OPTIONS = (\{[^}]*\})/);
    expect(engine).toBeDefined();
    expect(build).toBe(engine);
  });

  it('ships the real Ajv apart, for a schema the build did not see', () => {
    const { Ajv2020 } = createRequire(import.meta.url)('../../dist/ajv.cjs');
    expect(new Ajv2020({ strict: true }).compile({ type: 'string' })('x')).toBe(true);
  });

  it('loads the GitHub client only to comment: dist/index.js does not contain Octokit', () => {
    const entry = readFileSync('dist/index.js', 'utf8');
    expect(entry).not.toContain('octokit');
    expect(entry).toMatch(/import\(["']\.\/chunks\/sticky-comment-[A-Z0-9]+\.js["']\)/);
  });
});
