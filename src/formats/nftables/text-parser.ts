import { InputError } from '../../input/input-error.js';
import type { InputFile } from '../../input/input-file.js';
import { tokenize, type Token } from './lexer.js';
import { parseRule, parseSet, RuleTokens } from './rule-parser.js';
import {
  FAMILIES,
  type ChainDef,
  type Family,
  type RuleDef,
  type Ruleset,
  type SetDef,
  type TableDef,
  type Value,
} from './ruleset.js';

/** Standard priority names (nft(8), "CHAINS", table "Standard priority names"). */
const PRIORITY_NAMES: Record<string, number> = {
  raw: -300,
  mangle: -150,
  dstnat: -100,
  filter: 0,
  security: 50,
  srcnat: 100,
};

/** Table-level objects other than chains and sets: their blocks are read over. */
const OTHER_OBJECTS = new Set([
  'flowtable',
  'counter',
  'quota',
  'limit',
  'secmark',
  'synproxy',
  'ct',
  'tunnel',
]);

/** One statement: its tokens, the line it starts on, and the handle printed after it. */
interface Statement {
  toks: Token[];
  line: number;
  handle?: number;
}

const MAX_DEFINE_DEPTH = 16;

/**
 * Reads nft text: a `nft list ruleset` listing (with or without `-a` handles) or a script for `nft -f`
 * with `define` variables, `flush ruleset`, `table` blocks and `add`/`insert` commands. `include` is refused:
 * the included files are not part of the input.
 */
class TextParser {
  private pos = 0;
  private readonly defines = new Map<string, Token[]>();
  readonly rs: Ruleset = { tables: [], form: 'text', script: false, handles: true };
  private sawRule = false;

  constructor(
    private readonly path: string,
    private readonly toks: Token[],
  ) {}

  private error(line: number, message: string): InputError {
    return new InputError(this.path, line, message);
  }

  private peek(): Token | undefined {
    return this.toks[this.pos];
  }

  /** The next statement's tokens up to a newline or `;` outside braces, or a `{` opening a block. */
  private statement(opensBlock: (words: Token[]) => boolean): Statement | '}' | undefined {
    for (;;) {
      const t = this.peek();
      if (!t) return undefined;
      if (t.kind === 'nl' || (t.kind === 'punct' && t.text === ';')) {
        this.pos++;
        continue;
      }
      break;
    }
    const first = this.peek()!;
    if (first.kind === 'punct' && first.text === '}') {
      this.pos++;
      return '}';
    }
    const toks: Token[] = [];
    let depth = 0;
    let handle: number | undefined;
    for (;;) {
      const t = this.peek();
      if (!t) break;
      if (depth === 0 && (t.kind === 'nl' || (t.kind === 'punct' && t.text === ';'))) {
        handle = t.handle;
        this.pos++;
        break;
      }
      if (t.kind === 'punct' && t.text === '}' && depth === 0) break;
      this.pos++;
      if (t.kind === 'nl') continue;
      if (t.kind === 'word' && t.text.startsWith('$')) {
        toks.push(...this.expand(t, 0));
        continue;
      }
      if (t.kind === 'punct' && t.text === '{') {
        if (depth === 0 && opensBlock(toks)) {
          toks.push(t);
          // The handle of a block header is printed after its "{".
          const after = this.peek();
          if (after?.kind === 'nl' && after.handle !== undefined) handle = after.handle;
          return { toks, line: first.line, ...(handle !== undefined ? { handle } : {}) };
        }
        depth++;
      }
      if (t.kind === 'punct' && t.text === '}') depth--;
      toks.push(t);
    }
    if (depth > 0) throw this.error(first.line, 'a "{" is not closed');
    return { toks, line: first.line, ...(handle !== undefined ? { handle } : {}) };
  }

  /** `$NAME` replaced by the tokens of its `define` (nft(8), "VARIABLES"). */
  private expand(t: Token, depth: number): Token[] {
    const name = t.text.slice(1);
    const body = this.defines.get(name);
    if (!body)
      throw this.error(t.line, `variable "$${name}" is not defined (no "define ${name} = ..." before it)`);
    if (depth > MAX_DEFINE_DEPTH) throw this.error(t.line, `variable "$${name}" refers to itself`);
    const out: Token[] = [];
    for (const b of body) {
      if (b.kind === 'word' && b.text.startsWith('$'))
        out.push(...this.expand({ ...b, line: t.line }, depth + 1));
      else out.push({ ...b, line: t.line });
    }
    return out;
  }

