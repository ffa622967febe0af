import { InputError } from '../../input/input-error.js';
import type { Token } from './lexer.js';
import type { Match, Op, RuleItem, Selector, Value, Verdict } from './ruleset.js';

/** Protocols whose header fields nft matches as `PROTO FIELD` (nft(8), "PAYLOAD EXPRESSIONS"). */
export const PAYLOAD_PROTOCOLS = new Set([
  'ip',
  'ip6',
  'tcp',
  'udp',
  'udplite',
  'sctp',
  'dccp',
  'th',
  'icmp',
  'icmpv6',
  'igmp',
  'ah',
  'esp',
  'comp',
  'ether',
  'vlan',
  'arp',
  'gre',
  'gretap',
  'geneve',
  'vxlan',
  'dst',
  'hbh',
  'frag',
  'mh',
  'srh',
  'exthdr',
  'ipcomp',
  'rt0',
  'rt2',
  'rt4',
]);

/** Meta keys that may be written without `meta` (nft(8), "META EXPRESSIONS": unqualified meta keys). */
const BARE_META = new Set([
  'mark',
  'iif',
  'iifname',
  'iiftype',
  'oif',
  'oifname',
  'oiftype',
  'skuid',
  'skgid',
  'nftrace',
  'rtclassid',
  'ibrname',
  'obrname',
  'ibrpvid',
  'ibrvproto',
  'pkttype',
  'cpu',
  'iifgroup',
  'oifgroup',
  'cgroup',
  'ipsec',
  'iifkind',
  'oifkind',
  'time',
  'day',
  'hour',
  'l4proto',
  'nfproto',
  'sdif',
  'sdifname',
]);

/** Expressions this reader does not model, each read as one unknown match. */
const OTHER_EXPRESSIONS = new Set(['fib', 'rt', 'socket', 'osf', 'ipsec', 'numgen', 'jhash', 'symhash']);

const VERDICTS = new Set(['accept', 'drop', 'continue', 'return']);
const STATEMENTS = new Set([
  'accept',
  'drop',
  'continue',
  'return',
  'queue',
  'jump',
  'goto',
  'reject',
  'counter',
  'log',
  'comment',
  'limit',
  'quota',
  'masquerade',
  'snat',
  'dnat',
  'redirect',
  'tproxy',
  'notrack',
  'add',
  'update',
  'delete',
  'meter',
  'dup',
  'fwd',
  'flow',
  'synproxy',
  'xt',
  'secmark',
  'last',
  'mark',
]);
const OPS: Record<string, Op> = {
  '==': '==',
  eq: '==',
  '!=': '!=',
  ne: '!=',
  '<': '<',
  lt: '<',
  '>': '>',
  gt: '>',
  '<=': '<=',
  le: '<=',
  '>=': '>=',
  ge: '>=',
};
const ADDRESS_FIELDS = new Set(['saddr', 'daddr', 'sport', 'dport']);

/** The words of one rule (its statement's tokens, newlines inside braces dropped). */
/**
 * The deepest nesting of `{ }` and `( )` in a value that is read (values are read recursively). nft's own
 * parser gives up a little under 5,000 levels ("memory exhausted": bison's stack of YYMAXDEPTH 10000).
 */
export const MAX_VALUE_DEPTH = 100;

export class RuleTokens {
  pos = 0;
  /** How many `{` and `(` of the value being read are open. */
  depth = 0;
  constructor(
    readonly path: string,
    readonly toks: readonly Token[],
    readonly line: number,
  ) {}

  peek(k = 0): Token | undefined {
    return this.toks[this.pos + k];
  }

  peekWord(k = 0): string | undefined {
    const t = this.peek(k);
    return t && t.kind === 'word' ? t.text : undefined;
  }

  isPunct(text: string, k = 0): boolean {
    const t = this.peek(k);
    return t !== undefined && t.kind === 'punct' && t.text === text;
  }

  next(): Token {
    const t = this.toks[this.pos];
    if (!t) throw this.error('the rule ends too early');
    this.pos++;
    return t;
  }

