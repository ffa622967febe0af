import { InputError } from '../../input/input-error.js';
import type { InputFile } from '../../input/input-file.js';
import type { Family } from '../../model/ip.js';

/** One word of a rule line; `quoted` words are always values, never options. */
export interface Token {
  text: string;
  quoted: boolean;
}

export interface SaveRule {
  table: string;
  chain: string;
  line: number;
  /** The words after `-A CHAIN`. */
  words: readonly string[];
  /** Which of `words` were quoted (always values, never options); absent when none was. */
  quoted?: readonly boolean[];
  /** The rule as written after `-A CHAIN` (counters left out): what names it across revisions. */
  text: string;
}

export interface SaveChain {
  name: string;
  builtin: boolean;
  /** Built-in chains: ACCEPT or DROP; undefined when the save doesn't declare it (or a user chain). */
  policy?: 'ACCEPT' | 'DROP';
  line?: number;
  rules: SaveRule[];
}

export interface SaveTable {
  name: string;
  line: number;
  /** The line of its COMMIT. */
  commitLine: number;
  chains: Map<string, SaveChain>;
}

export interface SaveFile {
  path: string;
  tables: Map<string, SaveTable>;
  /** `ipset save` lines found in the file: `create`/`add`, with their line numbers. */
  ipsetLines: { line: number; words: Token[] }[];
  /** The header comment naming the program that wrote it (`iptables-save` or `ip6tables-save`). */
  savedBy?: Family;
  /** Tables that appeared more than once (iptables-restore applies the last one). */
  repeated: string[];
}

/** Built-in chains of each table (iptables(8), TABLES). */
export const BUILTIN_CHAINS: Record<string, readonly string[]> = {
  filter: ['INPUT', 'FORWARD', 'OUTPUT'],
  nat: ['PREROUTING', 'INPUT', 'OUTPUT', 'POSTROUTING'],
  mangle: ['PREROUTING', 'INPUT', 'FORWARD', 'OUTPUT', 'POSTROUTING'],
  raw: ['PREROUTING', 'OUTPUT'],
  security: ['INPUT', 'FORWARD', 'OUTPUT'],
};

/** A line's words, where each starts, and which were quoted. */
interface Words {
  words: string[];
  starts: number[];
  quoted?: boolean[];
}

const isBlank = (c: number) => c === 32 || c === 9 || c === 13;

/**
 * Splits a rule line as iptables-restore does: blanks separate words, double quotes group, `\` escapes
 * inside quotes. Short words go through `intern`, so the many repeated ones (-p, tcp, -j ...) are one
 * string each.
 */
function splitWords(path: string, lineNo: number, text: string, intern?: Map<string, string>): Words {
  const words: string[] = [];
  const starts: number[] = [];
  let quoted: boolean[] | undefined;
  let i = 0;
  const n = text.length;
  while (i < n) {
    if (isBlank(text.charCodeAt(i))) {
      i++;
      continue;
    }
    const start = i;
    while (i < n && !isBlank(text.charCodeAt(i)) && text.charCodeAt(i) !== 34) i++;
    let word: string;
    if (i >= n || isBlank(text.charCodeAt(i))) {
      word = text.slice(start, i);
      if (intern && word.length <= 12) {
        const known = intern.get(word);
        if (known === undefined) intern.set(word, word);
        else word = known;
      }
    } else {
      // A word with a quoted part: built character by character.
      word = text.slice(start, i);
      while (i < n && !isBlank(text.charCodeAt(i))) {
        if (text.charCodeAt(i) === 34) {
          i++;
          while (i < n && text.charCodeAt(i) !== 34) {
            if (text.charCodeAt(i) === 92 && i + 1 < n) i++;
            word += text[i];
            i++;
          }
          if (i >= n) throw new InputError(path, lineNo, 'a quoted word has no closing double quote');
          i++;
        } else {
          word += text[i];
          i++;
        }
      }
      quoted ??= words.map(() => false);
      quoted[words.length] = true;
    }
    if (quoted && quoted.length < words.length + 1) quoted[words.length] = false;
    words.push(word);
    starts.push(start);
  }
  return quoted ? { words, starts, quoted } : { words, starts };
}

/** Splits a line into words as iptables-restore does (see splitWords). */
export function tokenize(path: string, lineNo: number, text: string): Token[] {
  const { words, quoted } = splitWords(path, lineNo, text);
  return words.map((w, k) => ({ text: w, quoted: quoted?.[k] ?? false }));
}

const CHAIN_NAME = /^[^\s!-][^\s]{0,28}$/;

