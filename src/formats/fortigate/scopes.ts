import { InputError } from '../../input/input-error.js';
import type { Block, Entry, Setting } from './config-tree.js';

/**
 * Where policies live: the whole file without VDOMs, or one VDOM's `edit <name>` in `config vdom`.
 * `global` holds the `config global` tables of a multi-VDOM backup (interfaces live there).
 */
export interface Scope {
  path: string;
  /** VDOM name; undefined for a file without VDOMs. */
  vdom?: string;
  /** Line of the VDOM's first `edit`. */
  line?: number;
  blocks: ReadonlyMap<string, Block>;
  global?: ReadonlyMap<string, Block>;
}

/** ` in VDOM "root"`, or nothing without VDOMs: appended to messages. */
export function whereIn(scope: Scope): string {
  return scope.vdom === undefined ? '' : ` in VDOM ${JSON.stringify(scope.vdom)}`;
}

/**
 * Splits a parsed configuration into scopes. With VDOMs enabled, a backup lists the VDOMs in a first
 * `config vdom`, then has `config global` and one `config vdom` / `edit <vdom>` section per VDOM; global
 * settings (interfaces among them) sit in `config global`, and each VDOM has its own objects and policies
 * ("General configurations" and "Global and per-VDOM resources", FortiOS 7.2 Administration Guide,
 * https://docs.fortinet.com/document/fortigate/7.2.0/administration-guide/32293/general-configurations).
 * Without VDOMs everything is at the top level.
 */
export function splitScopes(path: string, root: Block): Scope[] {
  const vdoms = root.blocks.get('vdom');
  if (!vdoms) return [{ path, blocks: root.blocks }];
  const global = root.blocks.get('global')?.blocks;
  for (const key of ['firewall policy', 'firewall policy6', 'firewall consolidated policy']) {
    const stray = root.blocks.get(key);
    if (stray && stray.entries.size > 0) {
      throw new InputError(
        path,
        stray.line,
        `config ${key} outside "config vdom" in a multi-VDOM configuration; expected it inside "config vdom" / "edit <vdom>"`,
      );
    }
  }
  return [...vdoms.entries.values()].map((e) => vdomScope(path, e, global));
}

/** The scope of a VDOM's `edit <vdom>` entry, beside `config global`'s blocks. */
export function vdomScope(path: string, vdom: Entry, global: ReadonlyMap<string, Block> | undefined): Scope {
  return { path, vdom: vdom.name, line: vdom.line, blocks: vdom.blocks, ...(global ? { global } : {}) };
}

export function setting(node: Entry | Block, key: string): Setting | undefined {
  return node.settings.get(key);
}

/** The first value of a setting, as written (undefined when the setting is absent). */
export function valueOf(node: Entry | Block, key: string): string | undefined {
  // `first`, not get(key).values[0]: the same value without a Setting and a list made per call.
  return node.settings.first(key);
}

/** `set <key> enable`; absent means the FortiOS default, given as `dflt`. */
export function enabled(node: Entry | Block, key: string, dflt = false): boolean {
  const v = valueOf(node, key);
  return v === undefined ? dflt : v === 'enable';
}

/** A table of a scope, falling back to `config global` (for interfaces and global objects). */
export function tableOf(scope: Scope, key: string, globalFirst = false): Block | undefined {
  if (globalFirst) return scope.global?.get(key) ?? scope.blocks.get(key);
  return scope.blocks.get(key) ?? scope.global?.get(key);
}