  done(): boolean {
    return this.pos >= this.toks.length;
  }

  expectPunct(text: string): void {
    const t = this.next();
    if (t.kind !== 'punct' || t.text !== text) throw this.error(`expected "${text}", found "${t.text}"`, t);
  }

  error(message: string, at?: Token): InputError {
    return new InputError(this.path, at?.line ?? this.peek()?.line ?? this.line, message);
  }

  textFrom(start: number): string {
    return this.toks
      .slice(start, this.pos)
      .map((t) => (t.kind === 'string' ? `"${t.text}"` : t.text))
      .join(' ');
  }
}

/** A verdict word (and its chain) where one stands, else undefined. */
function readVerdict(ts: RuleTokens): Verdict | undefined {
  const w = ts.peekWord();
  if (w === undefined) return undefined;
  if (VERDICTS.has(w)) {
    ts.next();
    return { kind: w as 'accept' | 'drop' | 'continue' | 'return' };
  }
  if (w === 'jump' || w === 'goto') {
    ts.next();
    const target = ts.next();
    if (target.kind !== 'word' && target.kind !== 'string')
      throw ts.error(`"${w}" needs a chain name`, target);
    return { kind: w, chain: target.text };
  }
  return undefined;
}

function atomOf(t: Token): Value {
  return { kind: 'atom', text: t.text, quoted: t.kind === 'string' };
}

/** One value without concatenation: a word, a string, `@set`, `{ set }` or `( a | b )`. */
function parsePrimary(ts: RuleTokens): Value {
  const t = ts.peek();
  if (!t) throw ts.error('a value is missing at the end of the rule');
  if (t.kind === 'punct' && (t.text === '{' || t.text === '(')) {
    if (ts.depth >= MAX_VALUE_DEPTH)
      throw ts.error(
        `a value is nested more than ${MAX_VALUE_DEPTH} levels deep in "{" and "(" (the most this tool reads)`,
        t,
      );
    ts.depth++;
    const v = t.text === '{' ? parseSet(ts) : parseGroup(ts);
    ts.depth--;
    return v;
  }
  if (t.kind === 'word' || t.kind === 'string') {
    ts.next();
    if (t.kind === 'word' && t.text.startsWith('@') && t.text.length > 1)
      return { kind: 'ref', name: t.text.slice(1) };
    return atomOf(t);
  }
  throw ts.error(`expected a value, found "${t.text}"`, t);
}

/** `( a | b )`: a bitmask list, or one value in parentheses. */
function parseGroup(ts: RuleTokens): Value {
  ts.expectPunct('(');
  const items: Value[] = [parseValue(ts, true)];
  while (ts.isPunct('|') || ts.isPunct(',')) {
    ts.next();
    items.push(parseValue(ts, true));
  }
  ts.expectPunct(')');
  return items.length === 1 ? items[0]! : { kind: 'flags', items };
}

/** A value, with `a . b` concatenations and (outside sets) `a,b` / `a|b` bitmask lists. */
export function parseValue(ts: RuleTokens, inSet = false): Value {
  let v = parsePrimary(ts);
  if (ts.peekWord() === '.') {
    const parts = [v];
    while (ts.peekWord() === '.') {
      ts.next();
      parts.push(parsePrimary(ts));
    }
    v = { kind: 'concat', parts };
  }
  const items = [v];
  while (ts.isPunct('|') || (!inSet && ts.isPunct(',') && ts.peek(1)?.kind === 'word')) {
    ts.next();
    items.push(parsePrimary(ts));
  }
  return items.length === 1 ? v : { kind: 'flags', items };
}

/** Element attributes a listing prints after an element (`timeout 1d expires 23h`, counters, comments). */
const ELEMENT_ATTRS: Record<string, number> = {
  timeout: 1,
  expires: 1,
  comment: 1,
  packets: 1,
  bytes: 1,
  counter: 0,
};

