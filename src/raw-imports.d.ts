/** Text files bundled into the build (`import text from './x.yaml?raw'`), as Vite and our esbuild step load them. */
declare module '*?raw' {
  const text: string;
  export default text;
}

/**
 * A YAML file parsed at build time (`import doc from './x.yaml?document'`): value and line numbers as a
 * DocumentSnapshot (scripts/esbuild-plugins.mjs for the bundle, vitest.config.ts for tests).
 */
declare module '*?document' {
  const snapshot: import('./input/positioned.js').DocumentSnapshot;
  export default snapshot;
}
