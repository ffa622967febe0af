import { InputError } from '../../input/input-error.js';
import { IntervalSet } from '../../model/interval-set.js';
import { AddressSyntaxError, parseAddress, parseCidr, parseRange } from '../../model/ip.js';
import type { SourceLocation } from '../../model/location.js';
import type { Token } from './save-file.js';

/** An ipset as `ipset save` shows it: its exact members, or why they can't be known. */
export interface IpSet {
  name: string;
  type: string;
  location: SourceLocation;
  members?: IntervalSet;
  /** Set when the members can't be taken from the save (a timeout set, a type not modelled). */
  unknown?: string;
  /** list:set members, resolved after every set is read. */
  list?: string[];
}

interface Entry {
  set: IntervalSet;
  prefix: number;
  nomatch: boolean;
}

/**
 * Reads `ipset save` lines (ipset(8): `create SETNAME TYPENAME [CREATE-OPTIONS]`, `add SETNAME ENTRY
 * [ADD-OPTIONS]`). hash:ip, hash:net and bitmap:ip members are exact (hash:net `nomatch` entries are
 * exceptions, the most specific prefix deciding); sets with a timeout change at run time, so unknown.
 */
export function readIpsets(
  path: string,
  lines: readonly { line: number; words: Token[] }[],
): Map<string, IpSet> {
  const sets = new Map<string, IpSet>();
  const entries = new Map<string, Entry[]>();
  for (const { line, words } of lines) {
    const w = words.map((t) => t.text);
    const err = (m: string) => new InputError(path, line, m);
    if (w[0] === 'create') {
      const [, name, type] = w;
      if (!name || !type) throw err('expected "create SETNAME TYPENAME [OPTIONS]" (ipset save output)');
      if (sets.has(name)) throw err(`ipset ${name} is created twice`);
      const set: IpSet = { name, type, location: { path, line } };
      if (w.includes('timeout')) set.unknown = `ipset ${name} has a timeout: its entries change at run time`;
      else if (!['hash:ip', 'hash:net', 'bitmap:ip', 'list:set'].includes(type))
        set.unknown = `ipset ${name} is of type ${type}, whose matches this reader doesn't model`;
      if (type === 'list:set') set.list = [];
      sets.set(name, set);
      entries.set(name, []);
      continue;
    }
    const [, name, elem] = w;
    if (!name || !elem) throw err('expected "add SETNAME ENTRY" (ipset save output)');
    const set = sets.get(name);
    if (!set) throw err(`ipset ${name} is added to before it is created`);
    if (set.unknown) continue;
    if (set.list) {
      set.list.push(elem);
      continue;
    }
    try {
      entries.get(name)!.push(entryOf(elem, w.includes('nomatch')));
    } catch (e) {
      if (e instanceof AddressSyntaxError) throw err(`bad ipset entry "${elem}": ${e.message}`);
      throw e;
    }
  }
  for (const [name, set] of sets) {
    if (set.unknown || set.list) continue;
    // Shorter prefixes first, so a more specific entry (match or nomatch) overrides a wider one.
    const list = entries.get(name)!.sort((a, b) => a.prefix - b.prefix);
    let members = IntervalSet.EMPTY;
    for (const e of list) members = e.nomatch ? members.subtract(e.set) : members.union(e.set);
    set.members = members;
  }
  return sets;
}

function entryOf(elem: string, nomatch: boolean): Entry {
  if (elem.includes('-')) return { set: parseRange(elem), prefix: 0, nomatch };
  const slash = elem.indexOf('/');
  const a = parseAddress(slash < 0 ? elem : elem.slice(0, slash));
  const prefix = slash < 0 ? (a.family === 'ipv4' ? 32 : 128) : Number(elem.slice(slash + 1));
  return { set: parseCidr(elem), prefix, nomatch };
}

/** The members of a set, following list:set members; a string says why they can't be known. */
export function setMembers(
  sets: ReadonlyMap<string, IpSet>,
  name: string,
  seen = new Set<string>(),
): IntervalSet | string {
  const set = sets.get(name);
  if (!set) return `ipset ${name} is not in the input (give its "ipset save" output with the rules)`;
  if (set.unknown) return set.unknown;
  if (!set.list) return set.members!;
  if (seen.has(name)) return `ipset ${name} contains itself`;
  seen.add(name);
  let acc = IntervalSet.EMPTY;
  for (const m of set.list) {
    const r = setMembers(sets, m, seen);
    if (typeof r === 'string') return r;
    acc = acc.union(r);
  }
  return acc;
}
