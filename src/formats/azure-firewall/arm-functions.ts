import { nestingMessage, nestsDeeperThan } from '../../input/nesting.js';
import { buildResourceId } from './resource-id.js';
import { isArmObject, makeObject, typeName, Unresolved, type ArmValue } from './arm-values.js';

/** What a template function may ask of the template it is evaluated in. */
export interface FunctionEnv {
  parameter(name: string): ArmValue;
  variable(name: string): ArmValue;
  copyIndex(loop: string | undefined): number | Unresolved;
  /** Throws an InputError at the expression's line. */
  fail(message: string): never;
}

/**
 * Functions whose value exists only at deployment (they read Azure state or the deployment's scope).
 * "ARM template functions", https://learn.microsoft.com/azure/azure-resource-manager/templates/template-functions
 */
const DEPLOYMENT_TIME = new Set([
  'reference',
  'resourcegroup',
  'subscription',
  'tenant',
  'managementgroup',
  'deployment',
  'environment',
  'uniquestring',
  'guid',
  'newguid',
  'utcnow',
  'pickzones',
  'providers',
  'listkeys',
  'listsecrets',
  'listaccountsas',
  'listservicesas',
  'listcallbackurl',
  'extensionresourceid',
  'tenantresourceid',
  'managementgroupresourceid',
]);

function toText(v: ArmValue, env: FunctionEnv, fn: string): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return String(v);
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (v === null) return '';
  if (v instanceof Unresolved) return env.fail(`${fn}(): internal error: unresolved argument`);
  return JSON.stringify(v);
}

function needString(v: ArmValue, env: FunctionEnv, fn: string, what = 'argument'): string {
  if (typeof v !== 'string') env.fail(`${fn}(): the ${what} must be a string, not ${typeName(v)}`);
  return v;
}

function needInt(v: ArmValue, env: FunctionEnv, fn: string): number {
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (typeof v === 'string' && /^-?\d+$/.test(v.trim())) return Number(v.trim());
  return env.fail(`${fn}(): expected an integer, not ${typeName(v)}`);
}

function arity(args: readonly ArmValue[], min: number, max: number, fn: string, env: FunctionEnv): void {
  if (args.length < min || args.length > max) {
    const expected = min === max ? `${min}` : max === Infinity ? `at least ${min}` : `${min} to ${max}`;
    env.fail(`${fn}() takes ${expected} argument(s), not ${args.length}`);
  }
}

function deepEqual(a: ArmValue, b: ArmValue): boolean {
  if (Array.isArray(a) && Array.isArray(b))
    return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]!));
  if (isArmObject(a) && isArmObject(b)) {
    const ka = Object.keys(a);
    return (
      ka.length === Object.keys(b).length && ka.every((k) => Object.hasOwn(b, k) && deepEqual(a[k]!, b[k]!))
    );
  }
  if (typeof a === 'string' && typeof b === 'string') return a.toLowerCase() === b.toLowerCase();
  return a === b;
}

function lengthOf(v: ArmValue, env: FunctionEnv, fn: string): number {
  if (typeof v === 'string' || Array.isArray(v)) return v.length;
  if (isArmObject(v)) return Object.keys(v).length;
  return env.fail(`${fn}(): expected a string, array or object, not ${typeName(v)}`);
}

/** `format('{0}-{1}', a, b)`: composite formatting; format specifiers after `:` are ignored. */
function format(args: readonly ArmValue[], env: FunctionEnv): string {
  const fmt = needString(args[0]!, env, 'format', 'format string');
  return fmt.replace(/\{\{|\}\}|\{(\d+)(?:[,:][^}]*)?\}/g, (m, n: string | undefined) => {
    if (m === '{{') return '{';
    if (m === '}}') return '}';
    const v = args[Number(n) + 1];
    if (v === undefined) env.fail(`format(): "{${n}}" has no matching argument`);
    return toText(v, env, 'format');
  });
}

