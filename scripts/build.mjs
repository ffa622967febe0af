// Bundles the CLI (dist/cli.js + dist/cli-chunks/) and the GitHub Action (dist/index.js + dist/chunks/) into dist/, which is
// committed; CI checks it is up to date. `?raw` imports become text.
import { build } from 'esbuild';
import { rawText, yamlDocument } from './esbuild-plugins.mjs';
import { mergeStartChunks } from './merge-start-chunks.mjs';
import {
  DEFERRED_DIR,
  deferredLoader,
  deferredPackages,
  writeDeferred,
  yamlLoaderOnly,
} from './deferred-modules.mjs';
import { readFile, rm } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import { dirname, relative, resolve } from 'node:path';

const require = createRequire(import.meta.url);

const common = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  mainFields: ['module', 'main'],
  minify: true,
  legalComments: 'linked',
  charset: 'utf8',
  banner: {
    js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
  },
  define: { __TOOL_VERSION__: JSON.stringify(JSON.parse(readFileSync('package.json', 'utf8')).version) },
  logLevel: 'warning',
};

// ---- The action ----------------------------------------------------------------------------------

/**
 * @actions/core imports an HTTP client (and undici, ~400 kB) for OIDC tokens only. These packages have
 * no import-time effects the action relies on, so unused imports of them are dropped.
 */
const sideEffectFree = {
  name: 'side-effect-free',
  setup(b) {
    const filter = /^(@actions\/http-client|@actions\/exec|@actions\/io|undici|tunnel)(\/|$)/;
    b.onResolve({ filter }, async (args) => {
      if (args.pluginData === 'side-effect-free') return undefined;
      const r = await b.resolve(args.path, {
        kind: args.kind,
        importer: args.importer,
        resolveDir: args.resolveDir,
        pluginData: 'side-effect-free',
      });
      return r.errors.length ? undefined : { path: r.path, external: r.external, sideEffects: false };
    });
  },
};

/**
 * @actions/core imports its OIDC client (and through it @actions/http-client, undici and `node:http`) for
 * getIDToken, and @actions/exec (child_process, @actions/io, assert) for platform.getDetails; the action
 * calls neither. As the tool cache uses the same packages, they landed in a chunk shared with the entry,
 * so every run loaded them, and on Node 24 an ESM import of `node:http` alone loads Node's own undici (a
 * third of the start-up). Here those two imports become dynamic ones: the same functions, loaded on their
 * first call.
 */
const LAZY_IMPORTS = [
  {
    importer: /[\\/]@actions[\\/]core[\\/]lib[\\/]core\.js$/,
    specifier: './oidc-utils.js',
    contents: `export class OidcClient {
  static async getIDToken(audience) {
    const { OidcClient } = await import('./oidc-utils.js');
    return OidcClient.getIDToken(audience);
  }
}`,
  },
  {
    importer: /[\\/]@actions[\\/]core[\\/]lib[\\/]platform\.js$/,
    specifier: '@actions/exec',
    contents: `export async function getExecOutput(...args) {
  const { getExecOutput } = await import('@actions/exec');
  return getExecOutput(...args);
}`,
  },
];
const lazyImports = {
  name: 'lazy-imports',
  setup(b) {
    b.onResolve({ filter: /.*/ }, (args) => {
      if (args.pluginData === 'lazy-imports') return undefined;
      const at = LAZY_IMPORTS.findIndex((l) => l.specifier === args.path && l.importer.test(args.importer));
      if (at < 0) return undefined;
      // Relative to the project, so that chunk hashes don't depend on where the checkout lives.
      const importer = relative(process.cwd(), args.importer).split('\\').join('/');
      return { path: `${importer}#${args.path}`, namespace: 'lazy-imports', pluginData: at };
    });
    b.onLoad({ filter: /.*/, namespace: 'lazy-imports' }, (args) => ({
      contents: LAZY_IMPORTS[args.pluginData].contents,
      loader: 'js',
      resolveDir: dirname(resolve(args.path.slice(0, args.path.lastIndexOf('#')))),
      pluginData: 'lazy-imports',
    }));
  },
};

