import { parseRule, type ParsedRule, type RuleContext } from './rule-args.js';
import type { SaveRule, SaveTable } from './save-file.js';

/**
 * Reads rules as flattening meets them, keeping a rule's reading only where its chain is walked more
 * than once (most rules are read once and their reading is let go at once, which keeps the heap small),
 * then reads the rules of chains no walk met: every rule is read, so a save iptables-restore would
 * refuse is refused.
 */
export class RuleReads {
  private readonly kept = new Map<SaveRule, ParsedRule>();
  private readonly walked = new Map<SaveTable, Set<string>>();

  /** `walks`: how often flattening walks each chain of each table (jump-graph.ts). */
  constructor(
    private readonly contexts: ReadonlyMap<SaveTable, RuleContext>,
    private readonly walks: ReadonlyMap<SaveTable, ReadonlyMap<string, number>>,
  ) {}

  /** A reader of the rules of `table`, for flattening one of its chains. */
  reader(table: SaveTable): (rule: SaveRule) => ParsedRule {
    const ctx = this.contexts.get(table)!;
    const walks = this.walks.get(table)!;
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
