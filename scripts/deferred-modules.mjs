// Code the action needs only for some inputs, kept out of the files every run compiles: each piece is a
// CommonJS file in dist/deferred/, required synchronously on first use. V8 compiles every byte of the
// start files at each run (~12 ms for ~280 kB), and a push run with a YAML config never calls the
// validators of a custom catalog, an overlay or the repo config file, nor the JSON parser.
import { build } from 'esbuild';

export const DEFERRED_DIR = 'dist/deferred';

/**
 * The module `deferred:loader`: `loadDeferred(file)` requires dist/deferred/<file> from the chunk the code
 * landed in (dist/index.js or a file in dist/chunks/), with Node's `require` taken only then.
 */
export const deferredLoader = {
  name: 'deferred-loader',
  setup(b) {
    b.onResolve({ filter: /^deferred:loader$/ }, () => ({ path: 'loader', namespace: 'deferred' }));
    b.onLoad({ filter: /^loader$/, namespace: 'deferred' }, () => ({
      contents: `export function loadDeferred(file) {
  const here = import.meta.url;
  const dir = /\\/chunks\\/[^/]*$/.test(here) ? '../deferred/' : './deferred/';
  return process.getBuiltinModule('node:module').createRequire(here)(dir + file);
}`,
      loader: 'js',
    }));
  },
};

/** Writes dist/deferred/<file>: `contents` (CommonJS, resolved from the project) bundled and minified. */
export async function writeDeferred(file, contents, common) {
  const { platform, target, minify, charset, logLevel, legalComments } = common;
  await build({
    platform,
    target,
    minify,
    charset,
    logLevel,
    legalComments,
    bundle: true,
    format: 'cjs',
    mainFields: ['module', 'main'],
    stdin: { contents, resolveDir: process.cwd(), sourcefile: file },
    outfile: `${DEFERRED_DIR}/${file}`,
  });
}

/**
 * Packages imported by name whose functions are loaded on first call: `{ specifier, file, names }`. The
 * stand-in exports exactly `names` (an import of any other name fails the build) as functions that
 * call the package's own, from dist/deferred/<file>.
 */
export function deferredPackages(packages, common) {
  return {
    name: 'deferred-packages',
    setup(b) {
      const bySpecifier = new Map(packages.map((p) => [p.specifier, p]));
      const filter = new RegExp(
        `^(${packages.map((p) => p.specifier.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&')).join('|')})$`,
      );
      b.onResolve({ filter }, (args) => ({ path: args.path, namespace: 'deferred-package' }));
      b.onLoad({ filter: /.*/, namespace: 'deferred-package' }, async (args) => {
        const p = bySpecifier.get(args.path);
        await writeDeferred(p.file, `module.exports = require(${JSON.stringify(p.specifier)});`, common);
        return {
          contents: [
            "import { loadDeferred } from 'deferred:loader';",
            'let loaded;',
            `const load = () => (loaded ??= loadDeferred(${JSON.stringify(p.file)}));`,
            ...p.names.map((n) => `export const ${n} = (...args) => load().${n}(...args);`),
          ].join('\n'),
          loader: 'js',
          resolveDir: process.cwd(),
        };
      });
    },
  };
}

/**
 * js-yaml as its loader alone (src/input/positioned.ts calls `load`, `loadAll` and `YAMLException`): the
 * package's ES build bundles the dumper too, ~10 kB of the start files a run never calls. Any other
 * property comes from the whole package, deferred.
 */
export function yamlLoaderOnly(common) {
  return {
    name: 'yaml-loader-only',
    setup(b) {
      b.onResolve({ filter: /^js-yaml$/ }, (args) =>
        args.kind === 'import-statement' ? { path: 'js-yaml', namespace: 'yaml-loader-only' } : undefined,
      );
      b.onLoad({ filter: /.*/, namespace: 'yaml-loader-only' }, async () => {
        await writeDeferred('js-yaml.cjs', "module.exports = require('js-yaml');", common);
        return {
          contents: `import loader from './node_modules/js-yaml/lib/loader.js';
import YAMLException from './node_modules/js-yaml/lib/exception.js';
import { loadDeferred } from 'deferred:loader';
const own = { load: loader.load, loadAll: loader.loadAll, YAMLException };
let whole;
export default new Proxy(own, {
  get: (target, key) => (key in target ? target[key] : (whole ??= loadDeferred('js-yaml.cjs'))[key]),
});`,
          loader: 'js',
          resolveDir: process.cwd(),
        };
      });
    },
  };
}