/** `resourceId([subscriptionId], [resourceGroupName], resourceType, name1, [name2] ...)`. */
function resourceId(args: readonly ArmValue[], env: FunctionEnv, subscriptionLevel: boolean): string {
  const texts = args.map((a) => needString(a, env, 'resourceId'));
  const typeIndex = texts.findIndex((t) => /^[A-Za-z0-9]+(?:\.[A-Za-z0-9]+)+\/[A-Za-z0-9]/.test(t));
  if (typeIndex < 0)
    env.fail('resourceId(): no resource type such as "Microsoft.Network/ipGroups" among the arguments');
  const type = texts[typeIndex]!;
  const names = texts.slice(typeIndex + 1);
  const segments = type.split('/').length - 1;
  // A child type given as one argument 'a/b' is split like the type.
  const flatNames = names.flatMap((n) => n.split('/'));
  if (flatNames.length !== segments) {
    env.fail(`resourceId(): type "${type}" needs ${segments} name(s), got ${flatNames.length}`);
  }
  const scope = texts.slice(0, typeIndex);
  const [sub, rg] = subscriptionLevel
    ? [scope[0], undefined]
    : scope.length >= 2
      ? [scope[0], scope[1]]
      : [undefined, scope[0]];
  return buildResourceId(type, flatNames, sub, rg);
}

/**
 * Evaluates one template function call on evaluated arguments. Functions of deployment-time state
 * return Unresolved; so does any function given an Unresolved argument (except `if` and `coalesce`,
 * which may not need it).
 */