  private table(family: Family, name: string, line: number, handle?: number): TableDef {
    let t = this.rs.tables.find((x) => x.family === family && x.name === name);
    if (!t) {
      t = { family, name, line, dormant: false, chains: new Map(), sets: new Map() };
      if (handle !== undefined) t.handle = handle;
      this.rs.tables.push(t);
    }
    return t;
  }

  private existingTable(family: Family, name: string, line: number): TableDef {
    const t = this.rs.tables.find((x) => x.family === family && x.name === name);
    if (!t) throw this.error(line, `table ${family} ${name} is not defined before this line`);
    return t;
  }

  private chain(table: TableDef, name: string, line: number, handle?: number): ChainDef {
    let c = table.chains.get(name);
    if (!c) {
      c = { name, line, rules: [] };
      if (handle !== undefined) c.handle = handle;
      table.chains.set(name, c);
    }
    return c;
  }

  private existingChain(table: TableDef, name: string, line: number): ChainDef {
    const c = table.chains.get(name);
    if (!c)
      throw this.error(
        line,
        `chain ${name} is not defined in table ${table.family} ${table.name} before this line`,
      );
    return c;
  }

  /** `[family] name` at the start of a table reference; the family defaults to ip (nft(8), "TABLES"). */
  private tableRef(words: Token[], at: number, line: number): { family: Family; name: string; next: number } {
    const w = words[at];
    if (!w) throw this.error(line, 'a table name is missing');
    if (FAMILIES.includes(w.text as Family) && words[at + 1] && words[at + 1]!.kind !== 'punct') {
      return { family: w.text as Family, name: words[at + 1]!.text, next: at + 2 };
    }
    return { family: 'ip', name: w.text, next: at + 1 };
  }

  parse(): Ruleset {
    for (;;) {
      const st = this.statement(
        (w) =>
          w.length > 0 &&
          (w[0]!.text === 'table' ||
            (['add', 'create'].includes(w[0]!.text) &&
              ['table', 'chain', 'set', 'map'].includes(w[1]?.text ?? ''))),
      );
      if (st === undefined) break;
      if (st === '}') throw this.error(this.toks[this.pos - 1]!.line, 'a "}" closes nothing');
      this.topLevel(st);
    }
    return this.rs;
  }

  private topLevel(st: Statement): void {
    const w = st.toks;
    const word = w[0]!.text;
    const line = st.line;
    switch (word) {
      case 'define':
      case 'redefine': {
        this.rs.script = true;
        const name = w[1]?.text;
        if (!name || w[2]?.text !== '=' || w.length < 4)
          throw this.error(line, `expected "${word} NAME = VALUE"`);
        this.defines.set(name, w.slice(3));
        return;
      }
      case 'undefine':
        this.rs.script = true;
        this.defines.delete(w[1]?.text ?? '');
        return;
      case 'include':
        throw this.error(
          line,
          `"include" is not read: the included file is not part of this input. Load the script on a test machine and check its "nft list ruleset" output (or "nft -a list ruleset"), or inline the included file`,
        );
      case 'flush':
        this.rs.script = true;
        if (w[1]?.text === 'ruleset') {
          const fam = w[2]?.text;
          this.rs.tables = fam ? this.rs.tables.filter((t) => t.family !== fam) : [];
          return;
        }
        if (w[1]?.text === 'table') {
          const ref = this.tableRef(w, 2, line);
          for (const c of this.existingTable(ref.family, ref.name, line).chains.values()) c.rules = [];
          return;
        }
        if (w[1]?.text === 'chain') {
          const ref = this.tableRef(w, 2, line);
          const t = this.existingTable(ref.family, ref.name, line);
          this.existingChain(t, w[ref.next]?.text ?? '', line).rules = [];
          return;
        }
        if (w[1]?.text === 'set' || w[1]?.text === 'map') {
          const ref = this.tableRef(w, 2, line);
          const s = this.existingTable(ref.family, ref.name, line).sets.get(w[ref.next]?.text ?? '');
          if (!s) throw this.error(line, `set ${w[ref.next]?.text ?? ''} is not defined before this line`);
          s.elements = [];
          return;
        }
        throw this.error(line, `"flush ${w[1]?.text ?? ''}" is not read`);
      case 'table':
        this.tableBlock(st, 1);
        return;
      case 'add':
      case 'create':
      case 'insert':
        this.rs.script = true;
        this.command(st);
        return;
      case 'delete':
      case 'destroy':
        this.rs.script = true;
        if (w[1]?.text === 'table') {
          const ref = this.tableRef(w, 2, line);
          this.rs.tables = this.rs.tables.filter((t) => !(t.family === ref.family && t.name === ref.name));
          return;
        }
        throw this.error(
          line,
          `"${word} ${w[1]?.text ?? ''}" is not read; export the resulting ruleset with "nft list ruleset"`,
        );
    }
    throw this.error(line, `expected a table, a define or an nft command, found "${word}"`);
  }

