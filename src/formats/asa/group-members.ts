/** A member of an object group: what a member line stands for, or a group nested with group-object. */
export type GroupMember<T> = { expr: T } | { group: string };

/**
 * What a group and the groups nested in it hold, in member order, each nested group once. Walked with a
 * stack of its own: groups defined inner first (as the ASA writes them) may chain any number deep. Groups
 * keep their members, not these lists, as one group nested in a thousand others would be copied into each.
 */
export function groupLeaves<T>(name: string, membersOf: (name: string) => readonly GroupMember<T>[]): T[] {
  const out: T[] = [];
  const seen = new Set([name]);
  const stack = [{ members: membersOf(name), next: 0 }];
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    const m = top.members[top.next++];
    if (!m) stack.pop();
    else if ('expr' in m) out.push(m.expr);
    else if (!seen.has(m.group)) {
      seen.add(m.group);
      stack.push({ members: membersOf(m.group), next: 0 });
    }
  }
  return out;
}
