import { fileURLToPath } from 'node:url';
import type { Flow } from '../../src/model/flow.js';

export const fixture = (name: string): string =>
  fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

/** The error `fn` throws (fails the test if it returns). */
export function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error, none was thrown');
}

/** `host:port/protocol` of each flow, in order. */
export const labels = (flows: readonly Flow[]): string[] =>
  flows.map((f) => `${f.host}:${f.port}/${f.protocol}`);