  /** `table [family] NAME {` ... `}` (or without a block, from `add table`). */
  private tableBlock(st: Statement, at: number): void {
    const ref = this.tableRef(st.toks, at, st.line);
    const table = this.table(ref.family, ref.name, st.line, st.handle);
    const last = st.toks[st.toks.length - 1];
    if (!(last?.kind === 'punct' && last.text === '{')) {
      if (ref.next < st.toks.length)
        throw this.error(st.line, `unexpected "${st.toks[ref.next]!.text}" after the table name`);
      return;
    }
    for (;;) {
      const inner = this.statement(
        (w) =>
          w.length > 0 && (['chain', 'set', 'map'].includes(w[0]!.text) || OTHER_OBJECTS.has(w[0]!.text)),
      );
      if (inner === undefined) throw this.error(st.line, `table ${ref.name}: its "{" is not closed`);
      if (inner === '}') return;
      const w0 = inner.toks[0]!.text;
      const opens = inner.toks[inner.toks.length - 1]?.text === '{';
      if (w0 === 'chain' && opens) this.chainBlock(table, inner);
      else if ((w0 === 'set' || w0 === 'map') && opens) this.setBlock(table, inner, w0 === 'map');
      else if (OTHER_OBJECTS.has(w0) && opens) this.skipBlock(inner.line);
      else if (w0 === 'flags') table.dormant = inner.toks.some((t) => t.text === 'dormant');
      else if (w0 === 'comment') continue;
      else throw this.error(inner.line, `expected a chain, set or map in table ${ref.name}, found "${w0}"`);
    }
  }

  private skipBlock(line: number): void {
    let depth = 1;
    while (depth > 0) {
      const t = this.toks[this.pos++];
      if (!t) throw this.error(line, 'a "{" is not closed');
      if (t.kind === 'punct' && t.text === '{') depth++;
      if (t.kind === 'punct' && t.text === '}') depth--;
    }
  }

  private chainName(st: Statement, at: number): string {
    const t = st.toks[at];
    if (!t || (t.kind !== 'word' && t.kind !== 'string'))
      throw this.error(st.line, 'a chain name is missing');
    return t.text;
  }

  /** `chain NAME {` ... `}`: the base chain's type, hook, priority and policy, then rules. */
  private chainBlock(table: TableDef, st: Statement, at = 1): void {
    const chain = this.chain(table, this.chainName(st, at), st.line, st.handle);
    for (;;) {
      const inner = this.statement(() => false);
      if (inner === undefined) throw this.error(st.line, `chain ${chain.name}: its "{" is not closed`);
      if (inner === '}') {
        chain.endLine = this.toks[this.pos - 1]!.line;
        return;
      }
      this.chainStatement(table, chain, inner, 'block');
    }
  }

