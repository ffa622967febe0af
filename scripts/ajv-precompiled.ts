/**
 * Stands in for `ajv/dist/2020.js` where src/input/schema-check.ts imports it, in the action bundle only
 * (scripts/build.mjs). Every JSON Schema the bundle imports is compiled at build time with Ajv's
 * standalone code and registered here against the imported schema object, so `compile` returns it
 * instead of compiling at every start (about 90 ms of the action's start-up). A schema not registered, or
 * other Ajv options than the build used, fall back to the real Ajv: a separate file, dist/ajv.cjs, read
 * only then, so that its 130 kB are not parsed at every start.
 */
import { createRequire } from 'node:module';
import type { Options, ValidateFunction } from 'ajv/dist/2020.js';

const precompiled = new WeakMap<object, { validate: ValidateFunction; options: string }>();

export function registerPrecompiled(schema: object, validate: ValidateFunction, options: string): void {
  precompiled.set(schema, { validate, options });
}

type RealAjv = new (options: Options) => { compile(schema: object): ValidateFunction };

/** dist/ajv.cjs, next to dist/index.js; this code may sit in dist/index.js or in dist/chunks/. */
function loadRealAjv(): RealAjv {
  const require = createRequire(import.meta.url);
  for (const path of ['./ajv.cjs', '../ajv.cjs']) {
    try {
      return (require(path) as { Ajv2020: RealAjv }).Ajv2020;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND') throw e;
    }
  }
  throw new Error('dist/ajv.cjs is missing: run npm run build');
}

export class Ajv2020 {
  private real?: { compile(schema: object): ValidateFunction };

  constructor(private readonly options: Options = {}) {}

  compile(schema: object): ValidateFunction {
    const ready = precompiled.get(schema);
    if (ready && ready.options === JSON.stringify(this.options)) return ready.validate;
    this.real ??= new (loadRealAjv())(this.options);
    return this.real.compile(schema);
  }
}
