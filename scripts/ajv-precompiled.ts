/**
 * Stands in for `ajv/dist/2020.js` where src/input/schema-check.ts imports it, in the bundles only
 * (scripts/build.mjs). Every JSON Schema the bundle imports is compiled at build time with Ajv's
 * standalone code into a file of its own, dist/chunks/schema-<name>.cjs, registered here against the
 * imported schema object, so `compile` requires that file instead of compiling at every start (about
 * 90 ms of the action's start-up), and only on first use: most runs check no catalog, overlay or settings
 * file, so they don't load those validators. A schema not registered, or other Ajv options than the
 * build used, fall back to the real Ajv: a separate file, dist/ajv.cjs, read only then, so that its
 * 130 kB are not parsed at every start.
 */
import { createRequire } from 'node:module';
import type { Options, ValidateFunction } from 'ajv/dist/2020.js';

const precompiled = new WeakMap<object, { file: string; options: string }>();

/** `file`: the validator's name in dist/chunks/. */
export function registerPrecompiled(schema: object, file: string, options: string): void {
  precompiled.set(schema, { file, options });
}

type RealAjv = new (options: Options) => { compile(schema: object): ValidateFunction };

/** A CommonJS file of dist/; this code may sit in dist/index.js, dist/cli.js or in dist/chunks/. */
function requireDist<T>(path: string): T {
  const require = createRequire(import.meta.url);
  for (const from of [`./${path}`, `../${path}`]) {
    try {
      return require(from) as T;
    } catch (e) {
      const error = e as NodeJS.ErrnoException;
      // Only the file itself being absent here means "try the other place".
      if (error.code !== 'MODULE_NOT_FOUND' || !error.message.includes(from)) throw e;
    }
  }
  throw new Error(`dist/${path} is missing: run npm run build`);
}

export class Ajv2020 {
  private real?: { compile(schema: object): ValidateFunction };

  constructor(private readonly options: Options = {}) {}

  compile(schema: object): ValidateFunction {
    const ready = precompiled.get(schema);
    if (ready && ready.options === JSON.stringify(this.options)) {
      return requireDist<{ default: ValidateFunction }>(`chunks/${ready.file}`).default;
    }
    this.real ??= new (requireDist<{ Ajv2020: RealAjv }>('ajv.cjs').Ajv2020)(this.options);
    return this.real.compile(schema);
  }
}