  private chainStatement(table: TableDef, chain: ChainDef, st: Statement, form: 'block' | 'command'): void {
    const w0 = st.toks[0]!.text;
    if (w0 === 'type' && st.toks[0]!.kind === 'word') return this.hookSpec(chain, st);
    if (w0 === 'policy' && st.toks[0]!.kind === 'word') {
      const p = st.toks[1]?.text;
      if (p !== 'accept' && p !== 'drop')
        throw this.error(st.line, `a chain policy is accept or drop, not "${p ?? ''}"`);
      if (!chain.base)
        throw this.error(st.line, `chain ${chain.name}: "policy" before its "type ... hook ..." line`);
      chain.base.policy = p;
      chain.base.policyLine = st.line;
      return;
    }
    if (
      (w0 === 'comment' && st.toks.length === 2) ||
      w0 === 'devices' ||
      (w0 === 'flags' && st.toks.length === 2)
    )
      return;
    this.addRule(table, chain, st, form, 'end');
  }

  /** `type TYPE hook HOOK [device DEV] priority PRIORITY` (nft(8), "CHAINS"). */
  private hookSpec(chain: ChainDef, st: Statement): void {
    const w = st.toks.map((t) => t.text);
    const type = w[1];
    const hookAt = w.indexOf('hook');
    const prioAt = w.indexOf('priority');
    if (!type || hookAt < 0 || prioAt < 0 || !w[hookAt + 1])
      throw this.error(st.line, 'a base chain needs "type TYPE hook HOOK priority PRIORITY"');
    const devAt = w.indexOf('device');
    const prio = w.slice(prioAt + 1);
    chain.base = {
      type,
      hook: w[hookAt + 1]!,
      priority: this.priority(prio, st.line),
      policy: chain.base?.policy ?? 'accept',
      line: st.line,
      ...(chain.base?.policyLine !== undefined ? { policyLine: chain.base.policyLine } : {}),
      ...(devAt >= 0 && w[devAt + 1] ? { device: w[devAt + 1]! } : {}),
    };
  }

  private priority(words: string[], line: number): number {
    const joined = /^([a-z]+)([+-]\d+)$/.exec(words[0] ?? '');
    if (joined) words = [joined[1]!, joined[2]!];
    const base = words[0];
    if (base === undefined) throw this.error(line, 'a priority value is missing');
    let value: number;
    if (/^-?\d+$/.test(base)) value = Number(base);
    else if (base in PRIORITY_NAMES) value = PRIORITY_NAMES[base]!;
    else
      throw this.error(
        line,
        `unknown chain priority "${base}" (a number, or raw, mangle, dstnat, filter, security, srcnat)`,
      );
    if (words.length >= 3 && (words[1] === '+' || words[1] === '-') && /^\d+$/.test(words[2]!)) {
      value += (words[1] === '+' ? 1 : -1) * Number(words[2]);
    } else if (words.length >= 2 && /^[+-]\d+$/.test(words[1]!)) value += Number(words[1]);
    return value;
  }

  private addRule(
    table: TableDef,
    chain: ChainDef,
    st: Statement,
    form: 'block' | 'command',
    where: 'end' | 'start' | { before?: number; after?: number; index?: number; insert: boolean },
    from = 0,
  ): void {
    const ts = new RuleTokens(this.path, st.toks.slice(from), st.line);
    const { items, comment } = parseRule(ts);
    const rule: RuleDef = { line: st.line, items, form, ...(comment !== undefined ? { comment } : {}) };
    if (st.handle !== undefined) rule.handle = st.handle;
    else this.rs.handles = false;
    this.sawRule = true;
    chain.lastRule = { line: st.line, form };
    if (where === 'end') chain.rules.push(rule);
    else if (where === 'start') chain.rules.unshift(rule);
    else {
      let at: number;
      if (where.index !== undefined) at = where.index;
      else {
        const h = where.before ?? where.after;
        at = chain.rules.findIndex((r) => r.handle === h);
        if (at < 0) throw this.error(st.line, `no rule with handle ${h} in chain ${chain.name}`);
      }
      if (at > chain.rules.length)
        throw this.error(st.line, `chain ${chain.name} has no rule at index ${at}`);
      chain.rules.splice(where.insert ? at : at + 1, 0, rule);
    }
  }

