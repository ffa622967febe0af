import { evaluateFlow } from '../../evaluate/evaluate.js';
import { InputError } from '../../input/input-error.js';
import type { InputFile } from '../../input/input-file.js';
import { flowLabel } from '../../model/flow.js';
import type { Policy } from '../../model/policy.js';
import { applyEdits } from '../../remediate/apply-edits.js';
import { placementFor } from '../../remediate/groups.js';
import { fixRuleName } from '../../remediate/naming.js';
import type { Edit, FixRequest, ProposedFix, Unfixable } from '../../remediate/types.js';
import { fixRuleBodies, plainName } from './fix-rule.js';
import type { Origin } from './inline.js';
import { readRuleset } from './read-ruleset.js';
import { buildPolicy, originOf, rulesetOf } from './policy-builder.js';
import { tokenize } from './lexer.js';
import { parseRule, RuleTokens } from './rule-parser.js';
import type { ChainDef, RuleDef, Ruleset, TableDef } from './ruleset.js';

/** A flow passes several base chains; each round finds the next one that drops it. */
const MAX_ROUNDS = 6;

/** Where one new rule goes: before a rule of a chain (by its index there), or at the chain's end. */
interface Position {
  table: TableDef;
  chain: ChainDef;
  /** The hook of the base chain the rule is reached from (which interfaces a packet has there). */
  hook: string;
  /** Index of the rule it goes before, or undefined for after the chain's last rule. */
  before?: number;
}

/** The lines of the original file a patched line came from (undefined: a line the edits inserted). */
function originalLine(patched: number, edits: readonly Edit[]): number | undefined {
  let offset = 0;
  for (const e of [...edits].sort((a, b) => a.line - b.line)) {
    const n = e.insert.replace(/\n$/, '').split('\n').length;
    const start = e.line + offset;
    if (patched < start) break;
    if (patched < start + n) return undefined;
    offset += n;
  }
  return patched - offset;
}

const indentOf = (line: string) => /^[ \t]*/.exec(line)![0];

/**
 * The nftables fix: an accept rule, in the chain whose rule (or policy) drops the flows, before that rule
 * or after the chain's last rule, in every base chain on the hook that drops them (a drop in any is final:
 * nft(8), "VERDICT STATEMENT"). Edits insert the rule line into the listing or script; commands are
 * `nft insert rule FAMILY TABLE CHAIN handle H ...` before the rule with handle H (`nft -a` listings and
 * JSON carry handles), `index N` (counting from 0) where the listing has none, or `nft add rule` to append
 * (nft(8), "RULES": add/insert with a handle or index location).
 */
export function remediateNftables(req: FixRequest): ProposedFix | Unfixable {
  const file = req.files[0]!;
  const rs = rulesetOf(req.policy);
  if (!rs) return { unfixable: 'the policy was not read by the nftables reader' };
  const json = rs.form === 'json';
  const name = fixRuleName(req.group.kind, req.ruleNames);
  const earlier = req.earlier.flatMap((f) => f.edits.filter((e) => e.path === file.path));
  const positions: Position[] = [];
  let current: Policy = req.policy;
  // The edits the current policy was read with (none: the policy as the check read it).
  let applied: Edit[] = [];
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const failing = req.group.flows
      .map((flow) => ({ flow, result: evaluateFlow(current, flow, req.scope) }))
      .filter((r) => r.result.verdict !== 'allowed');
    if (failing.length === 0) {
      if (positions.length === 0) return { unfixable: 'the flows are already allowed' };
      const fix = proposal(req, rs, file, name, positions);
      return json && !('unfixable' in fix) ? commandsOnly(fix) : fix;
    }
    let index = Infinity;
    for (const f of failing) {
      const at = placementFor(f.result);
      if (at === undefined)
        return { unfixable: `${flowLabel(f.flow)} could not be evaluated: ${f.result.detail}` };
      index = Math.min(index, at < 0 ? Infinity : at);
    }
    if (index === Infinity) {
      return {
        unfixable: `${flowLabel(failing[0]!.flow)} is ${failing[0]!.result.verdict} with no rule or chain policy to place an accept before`,
      };
    }
    const rule = current.rules[index]!;
    const patchedRs = rulesetOf(current);
    const origin = originOf(rule);
    if (!origin || !patchedRs) return { unfixable: `rule "${rule.name}" comes from no chain` };
    const position = json ? listedPosition(origin, rs) : originalPosition(origin, rs, applied);
    if (typeof position === 'string') return { unfixable: position };
    if (
      positions.some(
        (p) => p.chain === position.chain && p.before === position.before && p.hook === position.hook,
      )
    ) {
      const still = failing[0]!;
      return {
        unfixable: `with the new rule in chain ${position.chain.name}, ${flowLabel(still.flow)} is still ${still.result.verdict} (${still.result.detail})`,
      };
    }
    positions.push(position);
    try {
      if (json) {
        const patched = withRules(rs, file.path, positions, (p) => fixRuleBodies(req, placeOf(rs, p), name));
        current = buildPolicy(file.path, patched, req.read.chain);
      } else {
        applied = [...earlier, ...edits(req, rs, file, name, positions)];
        current = buildPolicy(
          file.path,
          readRuleset({ path: file.path, text: applyEdits(file.text, applied) }),
          req.read.chain,
        );
      }
    } catch (e) {
      if (e instanceof InputError) return { unfixable: `the patched ruleset does not read: ${e.format()}` };
      throw e;
    }
  }
  return { unfixable: `more than ${MAX_ROUNDS} chains would need a rule` };
}

