import type { InputError } from '../../input/input-error.js';
import { nestingMessage, nestsDeeperThan } from '../../input/nesting.js';
import type { DocPath, PositionedDocument } from '../../input/positioned.js';
import {
  ExpressionSyntaxError,
  isExpression,
  literalText,
  parseExpression,
  type ArmAst,
} from './arm-expression.js';
import { callFunction, type FunctionEnv } from './arm-functions.js';
import {
  getOwn,
  isArmObject,
  makeObject,
  preview,
  typeName,
  Unresolved,
  type ArmObject,
  type ArmValue,
} from './arm-values.js';

/** Where a JSON node stands: its document and path (for line numbers and errors). */
export interface Site {
  doc: PositionedDocument;
  path: DocPath;
}

export function siteError(site: Site, message: string): InputError {
  return site.doc.error(site.path, message);
}

export function siteLine(site: Site): number {
  return site.doc.lineAt(site.path);
}

/**
 * The parameters whose default values a value was computed from: defaults may be placeholders a
 * deployment replaces (values from a parameters file are not traced).
 */
export type Trace = Set<string>;

/** Where an expression is evaluated: its template's parameters and variables, and the copy loops it is in. */
export interface EvalContext {
  scope: TemplateScope;
  /** Lower-case loop name to index; '' is the enclosing resource's own copy loop. */
  copy: ReadonlyMap<string, number>;
}

/** A parameter value given from outside the template: a parameters file or a nested deployment. */
export interface SuppliedValue {
  resolve(trace: Trace): ArmValue;
  /** "parameters file x.json:12" */
  origin: string;
}

interface Declared {
  /** The name as declared. */
  name: string;
  path: DocPath;
  raw: unknown;
}

const EXPRESSION_CACHE = new Map<string, ArmAst>();

function parseCached(text: string, site: Site): ArmAst {
  let ast = EXPRESSION_CACHE.get(text);
  if (!ast) {
    try {
      ast = parseExpression(text);
    } catch (e) {
      if (e instanceof ExpressionSyntaxError)
        throw siteError(site, `invalid template expression: ${e.message}`);
      throw e;
    }
    if (EXPRESSION_CACHE.size > 50_000) EXPRESSION_CACHE.clear();
    EXPRESSION_CACHE.set(text, ast);
  }
  return ast;
}

/**
 * One ARM template's parameters and variables ("Parameters in ARM templates", "Variables in ARM
 * templates", https://learn.microsoft.com/azure/azure-resource-manager/templates/). Names are
 * case-insensitive. A parameter takes the value supplied for it (parameters file, nested deployment) or its
 * `defaultValue`; without either its value is known only at deployment. Each variable and default is
 * evaluated once; a variable that refers to itself through others is an error naming the cycle.
 */
export class TemplateScope {
  private readonly parameters = new Map<string, Declared>();
  private readonly variables = new Map<string, Declared>();
  private readonly cache = new Map<string, { value: ArmValue; trace: Trace }>();
  private readonly evaluating: string[] = [];
  /** Parameters whose default value some evaluated expression used, by lower-case name. */
  readonly defaultsUsed = new Map<string, { name: string; line: number; value: ArmValue }>();

  constructor(
    readonly doc: PositionedDocument,
    readonly templatePath: DocPath,
    template: ArmObject,
    private readonly supplied: ReadonlyMap<string, SuppliedValue> = new Map(),
  ) {
    this.declare(template, 'parameters', this.parameters);
    this.declare(template, 'variables', this.variables);
  }

  private declare(template: ArmObject, key: string, into: Map<string, Declared>): void {
    const section = getOwn(template, key);
    if (!section) return;
    const at = [...this.templatePath, section.key];
    if (!isArmObject(section.value)) {
      throw this.doc.error(at, `"${key}" must be an object of names, not ${typeName(section.value)}`);
    }
    for (const [name, raw] of Object.entries(section.value)) {
      // A variable named "copy" declares variable loops ("Variable iteration in ARM templates").
      if (key === 'variables' && name.toLowerCase() === 'copy') {
        if (Array.isArray(raw)) {
          raw.forEach((loop, i) => {
            const loopName = isArmObject(loop) && typeof loop.name === 'string' ? loop.name : undefined;
            if (loopName)
              into.set(loopName.toLowerCase(), { name: loopName, path: [...at, name, i], raw: loop });
          });
        }
        continue;
      }
      into.set(name.toLowerCase(), { name, path: [...at, name], raw });
    }
  }

  /** Names declared under `parameters`, for messages. */
  parameterNames(): string[] {
    return [...this.parameters.values()].map((d) => d.name);
  }

