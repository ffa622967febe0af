import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BUNDLE, NODE, removeRunDirectories, runnerEnvironment } from './run-bundle.js';

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

describe('the deferred files (dist/deferred, required on first use)', () => {
  const named = () =>
    [...startFiles().values()].flatMap((text) =>
      [...text.matchAll(/\("([a-z-.]+\.cjs)"\)/g)].map((m) => m[1]!),
    );

  it('exist for every name the start files load them by, and load', () => {
    const names = named();
    expect(names).toEqual(
      expect.arrayContaining([
        'catalog-remotespark.schema.cjs',
        'catalog-overlay.schema.cjs',
        'schemas-action-config.schema.cjs',
        'jsonc-parser.cjs',
        'js-yaml.cjs',
      ]),
    );
    const load = createRequire(import.meta.url);
    for (const name of names) expect(load(`../../dist/deferred/${name}`), name).toBeDefined();
  });

  it('hold validators that work as the inline ones did', () => {
    const load = createRequire(import.meta.url);
    const validate = load('../../dist/deferred/schemas-action-config.schema.cjs') as {
      (data: unknown): boolean;
      errors?: { instancePath: string; keyword: string }[];
    };
    expect(validate({ mode: 'cloud' })).toBe(true);
    expect(validate({ mode: 'moon' })).toBe(false);
    expect(validate.errors?.[0]).toMatchObject({ instancePath: '/mode', keyword: 'enum' });
  });
});

describe('the committed bundles', () => {
  it('name only files that exist, statically or on demand (the CLI and the action share no chunk file)', () => {
    const missing: string[] = [];
    const seen = new Set<string>();
    const visit = (path: string) => {
      if (seen.has(path)) return;
      seen.add(path);
      const text = readFileSync(path, 'utf8');
      const dir = path.slice(0, path.lastIndexOf('/') + 1);
      for (const m of text.matchAll(/(?:\bfrom|\bimport\(?)\s*["'](\.\.?\/[^"']+\.js)["']/g)) {
        const target = resolve(dir, m[1]!);
        if (!existsSync(target)) missing.push(`${path} -> ${m[1]}`);
        else visit(target);
      }
    };
    visit(resolve('dist/cli.js'));
    const cliFiles = new Set(seen);
    visit(resolve('dist/index.js'));
    expect(missing).toEqual([]);
    expect(cliFiles.size).toBeGreaterThan(5);
    expect([...cliFiles].filter((f) => f.includes('/dist/chunks/'))).toEqual([]);
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
    expect(loadedWith(/\bfrom\s*["'](?:node:)?(?:fs|crypto|child_process|path|os|v8)["']/)).toEqual([]);
    expect(loadedWith(/\(["']node:fs["']\)/)).not.toEqual([]);
  });
});

/** Node's own modules a push run of dist/index.js loads (as bench-action.mjs runs it: a blocking config). */
function builtinsLoadedByPushRun(): string[] {
  const { env } = runnerEnvironment({
    workspace: process.cwd(),
    eventName: 'push',
    event: { ref: 'refs/heads/main', repository: { full_name: 'o/r' } },
    repository: 'o/r',
    inputs: { config: 'fixtures/generic/https-only.yaml', source: '10.40.0.0/16' },
  });
  try {
    const code = `process.on('exit', () => process.stderr.write('\\nLOADED ' + JSON.stringify(process.moduleLoadList) + '\\n'));
await import(${JSON.stringify(pathToFileURL(BUNDLE).href)});`;
    const r = spawnSync(NODE, ['--input-type=module', '-e', code], { encoding: 'utf8', env });
    expect(r.status, r.stderr).toBe(1);
    const loaded = /^LOADED (.*)$/m.exec(r.stderr)?.[1];
    expect(loaded).toBeDefined();
    return (JSON.parse(loaded!) as string[]).map((m) => m.replace(/^NativeModule /, ''));
  } finally {
    removeRunDirectories();
  }
}

describe('what a push run costs at start-up', () => {
  it('loads the entry and one start chunk (each module file costs ~0.2 ms to resolve and compile)', () => {
    expect([...startFiles().keys()]).toEqual([
      'dist/index.js',
      expect.stringMatching(/^dist\/chunks\/start-[0-9A-F]{8}\.js$/),
    ]);
  });

  it('compiles no code a push run with a YAML config never calls: validators of a custom catalog, an overlay or the repo config file, the JSON parser, the YAML dumper', () => {
    expect(loadedWith(/schemaPath/)).toEqual([]);
    expect(loadedWith(/CloseBraceExpected/)).toEqual([]);
    expect(loadedWith(/unacceptable kind of an object to dump/)).toEqual([]);
  });

  it('compiles what only pull requests, schedules or a sarif input need when they need it: the comment and tracking-issue renderers, the SARIF writer, the comparison with the base', () => {
    expect(loadedWith(/flows, per-policy results and the inputs/)).toEqual([]);
    expect(loadedWith(/sarif-2\.1\.0/)).toEqual([]);
    expect(loadedWith(/toISOString\(\)\.slice\(0,10\)/)).toEqual([]);
    expect(loadedWith(/import\("\.\/(chunks\/)?run-drift-[A-Z0-9]+\.js"\)/)).not.toEqual([]);
  });

  it('gives built-in modules to each importing module without a copy of their properties (~1,600 getters)', () => {
    expect(loadedWith(/=="function"\?(\w+):Object\.create\(\1\)/)).not.toEqual([]);
  });

  it('never calls localeCompare on the way (its first call loads ICU collation, ~6 ms)', () => {
    expect(loadedWith(/\.localeCompare\(/)).toEqual([]);
  });

  it('starts no child process and does not load child_process (~3.5 ms) when no git is needed', () => {
    const loaded = builtinsLoadedByPushRun();
    expect(loaded).toContain('fs');
    expect(loaded).not.toContain('child_process');
  });
});
