import { InputError } from '../../input/input-error.js';
import type { InputFile } from '../../input/input-file.js';
import { parseJsonDocument, type PositionedDocument } from '../../input/positioned.js';
import {
  FAMILIES,
  type ChainDef,
  type Family,
  type Match,
  type Op,
  type RuleDef,
  type RuleItem,
  type Ruleset,
  type Selector,
  type TableDef,
  type Value,
  type Verdict,
} from './ruleset.js';

type Obj = Record<string, unknown>;

const isObj = (x: unknown): x is Obj => typeof x === 'object' && x !== null && !Array.isArray(x);

/** The one key of a JSON expression object (`{"payload": {...}}`), and its value. */
function single(x: unknown): [string, unknown] | undefined {
  if (!isObj(x)) return undefined;
  const keys = Object.keys(x);
  return keys.length === 1 ? [keys[0]!, x[keys[0]!]] : undefined;
}

const OPS: Record<string, Op> = {
  '==': '==',
  '!=': '!=',
  '<': '<',
  '>': '>',
  '<=': '<=',
  '>=': '>=',
  in: 'implicit',
};
const VERDICT_WORDS = new Set(['accept', 'drop', 'continue', 'return', 'queue']);
/** Statements with no bearing on the first packet's verdict (libnftables-json(5), "STATEMENTS"). */
const HARMLESS = new Set([
  'counter',
  'log',
  'mangle',
  'dup',
  'fwd',
  'flow',
  'secmark',
  'last',
  'ct helper',
  'ct timeout',
  'ct expectation',
]);

/**
 * Reads `nft -j list ruleset` output (libnftables-json(5)): the `nftables` array of table, chain, set, map
 * and rule objects. Lines are those of the objects in the file (a one-line listing puts them all on line 1).
 */
class JsonReader {
  readonly rs: Ruleset = { tables: [], form: 'json', script: false, handles: true };

  constructor(private readonly doc: PositionedDocument) {}

  private err(at: (string | number)[], message: string): InputError {
    return this.doc.error(at, message);
  }

  private table(o: Obj, at: (string | number)[]): TableDef {
    const family = o.family;
    const name = o.table ?? o.name;
    if (typeof family !== 'string' || !FAMILIES.includes(family as Family) || typeof name !== 'string')
      throw this.err(at, 'expected "family" (ip, ip6, inet, arp, bridge, netdev) and a table name');
    let t = this.rs.tables.find((x) => x.family === family && x.name === name);
    if (!t) {
      t = {
        family: family as Family,
        name,
        line: this.doc.lineAt(at),
        dormant: false,
        chains: new Map(),
        sets: new Map(),
      };
      this.rs.tables.push(t);
    }
    return t;
  }

  read(): Ruleset {
    const root = this.doc.value;
    if (!isObj(root) || !Array.isArray(root.nftables))
      throw this.err([], 'expected {"nftables": [ ... ]} (nft -j list ruleset)');
    root.nftables.forEach((entry, i) => this.entry(entry, ['nftables', i]));
    return this.rs;
  }

  private entry(entry: unknown, at: (string | number)[]): void {
    const kv = single(entry);
    if (!kv) throw this.err(at, 'expected an object with one key (table, chain, set, map, rule ...)');
    const [kind, body] = kv;
    const here = [...at, kind];
    if (['add', 'insert', 'create', 'delete', 'flush', 'replace', 'destroy'].includes(kind)) {
      throw this.err(at, `JSON commands ("${kind}") are not read; give the output of "nft -j list ruleset"`);
    }
    if (!isObj(body)) {
      if (kind === 'metainfo') return;
      throw this.err(here, `"${kind}" is not an object`);
    }
    switch (kind) {
      case 'metainfo':
        return;
      case 'table': {
        const t = this.table(body, here);
        if (typeof body.handle === 'number') t.handle = body.handle;
        const flags = body.flags;
        t.dormant = flags === 'dormant' || (Array.isArray(flags) && flags.includes('dormant'));
        return;
      }
      case 'chain':
        return this.chain(body, here);
      case 'set':
      case 'map':
        return this.set(body, here, kind === 'map');
      case 'element': {
        const t = this.table(body, here);
        const s = t.sets.get(String(body.name));
        if (!s) throw this.err(here, `set ${String(body.name)} is not defined before this element`);
        if (Array.isArray(body.elem))
          s.elements.push(...body.elem.map((e, k) => this.value(e, [...here, 'elem', k])));
        return;
      }
      case 'rule':
        return this.rule(body, here);
    }
    // flowtable, counter, quota, ct helper ... objects: no bearing on which packets are accepted.
  }

