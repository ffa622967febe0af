import type { Policy } from '../../model/policy.js';
import { Unresolved } from './arm-values.js';
import { referencedName, type PolicyResource } from './resources.js';

/** Names in a list of resource IDs that az CLI output of a policy carries (`firewalls`, `childPolicies`). */
export function listedNames(res: PolicyResource | undefined, key: string): string[] {
  if (!res || res.origin.kind !== 'cli') return [];
  const list = res.props.get(key);
  const items = list && list.raw !== null ? list.items(key) : [];
  if (items instanceof Unresolved) return [];
  const out: string[] = [];
  for (const item of items) {
    const id = item.get('id', `${key}[]`)?.text(`${key}[].id`);
    if (typeof id === 'string') out.push(referencedName(id).name);
  }
  return out;
}

/**
 * Two outputs of one name (a firewall and an unrelated policy both called "hub", say) would make
 * `--policy` ambiguous: later ones get their file and line added.
 */
export function uniqueNames(policies: Policy[]): void {
  const seen = new Set<string>();
  for (const p of policies) {
    if (seen.has(p.name!)) {
      const at = p.default.location;
      p.name = `${p.name} (${at ? `${at.path}:${at.line}` : p.paths[0]})`;
    }
    seen.add(p.name!);
  }
}

export interface UseFacts {
  policy: string;
  /** The parents, nearest first, as the note names them (quoted names). */
  parents: readonly string[];
  /** The firewall the result stands for. */
  firewall?: string;
  /** Firewalls that name the policy but also have classic rules. */
  classicFirewalls: readonly string[];
  /** From az CLI output of the policy: the firewalls that use it and its children (not in the input). */
  listedFirewalls: readonly string[];
  listedChildren: readonly string[];
}

function quoted(names: readonly string[]): string {
  return names.map((n) => `"${n}"`).join(', ');
}

/** The note saying which firewall runs which policy chain, or why a policy is checked on its own. */
export function useNote(f: UseFacts): string {
  const inherits = f.parents.length ? `, which inherits from ${f.parents.join(', then ')}` : '';
  const order = f.parents.length
    ? ' (inherited rule collection groups come first within each rule type)'
    : '';
  if (f.firewall)
    return `Azure Firewall "${f.firewall}" uses Firewall Policy "${f.policy}"${inherits}${order}`;
  if (f.classicFirewalls.length) {
    return `Firewall Policy "${f.policy}"${inherits} is used by Azure Firewall ${quoted(f.classicFirewalls)}, which also has classic rules (checked as its own policy)${order}`;
  }
  if (f.listedFirewalls.length) {
    return `Firewall Policy "${f.policy}"${inherits} is used by Azure Firewall ${quoted(f.listedFirewalls)} (the policy's "firewalls" list; not in the input)${order}`;
  }
  if (f.listedChildren.length) {
    return `Firewall Policy "${f.policy}" is the parent of ${quoted(f.listedChildren)} (the policy's "childPolicies" list; not in the input): a firewall using a child also runs the child's own rules, which are not checked here`;
  }
  return `no Azure Firewall in the input uses Firewall Policy "${f.policy}"${inherits}: it is checked on its own${order}`;
}