export function callFunction(rawName: string, args: readonly ArmValue[], env: FunctionEnv): ArmValue {
  const name = rawName.toLowerCase();
  if (DEPLOYMENT_TIME.has(name) || name.startsWith('list')) {
    return new Unresolved(`${rawName}() is evaluated at deployment`);
  }
  if (name === 'if') {
    arity(args, 3, 3, rawName, env);
    const cond = args[0]!;
    if (cond instanceof Unresolved) return cond;
    if (typeof cond !== 'boolean') env.fail(`if(): the condition must be a boolean, not ${typeName(cond)}`);
    return cond ? args[1]! : args[2]!;
  }
  if (name === 'coalesce') {
    for (const a of args) {
      if (a instanceof Unresolved) return a;
      if (a !== null) return a;
    }
    return null;
  }
  const unresolved = args.find((a): a is Unresolved => a instanceof Unresolved);
  if (unresolved) return unresolved;
  switch (name) {
    case 'parameters':
      arity(args, 1, 1, rawName, env);
      return env.parameter(needString(args[0]!, env, rawName, 'parameter name'));
    case 'variables':
      arity(args, 1, 1, rawName, env);
      return env.variable(needString(args[0]!, env, rawName, 'variable name'));
    case 'copyindex': {
      arity(args, 0, 2, rawName, env);
      const loop = typeof args[0] === 'string' ? args[0] : undefined;
      const offsetArg = typeof args[0] === 'number' ? args[0] : args[1];
      const index = env.copyIndex(loop);
      if (index instanceof Unresolved) return index;
      return index + (offsetArg === undefined ? 0 : needInt(offsetArg, env, rawName));
    }
    case 'concat':
      if (args.length > 0 && Array.isArray(args[0])) {
        return args.flatMap((a) => {
          if (!Array.isArray(a)) env.fail(`concat(): cannot join an array with ${typeName(a)}`);
          return a as ArmValue[];
        });
      }
      return args.map((a) => toText(a, env, rawName)).join('');
    case 'format':
      arity(args, 1, Infinity, rawName, env);
      return format(args, env);
    case 'tolower':
      arity(args, 1, 1, rawName, env);
      return needString(args[0]!, env, rawName).toLowerCase();
    case 'toupper':
      arity(args, 1, 1, rawName, env);
      return needString(args[0]!, env, rawName).toUpperCase();
    case 'trim':
      arity(args, 1, 1, rawName, env);
      return needString(args[0]!, env, rawName).trim();
    case 'string':
      arity(args, 1, 1, rawName, env);
      return toText(args[0]!, env, rawName);
    case 'int':
      arity(args, 1, 1, rawName, env);
      return needInt(args[0]!, env, rawName);
    case 'bool': {
      arity(args, 1, 1, rawName, env);
      const v = args[0]!;
      if (typeof v === 'boolean') return v;
      if (typeof v === 'string' && /^(true|false)$/i.test(v)) return v.toLowerCase() === 'true';
      if (typeof v === 'number') return v !== 0;
      return env.fail(`bool(): cannot convert ${typeName(v)}`);
    }
    case 'true':
      return true;
    case 'false':
      return false;
    case 'null':
      return null;
    case 'json': {
      arity(args, 1, 1, rawName, env);
      let parsed: ArmValue;
      try {
        parsed = JSON.parse(needString(args[0]!, env, rawName)) as ArmValue;
      } catch {
        return env.fail('json(): the argument is not valid JSON');
      }
      if (nestsDeeperThan(parsed)) env.fail(`json(): the value is ${nestingMessage()}`);
      return parsed;
    }
    case 'replace':
      arity(args, 3, 3, rawName, env);
      return needString(args[0]!, env, rawName)
        .split(needString(args[1]!, env, rawName))
        .join(needString(args[2]!, env, rawName));
    case 'split': {
      arity(args, 2, 2, rawName, env);
      const s = needString(args[0]!, env, rawName);
      const d = args[1]!;
      const delims = Array.isArray(d)
        ? d.map((x) => needString(x, env, rawName))
        : [needString(d, env, rawName)];
      let parts = [s];
      for (const delim of delims) parts = parts.flatMap((p) => p.split(delim));
      return parts;
    }
    case 'substring': {
      arity(args, 2, 3, rawName, env);
      const s = needString(args[0]!, env, rawName);
      const start = needInt(args[1]!, env, rawName);
      const len = args[2] === undefined ? s.length - start : needInt(args[2], env, rawName);
      if (start < 0 || len < 0 || start + len > s.length)
        env.fail('substring(): start or length out of range');
      return s.slice(start, start + len);
    }
    case 'startswith':
    case 'endswith': {
      arity(args, 2, 2, rawName, env);
      const s = needString(args[0]!, env, rawName).toLowerCase();
      const x = needString(args[1]!, env, rawName).toLowerCase();
      return name === 'startswith' ? s.startsWith(x) : s.endsWith(x);
    }
    case 'length':
      arity(args, 1, 1, rawName, env);
      return lengthOf(args[0]!, env, rawName);
    case 'empty': {
      arity(args, 1, 1, rawName, env);
      const v = args[0]!;
      return v === null || lengthOf(v, env, rawName) === 0;
    }
    case 'first':
    case 'last': {
      arity(args, 1, 1, rawName, env);
      const v = args[0]!;
      if (typeof v !== 'string' && !Array.isArray(v)) env.fail(`${rawName}(): expected a string or array`);
      const seq = v as string | readonly ArmValue[];
      if (seq.length === 0) return typeof seq === 'string' ? '' : null;
      return name === 'first' ? seq[0]! : seq[seq.length - 1]!;
    }
    case 'contains': {
      arity(args, 2, 2, rawName, env);
      const [c, item] = [args[0]!, args[1]!];
      if (typeof c === 'string') return c.toLowerCase().includes(toText(item, env, rawName).toLowerCase());
      if (Array.isArray(c)) return c.some((x) => deepEqual(x, item));
      if (isArmObject(c)) {
        const key = needString(item, env, rawName).toLowerCase();
        return Object.keys(c).some((k) => k.toLowerCase() === key);
      }
      return env.fail(`contains(): expected a string, array or object, not ${typeName(c)}`);
    }
    case 'createarray':
      return [...args];
    case 'createobject': {
      if (args.length % 2 !== 0) env.fail('createObject() takes key/value pairs');
      const entries: [string, ArmValue][] = [];
      for (let i = 0; i < args.length; i += 2)
        entries.push([needString(args[i]!, env, rawName), args[i + 1]!]);
      return makeObject(entries);
    }
    case 'array':
      arity(args, 1, 1, rawName, env);
      return Array.isArray(args[0]) ? args[0] : [args[0]!];
    case 'equals':
      arity(args, 2, 2, rawName, env);
      return deepEqual(args[0]!, args[1]!);
    case 'not':
      arity(args, 1, 1, rawName, env);
      if (typeof args[0] !== 'boolean') env.fail(`not(): expected a boolean, not ${typeName(args[0])}`);
      return !args[0];
    case 'and':
    case 'or': {
      arity(args, 2, Infinity, rawName, env);
      const bools = args.map((a) => {
        if (typeof a !== 'boolean') env.fail(`${rawName}(): expected booleans, not ${typeName(a)}`);
        return a as boolean;
      });
      return name === 'and' ? bools.every(Boolean) : bools.some(Boolean);
    }
    case 'resourceid':
      return resourceId(args, env, false);
    case 'subscriptionresourceid':
      return resourceId(args, env, true);
    default:
      return new Unresolved(`the template function ${rawName}() is not evaluated by this reader`);
  }
}