/** `{ element, element : data, ... }` (nft(8), "SETS" and "MAPS"). */
export function parseSet(ts: RuleTokens): Value {
  ts.expectPunct('{');
  const elements: Value[] = [];
  while (!ts.isPunct('}')) {
    if (ts.done()) throw ts.error('a "{" is not closed');
    if (ts.isPunct(',')) {
      ts.next();
      continue;
    }
    let v = parseValue(ts, true);
    if (ts.peekWord() === ':') {
      ts.next();
      const verdict = readVerdict(ts);
      v = { kind: 'mapping', key: v, value: verdict ? { kind: 'verdict', verdict } : parseValue(ts, true) };
    }
    for (;;) {
      const w = ts.peekWord();
      if (w === undefined || !(w in ELEMENT_ATTRS)) break;
      ts.next();
      for (let k = 0; k < ELEMENT_ATTRS[w]!; k++) ts.next();
    }
    // A nested set (a variable holding `{ ... }` used inside a set) is flattened, as nft does.
    if (v.kind === 'set') elements.push(...v.elements);
    else elements.push(v);
    if (!ts.isPunct(',') && !ts.isPunct('}')) {
      const t = ts.peek();
      throw ts.error(`expected "," or "}" in a set, found "${t?.text ?? 'the end of the rule'}"`, t);
    }
  }
  ts.next();
  return { kind: 'set', elements };
}

/** `ct [original|reply] KEY`, where KEY may be `ip saddr` and the like. */
function parseCt(ts: RuleTokens): Selector {
  let dir: string | undefined;
  const w = ts.peekWord();
  if (w === 'original' || w === 'reply') {
    dir = w;
    ts.next();
  }
  const key = ts.next();
  if (key.kind !== 'word') throw ts.error('"ct" needs a key (state, direction, mark ...)', key);
  let name = key.text;
  if ((name === 'ip' || name === 'ip6') && ts.peekWord() !== undefined) name = `${name} ${ts.next().text}`;
  return dir ? { kind: 'ct', key: name, dir } : { kind: 'ct', key: name };
}

/** Words of an expression this reader doesn't model, up to its comparison or value. */
function parseOther(ts: RuleTokens, word: string): Selector {
  const start = ts.pos;
  ts.next();
  const FIB_WORDS = new Set(['saddr', 'daddr', 'mark', 'iif', 'oif', 'oifname', 'type', '.']);
  const SHORT: Record<string, Set<string>> = {
    fib: FIB_WORDS,
    rt: new Set(['ip', 'ip6', 'classid', 'nexthop', 'mtu', 'ipsec']),
    socket: new Set(['transparent', 'mark', 'wildcard', 'cgroupv2', 'level']),
    osf: new Set(['ttl', 'loose', 'skip', 'name', 'version']),
    ipsec: new Set(['in', 'out', 'spnum', 'reqid', 'spi', 'ip', 'ip6', 'saddr', 'daddr']),
    numgen: new Set(['random', 'inc', 'mod', 'offset']),
    jhash: new Set([
      'mod',
      'seed',
      'offset',
      'ip',
      'ip6',
      'tcp',
      'udp',
      'saddr',
      'daddr',
      'sport',
      'dport',
      '.',
    ]),
    symhash: new Set(['mod', 'offset']),
  };
  const words = SHORT[word] ?? new Set<string>();
  while (!ts.done()) {
    const w = ts.peekWord();
    if (w === undefined) break;
    if (words.has(w)) {
      ts.next();
      continue;
    }
    // Numeric arguments (`mod 2`, `level 1`, `spnum 0`) follow their keyword.
    const prev = ts.peek(-1)?.text;
    if (/^\d+$/.test(w) && prev !== undefined && ['mod', 'offset', 'seed', 'level', 'spnum'].includes(prev)) {
      ts.next();
      continue;
    }
    break;
  }
  return { kind: 'other', text: ts.textFrom(start) };
}