  /** `add|create|insert table|chain|rule|set|map|element ...` (nft(8), command forms). */
  private command(st: Statement): void {
    const w = st.toks;
    const verb = w[0]!.text;
    const object = w[1]?.text;
    const line = st.line;
    if (object === 'table' && verb !== 'insert') return this.tableBlock(st, 2);
    if (verb === 'insert' && object !== 'rule')
      throw this.error(line, `"insert ${object ?? ''}" is not an nft command`);
    const ref = this.tableRef(w, 2, line);
    const table = this.existingTable(ref.family, ref.name, line);
    if (object === 'chain') {
      const opens = w[w.length - 1]?.text === '{';
      if (opens) this.chainBlock(table, { ...st, toks: w.slice(ref.next - 1) }, 1);
      else this.chain(table, this.chainName(st, ref.next), line, st.handle);
      return;
    }
    if (object === 'rule') {
      const chain = this.existingChain(table, this.chainName(st, ref.next), line);
      let at = ref.next + 1;
      let where: Parameters<TextParser['addRule']>[4] = verb === 'insert' ? 'start' : 'end';
      const loc = w[at]?.text;
      if (loc === 'handle' || loc === 'position' || loc === 'index') {
        const n = Number(w[at + 1]?.text);
        if (!Number.isInteger(n) || n < 0) throw this.error(line, `"${loc}" needs a number`);
        where =
          loc === 'index'
            ? { index: n, insert: verb === 'insert' }
            : verb === 'insert'
              ? { before: n, insert: true }
              : { after: n, insert: false };
        at += 2;
      }
      // A rule from a command keeps the command's handle comment only in listings, never in scripts.
      this.addRule(table, chain, { ...st }, 'command', where, at);
      return;
    }
    if (object === 'set' || object === 'map') {
      const opens = w[w.length - 1]?.text === '{';
      if (!opens) throw this.error(line, `"${verb} ${object}" needs a "{ type ... }" block`);
      this.setBlock(table, { ...st, toks: w.slice(ref.next - 1) }, object === 'map');
      return;
    }
    if (object === 'element') {
      const set = table.sets.get(w[ref.next]?.text ?? '');
      if (!set) throw this.error(line, `set ${w[ref.next]?.text ?? ''} is not defined before this line`);
      const ts = new RuleTokens(this.path, w.slice(ref.next + 1), line);
      const v = parseSet(ts);
      if (v.kind === 'set') set.elements.push(...v.elements);
      return;
    }
    throw this.error(line, `"${verb} ${object ?? ''}" is not read`);
  }

  /** `set NAME {` / `map NAME {`: type, flags and elements (nft(8), "SETS", "MAPS"). */
  private setBlock(table: TableDef, st: Statement, isMap: boolean): void {
    const name = this.chainName(st, 1);
    const set: SetDef = table.sets.get(name) ?? { name, line: st.line, isMap, flags: [], elements: [] };
    table.sets.set(name, set);
    for (;;) {
      const inner = this.statement(() => false);
      if (inner === undefined) throw this.error(st.line, `set ${name}: its "{" is not closed`);
      if (inner === '}') return;
      const w = inner.toks;
      const w0 = w[0]!.text;
      if (w0 === 'type' || w0 === 'typeof') {
        const colon = w.findIndex((t) => t.text === ':');
        if (colon >= 0)
          set.dataType = w
            .slice(colon + 1)
            .map((t) => t.text)
            .join(' ');
      } else if (w0 === 'flags') {
        set.flags.push(
          ...w
            .slice(1)
            .filter((t) => t.kind === 'word')
            .map((t) => t.text),
        );
      } else if (w0 === 'elements') {
        const ts = new RuleTokens(this.path, w.slice(w[1]?.text === '=' ? 2 : 1), inner.line);
        const v: Value = parseSet(ts);
        if (v.kind === 'set') set.elements.push(...v.elements);
      }
      // timeout, size, policy, counter, auto-merge, gc-interval, comment: no bearing on what matches now.
    }
  }

  hadRules(): boolean {
    return this.sawRule;
  }
}

/** Reads a text listing or script into a ruleset. Throws InputError naming file:line. */
export function parseText(file: InputFile): Ruleset {
  const parser = new TextParser(file.path, tokenize(file.path, file.text));
  const rs = parser.parse();
  if (!parser.hadRules()) rs.handles = false;
  return rs;
}
