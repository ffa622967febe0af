// After the action's build: the chunks dist/index.js imports statically, which every run loads, become one
// file. esbuild makes a chunk per set of entries sharing code (the readers, the GitHub client and the tool
// cache each share a different part with the entry), so a run resolved, read and compiled two dozen
// modules; on Node 24 each costs ~0.2 ms of start-up however small it is.
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';

const IMPORT = /import\s*(?:\{([^}]*)\}\s*from\s*)?"(\.\.?\/[^"]+\.js)"/g;

const keepDynamicImports = {
  name: 'keep-dynamic-imports',
  setup(b) {
    b.onResolve({ filter: /.*/ }, (args) =>
      args.kind === 'dynamic-import' ? { path: args.path, external: true } : undefined,
    );
  },
};

/**
 * Merges the static closure of `entry` (a path as the metafile names it) into `<dir>/start-<hash>.js`
 * and points every output's imports of those chunks at it, under the names the merged file exports.
 * `options` are esbuild's for the merged file (format, target, minify, banner).
 */
export async function mergeStartChunks(metafile, entry, options) {
  const outputs = metafile.outputs;
  const dynamicTargets = new Set(
    Object.values(outputs).flatMap((o) =>
      o.imports.filter((i) => i.kind === 'dynamic-import').map((i) => i.path),
    ),
  );
  // In the order the entry's imports evaluate them (depth first), so that order doesn't change.
  const merged = [];
  const seen = new Set();
  const visit = (path) => {
    if (seen.has(path)) return;
    seen.add(path);
    for (const i of outputs[path].imports) if (i.kind === 'import-statement' && !i.external) visit(i.path);
    if (path === entry) return;
    // A chunk both imported and loaded on demand would need its own namespace: not merged code.
    if (dynamicTargets.has(path)) throw new Error(`${path} is imported statically and dynamically`);
    merged.push(path);
  };
  visit(entry);
  if (merged.length < 2) return;

  const dir = dirname(merged[0]);
  const prefix = new Map(merged.map((p, n) => [p, `s${n}_`]));
  const contents = merged
    .map((p) => {
      const from = JSON.stringify(`./${relative(dir, p)}`);
      const names = outputs[p].exports;
      return names.length
        ? `export { ${names.map((e) => `${e} as ${prefix.get(p)}${e}`).join(', ')} } from ${from};`
        : `import ${from};`;
    })
    .join('\n');
  const result = await build({
    ...options,
    stdin: { contents, resolveDir: resolve(dir), sourcefile: 'start-chunks.js' },
    // The chunks a start chunk loads on demand stay chunks of their own (the merged file sits beside them).
    plugins: [keepDynamicImports],
    bundle: true,
    splitting: false,
    write: false,
    legalComments: 'eof',
    metafile: false,
  });
  const text = result.outputFiles[0].text;
  const start = join(
    dir,
    `start-${createHash('sha256').update(text).digest('hex').slice(0, 8).toUpperCase()}.js`,
  );
  writeFileSync(start, text);

  const byPath = new Map(merged.map((p) => [resolve(p), p]));
  for (const out of Object.keys(outputs)) {
    if (!out.endsWith('.js') || prefix.has(out)) continue;
    const before = readFileSync(out, 'utf8');
    const after = before.replace(IMPORT, (all, specs, spec) => {
      const target = byPath.get(resolve(dirname(out), spec));
      if (!target) return all;
      const to = `./${relative(dirname(out), start).split('\\').join('/')}`;
      if (specs === undefined) return `import"${to}"`;
      const renamed = specs
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
        .map((s) => {
          const [name, local] = s.split(/\s+as\s+/);
          return `${prefix.get(target)}${name} as ${local ?? name}`;
        });
      return `import{${renamed.join(',')}}from"${to}"`;
    });
    for (const p of merged) {
      if (after.includes(basename(p))) throw new Error(`${out} still names ${p} after the merge`);
    }
    if (after !== before) writeFileSync(out, after);
  }
  for (const p of merged) rmSync(p);
}