  parameter(name: string, trace: Trace, site: Site): ArmValue {
    const key = name.toLowerCase();
    const decl = this.parameters.get(key);
    if (!decl) {
      const known = this.parameterNames();
      throw siteError(
        site,
        `parameters('${name}') refers to a parameter the template does not declare${known.length ? ` (it declares: ${known.join(', ')})` : ''}`,
      );
    }
    const supplied = this.supplied.get(key);
    return this.memo(`p:${key}`, trace, decl, () => {
      const inner: Trace = new Set();
      if (supplied) return { value: supplied.resolve(inner), trace: inner };
      // Only a default marks the value as a stand-in: a supplied value is what gets deployed.
      inner.add(decl.name);
      const def = isArmObject(decl.raw) ? getOwn(decl.raw, 'defaultValue') : undefined;
      if (!def) {
        return {
          value: new Unresolved(
            `parameter '${decl.name}' has no defaultValue; its value is given at deployment`,
          ),
          trace: inner,
        };
      }
      const defSite: Site = { doc: this.doc, path: [...decl.path, def.key] };
      const value = evaluateDeep(def.value, defSite, { scope: this, copy: new Map() }, inner);
      this.defaultsUsed.set(key, { name: decl.name, line: siteLine(defSite), value });
      return { value, trace: inner };
    });
  }

  variable(name: string, trace: Trace, site: Site): ArmValue {
    const key = name.toLowerCase();
    const decl = this.variables.get(key);
    if (!decl) {
      const known = [...this.variables.values()].map((d) => d.name);
      throw siteError(
        site,
        `variables('${name}') refers to a variable the template does not declare${known.length ? ` (it declares: ${known.join(', ')})` : ''}`,
      );
    }
    return this.memo(`v:${key}`, trace, decl, () => {
      const inner: Trace = new Set();
      const declSite: Site = { doc: this.doc, path: decl.path };
      if (isArmObject(decl.raw) && Object.hasOwn(decl.raw, 'count') && Object.hasOwn(decl.raw, 'input')) {
        // A variable loop: { name, count, input } builds an array.
        return {
          value: evaluateCopy(decl.raw, declSite, { scope: this, copy: new Map() }, inner),
          trace: inner,
        };
      }
      return {
        value: evaluateDeep(decl.raw, declSite, { scope: this, copy: new Map() }, inner),
        trace: inner,
      };
    });
  }

  private memo(
    key: string,
    trace: Trace,
    decl: Declared,
    compute: () => { value: ArmValue; trace: Trace },
  ): ArmValue {
    const hit = this.cache.get(key);
    if (hit) {
      for (const p of hit.trace) trace.add(p);
      return hit.value;
    }
    if (this.evaluating.includes(key)) {
      const start = this.evaluating.indexOf(key);
      const names = [...this.evaluating.slice(start), key].map((k) => k.slice(2));
      throw this.doc.error(
        decl.path,
        `${key.startsWith('p:') ? 'parameter' : 'variable'} '${decl.name}' refers to itself (${names.join(' -> ')})`,
      );
    }
    this.evaluating.push(key);
    try {
      const result = compute();
      // Each use may wrap the value again (createArray(variables('x'))): bound what a chain builds.
      if (nestsDeeperThan(result.value)) throw this.doc.error(decl.path, nestingMessage());
      this.cache.set(key, result);
      for (const p of result.trace) trace.add(p);
      return result.value;
    } finally {
      this.evaluating.pop();
    }
  }
}

function envFor(ctx: EvalContext, trace: Trace, site: Site): FunctionEnv {
  return {
    parameter: (name) => ctx.scope.parameter(name, trace, site),
    variable: (name) => ctx.scope.variable(name, trace, site),
    copyIndex: (loop) => {
      const index = ctx.copy.get((loop ?? '').toLowerCase());
      if (index === undefined) {
        if (loop === undefined && ctx.copy.size === 0) {
          return new Unresolved('copyIndex() outside a copy loop');
        }
        return new Unresolved(
          `copyIndex(${loop === undefined ? '' : `'${loop}'`}) names no enclosing copy loop`,
        );
      }
      return index;
    },
    fail: (message) => {
      throw siteError(site, message);
    },
  };
}

/**
 * Evaluation recurses through values, expressions and the variables and parameters they name, which a
 * template can chain without end; a bound on the levels open at once keeps that off the stack's limit
 * (a few hundred real levels overflow it). Real templates stay far below.
 */
const MAX_EVALUATION_DEPTH = 300;
let evaluationDepth = 0;

function nested<T>(site: Site, evaluate: () => T): T {
  if (evaluationDepth >= MAX_EVALUATION_DEPTH) {
    throw siteError(
      site,
      `the template's values, expressions and the variables and parameters they use nest more than ${MAX_EVALUATION_DEPTH} levels deep (the most this tool reads)`,
    );
  }
  evaluationDepth++;
  try {
    return evaluate();
  } finally {
    evaluationDepth--;
  }
}

function evaluateAst(ast: ArmAst, ctx: EvalContext, trace: Trace, site: Site): ArmValue {
  return nested(site, () => evaluateAstNode(ast, ctx, trace, site));
}