/**
 * Node's built-in modules through `require` (the banner's) rather than `import`: an ESM import builds the
 * module's namespace, which reads every lazy getter (`fs.promises` loads readline and the REPL history,
 * `crypto.webcrypto` all of Web Crypto, `http.WebSocket` Node's own undici), while `require` leaves them
 * untouched. The functions are the very same; only what gets loaded at start-up differs.
 *
 * `viaPrototype` (the action): a module that is an object is given as an object whose prototype it is,
 * with no properties of its own. Each importing module wraps it with esbuild's __toESM, which copies
 * every own property as a getter: 32 modules and ~1,600 getters at start-up, ~1.5 ms. Reads go through
 * the prototype to the same functions and lazy getters; a module that is a function (events, assert)
 * is given as it is, so that its default import stays callable.
 */
const builtinsByRequire = (viaPrototype) => ({
  name: 'builtins-by-require',
  setup(b) {
    const builtins = new Set(builtinModules);
    b.onResolve({ filter: /^[a-z_/:]+$/ }, (args) => {
      if (args.namespace === 'builtin-require') return { path: args.path, external: true };
      const name = args.path.replace(/^node:/, '');
      // node:module stays an import (the action's build gives it a stand-in, `lazyNodeModule`): its
      // CommonJS wrapper was built differently in different checkouts (esbuild's node-mode flag), so the
      // bundle didn't reproduce.
      if (!builtins.has(name) || name === 'module' || args.kind !== 'import-statement') return undefined;
      return { path: `node:${name}`, namespace: 'builtin-require' };
    });
    b.onLoad({ filter: /.*/, namespace: 'builtin-require' }, (args) => ({
      contents: viaPrototype
        ? `const m = require(${JSON.stringify(args.path)});\nmodule.exports = typeof m === 'function' ? m : Object.create(m);`
        : `module.exports = require(${JSON.stringify(args.path)});`,
      loader: 'js',
    }));
  },
});

/**
 * The action's banner: the bundle requires built-in modules only (bundled packages' `require` calls), so
 * `process.getBuiltinModule` serves them, instead of `createRequire(import.meta.url)` in every chunk of
 * the start chunk, whose import of `node:module` and URL-to-path work cost ~1 ms per run.
 */
const ACTION_BANNER =
  'const require = (id) => { const m = process.getBuiltinModule(id); if (m === undefined) throw new Error(`${id} is not a built-in module`); return m; };';

/**
 * `import { createRequire } from 'node:module'` (scripts/ajv-precompiled.ts, for the real Ajv) as a
 * function that loads `node:module` on its first call: the import itself costs ~0.5 ms at start-up.
 */
const lazyNodeModule = {
  name: 'lazy-node-module',
  setup(b) {
    b.onResolve({ filter: /^(node:)?module$/ }, (args) =>
      args.kind === 'import-statement' ? { path: 'node:module', namespace: 'lazy-node-module' } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'lazy-node-module' }, () => ({
      contents:
        "export const createRequire = (...args) => process.getBuiltinModule('node:module').createRequire(...args);",
      loader: 'js',
    }));
  },
};

/** Must equal the options src/input/schema-check.ts gives Ajv (test/action/bundle-build.test.ts checks). */
export const AJV_OPTIONS = { allErrors: false, strict: true, allowUnionTypes: true };

/**
 * JSON Schemas compiled at build time (scripts/ajv-precompiled.ts says why): each imported
 * `*.schema.json` becomes a module that registers Ajv's standalone validator for that very object. The
 * validators in `deferred` (schema paths) are CommonJS files in dist/deferred/ instead
 * (scripts/deferred-modules.mjs), required on their first call.
 */
