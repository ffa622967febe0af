import { readFileSync } from 'node:fs';
import { defineConfig, type Plugin } from 'vitest/config';
import { parseYamlDocument } from './src/input/positioned.js';

/** `import doc from './x.yaml?document'` in tests, as scripts/esbuild-plugins.mjs does for the bundle. */
const yamlDocument: Plugin = {
  name: 'yaml-document',
  load(id) {
    if (!id.endsWith('?document')) return null;
    const path = id.slice(0, -'?document'.length);
    const doc = parseYamlDocument({ path, text: readFileSync(path, 'utf8') });
    return `export default ${JSON.stringify(doc.snapshot())};`;
  },
};

export default defineConfig({
  plugins: [yamlDocument],
  define: { __TOOL_VERSION__: JSON.stringify(JSON.parse(readFileSync('package.json', 'utf8')).version) },
  test: {
    include: ['test/**/*.test.ts'],
    // A long damaged-input run (DAMAGED_INPUT_RUNS, test/formats/damaged-input.ts) takes as long as it takes.
    testTimeout: process.env.DAMAGED_INPUT_RUNS ? 24 * 3600_000 : 60_000,
  },
});
