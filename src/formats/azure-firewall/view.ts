import type { InputError } from '../../input/input-error.js';
import { formatDocPath } from '../../input/positioned.js';
import { isExpression } from './arm-expression.js';
import {
  copyCount,
  evaluateDeep,
  siteError,
  siteLine,
  type EvalContext,
  type Site,
  type Trace,
} from './arm-scope.js';
import {
  getOwn,
  isArmObject,
  preview,
  typeName,
  Unresolved,
  type ArmObject,
  type ArmValue,
} from './arm-values.js';

const NO_TRACE: ReadonlySet<string> = new Set();

/**
 * A positioned look at one JSON node of an input: its raw value, where it stands (for file:line), and —
 * inside an ARM template — the context its expressions are evaluated in. Walking down a view keeps exact
 * line numbers where the input writes values literally; values an expression computes all stand at the
 * expression's line. `copy` property loops are expanded on the way.
 */
export class View {
  private resolved?: { value: ArmValue; trace: ReadonlySet<string> };

  constructor(
    /** The JSON node as parsed (ctx set) or an already evaluated value (ctx null). */
    readonly raw: unknown,
    readonly site: Site,
    /** null: the value is literal (az CLI output) or already evaluated; no expressions to evaluate. */
    readonly ctx: EvalContext | null,
    /** Parameters the value was computed from. */
    readonly trace: ReadonlySet<string> = NO_TRACE,
  ) {}

  get line(): number {
    return siteLine(this.site);
  }

  get path(): string {
    return this.site.doc.path;
  }

  /** `properties.ruleCollections[2]`: the node's path in its document, for messages. */
  get where(): string {
    return formatDocPath(this.site.path);
  }

  error(message: string): InputError {
    return siteError(this.site, message);
  }

  /** The value with every expression in it evaluated, and the parameters it was computed from. */
  resolve(): { value: ArmValue; trace: ReadonlySet<string> } {
    if (!this.resolved) {
      if (this.ctx === null) {
        this.resolved = { value: this.raw as ArmValue, trace: this.trace };
      } else {
        const trace: Trace = new Set(this.trace);
        const value = evaluateDeep(this.raw, this.site, this.ctx, trace);
        this.resolved = { value, trace };
      }
    }
    return this.resolved;
  }

  value(): ArmValue {
    return this.resolve().value;
  }

  /** A view of an evaluated value, at this node's position. */
  private evaluated(value: ArmValue, trace: ReadonlySet<string>): View {
    return new View(value, this.site, null, trace);
  }

  /** Whether the node is an expression string (or an evaluated view standing for one). */
  isExpression(): boolean {
    return this.ctx !== null && typeof this.raw === 'string' && isExpression(this.raw);
  }

  /** The object this node is, evaluated if it is an expression; Unresolved passes through. */
  private objectNode(what: string): { obj: ArmObject; view: View } | Unresolved {
    if (this.raw instanceof Unresolved) return this.raw;
    if (this.isExpression()) {
      const { value, trace } = this.resolve();
      if (value instanceof Unresolved) return value;
      if (!isArmObject(value)) throw this.error(`${what} must be an object, not ${typeName(value)}`);
      return { obj: value, view: this.evaluated(value, trace) };
    }
    if (!isArmObject(this.raw)) throw this.error(`${what} must be an object, not ${typeName(this.raw)}`);
    return { obj: this.raw, view: this };
  }

  /**
   * The child `key` (case-insensitive, as ARM property names are), undefined when absent. A child of an
   * unresolved value is unresolved too.
   */
  get(key: string, what = this.where): View | undefined {
    const node = this.objectNode(what);
    if (node instanceof Unresolved) return new View(node, this.site, null, this.trace);
    const { obj, view } = node;
    if (view.ctx !== null) {
      const copy = getOwn(obj, 'copy');
      if (copy && Array.isArray(copy.value)) {
        const i = copy.value.findIndex(
          (l) => isArmObject(l) && typeof l.name === 'string' && l.name.toLowerCase() === key.toLowerCase(),
        );
        if (i >= 0) {
          const site = { ...view.site, path: [...view.site.path, copy.key, i] };
          return new CopyView(copy.value[i] as ArmObject, site, view.ctx, view.trace);
        }
      }
    }
    const hit = getOwn(obj, key);
    if (!hit) return undefined;
    return new View(hit.value, { ...view.site, path: [...view.site.path, hit.key] }, view.ctx, view.trace);
  }

