import type { UnknownPart } from '../../model/location.js';
import { Entry, type Block, type TreeWatcher } from './config-tree.js';
import {
  freeIdAfter,
  objectFacts,
  PolicyFacts,
  POLICY_ID_TABLES,
  type ObjectFacts,
  type StreamedFacts,
} from './fix-facts.js';
import type { LayoutRecorder } from './layout.js';
import { POLICY_TABLES, ScopeAssembly } from './policy-builder.js';
import type { TableKind } from './rules.js';
import { vdomScope, type Scope } from './scopes.js';

/** The streamed read can't follow the file (the reason says why); the reader reads it whole instead. */
export class StreamAbandoned extends Error {}

/**
 * Scope-level tables the build reads only when the scope is finished, so they may still come after its
 * policies: the static routes (the egress), the proxy policies (a note) and the security policies (not
 * read).
 */
const LATE_TABLES: ReadonlySet<string> = new Set([
  'router static',
  'router static6',
  'firewall proxy-policy',
  'firewall security-policy',
]);

/** In a multi-VDOM file, once a VDOM's policies stream, the top level may only open VDOM sections. */
const LATE_AT_TOP: ReadonlySet<string> = new Set(['vdom']);

/** A scope whose policies stream: its assembly, and what the fix writer needs of it. */
export class StreamedScope {
  /** The place in the rule order of the last policy table opened. */
  last = -1;
  /** One above every numeric id in its policy tables (fix-facts.ts freeIdAfter). */
  freeId = 1;
  readonly policies: PolicyFacts | undefined;

  constructor(
    readonly assembly: ScopeAssembly,
    private readonly objects: ObjectFacts | undefined,
  ) {
    this.policies = objects ? new PolicyFacts() : undefined;
  }

  /** The fix writer's facts, where a read for fixes took them. */
  facts(): StreamedFacts | undefined {
    const { objects, policies, freeId } = this;
    return objects && policies ? { objects, policies, freeId } : undefined;
  }
}

/**
 * The names of a table's entries handed over so far, to tell an entry edited again: ids in a bitmap
 * (a table of 650,000 policies held as a Map of names was ~29 MB), other names in a set.
 */
class EntryNames {
  private bits = new Uint32Array(256);
  private readonly others = new Set<string>();

  /** Adds the name; false when it is there already. */
  add(name: string): boolean {
    // Only an id written the one way (no sign, leading zero or exponent) is the same name as its number.
    const id = /^(0|[1-9][0-9]{0,6})$/.test(name) ? Number(name) : -1;
    if (id < 0) {
      if (this.others.has(name)) return false;
      this.others.add(name);
      return true;
    }
    const word = id >>> 5;
    if (word >= this.bits.length) {
      const grown = new Uint32Array(Math.max(word + 1, this.bits.length * 2));
      grown.set(this.bits);
      this.bits = grown;
    }
    const bit = 1 << (id & 31);
    if (this.bits[word]! & bit) return false;
    this.bits[word]! |= bit;
    return true;
  }
}

/**
 * Builds each policy's rule as the file closes its entry, so a policy table is never held whole (on a
 * 100 MiB export its entries were ~80 MB of the tree: docs/performance.md). The build of a scope starts
 * when its first policy table opens: every other table it reads must be complete then, so a table that
 * opens after it in the same scope (or in `config global`) stops the stream, as do a policy edited again,
 * `delete`, `purge`, `move` or `rename`, a policy table opening after one whose rules come after its own,
 * and any error of the build. The reader then reads the file whole (read-file.ts), which handles all of
 * these. FortiOS writes every table a policy uses before the policies (docs/formats/fortigate.md).
 */
export class PolicyStream implements TreeWatcher {
  private readonly scopes = new Map<ReadonlyMap<string, Block>, StreamedScope>();
  private readonly tables = new Map<
    Block,
    { scope: StreamedScope; kind: TableKind; extra: readonly UnknownPart[]; names: EntryNames }
  >();
  /** Block maps a streamed scope reads, and the paths that may still open in each. */
  private readonly frozen = new Map<ReadonlyMap<string, Block>, ReadonlySet<string>>();
  private top: Map<string, Block> | undefined;

  constructor(
    private readonly path: string,
    private readonly recorder: LayoutRecorder | undefined,
  ) {}

  /** The scope's streamed build, if its policies streamed. */
  of(scope: Scope): StreamedScope | undefined {
    return this.scopes.get(scope.blocks);
  }

  opened(path: string, block: Block, into: Map<string, Block>, owner: Block | Entry | undefined): boolean {
    if (owner === undefined) this.top = into;
    const kind = POLICY_TABLES.get(path);
    const late = this.frozen.get(into);
    // Policy tables in `config global` aren't a scope's: the build doesn't read them.
    if (kind === undefined || (owner !== undefined && !(owner instanceof Entry))) {
      if (late && !late.has(path)) this.abandon(`config ${path} opens after policies were built`);
      return false;
    }
    const scope = this.scopes.get(into) ?? this.start(into, owner);
    const at = scope.assembly.order.indexOf(kind);
    // Opened again after a table whose rules come later, its new entries' rules would be out of place.
    // Opened again otherwise, it only adds entries (editing one again stops the stream: `entering`).
    if (at < scope.last) this.abandon(`config ${path} comes after a table whose rules follow its own`);
    scope.last = at;
    const names = this.tables.get(block)?.names ?? new EntryNames();
    this.tables.set(block, { scope, kind, extra: scope.assembly.extraFor(kind), names });
    return true;
  }

  entering(table: Block, name: string): void {
    const { scope, kind, names } = this.tables.get(table)!;
    if (!names.add(name)) this.abandon(`${kind} ${name} is edited again`);
    if (POLICY_ID_TABLES.has(table.path)) scope.freeId = freeIdAfter(scope.freeId, name);
  }

  closed(table: Block, entry: Entry): void {
    const { scope, kind, extra } = this.tables.get(table)!;
    try {
      if (kind === 'policy') scope.policies?.add(entry);
      scope.assembly.add(kind, entry, extra);
    } catch (e) {
      this.abandon(`the build failed: ${String(e)}`);
    }
  }

  changed(table: Block, verb: string): void {
    // In a streamed policy table, or the VDOMs' table (a VDOM renamed), or wherever: all stop the stream.
    if (this.scopes.size > 0) this.abandon(`${verb} in config ${table.path} after policies were built`);
  }

  private start(into: Map<string, Block>, vdom: Entry | undefined): StreamedScope {
    let scope: Scope;
    if (vdom === undefined) {
      // Policies at the top of a multi-VDOM file: the whole read refuses them (scopes.ts).
      if (into.has('vdom')) this.abandon('policies outside config vdom');
      scope = { path: this.path, blocks: into };
    } else {
      // As splitScopes makes it at the end. `config global` can't change after: it opens at the top level.
      scope = vdomScope(this.path, vdom, this.top?.get('global')?.blocks);
      this.frozen.set(this.top!, LATE_AT_TOP);
    }
    this.frozen.set(into, LATE_TABLES);
    try {
      // The object facts before the assembly checks the objects, which releases them.
      const objects = this.recorder ? objectFacts(scope, this.recorder) : undefined;
      const streamed = new StreamedScope(new ScopeAssembly(scope), objects);
      this.scopes.set(into, streamed);
      return streamed;
    } catch (e) {
      return this.abandon(`the build failed: ${String(e)}`);
    }
  }

  private abandon(reason: string): never {
    throw new StreamAbandoned(reason);
  }
}
