import { parseRule, type ParsedRule, type RuleContext } from './rule-args.js';
import type { SaveRule, SaveTable } from './save-file.js';

/** The user chain a rule jumps or goes to, from its words (the last -j/-g), if any. */
function jumpTarget(rule: SaveRule, chains: ReadonlySet<string>): string | undefined {
  const w = rule.words;
  let at = -1;
  for (const option of ['-j', '--jump', '-g', '--goto']) {
    const k = w.lastIndexOf(option);
    if (k > at && !rule.quoted?.[k]) at = k;
  }
  const target = at >= 0 ? w[at + 1] : undefined;
  return target !== undefined && chains.has(target) ? target : undefined;
}

/**
 * How often flattening walks each user chain of a table: once per walk of every chain that jumps to it
 * (a built-in chain is walked once). A loop counts as many (flattening refuses it).
 */
function chainWalks(table: SaveTable, chains: ReadonlySet<string>): Map<string, number> {
  const callers = new Map<string, string[]>();
  for (const c of table.chains.values())
    for (const r of c.rules) {
      const t = jumpTarget(r, chains);
      if (t === undefined) continue;
      const list = callers.get(t);
      if (list) list.push(c.name);
      else callers.set(t, [c.name]);
    }
  const walks = new Map<string, number>();
  const count = (name: string, open: Set<string>): number => {
    const known = walks.get(name);
    if (known !== undefined) return known;
    if (!chains.has(name)) return 1;
    if (open.has(name)) return Infinity;
    open.add(name);
    let n = 0;
    for (const caller of callers.get(name) ?? []) n += count(caller, open);
    open.delete(name);
    walks.set(name, n);
    return n;
  };
  for (const name of chains) count(name, new Set());
  return walks;
}

/**
 * Reads rules as flattening meets them, keeping a rule's reading only where its chain is walked more
 * than once (most rules are read once and their reading is let go at once, which keeps the heap small),
 * then reads the rules of chains no walk met: every rule is read, so a save iptables-restore would
 * refuse is refused.
 */
export class RuleReads {
  private readonly kept = new Map<SaveRule, ParsedRule>();
  private readonly walks = new Map<SaveTable, Map<string, number>>();
  private readonly walked = new Map<SaveTable, Set<string>>();

  constructor(private readonly contexts: ReadonlyMap<SaveTable, RuleContext>) {}

  /** A reader of the rules of `table`, for flattening one of its chains. */
  reader(table: SaveTable): (rule: SaveRule) => ParsedRule {
    const ctx = this.contexts.get(table)!;
    let walks = this.walks.get(table);
    if (!walks) this.walks.set(table, (walks = chainWalks(table, ctx.chains)));
    let walked = this.walked.get(table);
    if (!walked) this.walked.set(table, (walked = new Set()));
    const w = walks;
    const seen = walked;
    return (rule) => {
      const kept = this.kept.get(rule);
      if (kept) return kept;
      seen.add(rule.chain);
      const parsed = parseRule(rule, ctx);
      if ((w.get(rule.chain) ?? 1) > 1) this.kept.set(rule, parsed);
      return parsed;
    };
  }

  /** Reads every rule of the chains no flattening walked. */
  readTheRest(): void {
    for (const [table, ctx] of this.contexts) {
      const walked = this.walked.get(table);
      for (const chain of table.chains.values())
        if (!walked?.has(chain.name)) for (const r of chain.rules) parseRule(r, ctx);
    }
  }
}