  private chain(o: Obj, at: (string | number)[]): void {
    const t = this.table(o, at);
    const name = o.name;
    if (typeof name !== 'string') throw this.err(at, 'a chain needs a "name"');
    const c: ChainDef = t.chains.get(name) ?? { name, line: this.doc.lineAt(at), rules: [] };
    if (typeof o.handle === 'number') c.handle = o.handle;
    if (o.hook !== undefined) {
      const prio = o.prio;
      if (typeof o.hook !== 'string' || typeof o.type !== 'string' || typeof prio !== 'number')
        throw this.err(at, 'a base chain needs "type", "hook" and a numeric "prio"');
      const policy = o.policy ?? 'accept';
      if (policy !== 'accept' && policy !== 'drop')
        throw this.err([...at, 'policy'], `a chain policy is accept or drop, not "${String(policy)}"`);
      c.base = {
        type: o.type,
        hook: o.hook,
        priority: prio,
        policy,
        line: this.doc.lineAt(at),
        policyLine: this.doc.lineAt([...at, 'policy']),
        ...(typeof o.dev === 'string' ? { device: o.dev } : {}),
      };
    }
    t.chains.set(name, c);
  }

  private set(o: Obj, at: (string | number)[], isMap: boolean): void {
    const t = this.table(o, at);
    const name = o.name;
    if (typeof name !== 'string') throw this.err(at, 'a set needs a "name"');
    const flags = Array.isArray(o.flags) ? o.flags.map(String) : typeof o.flags === 'string' ? [o.flags] : [];
    const elements = Array.isArray(o.elem) ? o.elem.map((e, k) => this.value(e, [...at, 'elem', k])) : [];
    t.sets.set(name, {
      name,
      line: this.doc.lineAt(at),
      isMap,
      ...(isMap ? { dataType: String(o.map) } : {}),
      flags,
      elements,
    });
  }

  private rule(o: Obj, at: (string | number)[]): void {
    const t = this.table(o, at);
    const chainName = o.chain;
    if (typeof chainName !== 'string') throw this.err(at, 'a rule needs a "chain"');
    const chain = t.chains.get(chainName);
    if (!chain) throw this.err(at, `chain ${chainName} is not defined before this rule`);
    if (!Array.isArray(o.expr)) throw this.err(at, 'a rule needs an "expr" list');
    const items = o.expr.map((e, k) => this.item(e, [...at, 'expr', k]));
    const line = this.doc.lineAt(at);
    const rule: RuleDef = { line, items, form: 'block' };
    if (typeof o.handle === 'number') rule.handle = o.handle;
    else this.rs.handles = false;
    if (typeof o.comment === 'string') rule.comment = o.comment;
    chain.rules.push(rule);
    chain.lastRule = { line, form: 'block' };
  }

  private verdict(kind: string, body: unknown, at: (string | number)[]): Verdict | undefined {
    if (VERDICT_WORDS.has(kind)) return { kind: kind as 'accept' | 'drop' | 'continue' | 'return' | 'queue' };
    if (kind === 'reject') {
      const type = isObj(body) ? body.type : undefined;
      return type === 'icmp' || type === 'icmpv6' || type === 'icmpx' || type === 'tcp reset'
        ? { kind: 'reject', with: type }
        : { kind: 'reject' };
    }
    if (kind === 'jump' || kind === 'goto') {
      const target = isObj(body) ? body.target : undefined;
      if (typeof target !== 'string') throw this.err(at, `"${kind}" needs a "target" chain`);
      return { kind, chain: target };
    }
    return undefined;
  }

  private item(e: unknown, at: (string | number)[]): RuleItem {
    const kv = single(e);
    if (!kv) throw this.err(at, 'expected a statement object with one key');
    const [kind, body] = kv;
    const verdict = this.verdict(kind, body, at);
    if (verdict) return { kind: 'verdict', verdict };
    switch (kind) {
      case 'match': {
        if (!isObj(body) || !('left' in body) || !('right' in body))
          throw this.err(at, '"match" needs "left" and "right"');
        const op = OPS[String(body.op)];
        if (!op) throw this.err([...at, 'match', 'op'], `unknown operator "${String(body.op)}"`);
        const { selector, mask, otherBinop } = this.selector(body.left, [...at, 'match', 'left']);
        const match: Match = { selector, op, value: this.value(body.right, [...at, 'match', 'right']) };
        if (mask) match.mask = mask;
        if (otherBinop) match.otherBinop = otherBinop;
        return { kind: 'match', match };
      }
      case 'vmap': {
        if (!isObj(body)) throw this.err(at, '"vmap" needs "key" and "data"');
        const { selector } = this.selector(body.key, [...at, 'vmap', 'key']);
        return { kind: 'vmap', selector, map: this.value(body.data, [...at, 'vmap', 'data']) };
      }
      case 'masquerade':
      case 'snat':
      case 'dnat':
      case 'redirect':
      case 'tproxy':
        return { kind: 'nat', type: kind };
      case 'notrack':
        return { kind: 'notrack' };
      case 'set': {
        const set = isObj(body) ? body.set : undefined;
        return { kind: 'set-update', set: typeof set === 'string' ? set.replace(/^@/, '') : '' };
      }
      case 'mangle': {
        const key = isObj(body) ? single(body.key) : undefined;
        const field = key && key[0] === 'payload' && isObj(key[1]) ? String(key[1].field) : '';
        if (['saddr', 'daddr', 'sport', 'dport'].includes(field)) return { kind: 'nat', type: 'dnat' };
        return { kind: 'statement', text: 'mangle' };
      }
    }
    if (HARMLESS.has(kind)) return { kind: 'statement', text: kind };
    return { kind: 'unknown-match', text: JSON.stringify(e) };
  }

