import { InputError } from '../../input/input-error.js';

/** Where a name is referenced from: the line, and what refers to it ("srcaddr of policy 3"). */
export interface Reference {
  line: number;
  what: string;
}

/** Group nesting deeper than this is refused rather than risking the call stack. */
const MAX_DEPTH = 500;

/**
 * Resolves named objects that may contain each other (address and service groups) once each, in any order
 * of definition, and refuses a group that contains itself, naming the cycle at the member that closes it.
 */
export class NamedResolver<T> {
  private readonly done = new Map<string, T>();
  private readonly open: string[] = [];
  private readonly openSet = new Set<string>();

  constructor(
    private readonly path: string,
    /** "address group", "service group": for the cycle message. */
    private readonly kind: string,
    private readonly build: (name: string) => T,
  ) {}

  /** The value of a name already resolved. */
  cached(name: string): T | undefined {
    return this.done.get(name);
  }

  resolve(name: string, ref: Reference): T {
    const known = this.done.get(name);
    if (known !== undefined) return known;
    if (this.openSet.has(name)) {
      const cycle = [...this.open.slice(this.open.indexOf(name)), name];
      throw new InputError(
        this.path,
        ref.line,
        `${this.kind} ${JSON.stringify(cycle[0])} contains itself (${cycle.map((c) => JSON.stringify(c)).join(' -> ')}); groups may nest but not in a cycle`,
      );
    }
    if (this.open.length >= MAX_DEPTH) {
      throw new InputError(this.path, ref.line, `${this.kind}s nest deeper than ${MAX_DEPTH} levels`);
    }
    this.open.push(name);
    this.openSet.add(name);
    try {
      const value = this.build(name);
      this.done.set(name, value);
      return value;
    } finally {
      this.open.pop();
      this.openSet.delete(name);
    }
  }
}