/** A selector where one starts (`ip saddr`, `meta l4proto`, `ct state`, `iifname` ...), else undefined. */
function parseSelectorStart(ts: RuleTokens): Selector | undefined {
  const w = ts.peekWord();
  if (w === undefined) return undefined;
  if (PAYLOAD_PROTOCOLS.has(w)) {
    const field = ts.peek(1);
    if (!field || field.kind !== 'word' || field.text === '.') return undefined;
    const start = ts.pos;
    ts.next();
    ts.next();
    if (field.text === 'option' || (field.text === 'type' && w === 'exthdr')) {
      // `tcp option maxseg size`, `ip option rr ptr`: an option name and maybe one of its fields.
      if (ts.peekWord() !== undefined) ts.next();
      const sub = ts.peekWord();
      if (
        sub &&
        [
          'kind',
          'length',
          'size',
          'count',
          'left',
          'right',
          'tsval',
          'tsecr',
          'value',
          'type',
          'ptr',
          'addr',
        ].includes(sub)
      )
        ts.next();
      return {
        kind: 'other',
        text: ts.textFrom(start),
        implies: { kind: 'payload', protocol: w, field: 'option' },
      };
    }
    return { kind: 'payload', protocol: w, field: field.text };
  }
  if (w === 'meta') {
    ts.next();
    const key = ts.next();
    if (key.kind !== 'word') throw ts.error('"meta" needs a key (l4proto, nfproto, iifname ...)', key);
    return { kind: 'meta', key: key.text };
  }
  if (BARE_META.has(w)) {
    ts.next();
    return { kind: 'meta', key: w };
  }
  if (w === 'ct') {
    ts.next();
    return parseCt(ts);
  }
  if (OTHER_EXPRESSIONS.has(w)) return parseOther(ts, w);
  return undefined;
}

function parseSelector(ts: RuleTokens): Selector | undefined {
  const first = parseSelectorStart(ts);
  if (!first || ts.peekWord() !== '.') return first;
  const parts = [first];
  while (ts.peekWord() === '.') {
    ts.next();
    const s = parseSelectorStart(ts);
    if (!s) throw ts.error('expected an expression after "." in a concatenation');
    parts.push(s);
  }
  return { kind: 'concat', parts };
}

/** Whether a word starts a statement or a known expression (where an unknown expression's words end). */
function startsSomething(ts: RuleTokens): boolean {
  const w = ts.peekWord();
  if (w === undefined) return false;
  if (STATEMENTS.has(w) || BARE_META.has(w) || OTHER_EXPRESSIONS.has(w) || w === 'meta' || w === 'ct')
    return true;
  const f = ts.peek(1);
  return PAYLOAD_PROTOCOLS.has(w) && f !== undefined && f.kind === 'word' && /^[a-z]/.test(f.text);
}

/** Consumes a balanced `{ ... }` group whose content doesn't matter. */
function skipBraces(ts: RuleTokens): void {
  let depth = 0;
  do {
    const t = ts.next();
    if (t.kind === 'punct' && t.text === '{') depth++;
    if (t.kind === 'punct' && t.text === '}') depth--;
  } while (depth > 0);
}

/** Consumes the rest of a statement whose arguments don't matter (NAT targets, dup, fwd ...). */
function skipArguments(ts: RuleTokens): void {
  while (!ts.done() && ts.peekWord() !== 'comment') {
    if (ts.isPunct('{')) skipBraces(ts);
    else ts.next();
  }
}

/** `reject [with icmp|icmpv6|icmpx [type] CODE | with tcp reset]`: the kind of reply. */
function readReject(ts: RuleTokens): Verdict {
  if (ts.peekWord() !== 'with') return { kind: 'reject' };
  ts.next();
  const kind = ts.next().text;
  if (kind === 'tcp') {
    if (ts.peekWord() === 'reset') ts.next();
    return { kind: 'reject', with: 'tcp reset' };
  }
  if (ts.peekWord() === 'type') ts.next();
  if (!ts.done() && !startsSomething(ts)) ts.next();
  if (kind === 'icmp' || kind === 'icmpv6' || kind === 'icmpx') return { kind: 'reject', with: kind };
  throw ts.error(`"reject with ${kind}": expected icmp, icmpv6, icmpx or tcp reset`);
}