  private selector(
    x: unknown,
    at: (string | number)[],
  ): { selector: Selector; mask?: Value; otherBinop?: string } {
    const kv = single(x);
    if (!kv) throw this.err(at, 'expected an expression object');
    const [kind, body] = kv;
    if (['&', '|', '^', '<<', '>>'].includes(kind) && Array.isArray(body) && body.length === 2) {
      const inner = this.selector(body[0], [...at, kind, 0]);
      if (kind === '&' && !inner.mask && !inner.otherBinop)
        return { selector: inner.selector, mask: this.value(body[1], [...at, kind, 1]) };
      return { selector: inner.selector, otherBinop: kind };
    }
    const b = isObj(body) ? body : {};
    switch (kind) {
      case 'payload':
        if (typeof b.protocol === 'string' && typeof b.field === 'string')
          return { selector: { kind: 'payload', protocol: b.protocol, field: b.field } };
        break;
      case 'meta':
        if (typeof b.key === 'string') return { selector: { kind: 'meta', key: b.key } };
        break;
      case 'ct':
        if (typeof b.key === 'string')
          return {
            selector: { kind: 'ct', key: b.key, ...(typeof b.dir === 'string' ? { dir: b.dir } : {}) },
          };
        break;
      case 'concat':
        if (Array.isArray(body))
          return {
            selector: {
              kind: 'concat',
              parts: body.map((p, k) => this.selector(p, [...at, 'concat', k]).selector),
            },
          };
        break;
      case 'tcp option':
        return {
          selector: {
            kind: 'other',
            text: `tcp option ${JSON.stringify(body)}`,
            implies: { kind: 'payload', protocol: 'tcp', field: 'option' },
          },
        };
    }
    return { selector: { kind: 'other', text: JSON.stringify(x) } };
  }

  private value(x: unknown, at: (string | number)[]): Value {
    if (typeof x === 'number' || typeof x === 'boolean')
      return { kind: 'atom', text: String(x), quoted: false };
    if (typeof x === 'string') {
      if (x.startsWith('@')) return { kind: 'ref', name: x.slice(1) };
      return { kind: 'atom', text: x, quoted: true };
    }
    if (Array.isArray(x)) {
      // A map element is [key, data]; elsewhere a list is a bitmask (`ct state established,related`).
      if (x.length === 2 && single(x[1]) && this.verdict(single(x[1])![0], single(x[1])![1], at))
        return {
          kind: 'mapping',
          key: this.value(x[0], [...at, 0]),
          value: { kind: 'verdict', verdict: this.verdict(single(x[1])![0], single(x[1])![1], at)! },
        };
      return { kind: 'flags', items: x.map((v, k) => this.value(v, [...at, k])) };
    }
    const kv = single(x);
    if (kv) {
      const [kind, body] = kv;
      const verdict = this.verdict(kind, body, at);
      if (verdict) return { kind: 'verdict', verdict };
      switch (kind) {
        case 'set':
          if (Array.isArray(body))
            return { kind: 'set', elements: body.map((v, k) => this.value(v, [...at, 'set', k])) };
          return { kind: 'set', elements: [this.value(body, [...at, 'set'])] };
        case 'prefix':
          if (isObj(body) && typeof body.addr === 'string' && typeof body.len === 'number')
            return { kind: 'prefix', addr: body.addr, len: body.len };
          break;
        case 'range':
          if (Array.isArray(body) && body.length === 2)
            return {
              kind: 'range',
              lo: this.value(body[0], [...at, 'range', 0]),
              hi: this.value(body[1], [...at, 'range', 1]),
            };
          break;
        case 'concat':
          if (Array.isArray(body))
            return { kind: 'concat', parts: body.map((v, k) => this.value(v, [...at, 'concat', k])) };
          break;
        case 'elem':
          if (isObj(body)) return this.value(body.val, [...at, 'elem', 'val']);
          break;
        case '|':
          if (Array.isArray(body)) {
            const items = body.map((v, k) => this.value(v, [...at, '|', k]));
            return { kind: 'flags', items: items.flatMap((v) => (v.kind === 'flags' ? v.items : [v])) };
          }
          break;
      }
    }
    return { kind: 'atom', text: JSON.stringify(x), quoted: false };
  }
}

/** Reads `nft -j list ruleset` JSON into a ruleset. Throws InputError naming file:line. */
export function parseJson(file: InputFile): Ruleset {
  return new JsonReader(parseJsonDocument(file)).read();
}
