import { InputError } from '../../input/input-error.js';
import type { SourceLocation } from '../../model/location.js';
import { andAlternatives, type Cond } from './condition.js';
import type { MatchScope } from './matches.js';
import { ruleMeaning, type RuleMeaning } from './rule-meaning.js';
import type { ChainDef, TableDef, Verdict } from './ruleset.js';

/** Where an emitted rule comes from: a rule of a chain, or a base chain's policy. */
export type Origin =
  | { kind: 'rule'; table: TableDef; chain: ChainDef; index: number; base: ChainDef }
  | { kind: 'policy'; table: TableDef; chain: ChainDef; base: ChainDef };

/** One first-match rule of a stage: where it matches, what it decides, and the nft rule it stands for. */
export interface Emitted {
  cond: Cond;
  action: 'allow' | 'deny';
  /** The vendor's word: accept, drop, reject, masquerade, policy drop ... */
  vendorAction: string;
  origin: Origin;
  location: SourceLocation;
}

/** Past this many rules walked for one base chain (returns copy the callers' rest), it is not worked out. */
const MAX_STEPS = 2_000_000;

/** Verdicts that go on in other chains (or the callers' rest): they wait their turn as jobs. */
const GOES_ON = new Set(['jump', 'goto', 'return']);

interface Frame {
  chain: ChainDef;
  index: number;
}

export class StageTooLarge extends Error {}

/** Work left to do, last in first out: walking a stack of chains, or acting on a verdict. */
type Job =
  | { kind: 'walk'; stack: readonly Frame[]; guard: readonly Cond[]; full: boolean }
  | {
      kind: 'verdict';
      verdict: Verdict;
      g: readonly Cond[];
      stack: readonly Frame[];
      here: Frame;
      origin: Origin;
      line: number;
    };

/**
 * Flattens a base chain and the chains it jumps to into one first-match list, exactly (nft(8), "VERDICT
 * STATEMENT"): `jump` continues at the first rule of the target and comes back after the end of it or a
 * `return`; `goto` comes back to the caller's caller; `return` in a base chain applies its policy; accept
 * and drop end the evaluation. A `return` is exact by copying the rest of the calling chains, guarded by
 * the returning packets, at the point of the return; they then can't reach the rest of the called chain.
 * Worked through a list of jobs, not recursion: a chain of returns may continue the callers many times
 * over. checkJumps (jump-graph.ts) has refused loops and nesting the kernel refuses.
 */
export class ChainInliner {
  readonly out: Emitted[] = [];
  private readonly jobs: Job[] = [];
  private steps = 0;
  private readonly meanings = new Map<string, RuleMeaning>();

  constructor(
    private readonly path: string,
    private readonly table: TableDef,
    private readonly base: ChainDef,
    private readonly familyCond: Cond,
    private readonly scopeAt: (line: number) => MatchScope,
    private readonly maxRules: number,
  ) {}

  run(): Emitted[] {
    this.jobs.push({
      kind: 'walk',
      stack: [{ chain: this.base, index: 0 }],
      guard: [this.familyCond],
      full: true,
    });
    for (let job = this.jobs.pop(); job; job = this.jobs.pop()) {
      if (job.kind === 'walk') this.walk(job.stack, job.guard, job.full);
      else this.verdict(job.verdict, job.g, job.stack, job.here, job.origin, job.line);
    }
    return this.out;
  }

  private meaning(chain: ChainDef, index: number): RuleMeaning {
    const key = `${chain.name}\u0000${index}`;
    let m = this.meanings.get(key);
    if (!m) {
      const rule = chain.rules[index]!;
      m = ruleMeaning(rule, this.familyCond, this.scopeAt(rule.line));
      this.meanings.set(key, m);
    }
    return m;
  }

  private emit(
    guard: readonly Cond[],
    action: 'allow' | 'deny',
    vendorAction: string,
    origin: Origin,
    line: number,
  ) {
    for (const cond of guard) {
      this.out.push({ cond, action, vendorAction, origin, location: { path: this.path, line } });
    }
    if (this.out.length > this.maxRules) throw new StageTooLarge();
  }

  /** A verdict the ruleset can't tell: a maybe-drop then an allow make the region unknown, never allowed. */
  private emitUnknown(guard: readonly Cond[], reason: string, origin: Origin, line: number, word: string) {
    const where = { path: this.path, line };
    const doubtful = guard.map((c) => ({ ...c, unknown: [...c.unknown, { reason, location: where }] }));
    this.emit(doubtful, 'deny', word, origin, line);
    this.emit(guard, 'allow', word, origin, line);
  }