function skipLog(ts: RuleTokens): void {
  const withArg = new Set(['prefix', 'level', 'group', 'snaplen', 'queue-threshold']);
  const flagWords = new Set(['all', 'tcp', 'ip', 'skuid', 'ether', 'sequence', 'options']);
  for (;;) {
    const w = ts.peekWord();
    if (w !== undefined && withArg.has(w)) {
      ts.next();
      ts.next();
    } else if (w === 'flags') {
      ts.next();
      while ((ts.peekWord() !== undefined && flagWords.has(ts.peekWord()!)) || ts.isPunct(',')) ts.next();
    } else return;
  }
}

function skipCounter(ts: RuleTokens): void {
  if (ts.peekWord() === 'name') {
    ts.next();
    ts.next();
    return;
  }
  while (ts.peekWord() === 'packets' || ts.peekWord() === 'bytes') {
    ts.next();
    ts.next();
  }
}

/** `limit rate [over] N/unit [burst N unit]` and `quota [over|until] N unit [used N unit]`. */
function skipRateOrQuota(ts: RuleTokens, word: string): void {
  if (ts.peekWord() === 'name') {
    ts.next();
    ts.next();
    return;
  }
  if (word === 'limit' && ts.peekWord() === 'rate') ts.next();
  if (ts.peekWord() === 'over' || ts.peekWord() === 'until') ts.next();
  const amount = ts.next().text;
  if (
    /^\d+$/.test(amount) &&
    ts.peekWord() !== undefined &&
    /^[a-z]/.test(ts.peekWord()!) &&
    !startsSomething(ts)
  )
    ts.next();
  for (const extra of ['burst', 'used']) {
    if (ts.peekWord() === extra) {
      ts.next();
      ts.next();
      const unit = ts.peekWord();
      if (unit && /^(packets|bytes|kbytes|mbytes)$/.test(unit)) ts.next();
    }
  }
}

/** A statement where one starts, else undefined. */
function parseStatement(ts: RuleTokens): RuleItem | 'comment' | undefined {
  const start = ts.pos;
  const verdict = readVerdict(ts);
  if (verdict) return { kind: 'verdict', verdict };
  const w = ts.peekWord();
  switch (w) {
    case 'queue':
      ts.next();
      while (!ts.done() && !startsSomething(ts)) ts.next();
      return { kind: 'verdict', verdict: { kind: 'queue' } };
    case 'reject':
      ts.next();
      return { kind: 'verdict', verdict: readReject(ts) };
    case 'counter':
      ts.next();
      skipCounter(ts);
      return { kind: 'statement', text: 'counter' };
    case 'log':
      ts.next();
      skipLog(ts);
      return { kind: 'statement', text: 'log' };
    case 'comment':
      return 'comment';
    case 'limit':
    case 'quota':
      ts.next();
      skipRateOrQuota(ts, w);
      return { kind: 'unknown-match', text: ts.textFrom(start) };
    case 'masquerade':
    case 'snat':
    case 'dnat':
    case 'redirect':
    case 'tproxy':
      ts.next();
      skipArguments(ts);
      return { kind: 'nat', type: w };
    case 'notrack':
      ts.next();
      return { kind: 'notrack' };
    case 'add':
    case 'update':
    case 'delete': {
      const ref = ts.peek(1);
      if (!ref || ref.kind !== 'word' || !ref.text.startsWith('@')) return undefined;
      ts.next();
      ts.next();
      // `{ ip saddr timeout 1h }`: the element is an expression of the packet, read over.
      if (ts.isPunct('{')) skipBraces(ts);
      return { kind: 'set-update', set: ref.text.slice(1) };
    }
    case 'meter': {
      ts.next();
      const name = ts.next().text;
      if (ts.peekWord() === 'size') {
        ts.next();
        ts.next();
      }
      if (ts.isPunct('{')) skipBraces(ts);
      return { kind: 'unknown-match', text: `meter ${name}` };
    }
    case 'dup':
    case 'fwd':
    case 'flow':
    case 'secmark':
    case 'last':
      ts.next();
      skipArguments(ts);
      return { kind: 'statement', text: w };
    case 'synproxy':
    case 'xt':
      ts.next();
      while (!ts.done() && !startsSomething(ts)) ts.next();
      return { kind: 'unknown-match', text: ts.textFrom(start) };
  }
  return undefined;
}