/** Reads the structure of an iptables-save file: tables, chains with their policies, rule lines. */
export function parseSaveFile(file: InputFile): SaveFile {
  const { path } = file;
  const text = file.text;
  const tables = new Map<string, SaveTable>();
  const ipsetLines: SaveFile['ipsetLines'] = [];
  const repeated: string[] = [];
  const intern = new Map<string, string>();
  let savedBy: Family | undefined;
  let open: SaveTable | undefined;
  let lastContent = 1;
  const err = (line: number, message: string) => new InputError(path, line, message);

  let lineNo = 0;
  for (let from = 0; from <= text.length;) {
    let to = text.indexOf('\n', from);
    if (to < 0) to = text.length;
    lineNo++;
    const line = text.slice(from, to).trim();
    from = to + 1;
    if (line === '') continue;
    lastContent = lineNo;
    const c = line.charCodeAt(0);
    if (c === 35 /* # */) {
      const by = /^# Generated by (ip6?)tables(?:-[a-z]+)?-save\b/.exec(line);
      if (by && savedBy === undefined) savedBy = by[1] === 'ip6' ? 'ipv6' : 'ipv4';
      continue;
    }
    if (c === 42 /* * */) {
      if (open)
        throw err(
          lineNo,
          `COMMIT expected before a new table (table *${open.name} opened at line ${open.line})`,
        );
      const name = line.slice(1).trim();
      if (!BUILTIN_CHAINS[name]) {
        throw err(lineNo, `unknown table "*${name}"; expected *filter, *nat, *mangle, *raw or *security`);
      }
      if (tables.has(name)) repeated.push(name);
      open = { name, line: lineNo, commitLine: 0, chains: new Map() };
      for (const c of BUILTIN_CHAINS[name]!) open.chains.set(c, { name: c, builtin: true, rules: [] });
      tables.set(name, open);
      continue;
    }
    if (line === 'COMMIT') {
      if (!open)
        throw err(lineNo, 'COMMIT outside a table; expected a table header such as *filter before it');
      open.commitLine = lineNo;
      open = undefined;
      continue;
    }
    if (!open && /^(?:create|add)[ \t]/.test(line)) {
      ipsetLines.push({ line: lineNo, words: tokenize(path, lineNo, line) });
      continue;
    }
    if (!open) throw err(lineNo, `"${clip(line)}" outside a table; expected a table header such as *filter`);
    if (c === 58 /* : */) {
      readChainLine(open, line, lineNo, err);
      continue;
    }
    const split = splitWords(path, lineNo, line, intern);
    // Counters `[packets:bytes]` in front (iptables-save -c).
    const skip = split.words[0] && /^\[\d+:\d+\]$/.test(split.words[0]) ? 1 : 0;
    readCommand(open, line, split, skip, lineNo, err);
  }
  if (open) {
    throw err(
      lastContent,
      `COMMIT expected at the end of the file (table *${open.name} opened at line ${open.line})`,
    );
  }
  return { path, tables, ipsetLines, savedBy, repeated };
}

type Err = (line: number, message: string) => InputError;

function readChainLine(table: SaveTable, line: string, lineNo: number, err: Err): void {
  const m = /^:(\S+)\s+(\S+)(?:\s+\[\d+:\d+\])?$/.exec(line);
  if (!m) throw err(lineNo, `bad chain line "${clip(line)}"; expected ":CHAIN POLICY [packets:bytes]"`);
  const [, name, policy] = m;
  const builtin = BUILTIN_CHAINS[table.name]!.includes(name!);
  if (builtin) {
    if (policy !== 'ACCEPT' && policy !== 'DROP') {
      throw err(lineNo, `built-in chain ${name} has policy "${policy}"; expected ACCEPT or DROP`);
    }
    const chain = table.chains.get(name!)!;
    chain.policy = policy;
    chain.line = lineNo;
    return;
  }
  if (policy !== '-')
    throw err(
      lineNo,
      `user chain ${name} has policy "${policy}"; only built-in chains have one ("-" expected)`,
    );
  if (!CHAIN_NAME.test(name!)) throw err(lineNo, `"${clip(name!)}" is not a valid chain name`);
  if (table.chains.has(name!)) throw err(lineNo, `chain ${name} is declared twice in table *${table.name}`);
  table.chains.set(name!, { name: name!, builtin: false, line: lineNo, rules: [] });
}

function readCommand(
  table: SaveTable,
  line: string,
  split: Words,
  skip: number,
  lineNo: number,
  err: Err,
): void {
  const words = split.words;
  const cmd = words[skip];
  const chainName = words[skip + 1];
  const count = words.length - skip;
  if ((cmd === '-A' || cmd === '--append' || cmd === '-I' || cmd === '--insert') && chainName) {
    const chain = table.chains.get(chainName);
    if (!chain)
      throw err(
        lineNo,
        `chain "${clip(chainName)}" does not exist in table *${table.name}; declare it with ":${clip(chainName)} - [0:0]"`,
      );
    let first = skip + 2;
    const append = cmd === '-A' || cmd === '--append';
    let at = 1;
    if (!append && first < words.length && /^\d+$/.test(words[first]!)) {
      at = Number(words[first]);
      first++;
    }
    const rule: SaveRule = {
      table: table.name,
      chain: chainName,
      line: lineNo,
      words: words.slice(first),
      ...(split.quoted && split.quoted.slice(first).includes(true)
        ? { quoted: split.quoted.slice(first) }
        : {}),
      text: first < words.length ? line.slice(split.starts[first]) : '',
    };
    if (append) {
      chain.rules.push(rule);
      return;
    }
    if (at < 1 || at > chain.rules.length + 1)
      throw err(lineNo, `-I ${chainName} ${at}: the chain has ${chain.rules.length} rules`);
    chain.rules.splice(at - 1, 0, rule);
    return;
  }
  if ((cmd === '-N' || cmd === '--new-chain') && chainName && count === 2) {
    readChainLine(table, `:${chainName} -`, lineNo, err);
    return;
  }
  if ((cmd === '-P' || cmd === '--policy') && chainName && count === 3) {
    readChainLine(table, `:${chainName} ${words[skip + 2]!}`, lineNo, err);
    return;
  }
  throw err(
    lineNo,
    `"${clip(words.slice(skip).join(' '))}" is not a rule; expected "-A CHAIN ..." (iptables-save output)`,
  );
}

function clip(s: string): string {
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}