  private and(guard: readonly Cond[], alts: readonly Cond[], line: number): Cond[] {
    const scope = this.scopeAt(line);
    const out = andAlternatives(guard, alts, scope.knownIfs, scope.limit);
    if (!out) throw new StageTooLarge();
    return out;
  }

  private policy(guard: readonly Cond[]): void {
    const b = this.base.base!;
    const action = b.policy === 'drop' ? 'deny' : 'allow';
    this.emit(
      guard,
      action,
      `policy ${b.policy}`,
      { kind: 'policy', table: this.table, chain: this.base, base: this.base },
      b.policyLine ?? b.line,
    );
  }

  private target(name: string, line: number): ChainDef {
    const c = this.table.chains.get(name);
    if (!c)
      throw new InputError(
        this.path,
        line,
        `chain ${name} is not defined in table ${this.table.family} ${this.table.name}`,
      );
    if (c.base)
      throw new InputError(this.path, line, `chain ${name} is a base chain; rules can't jump to it`);
    return c;
  }

  private walk(stack: readonly Frame[], guard: readonly Cond[], full: boolean): void {
    const top = stack[stack.length - 1]!;
    const rules = top.chain.rules;
    for (let i = top.index; i < rules.length; i++) {
      if (this.steps++ >= MAX_STEPS)
        throw new StageTooLarge(
          `take more than ${MAX_STEPS} rule steps to walk (each return goes on with the rest of the calling chains)`,
        );
      const m = this.meaning(top.chain, i);
      if (m.alts.length === 0) continue;
      const line = rules[i]!.line;
      const g = this.and(guard, m.alts, line);
      if (g.length === 0) continue;
      const origin: Origin = { kind: 'rule', table: this.table, chain: top.chain, index: i, base: this.base };
      const here: Frame = { chain: top.chain, index: i + 1 };
      const effect = m.effect;
      if (effect.kind === 'nat-accept') this.emit(g, 'allow', effect.text, origin, line);
      else if (effect.kind === 'unknown') this.emitUnknown(g, effect.reason, origin, line, 'unknown');
      else if (effect.kind === 'verdict' || effect.kind === 'vmap') {
        const verdicts =
          effect.kind === 'verdict'
            ? [{ verdict: effect.verdict, g }]
            : effect.entries.map((e) => ({ verdict: e.verdict, g: this.and(g, e.alts, line) }));
        if (verdicts.every((v) => !GOES_ON.has(v.verdict.kind))) {
          for (const v of verdicts)
            if (v.g.length > 0) this.verdict(v.verdict, v.g, stack, here, origin, line);
          continue;
        }
        // A verdict that walks other chains first: the rest of this chain waits until they are done.
        this.jobs.push({ kind: 'walk', stack: [...stack.slice(0, -1), here], guard, full });
        for (let k = verdicts.length - 1; k >= 0; k--) {
          const v = verdicts[k]!;
          if (v.g.length > 0)
            this.jobs.push({ kind: 'verdict', verdict: v.verdict, g: v.g, stack, here, origin, line });
        }
        return;
      }
    }
    if (!full) return;
    if (stack.length === 1) this.policy(guard);
    else this.jobs.push({ kind: 'walk', stack: stack.slice(0, -1), guard, full: true });
  }

  private verdict(
    v: Verdict,
    g: readonly Cond[],
    stack: readonly Frame[],
    here: Frame,
    origin: Origin,
    line: number,
  ): void {
    const parents = stack.slice(0, -1);
    switch (v.kind) {
      case 'accept':
        return this.emit(g, 'allow', 'accept', origin, line);
      case 'drop':
      case 'reject':
        return this.emit(g, 'deny', v.kind, origin, line);
      case 'queue':
        return this.emitUnknown(g, 'queue hands the packet to a userspace program', origin, line, 'queue');
      case 'continue':
        return;
      case 'jump':
        this.jobs.push({
          kind: 'walk',
          stack: [...parents, here, { chain: this.target(v.chain, line), index: 0 }],
          guard: g,
          full: false,
        });
        return;
      case 'goto':
        this.jobs.push({
          kind: 'walk',
          stack: [...parents, { chain: this.target(v.chain, line), index: 0 }],
          guard: g,
          full: true,
        });
        return;
      case 'return': {
        if (parents.length === 0) {
          const p = this.base.base!.policy;
          return this.emit(g, p === 'drop' ? 'deny' : 'allow', `return (policy ${p})`, origin, line);
        }
        this.jobs.push({ kind: 'walk', stack: parents, guard: g, full: true });
        return;
      }
    }
  }
}
