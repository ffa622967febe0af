import { InputError } from '../../input/input-error.js';
import type { SaveRule, SaveTable } from './save-file.js';

/**
 * The deepest chain nesting read. The legacy backend has no limit of its own (ip_tables.c sizes each
 * packet's jump stack to the table's user chains, and loops are refused at load); this bound keeps the
 * flattened rules' names and the walk small, far past the 15 the nf_tables backend loads.
 */
export const MAX_JUMP_DEPTH = 100;

/**
 * The kernel's nf_tables refuses a table where a chain is reached from a base chain through this many
 * jumps and gotos, counted over every rule whether or not a packet can take it (include/net/netfilter/
 * nf_tables.h: `NFT_JUMP_STACK_SIZE 16`; nf_tables_api.c, nft_chain_validate: `if (ctx->level ==
 * NFT_JUMP_STACK_SIZE) return -EMLINK`). iptables-nft-restore then fails with "RULE_APPEND failed (Too
 * many links)" (shown with iptables 1.8.9 on Linux 6.18; `--test` doesn't catch it).
 */
export const NFT_JUMP_STACK_SIZE = 16;

/** The user chain a rule jumps or goes to, from its words (the last -j/-g), if any. */
export function jumpTarget(rule: SaveRule, chains: ReadonlySet<string>): string | undefined {
  const w = rule.words;
  let at = -1;
  for (const option of ['-j', '--jump', '-g', '--goto']) {
    const k = w.lastIndexOf(option);
    if (k > at && !rule.quoted?.[k]) at = k;
  }
  const target = at >= 0 ? w[at + 1] : undefined;
  return target !== undefined && chains.has(target) ? target : undefined;
}

export interface JumpGraph {
  /**
   * How often flattening walks each user chain: once per walk of every chain that jumps to it (a
   * built-in chain is walked once); chains no built-in chain reaches are not walked.
   */
  walks: Map<string, number>;
  /** The longest run of jumps from a built-in chain, as the chains and the jump rules taken. */
  deepest: { chains: string[]; rules: SaveRule[] };
}

interface Edge {
  rule: SaveRule;
  to: string;
}

/**
 * The jumps and gotos of a table as iptables-restore checks them, over every rule whether or not a packet
 * can take it: a loop reached from a built-in chain is refused (both backends refuse it at load), and so
 * is nesting deeper than MAX_JUMP_DEPTH. Worked out without recursion, in time linear in the rules.
 */
export function jumpGraph(path: string, table: SaveTable): JumpGraph {
  const users = new Set([...table.chains.values()].filter((c) => !c.builtin).map((c) => c.name));
  const edges = new Map<string, Edge[]>();
  for (const c of table.chains.values()) {
    const out: Edge[] = [];
    for (const rule of c.rules) {
      const to = jumpTarget(rule, users);
      if (to !== undefined) out.push({ rule, to });
    }
    edges.set(c.name, out);
  }

  // Depth-first from each built-in chain: `height` is the longest run of jumps below a finished chain.
  const height = new Map<string, number>();
  const open = new Set<string>();
  const order: string[] = [];
  for (const top of table.chains.values()) {
    if (!top.builtin) continue;
    const stack: { chain: string; next: number }[] = [{ chain: top.name, next: 0 }];
    open.add(top.name);
    while (stack.length > 0) {
      const frame = stack[stack.length - 1]!;
      const out = edges.get(frame.chain)!;
      if (frame.next < out.length) {
        const e = out[frame.next++]!;
        if (open.has(e.to)) {
          const names = [...stack.map((f) => f.chain), e.to].join(' -> ');
          throw new InputError(
            path,
            e.rule.line,
            `chain ${e.to} is entered again from itself (${names}); iptables refuses loops`,
          );
        }
        if (!height.has(e.to)) {
          open.add(e.to);
          stack.push({ chain: e.to, next: 0 });
        }
        continue;
      }
      let h = 0;
      for (const e of out) h = Math.max(h, 1 + height.get(e.to)!);
      height.set(frame.chain, h);
      open.delete(frame.chain);
      order.push(frame.chain);
      stack.pop();
    }
  }

  // Walks, callers before callees (reverse finishing order).
  const walks = new Map<string, number>();
  for (const c of table.chains.values()) if (c.builtin) walks.set(c.name, 1);
  for (let i = order.length - 1; i >= 0; i--) {
    const from = order[i]!;
    const n = walks.get(from) ?? 0;
    for (const e of edges.get(from)!) walks.set(e.to, (walks.get(e.to) ?? 0) + n);
  }

  let top: string | undefined;
  for (const c of table.chains.values())
    if (c.builtin && (top === undefined || height.get(c.name)! > height.get(top)!)) top = c.name;
  const deepest: JumpGraph['deepest'] = { chains: top === undefined ? [] : [top], rules: [] };
  for (let at = top; at !== undefined && height.get(at)! > 0;) {
    const h = height.get(at)!;
    const e = edges.get(at)!.find((x) => 1 + height.get(x.to)! === h)!;
    deepest.chains.push(e.to);
    deepest.rules.push(e.rule);
    at = e.to;
  }
  if (deepest.rules.length > MAX_JUMP_DEPTH) {
    const rule = deepest.rules[MAX_JUMP_DEPTH]!;
    throw new InputError(
      path,
      rule.line,
      `user chains of table *${table.name} nest more than ${MAX_JUMP_DEPTH} levels deep (${deepest.chains[0]} -> ${deepest.chains[1]} -> ... -> ${deepest.chains[MAX_JUMP_DEPTH]} -> ${deepest.chains[MAX_JUMP_DEPTH + 1]}), the most this tool reads; iptables' nf_tables backend loads at most ${NFT_JUMP_STACK_SIZE - 1}`,
    );
  }
  return { walks, deepest };
}
