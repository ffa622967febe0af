/** Where an entry stands: the group it belongs to and its index in that group's list. */
export interface EntryRef {
  group: string;
  index: number;
}

export interface GroupHooks<L> {
  /** Parses an entry that is not a group name; throws (an InputError at the entry) when it is bad. */
  leaf(text: string, at: EntryRef): L;
  /** Reports a group that contains itself; `cycle` starts and ends with the same name. */
  cycle(cycle: readonly string[], at: EntryRef): Error;
}

interface Frame<L> {
  name: string;
  next: number;
  leaves: Set<L>;
}

/**
 * Resolves named groups whose entries are leaves or names of other groups (nesting at any depth, in any
 * order of definition). Every entry of every group is checked, used or not. Returns each group's leaves,
 * flattened and without repeats (leaves are compared by identity, so cache them per text).
 * Iterative, so a deep chain of groups can't overflow the stack.
 */
export function resolveGroups<L>(
  groups: ReadonlyMap<string, readonly string[]>,
  hooks: GroupHooks<L>,
): Map<string, readonly L[]> {
  const done = new Map<string, readonly L[]>();
  const open = new Set<string>();
  for (const root of groups.keys()) {
    if (done.has(root)) continue;
    const stack: Frame<L>[] = [{ name: root, next: 0, leaves: new Set() }];
    open.add(root);
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const entries = groups.get(top.name)!;
      if (top.next >= entries.length) {
        const leaves = [...top.leaves];
        done.set(top.name, leaves);
        open.delete(top.name);
        stack.pop();
        const parent = stack[stack.length - 1];
        if (parent) for (const l of leaves) parent.leaves.add(l);
        continue;
      }
      const index = top.next++;
      const text = entries[index]!.trim();
      if (!groups.has(text)) {
        top.leaves.add(hooks.leaf(text, { group: top.name, index }));
        continue;
      }
      if (open.has(text)) {
        const from = stack.findIndex((f) => f.name === text);
        const cycle = [...stack.slice(from).map((f) => f.name), text];
        throw hooks.cycle(cycle, { group: top.name, index });
      }
      const resolved = done.get(text);
      if (resolved) {
        for (const l of resolved) top.leaves.add(l);
        continue;
      }
      stack.push({ name: text, next: 0, leaves: new Set() });
      open.add(text);
    }
  }
  return done;
}