/** The right-hand side of a match, and a `vmap` or `set` statement where one follows the selector. */
function parseAfterSelector(ts: RuleTokens, selector: Selector, start: number): RuleItem {
  let mask: Value | undefined;
  let otherBinop: string | undefined;
  while (ts.isPunct('&') || ts.isPunct('|') || ts.isPunct('^') || ts.isPunct('<<') || ts.isPunct('>>')) {
    const op = ts.next().text;
    const v = parsePrimary(ts);
    if (op === '&' && mask === undefined && otherBinop === undefined) mask = v;
    else otherBinop = op;
  }
  const w = ts.peekWord();
  if (w === 'vmap') {
    ts.next();
    return { kind: 'vmap', selector, map: parsePrimary(ts) };
  }
  if (w === 'set') {
    ts.next();
    parseValue(ts);
    // Rewriting addresses or ports (stateless NAT) changes what later rules and chains see.
    if (selector.kind === 'payload' && ADDRESS_FIELDS.has(selector.field))
      return { kind: 'nat', type: 'dnat' };
    return { kind: 'statement', text: ts.textFrom(start) };
  }
  let op: Op = 'implicit';
  const t = ts.peek();
  if (t && ((t.kind === 'punct' && t.text in OPS) || (t.kind === 'word' && t.text in OPS))) {
    op = OPS[t.text]!;
    ts.next();
  } else if (t && t.kind === 'punct' && t.text === '!') {
    throw ts.error('"!" alone is not an nft operator; write "!="', t);
  }
  if (ts.done()) throw ts.error(`a value is missing after "${ts.textFrom(start)}"`);
  const value = parseValue(ts);
  // `tcp flags syn / syn,ack`: compare under a mask.
  if (ts.peekWord() === '/' && mask === undefined) {
    ts.next();
    mask = parseValue(ts);
  }
  const match: Match = { selector, op, value };
  if (mask) match.mask = mask;
  if (otherBinop) match.otherBinop = otherBinop;
  return { kind: 'match', match };
}

/** Reads one rule's tokens into its matches and statements (nft(8), "RULES", "STATEMENTS"). */
export function parseRule(ts: RuleTokens): { items: RuleItem[]; comment?: string } {
  const items: RuleItem[] = [];
  let comment: string | undefined;
  while (!ts.done()) {
    const start = ts.pos;
    const st = parseStatement(ts);
    if (st === 'comment') {
      ts.next();
      const c = ts.next();
      if (c.kind !== 'string' && c.kind !== 'word') throw ts.error('"comment" needs a text', c);
      comment = c.text;
      continue;
    }
    if (st) {
      items.push(st);
      continue;
    }
    const selector = parseSelector(ts);
    if (selector) {
      items.push(parseAfterSelector(ts, selector, start));
      continue;
    }
    const t = ts.peek()!;
    if (t.kind === 'punct' && (t.text === '{' || t.text === '}')) throw ts.error(`unexpected "${t.text}"`, t);
    // An expression this reader doesn't know: its words up to the next statement or known expression.
    ts.next();
    while (!ts.done() && !startsSomething(ts)) {
      if (ts.isPunct('{')) parseSet(ts);
      else ts.next();
    }
    items.push({ kind: 'unknown-match', text: ts.textFrom(start) });
  }
  return comment === undefined ? { items } : { items, comment };
}
