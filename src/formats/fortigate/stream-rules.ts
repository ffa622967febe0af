import { InputError } from '../../input/input-error.js';
import { Block, Entry, type TreeWatch } from './config-tree.js';
import { notePolicy, objectFacts, type ScopeFacts } from './fix-facts.js';
import type { LayoutRecorder } from './layout.js';
import { ScopePolicyBuild } from './policy-builder.js';
import { enabled, type Scope } from './scopes.js';

/**
 * Thrown when the file does something after a scope's policies began to stream that reading them at the
 * end would see differently; the reader then reads the file again the whole-tree way.
 */
export class StreamFallback extends Error {
  constructor(readonly why: string) {
    super(`FortiGate reader: read again without streaming rules (${why})`);
  }
}

/**
 * Tables a scope's rules don't depend on (read at the end, after the policies, as buildScopePolicy does):
 * they may come after the policies. Any other kept table opened then could change what a policy already
 * read into a rule means (an object defined after the policy using it, interfaces, settings).
 */
const AFTER_POLICIES = new Set([
  'router static',
  'router static6',
  'firewall policy6',
  'firewall consolidated policy',
  'firewall proxy-policy',
  'firewall security-policy',
  'system global',
]);

const POLICY = 'firewall policy';

interface Streaming {
  build: ScopePolicyBuild;
  facts: ScopeFacts | undefined;
  table: Block;
  /** The ids read into rules: an `edit` of one again is a reopened entry. */
  ids: Set<string>;
}

/**
 * Reads each scope's `config firewall policy` entries into rules as they close, so that their settings
 * never outlive their entry: the scope's objects, zones and ACLs, complete by the first policy as in any
 * backup, are read then (ScopePolicyBuild). Where the file does anything after that which the whole-tree
 * reading would see (a kept table other than AFTER_POLICIES opened again, an entry reopened, `move`,
 * `delete`, `purge` or `rename` of policies, an error while reading them, `config vdom` after top-level
 * policies), it throws StreamFallback, so that the results are always those of reading the tree at the end.
 * Consolidated-policy mode and `config global` are left to the end.
 */
export class RuleStream implements TreeWatch {
  private root: Block | undefined;
  /** By the scope's owner (the root block or a VDOM's entry); null: not streamed. */
  readonly scopes = new Map<Block | Entry, Streaming | null>();
  private streaming = false;

  constructor(
    private readonly path: string,
    private readonly recorder: LayoutRecorder | undefined,
  ) {}

  opened(owner: Block | Entry, path: string): void {
    // The file's first `config` is at its top level.
    this.root ??= owner as Block;
    if (!this.streaming || AFTER_POLICIES.has(path)) return;
    if (owner === this.root ? this.scopes.get(owner) : owner instanceof Block || this.scopes.get(owner)) {
      throw new StreamFallback(`config ${path} after policies`);
    }
  }

  changes(owner: Block | Entry, table: Block, verb: string, name: string | undefined): void {
    const s = this.scopes.get(owner);
    if (!s || s.table !== table) return;
    if (verb !== 'edit' || s.ids.has(name!)) throw new StreamFallback(`${verb} of a policy`);
  }

  closed(owner: Block | Entry, table: Block, entry: Entry): boolean {
    if (table.path !== POLICY) return false;
    let s = this.scopes.get(owner);
    if (s === undefined) {
      s = this.start(owner, table);
      this.scopes.set(owner, s);
    }
    if (s === null) return false;
    if (s.facts) notePolicy(s.facts, entry);
    try {
      s.build.policy(entry);
    } catch (e) {
      if (e instanceof InputError) throw new StreamFallback('an error in a policy');
      throw e;
    }
    table.entries.delete(entry.name);
    s.ids.add(entry.name);
    return true;
  }

  /** The scope's build, from its first policy on; null where its policies are read at the end. */
  private start(owner: Block | Entry, table: Block): Streaming | null {
    const scope = this.scopeOf(owner);
    if (!scope) return null;
    const settings = scope.blocks.get('system settings');
    if (settings && enabled(settings, 'consolidated-firewall-mode')) return null;
    const facts = this.recorder ? objectFacts(scope, this.recorder) : undefined;
    let build: ScopePolicyBuild;
    try {
      build = new ScopePolicyBuild(scope);
    } catch (e) {
      if (e instanceof InputError) throw new StreamFallback('an error in the objects');
      throw e;
    }
    this.streaming = true;
    return { build, facts, table, ids: new Set() };
  }

  /** The scope an owner holds, as splitScopes makes it; undefined for `config global`. */
  private scopeOf(owner: Block | Entry): Scope | undefined {
    const root = this.root!;
    if (owner === root) {
      // Policies outside `config vdom` in a VDOM configuration are an error splitScopes reports.
      return root.blocks.has('vdom') ? undefined : { path: this.path, blocks: root.blocks };
    }
    if (!(owner instanceof Entry)) return undefined;
    const global = root.blocks.get('global')?.blocks;
    return {
      path: this.path,
      vdom: owner.name,
      line: owner.line,
      blocks: owner.blocks,
      ...(global ? { global } : {}),
    };
  }

  /** The build of a scope splitScopes made, when its policies were streamed. */
  streamed(scope: Scope): Streaming | undefined {
    for (const [owner, s] of this.scopes) if (s && owner.blocks === scope.blocks) return s;
    return undefined;
  }
}
