import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

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

describe('the precompiled schema validators', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rsfc-validators-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(
    join(dir, 'event.json'),
    JSON.stringify({ ref: 'refs/heads/main', repository: { full_name: 'o/r' } }),
  );
  copyFileSync('fixtures/generic/https-only.yaml', join(dir, 'https-only.yaml'));

  /** The validators (dist/chunks/schema-*.cjs) a push run of dist/index.js requires, from Node's module log. */
  function runAction(): { validators: string[]; stdout: string } {
    const r = spawnSync(process.execPath, [resolve('dist/index.js')], {
      cwd: dir,
      encoding: 'utf8',
      env: {
        PATH: process.env.PATH,
        NODE_DEBUG: 'module',
        GITHUB_ACTIONS: 'true',
        GITHUB_EVENT_NAME: 'push',
        GITHUB_EVENT_PATH: join(dir, 'event.json'),
        GITHUB_WORKSPACE: dir,
        GITHUB_REPOSITORY: 'o/r',
        GITHUB_OUTPUT: join(dir, 'output'),
        GITHUB_STEP_SUMMARY: join(dir, 'summary'),
        RUNNER_TEMP: dir,
        INPUT_CONFIG: 'https-only.yaml',
        INPUT_SOURCE: '10.40.0.0/16',
        'INPUT_GITHUB-TOKEN': 'ghs_test',
      },
    });
    expect(r.stdout).toContain('::');
    return {
      validators: [...new Set(r.stderr.match(/schema-[a-z-]+\.cjs/g) ?? [])].sort(),
      stdout: r.stdout,
    };
  }

  it('are not in the files loaded at start-up', () => {
    expect(loadedWith(/\binstancePath:/)).toEqual([]);
  });

  it('load on first use: a plain push run loads only the generic format validator (its input)', () => {
    expect(runAction().validators).toEqual(['schema-generic-policy.cjs']);
  });

  it('load the settings file validator only with a settings file, whose mistake keeps its line', () => {
    mkdirSync(join(dir, '.github'), { recursive: true });
    writeFileSync(join(dir, '.github/remotespark-firewall.yml'), 'source: 10.40.0.0/16\nbogus: 1\n');
    const { validators, stdout } = runAction();
    expect(validators).toEqual(['schema-action-config.cjs']);
    expect(stdout).toContain('.github/remotespark-firewall.yml:2: (document): unknown key "bogus"');
  });
});