function evaluateAstNode(ast: ArmAst, ctx: EvalContext, trace: Trace, site: Site): ArmValue {
  switch (ast.kind) {
    case 'string':
      return ast.value;
    case 'number':
      return ast.value;
    case 'call': {
      const args = ast.args.map((a) => evaluateAst(a, ctx, trace, site));
      return callFunction(ast.name, args, envFor(ctx, trace, site));
    }
    case 'property': {
      const of = evaluateAst(ast.of, ctx, trace, site);
      if (of instanceof Unresolved) return of;
      if (!isArmObject(of)) throw siteError(site, `".${ast.name}" applied to ${typeName(of)}, not an object`);
      const hit = getOwn(of, ast.name);
      if (!hit) throw siteError(site, `the object has no property "${ast.name}"`);
      return hit.value as ArmValue;
    }
    case 'index': {
      const of = evaluateAst(ast.of, ctx, trace, site);
      const index = evaluateAst(ast.index, ctx, trace, site);
      if (of instanceof Unresolved) return of;
      if (index instanceof Unresolved) return index;
      if (Array.isArray(of)) {
        if (typeof index !== 'number' || !Number.isInteger(index)) {
          throw siteError(site, `an array index must be an integer, not ${preview(index)}`);
        }
        const item = of[index];
        if (item === undefined)
          throw siteError(site, `index ${index} is outside the array (length ${of.length})`);
        return item;
      }
      if (isArmObject(of) && typeof index === 'string') {
        const hit = getOwn(of, index);
        if (!hit) throw siteError(site, `the object has no property "${index}"`);
        return hit.value as ArmValue;
      }
      throw siteError(site, `cannot index ${typeName(of)} with ${preview(index)}`);
    }
  }
}

/** Evaluates one JSON string: an expression, or a literal with the `[[` escape undone. */
export function evaluateString(text: string, site: Site, ctx: EvalContext, trace: Trace): ArmValue {
  if (!isExpression(text)) return literalText(text);
  return evaluateAst(parseCached(text, site), ctx, trace, site);
}

/**
 * Evaluates a template value: expressions in every string, `copy` property loops expanded
 * ("Property iteration in ARM templates").
 */
export function evaluateDeep(raw: unknown, site: Site, ctx: EvalContext, trace: Trace): ArmValue {
  return nested(site, () => evaluateValue(raw, site, ctx, trace));
}

function evaluateValue(raw: unknown, site: Site, ctx: EvalContext, trace: Trace): ArmValue {
  if (typeof raw === 'string') return evaluateString(raw, site, ctx, trace);
  if (Array.isArray(raw))
    return raw.map((x, i) => evaluateDeep(x, { ...site, path: [...site.path, i] }, ctx, trace));
  if (isArmObject(raw)) {
    const entries: [string, ArmValue][] = [];
    for (const [k, v] of Object.entries(raw)) {
      const childSite = { ...site, path: [...site.path, k] };
      if (k.toLowerCase() === 'copy' && Array.isArray(v) && v.every((x) => isArmObject(x) && 'input' in x)) {
        v.forEach((loop, i) => {
          const loopSite = { ...childSite, path: [...childSite.path, i] };
          const name = isArmObject(loop) && typeof loop.name === 'string' ? loop.name : undefined;
          if (!name)
            throw siteError(loopSite, 'a property copy loop needs a "name" (the property it builds)');
          entries.push([name, evaluateCopy(loop as ArmObject, loopSite, ctx, trace)]);
        });
        continue;
      }
      entries.push([k, evaluateDeep(v, childSite, ctx, trace)]);
    }
    return makeObject(entries);
  }
  if (raw === undefined) return null;
  return raw as ArmValue;
}

/** Largest copy loop the reader expands (ARM's own limit is 800). */
export const MAX_COPY = 800;

/** The loop count of a `copy` element, or Unresolved. */
export function copyCount(loop: ArmObject, site: Site, ctx: EvalContext, trace: Trace): number | Unresolved {
  const count = getOwn(loop, 'count');
  const countSite = { ...site, path: [...site.path, count?.key ?? 'count'] };
  if (!count) throw siteError(site, 'a copy loop needs a "count"');
  const n = evaluateDeep(count.value, countSite, ctx, trace);
  if (n instanceof Unresolved) return n;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > MAX_COPY) {
    throw siteError(countSite, `copy count must be an integer 0-${MAX_COPY}, not ${preview(n)}`);
  }
  return n;
}

/** `{ name, count, input }`: the array of `input` evaluated with copyIndex(name) = 0 .. count-1. */
function evaluateCopy(loop: ArmObject, site: Site, ctx: EvalContext, trace: Trace): ArmValue {
  const n = copyCount(loop, site, ctx, trace);
  if (n instanceof Unresolved) return n;
  const name = typeof loop.name === 'string' ? loop.name.toLowerCase() : '';
  const input = getOwn(loop, 'input');
  if (!input) throw siteError(site, 'a copy loop needs an "input"');
  const inputSite = { ...site, path: [...site.path, input.key] };
  const out: ArmValue[] = [];
  for (let i = 0; i < n; i++) {
    const copy = new Map(ctx.copy);
    copy.set(name, i);
    out.push(evaluateDeep(input.value, inputSite, { ...ctx, copy }, trace));
  }
  return out;
}
