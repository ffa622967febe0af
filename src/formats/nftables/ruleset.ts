/**
 * An nftables ruleset as read from either form (`nft list ruleset` text or scripts, `nft -j` JSON), before
 * any meaning is given to it: tables, chains, sets and rules made of match expressions and statements.
 */

export type Family = 'ip' | 'ip6' | 'inet' | 'arp' | 'bridge' | 'netdev';
export const FAMILIES: readonly Family[] = ['ip', 'ip6', 'inet', 'arp', 'bridge', 'netdev'];

/** A value as written: atoms stay text until the selector they are compared with gives them a type. */
export type Value =
  | { kind: 'atom'; text: string; quoted: boolean }
  | { kind: 'range'; lo: Value; hi: Value }
  | { kind: 'prefix'; addr: string; len: number }
  | { kind: 'set'; elements: Value[] }
  | { kind: 'ref'; name: string }
  | { kind: 'concat'; parts: Value[] }
  /** Bitmask values or'ed together: `established,related`, `(syn|ack)`. */
  | { kind: 'flags'; items: Value[] }
  | { kind: 'mapping'; key: Value; value: Value }
  | { kind: 'verdict'; verdict: Verdict };

/** What is matched: a packet header field, packet meta data, conntrack, or something else. */
export type Selector =
  | { kind: 'payload'; protocol: string; field: string }
  | { kind: 'meta'; key: string }
  | { kind: 'ct'; key: string; dir?: string }
  | { kind: 'concat'; parts: Selector[] }
  /** An expression this reader doesn't model (fib, socket, rt, tcp option, ...): its text. */
  | { kind: 'other'; text: string; implies?: Selector };

export type Op = '==' | '!=' | '<' | '>' | '<=' | '>=' | 'implicit';

export interface Match {
  selector: Selector;
  op: Op;
  value: Value;
  /** `selector & mask op value`, or `selector value / mask`. */
  mask?: Value;
  /** A binary operation other than a mask (`|`, `^`, shifts): the match is not modelled. */
  otherBinop?: string;
}

export type Verdict =
  | { kind: 'accept' | 'drop' | 'continue' | 'return' | 'queue' }
  /** `reject with icmp|icmpv6|icmpx|tcp reset` (the kind of reply: it implies a family or TCP). */
  | { kind: 'reject'; with?: 'icmp' | 'icmpv6' | 'icmpx' | 'tcp reset' }
  | { kind: 'jump' | 'goto'; chain: string };

export type RuleItem =
  | { kind: 'match'; match: Match }
  | { kind: 'verdict'; verdict: Verdict }
  | { kind: 'vmap'; selector: Selector; map: Value }
  /** NAT statements end the rule (nft(8), "NAT STATEMENTS"): snat/masquerade accept, dnat/redirect rewrite. */
  | { kind: 'nat'; type: 'snat' | 'masquerade' | 'dnat' | 'redirect' | 'tproxy' }
  | { kind: 'notrack' }
  /** A rule adds to or updates a named set: its contents change at run time. */
  | { kind: 'set-update'; set: string }
  /** A match the reader can't decide (rate limits, quotas, unknown expressions). */
  | { kind: 'unknown-match'; text: string }
  /** A statement with no effect on the verdict of a first packet (counter, log, mark set ...). */
  | { kind: 'statement'; text: string };

export interface RuleDef {
  line: number;
  handle?: number;
  items: RuleItem[];
  comment?: string;
  /** Where a fix goes before it: the rule's own line as a block line, or an `add rule` command. */
  form: 'block' | 'command';
}

export interface BaseChainInfo {
  type: string;
  hook: string;
  priority: number;
  policy: 'accept' | 'drop';
  line: number;
  /** Line of the `policy` statement, where it is written. */
  policyLine?: number;
  device?: string;
}

export interface ChainDef {
  name: string;
  line: number;
  handle?: number;
  base?: BaseChainInfo;
  rules: RuleDef[];
  /** The line of the closing brace of the chain's last block (a fix appended to the chain goes before it). */
  endLine?: number;
  /** The last line a rule of this chain stands on, and how it was written. */
  lastRule?: { line: number; form: 'block' | 'command' };
}

export interface SetDef {
  name: string;
  line: number;
  isMap: boolean;
  /** The map's data type (`verdict` for a verdict map). */
  dataType?: string;
  flags: string[];
  elements: Value[];
}

export interface TableDef {
  family: Family;
  name: string;
  line: number;
  handle?: number;
  dormant: boolean;
  chains: Map<string, ChainDef>;
  sets: Map<string, SetDef>;
}

export interface Ruleset {
  tables: TableDef[];
  /** What was read from where, for notes: `nft -j` JSON or a text listing/script. */
  form: 'text' | 'json';
  /** A script (defines, `add rule` commands) rather than a listing. */
  script: boolean;
  /** Whether every rule carries its handle (`nft -a list ruleset`, or JSON). */
  handles: boolean;
}

export function tableKey(family: Family, name: string): string {
  return `${family} ${name}`;
}

export function findTable(rs: Ruleset, family: Family, name: string): TableDef | undefined {
  return rs.tables.find((t) => t.family === family && t.name === name);
}
