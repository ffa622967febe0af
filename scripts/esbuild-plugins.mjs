// esbuild plugins shared by the build (scripts/build.mjs) and the benchmark worker (scripts/bench.mjs).
import { build } from 'esbuild';
import { readFile } from 'node:fs/promises';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * Paths of virtual modules are kept relative to the project: esbuild's chunk hashes include them, and the
 * bundle must come out the same wherever the checkout lives (CI compares it with the committed one).
 */
const projectPath = (absolute) => relative(process.cwd(), absolute);

/** `import text from './x.yaml?raw'`: the file as a string. */
export const rawText = {
  name: 'raw-text',
  setup(b) {
    b.onResolve({ filter: /\?raw$/ }, (args) => ({
      path: projectPath(resolve(dirname(args.importer), args.path.slice(0, -'?raw'.length))),
      namespace: 'raw-text',
    }));
    b.onLoad({ filter: /.*/, namespace: 'raw-text' }, async (args) => ({
      contents: await readFile(resolve(args.path), 'utf8'),
      loader: 'text',
    }));
  },
};

/** The project's own YAML reader (src/input/positioned.ts), compiled once for use at build time. */
let positioned;
async function loadPositioned() {
  if (!positioned) {
    const out = join(mkdtempSync(join(tmpdir(), 'rsfc-build-')), 'positioned.mjs');
    await build({
      entryPoints: ['src/input/positioned.ts'],
      outfile: out,
      bundle: true,
      platform: 'node',
      format: 'esm',
      mainFields: ['module', 'main'],
      logLevel: 'warning',
    });
    positioned = await import(pathToFileURL(out).href);
  }
  return positioned;
}

/** `import doc from './x.yaml?document'`: the YAML parsed at build time, with its line numbers. */
export const yamlDocument = {
  name: 'yaml-document',
  setup(b) {
    b.onResolve({ filter: /\?document$/ }, (args) => ({
      path: projectPath(resolve(dirname(args.importer), args.path.slice(0, -'?document'.length))),
      namespace: 'yaml-document',
    }));
    b.onLoad({ filter: /.*/, namespace: 'yaml-document' }, async (args) => {
      const { parseYamlDocument } = await loadPositioned();
      const text = await readFile(resolve(args.path), 'utf8');
      const doc = parseYamlDocument({ path: args.path, text });
      return { contents: JSON.stringify(doc.snapshot()), loader: 'json' };
    });
  },
};