/** A JSON ruleset's chain and rule a rule of the ruleset with the new rules (withRules) stands for. */
function listedPosition(origin: Origin, rs: Ruleset): Position | string {
  const table = rs.tables.find((t) => t.family === origin.table.family && t.name === origin.table.name);
  const chain = table?.chains.get(origin.chain.name);
  if (!table || !chain) return `chain ${origin.chain.name} is not in the original ruleset`;
  const hook = origin.base.base!.hook;
  if (origin.kind === 'policy') return { table, chain, hook };
  const before = chain.rules.indexOf(origin.chain.rules[origin.index]!);
  if (before < 0) return `rule "${origin.chain.name} #${origin.index + 1}" is one the fix itself adds`;
  return { table, chain, hook, before };
}

/**
 * The ruleset with the new rules in place, as `nft insert rule ... handle H` / `nft add rule` put them:
 * its tables and chains copied, its own rules kept (so that listedPosition finds them), the new ones read
 * from their nft text at the line of the rule (or chain) they go before.
 */
function withRules(
  rs: Ruleset,
  path: string,
  positions: readonly Position[],
  bodies: (p: Position) => string[] | string,
): Ruleset {
  const copies = new Map<ChainDef, ChainDef>();
  const tables = rs.tables.map((t) => {
    const chains = new Map<string, ChainDef>();
    for (const [k, c] of t.chains) {
      const copy = { ...c, rules: [...c.rules] };
      copies.set(c, copy);
      chains.set(k, copy);
    }
    return { ...t, chains };
  });
  for (const p of positions) {
    const texts = bodies(p);
    if (typeof texts === 'string') continue;
    const chain = copies.get(p.chain)!;
    const target = p.before !== undefined ? p.chain.rules[p.before] : undefined;
    const line = target?.line ?? p.chain.line;
    const added = texts.map((text): RuleDef => {
      const { items, comment } = parseRule(
        new RuleTokens(
          path,
          tokenize(path, text).map((t) => ({ ...t, line })),
          line,
        ),
      );
      return { line, items, form: 'command', ...(comment !== undefined ? { comment } : {}) };
    });
    const at = target ? chain.rules.indexOf(target) : chain.rules.length;
    chain.rules.splice(at, 0, ...added);
  }
  return { ...rs, tables };
}

/**
 * A JSON export is not edited, so the core can't prove the fix by re-reading a patched file: the commands
 * are given with what they were checked against (the ruleset as read, with the new rules put in as the
 * commands put them), and the fix is not offered as proven.
 */
function commandsOnly(fix: ProposedFix): Unfixable {
  if (fix.commands.length === 0)
    return {
      unfixable: `nft -j JSON exports are not edited, and ${fix.notes?.join('; ') ?? 'no command can be typed'}`,
    };
  return {
    unfixable: `nft -j JSON exports are not edited, so this fix is not proven by re-reading the file. These commands insert the rule into the ruleset the export lists, before the rule with the handle named or at the chain's end; with the rules put in that way, this check reads the flows as allowed: ${fix.commands.join(' ; ')}${fix.notes?.length ? ` (${fix.notes.join('; ')})` : ''}`,
  };
}