  /** Whether the node is an object with `key`. */
  has(key: string): boolean {
    if (isArmObject(this.raw)) return getOwn(this.raw, key) !== undefined;
    return false;
  }

  /** The keys of an object node (evaluated if it is an expression). */
  keys(what = this.where): string[] | Unresolved {
    const node = this.objectNode(what);
    if (node instanceof Unresolved) return node;
    return Object.keys(node.obj);
  }

  /** The elements of an array node, each with its own line where the input lists them literally. */
  items(what = this.where): View[] | Unresolved {
    if (this.raw instanceof Unresolved) return this.raw;
    if (this.isExpression()) {
      const { value, trace } = this.resolve();
      if (value instanceof Unresolved) return value;
      if (!Array.isArray(value)) throw this.error(`${what} must be an array, not ${typeName(value)}`);
      return value.map((v) => this.evaluated(v, trace));
    }
    if (!Array.isArray(this.raw)) throw this.error(`${what} must be an array, not ${typeName(this.raw)}`);
    return this.raw.map(
      (v, i) => new View(v, { ...this.site, path: [...this.site.path, i] }, this.ctx, this.trace),
    );
  }

  /** The node as a string, evaluated; Unresolved when it can't be known before deployment. */
  text(what = this.where): string | Unresolved {
    const v = this.value();
    if (v instanceof Unresolved || typeof v === 'string') return v;
    throw this.error(`${what} must be a string, not ${typeName(v)} (${preview(v)})`);
  }

  /** The node as a string or a number written as either (ports, priorities). */
  scalar(what = this.where): string | number | Unresolved {
    const v = this.value();
    if (v instanceof Unresolved || typeof v === 'string' || typeof v === 'number') return v;
    throw this.error(`${what} must be a string or number, not ${typeName(v)} (${preview(v)})`);
  }

  boolean(what = this.where): boolean | Unresolved {
    const v = this.value();
    if (v instanceof Unresolved || typeof v === 'boolean') return v;
    if (typeof v === 'string' && /^(true|false)$/i.test(v)) return v.toLowerCase() === 'true';
    throw this.error(`${what} must be true or false, not ${typeName(v)} (${preview(v)})`);
  }

  /** The parameters this node's value was computed from. */
  parameters(): ReadonlySet<string> {
    return this.resolve().trace;
  }
}

/** A property built by a `copy` loop: its items are the loop's `input`, one per index. */
class CopyView extends View {
  private list?: View[] | Unresolved;

  override items(): View[] | Unresolved {
    if (this.list === undefined) {
      const loop = this.raw as ArmObject;
      const ctx = this.ctx!;
      const trace: Trace = new Set(this.trace);
      const n = copyCount(loop, this.site, ctx, trace);
      if (n instanceof Unresolved) {
        this.list = n;
      } else {
        const input = getOwn(loop, 'input');
        if (!input) throw this.error('a copy loop needs an "input"');
        const name = (loop.name as string).toLowerCase();
        const inputSite = { ...this.site, path: [...this.site.path, input.key] };
        this.list = [];
        for (let i = 0; i < n; i++) {
          const copy = new Map(ctx.copy);
          copy.set(name, i);
          this.list.push(new View(input.value, inputSite, { ...ctx, copy }, trace));
        }
      }
    }
    return this.list;
  }

  override resolve(): { value: ArmValue; trace: ReadonlySet<string> } {
    const items = this.items();
    if (items instanceof Unresolved) return { value: items, trace: this.trace };
    const trace = new Set(this.trace);
    const value = items.map((v) => {
      const r = v.resolve();
      for (const p of r.trace) trace.add(p);
      return r.value;
    });
    return { value, trace };
  }

  override get(): View | undefined {
    throw this.error('a copy loop builds an array, not an object');
  }
}
