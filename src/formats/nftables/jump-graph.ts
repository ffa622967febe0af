import { InputError } from '../../input/input-error.js';
import type { RuleDef, TableDef, Value } from './ruleset.js';

/**
 * The kernel refuses a table where a chain is reached from a base chain through this many jumps and gotos,
 * counted over every rule and verdict map whether or not a packet can take it (include/net/netfilter/
 * nf_tables.h: `NFT_JUMP_STACK_SIZE 16`; nf_tables_api.c, nft_chain_validate: `if (ctx->level ==
 * NFT_JUMP_STACK_SIZE) return -EMLINK`): `nft -f` fails with "Could not process rule: Too many links" and
 * loads nothing. A loop is refused the same way. `nft -c` doesn't catch either (nft 1.0.6, Linux 6.18).
 */
export const NFT_JUMP_STACK_SIZE = 16;

interface Edge {
  to: string;
  line: number;
}

/** The chains a rule's verdicts and verdict maps (anonymous or named) jump or go to. */
function targets(rule: RuleDef, table: TableDef): string[] {
  const out: string[] = [];
  const values: Value[] = [];
  for (const item of rule.items) {
    if (item.kind === 'verdict') {
      if (item.verdict.kind === 'jump' || item.verdict.kind === 'goto') out.push(item.verdict.chain);
    } else if (item.kind === 'vmap') {
      const map = item.map;
      if (map.kind === 'ref') values.push(...(table.sets.get(map.name)?.elements ?? []));
      else values.push(map);
    }
  }
  while (values.length > 0) {
    const v = values.pop()!;
    if (v.kind === 'set') values.push(...v.elements);
    else if (v.kind === 'mapping') values.push(v.value);
    else if (v.kind === 'verdict' && (v.verdict.kind === 'jump' || v.verdict.kind === 'goto'))
      out.push(v.verdict.chain);
  }
  return out;
}

/**
 * Checks a table's jumps as the kernel does when it is loaded: every target exists and is a regular chain,
 * no base chain reaches a loop, and none reaches a chain through NFT_JUMP_STACK_SIZE jumps. Depth-first
 * without recursion, each chain once: linear in the rules. Chains no base chain reaches are not checked,
 * as the kernel doesn't (a loop among them loads).
 */
export function checkJumps(path: string, table: TableDef): void {
  const where = `table ${table.family} ${table.name}`;
  const edges = new Map<string, Edge[]>();
  for (const chain of table.chains.values()) {
    const out: Edge[] = [];
    for (const rule of chain.rules) {
      for (const to of targets(rule, table)) {
        const target = table.chains.get(to);
        if (!target) throw new InputError(path, rule.line, `chain ${to} is not defined in ${where}`);
        if (target.base)
          throw new InputError(path, rule.line, `chain ${to} is a base chain; rules can't jump to it`);
        out.push({ to, line: rule.line });
      }
    }
    edges.set(chain.name, out);
  }

  /** The longest run of jumps below each chain whose subtree is done. */
  const height = new Map<string, number>();
  const open = new Set<string>();
  for (const base of table.chains.values()) {
    if (!base.base) continue;
    const stack: { chain: string; next: number; line?: number }[] = [{ chain: base.name, next: 0 }];
    open.add(base.name);
    while (stack.length > 0) {
      const frame = stack[stack.length - 1]!;
      const out = edges.get(frame.chain)!;
      if (frame.next < out.length) {
        const e = out[frame.next++]!;
        if (open.has(e.to)) {
          const names = [...stack.map((f) => f.chain), e.to].join(' -> ');
          throw new InputError(
            path,
            e.line,
            `chains jump into each other in a loop (${names}); the kernel refuses it ("Too many links")`,
          );
        }
        if (height.has(e.to)) {
          if (stack.length + height.get(e.to)! >= NFT_JUMP_STACK_SIZE) tooDeep(stack, e, edges, height);
          continue;
        }
        if (stack.length >= NFT_JUMP_STACK_SIZE) tooDeep(stack, e, edges, height);
        open.add(e.to);
        stack.push({ chain: e.to, next: 0, line: e.line });
        continue;
      }
      let h = 0;
      for (const e of out) h = Math.max(h, 1 + height.get(e.to)!);
      height.set(frame.chain, h);
      open.delete(frame.chain);
      stack.pop();
    }
  }

  function tooDeep(
    stack: readonly { chain: string; line?: number }[],
    e: Edge,
    all: ReadonlyMap<string, Edge[]>,
    done: ReadonlyMap<string, number>,
  ): never {
    // The path so far, then down the deepest finished chains to the 16th jump.
    const chains = [...stack.map((f) => f.chain), e.to];
    const lines = [...stack.slice(1).map((f) => f.line!), e.line];
    while (lines.length < NFT_JUMP_STACK_SIZE) {
      const at = chains[chains.length - 1]!;
      const next = all.get(at)!.find((x) => 1 + done.get(x.to)! === done.get(at)!)!;
      chains.push(next.to);
      lines.push(next.line);
    }
    const shown = chains.length > 6 ? [...chains.slice(0, 3), '...', ...chains.slice(-3)] : chains;
    throw new InputError(
      path,
      lines[NFT_JUMP_STACK_SIZE - 1]!,
      `chain ${chains[NFT_JUMP_STACK_SIZE]} of ${where} is reached through ${NFT_JUMP_STACK_SIZE} nested jumps and gotos (${shown.join(' -> ')}): the kernel refuses more than ${NFT_JUMP_STACK_SIZE - 1}, so nft -f fails with "Could not process rule: Too many links" and loads nothing`,
    );
  }
}