/** The original ruleset's chain and rule a rule of the patched one stands for. */
function originalPosition(origin: Origin, rs: Ruleset, edits: readonly Edit[]): Position | string {
  const table = rs.tables.find((t) => t.family === origin.table.family && t.name === origin.table.name);
  const chain = table?.chains.get(origin.chain.name);
  if (!table || !chain) return `chain ${origin.chain.name} is not in the original ruleset`;
  const hook = origin.base.base!.hook;
  if (origin.kind === 'policy') return { table, chain, hook };
  const line = originalLine(origin.chain.rules[origin.index]!.line, edits);
  const before = chain.rules.findIndex((r) => r.line === line);
  if (line === undefined || before < 0)
    return `rule "${origin.chain.name} #${origin.index + 1}" is one the fix itself adds`;
  return { table, chain, hook, before };
}

function placeOf(rs: Ruleset, p: Position): { family: TableDef['family']; hook: string; router: boolean } {
  const router = [...rs.tables].some((t) => [...t.chains.values()].some((c) => c.base?.hook === 'forward'));
  return { family: p.table.family, hook: p.hook, router };
}

/** The edits for every position: a line in the chain's block, or a command at the end of a script. */
function edits(
  req: FixRequest,
  rs: Ruleset,
  file: InputFile,
  name: string,
  positions: readonly Position[],
): Edit[] {
  const lines = file.text.split('\n');
  const out: Edit[] = [];
  for (const p of positions) {
    const bodies = fixRuleBodies(req, placeOf(rs, p), name);
    if (typeof bodies === 'string') continue;
    const target = p.before !== undefined ? p.chain.rules[p.before]! : undefined;
    if (target?.form === 'block') {
      const pad = indentOf(lines[target.line - 1] ?? '');
      out.push({ path: file.path, line: target.line, insert: `${bodies.map((b) => pad + b).join('\n')}\n` });
      continue;
    }
    const last = p.chain.lastRule;
    if (
      !target &&
      p.chain.endLine !== undefined &&
      (!last || last.form === 'block') &&
      p.chain.endLine !== last?.line
    ) {
      const ref = last ? lines[last.line - 1]! : lines[p.chain.endLine - 1]!;
      const pad = last ? indentOf(ref) : `${indentOf(ref)}\t`;
      out.push({
        path: file.path,
        line: p.chain.endLine,
        insert: `${bodies.map((b) => pad + b).join('\n')}\n`,
      });
      continue;
    }
    // Rules added by commands: a command at the end of the script puts the rule in its place.
    const where = target
      ? `insert rule ${p.table.family} ${p.table.name} ${p.chain.name} index ${p.before}`
      : `add rule ${p.table.family} ${p.table.name} ${p.chain.name}`;
    out.push({
      path: file.path,
      line: lines.length + (file.text.endsWith('\n') ? 0 : 1),
      insert: `${bodies.map((b) => `${where} ${b}`).join('\n')}\n`,
    });
  }
  return out;
}

function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

function proposal(
  req: FixRequest,
  rs: Ruleset,
  file: InputFile,
  name: string,
  positions: readonly Position[],
): ProposedFix | Unfixable {
  const notes: string[] = [];
  const commands: string[] = [];
  for (const p of positions) {
    const bodies = fixRuleBodies(req, placeOf(rs, p), name);
    if (typeof bodies === 'string') return { unfixable: bodies };
    if (!plainName(p.table.name) || !plainName(p.chain.name)) {
      notes.push(
        `table ${p.table.name} / chain ${p.chain.name} can't be typed in an nft command; apply the edit with nft -f`,
      );
      continue;
    }
    const target = p.before !== undefined ? p.chain.rules[p.before]! : undefined;
    const ref = `${p.table.family} ${p.table.name} ${p.chain.name}`;
    for (const body of bodies) {
      if (!target) commands.push(`nft ${shellQuote(`add rule ${ref} ${body}`)}`);
      else if (target.handle !== undefined)
        commands.push(`nft ${shellQuote(`insert rule ${ref} handle ${target.handle} ${body}`)}`);
      else commands.push(`nft ${shellQuote(`insert rule ${ref} index ${p.before} ${body}`)}`);
    }
    if (target && target.handle === undefined) {
      notes.push(
        `the listing has no handles (nft -a list ruleset): the command inserts by index, which holds while the loaded ruleset is this file`,
      );
    }
  }
  if (!req.sources)
    notes.push(
      'no client sources were given (--source): the rule allows any source; name the clients for a narrower rule',
    );
  if (!req.group.anyDestination) {
    notes.push(
      'nft matches no host names (a name is resolved once, when the rule is loaded): the rule allows these ports to any address',
    );
  }
  const all = edits(req, rs, file, name, positions);
  return { name, edits: all, commands, notes: [...new Set(notes)] };
}
