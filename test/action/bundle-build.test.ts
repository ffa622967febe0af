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

/** The files a run of dist/index.js loads before any dynamic import: the entry and its static chunks. */
function startFiles(): Map<string, string> {
  const files = new Map<string, string>();
  const visit = (path: string) => {
    if (files.has(path)) return;
    const text = readFileSync(path, 'utf8');
    files.set(path, text);
    const dir = path.slice(0, path.lastIndexOf('/') + 1);
    for (const m of text.matchAll(/(?:\bfrom|\bimport)\s*["'](\.\/[^"']+\.js)["']/g)) {
      visit(`${dir}${m[1]!.slice(2)}`);
    }
  };
  visit('dist/index.js');
  return files;
}

/** The start-up files whose text matches `pattern`. */
const loadedWith = (pattern: RegExp) =>
  [...startFiles()].filter(([, text]) => pattern.test(text)).map(([p]) => p);

describe('what the action loads at start-up', () => {
  it('loads no HTTP client (the OIDC client and the tool cache load theirs when called)', () => {
    expect(startFiles().size).toBeGreaterThan(1);
    expect(loadedWith(/undici|HttpClient|\bnode:https?\b|["']https?["']/)).toEqual([]);
  });

  it('requires the built-in modules, never imports them (an ESM import reads every lazy getter)', () => {
    expect(loadedWith(/\bfrom\s*["'](?:node:)?(?:fs|crypto|child_process|path|os)["']/)).toEqual([]);
    expect(loadedWith(/\(["']node:fs["']\)/)).not.toEqual([]);
  });
});
