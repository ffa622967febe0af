/**
 * A value an ARM template expression can't be evaluated to without deploying the template: a parameter
 * without a default, `reference()`, `resourceGroup()`, `uniqueString()`, a copy loop over run-time data...
 * The reader keeps the reason and turns every address, port or name built from it into an unknown part.
 */
export class Unresolved {
  constructor(readonly reason: string) {}
}

/** A JSON value after expression evaluation; parts that can't be evaluated are `Unresolved` leaves. */
export type ArmValue =
  string | number | boolean | null | Unresolved | readonly ArmValue[] | { readonly [key: string]: ArmValue };

export type ArmObject = { readonly [key: string]: ArmValue };

export function isArmObject(v: unknown): v is ArmObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Unresolved);
}

/** A plain object built without the `__proto__` setter, as the JSON parser builds them. */
export function makeObject(entries: Iterable<readonly [string, ArmValue]>): ArmObject {
  const out: Record<string, ArmValue> = {};
  for (const [k, v] of entries) {
    Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/** Own property lookup, exact first and then ignoring case (ARM property names are case-insensitive). */
export function getOwn(obj: object, key: string): { key: string; value: unknown } | undefined {
  if (Object.hasOwn(obj, key)) return { key, value: (obj as Record<string, unknown>)[key] };
  const lower = key.toLowerCase();
  for (const k of Object.keys(obj)) {
    if (k.toLowerCase() === lower) return { key: k, value: (obj as Record<string, unknown>)[k] };
  }
  return undefined;
}

export function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (v instanceof Unresolved) return 'a value known only at deployment';
  switch (typeof v) {
    case 'string':
      return 'a string';
    case 'number':
      return 'a number';
    case 'boolean':
      return 'a boolean';
    case 'object':
      return 'an object';
    default:
      return typeof v;
  }
}

/** Short, single-line rendering of a value for messages (never printed unescaped by the reports). */
export function preview(v: unknown, max = 60): string {
  let s: string;
  if (typeof v === 'string') s = JSON.stringify(v);
  else if (v instanceof Unresolved) s = '(known only at deployment)';
  else {
    try {
      s = JSON.stringify(v) ?? String(v);
    } catch {
      s = String(v);
    }
  }
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}