const precompiledSchemas = (deferred = new Set()) => ({
  name: 'precompiled-schemas',
  setup(b) {
    const shim = resolve('scripts/ajv-precompiled.ts');
    const { Ajv2020 } = require('ajv/dist/2020.js');
    const standaloneCode = require('ajv/dist/standalone').default;
    const compile = async (path, esm) => {
      const ajv = new Ajv2020({ ...AJV_OPTIONS, code: { source: true, esm } });
      return standaloneCode(ajv, ajv.compile(JSON.parse(await readFile(resolve(path), 'utf8'))));
    };
    b.onResolve({ filter: /^ajv\/dist\/2020(\.js)?$/ }, (args) =>
      args.importer.endsWith(resolve('src/input/schema-check.ts')) ? { path: shim } : undefined,
    );
    // Paths inside generated modules are relative to the project, so chunk hashes don't depend on where
    // the checkout lives (CI compares the bundle it builds with the committed one).
    b.onLoad({ filter: /\.schema\.json$/, namespace: 'file' }, async (args) => {
      const path = relative(process.cwd(), args.path).split('\\').join('/');
      let validate = [`import validate from ${JSON.stringify(`precompiled:${path}`)};`];
      if (deferred.has(path)) {
        const file = `${path.replace(/\//g, '-').replace(/\.json$/, '')}.cjs`;
        await writeDeferred(file, await compile(path, false), common);
        // Ajv's validators report through their own `errors` property: the stand-in passes it on.
        validate = [
          "import { loadDeferred } from 'deferred:loader';",
          'let real;',
          'function validate(data, context) {',
          `  real ??= loadDeferred(${JSON.stringify(file)});`,
          '  const valid = real(data, context);',
          '  validate.errors = real.errors;',
          '  return valid;',
          '}',
        ];
      }
      return {
        resolveDir: process.cwd(),
        contents: [
          ...validate,
          `import { registerPrecompiled } from ${JSON.stringify(`./${relative(process.cwd(), shim)}`)};`,
          `const schema = ${await readFile(args.path, 'utf8')};`,
          `registerPrecompiled(schema, validate, ${JSON.stringify(JSON.stringify(AJV_OPTIONS))});`,
          'export default schema;',
        ].join('\n'),
        loader: 'js',
      };
    });
    b.onResolve({ filter: /^precompiled:/ }, (args) => ({
      path: args.path.slice('precompiled:'.length),
      namespace: 'precompiled',
    }));
    b.onLoad({ filter: /.*/, namespace: 'precompiled' }, async (args) => ({
      contents: await compile(args.path, true),
      loader: 'js',
      resolveDir: process.cwd(),
    }));
  },
});

/**
 * What a push run with a small config never calls, kept out of the start files (scripts/deferred-modules.mjs):
 * the validators of a custom catalog, an overlay and the repo config file, and the JSON parser (JSON
 * inputs).
 */
const DEFERRED_SCHEMAS = new Set([
  'catalog/remotespark.schema.json',
  'catalog/overlay.schema.json',
  'schemas/action-config.schema.json',
]);
const DEFERRED_PACKAGES = [
  {
    specifier: 'jsonc-parser',
    file: 'jsonc-parser.cjs',
    names: ['findNodeAtLocation', 'parseTree', 'printParseErrorCode'],
  },
];

// Code splitting: the GitHub client (Octokit, undici) and the vendor readers are chunks loaded only when
// needed (a pull request to comment on, an input of that format), so a run starts fast.
await rm('dist/chunks', { recursive: true, force: true });
await rm('dist/cli-chunks', { recursive: true, force: true });
await rm(DEFERRED_DIR, { recursive: true, force: true });
// The real Ajv, for a schema the build did not see (scripts/ajv-precompiled.ts); CommonJS so that it can
// be loaded synchronously, and only when needed.
await build({
  ...common,
  banner: {},
  format: 'cjs',
  stdin: { contents: "module.exports = require('ajv/dist/2020.js');", resolveDir: process.cwd() },
  outfile: 'dist/ajv.cjs',
});
// The CLI and the action are built apart, so that each starts from as few files as possible; within
// each, every vendor's reader (imported on first use) and the action's GitHub client are chunks. Each has
// its own chunk folder: the action's chunks are merged and rewritten after its build, and a chunk both
// builds make (same content, same name) must not change or vanish under the CLI.
for (const [name, entry] of [
  ['cli', 'src/cli.ts'],
  ['index', 'src/action/main.ts'],
]) {
  const { metafile } = await build({
    ...common,
    entryPoints: { [name]: entry },
    outdir: 'dist',
    splitting: true,
    chunkNames: `${name === 'cli' ? 'cli-chunks' : 'chunks'}/[name]-[hash]`,
    metafile: name === 'index',
    ...(name === 'index' ? { banner: { js: ACTION_BANNER } } : {}),
    plugins: [
      ...(name === 'index' ? [lazyNodeModule] : []),
      lazyImports,
      rawText,
      yamlDocument,
      sideEffectFree,
      builtinsByRequire(name === 'index'),
      ...(name === 'index'
        ? [
            deferredLoader,
            deferredPackages(DEFERRED_PACKAGES, common),
            yamlLoaderOnly(common),
            precompiledSchemas(DEFERRED_SCHEMAS),
          ]
        : [precompiledSchemas()]),
    ],
  });
  // The action's start-up chunks as one file (scripts/merge-start-chunks.mjs says why).
  if (name === 'index') {
    const { platform, format, target, minify, charset, logLevel } = common;
    await mergeStartChunks(metafile, 'dist/index.js', {
      platform,
      format,
      target,
      minify,
      charset,
      logLevel,
    });
  }
}
