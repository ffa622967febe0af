import { InputError } from '../../input/input-error.js';
import { andMatch, andNotMatch, isEmptyMatch, type Match } from './match.js';
import type { ParsedRule } from './rule-args.js';
import type { SaveChain, SaveRule, SaveTable } from './save-file.js';

/** A rule as it stands in its chain: the rule, its chain and its 1-based position there. */
export interface RuleAt {
  rule: SaveRule;
  chain: string;
  index: number;
}

/** One rule of the flattened first-match list of a built-in chain. */
export interface Entry {
  match: Match;
  action: 'allow' | 'deny' | 'unknown';
  /** The deciding rule; undefined for the built-in chain's policy. */
  at?: RuleAt;
  /** The jumps (-j / -g rules) that led from the built-in chain to it. */
  via: readonly RuleAt[];
  parsed?: ParsedRule;
}

/** Past this many flattened rules per chain the input is refused (user chains multiply rules). */
export const MAX_FLAT_RULES = 2_000_000;
/** Past this many rules walked per chain (user chains jumped to from many places) the input is refused. */
export const MAX_WALK_STEPS = 20_000_000;

/**
 * A built-in chain with its user chains inlined into one first-match list (given to `emit` in order, so
 * each entry can be turned into rules and let go at once), exactly: a jump's rules carry
 * the jump's own match ANDed in; RETURN (and a goto, whose chain returns to the caller's caller) leaves the
 * rest of its chain only to packets it doesn't match (`andNotMatch`); the policy ends the built-in chain
 * (iptables(8), TARGETS: "-j RETURN ... the policy of the chain determines the fate"; "-g ... unlike
 * --jump, return will not continue processing in this chain but in the chain that called us via --jump").
 */
export function flattenChain(
  path: string,
  table: SaveTable,
  top: SaveChain,
  start: Match,
  parse: (rule: SaveRule) => ParsedRule,
  emit: (entry: Entry) => void,
): void {
  let count = 0;
  let steps = 0;
  const policy: Entry['action'] =
    top.policy === 'ACCEPT' ? 'allow' : top.policy === 'DROP' ? 'deny' : 'unknown';
  const push = (e: Entry) => {
    if (count++ >= MAX_FLAT_RULES) {
      throw new InputError(
        path,
        e.at?.rule.line ?? table.line,
        `chain ${top.name} of table *${table.name} flattens to more than ${MAX_FLAT_RULES} rules (user chains jumped to from many places); not read`,
      );
    }
    emit(e);
  };

  const walk = (chain: SaveChain, contexts: Match[], via: RuleAt[], stack: string[]) => {
    let ctxs = contexts;
    chain.rules.forEach((rule, k) => {
      if (steps++ >= MAX_WALK_STEPS) {
        throw new InputError(
          path,
          rule.line,
          `chain ${top.name} of table *${table.name} walks more than ${MAX_WALK_STEPS} rules through its user chains (chains jumped to from many places); not read`,
        );
      }
      // Read also where no packet gets: every rule of a chain walked is read (and so checked) here.
      const parsed = parse(rule);
      if (ctxs.length === 0) return;
      const at: RuleAt = { rule, chain: chain.name, index: k + 1 };
      const hits: Match[] = [];
      for (const c of ctxs)
        for (const m of parsed.matches) {
          const h = andMatch(c, m);
          if (!isEmptyMatch(h)) hits.push(h);
        }
      const t = parsed.target;
      if (hits.length > 0) {
        switch (t.kind) {
          case 'accept':
          case 'drop':
          case 'unknown': {
            const action = t.kind === 'accept' ? 'allow' : t.kind === 'drop' ? 'deny' : 'unknown';
            for (const h of hits) push({ match: h, action, at, via, parsed });
            break;
          }
          case 'return':
            // RETURN from a built-in chain: its policy decides.
            if (chain.builtin) for (const h of hits) push({ match: h, action: policy, at, via, parsed });
            break;
          case 'jump':
          case 'goto': {
            if (stack.includes(t.chain)) {
              throw new InputError(
                path,
                rule.line,
                `chain ${t.chain} is entered again from itself (${[...stack, t.chain].join(' -> ')}); iptables refuses loops`,
              );
            }
            walk(table.chains.get(t.chain)!, hits, [...via, at], [...stack, t.chain]);
            break;
          }
          case 'continue':
            break;
        }
      }
      if (t.kind === 'return' || t.kind === 'goto') {
        let rest = ctxs;
        for (const m of parsed.matches) rest = rest.flatMap((c) => andNotMatch(c, m));
        ctxs = rest;
      }
    });
  };
  walk(top, [start], [], [top.name]);
  // What no rule decided (or left the built-in chain by a goto'd chain's end) meets the policy.
  push({ match: start, action: policy, via: [] });
}
