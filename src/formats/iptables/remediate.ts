import { evaluateFlow, type PolicyFlowResult } from '../../evaluate/evaluate.js';
import { ALLOW } from '../../evaluate/first-match.js';
import { InputError } from '../../input/input-error.js';
import { flowLabel } from '../../model/flow.js';
import type { IntervalSet } from '../../model/interval-set.js';
import { cidrBlocks, FAMILY_RANGE, formatAddress, type Family } from '../../model/ip.js';
import type { Policy } from '../../model/policy.js';
import { applyEdits } from '../../remediate/apply-edits.js';
import { fixRuleName } from '../../remediate/naming.js';
import type { Edit, FixRequest, ProposedFix, Unfixable } from '../../remediate/types.js';
import type { InputFile } from '../../input/input-file.js';
import { prefixOfZone } from './interface-zones.js';
import { originOf, type RuleOrigin } from './rule-origin.js';

/** A fix stands in front of what denies in one chain; a flow may be denied in several (raw, mangle, filter). */
const MAX_ROUNDS = 4;
/** More addresses than this in one rule are left to the admin (an ipset fits them better). */
const MAX_CIDRS = 64;

interface Position {
  origin: RuleOrigin;
  /** Line of the original file the rules go before. */
  line: number;
  /** 1-based position in the chain (`iptables -I CHAIN N`), or undefined to append (`-A`). */
  index?: number;
}

/** The fewest CIDR blocks covering exactly a set, or undefined past `max`. */
function cidrs(set: IntervalSet, max = MAX_CIDRS): string[] | undefined {
  const out: string[] = [];
  for (const [lo, hi] of set.ranges()) {
    for (const [first, prefix] of cidrBlocks(lo, hi, max - out.length))
      out.push(`${formatAddress(first)}/${prefix}`);
    if (out.length > max) return undefined;
  }
  return out;
}

/** A word for a POSIX shell: as it is where that's safe, else in single quotes. */
export function shellWord(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** The rule lines (words after `-A CHAIN`) for one family, or why they can't be written. */
function ruleSpecs(
  req: FixRequest,
  family: Family,
  name: string,
  host: boolean,
  notes: string[],
): string[][] | string {
  const g = req.group;
  const familyName = family === 'ipv4' ? 'IPv4' : 'IPv6';
  let src: string[] = [];
  if (req.sources) {
    const list = cidrs(req.sources.set.intersect(FAMILY_RANGE[family]));
    if (!list)
      return `the clients (--source) are more than ${MAX_CIDRS} ${familyName} networks; put them in an ipset and allow that`;
    if (list.length === 0)
      return `no client (--source) is an ${familyName} address, but the ${familyName} rules deny the flows`;
    src = [list.join(',')];
  } else {
    notes.push(
      'no client sources were given (--source): the rule allows any source; name the clients for a narrower rule',
    );
  }
  let dst: string[] = [];
  if (g.anyDestination && g.relays) {
    const list = cidrs(g.relays.set.intersect(FAMILY_RANGE[family]));
    if (!list || list.length === 0) return `the relay addresses have no ${familyName} address to allow`;
    dst = [list.join(',')];
  } else if (g.anyDestination) {
    notes.push(
      'the destination is any address: iptables has no "internet only" match, so the rule also allows these ports to internal networks routed through this firewall; give the relay addresses for a narrower rule',
    );
  } else {
    notes.push(
      `iptables matches addresses, not host names: the rule allows the port to any destination (${g.hosts.join(', ')} resolve to addresses that change)`,
    );
  }
  const ifName = /^(?:[A-Za-z0-9_.:@-]{1,15}|[A-Za-z0-9_.:@-]{1,14}\+)$/;
  // The zone of unnamed interfaces starting with P is written as the wildcard P+ (interface-zones.ts).
  const written = (z: string | undefined) => {
    const prefix = z === undefined ? undefined : prefixOfZone(z);
    if (prefix === undefined) return z;
    notes.push(
      `"${z}" is written as -i/-o ${prefix}+, which also matches the named interfaces starting with ${prefix}`,
    );
    return `${prefix}+`;
  };
  const ins = host ? [undefined] : (req.sourceZones ?? [undefined]).map(written);
  const outs = (req.destinationZones ?? [undefined]).map(written);
  for (const z of [...ins, ...outs])
    if (z !== undefined && !ifName.test(z)) return `interface "${z}" is not a name a rule can carry`;
  const byProtocol = new Map<string, number[]>();
  for (const s of g.services) byProtocol.set(s.protocol, [...(byProtocol.get(s.protocol) ?? []), s.port]);
  const specs: string[][] = [];
  for (const i of ins)
    for (const o of outs)
      for (const [protocol, ports] of byProtocol) {
        const unique = [...new Set(ports)].sort((a, b) => a - b);
        specs.push([
          ...(src.length ? ['-s', src[0]!] : []),
          ...(dst.length ? ['-d', dst[0]!] : []),
          ...(i ? ['-i', i] : []),
          ...(o ? ['-o', o] : []),
          '-p',
          protocol,
          ...(unique.length === 1
            ? ['-m', protocol, '--dport', String(unique[0])]
            : ['-m', 'multiport', '--dports', unique.join(',')]),
          '-m',
          'comment',
          '--comment',
          name,
          '-j',
          'ACCEPT',
        ]);
      }
  return specs;
}

/** The denying rules the failing flows meet, earliest first (stages run in rule order). */
function deciders(results: readonly PolicyFlowResult[]): number[] | PolicyFlowResult {
  const found = new Set<number>();
  for (const result of results) {
    const families = (result.worlds ?? [result]).flatMap((w) => w.families);
    if (families.length === 0) return result;
    for (const p of families.flatMap((f) => f.pieces))
      if (p.outcome !== ALLOW) found.add(p.doubt?.rule ?? p.by);
  }
  return [...found].sort((a, b) => a - b);
}

/** Maps a line of the patched text back to the original, given the edits made so far. */
function originalLine(line: number, edits: readonly Edit[], path: string): number {
  let shift = 0;
  for (const e of [...edits].filter((x) => x.path === path).sort((a, b) => a.line - b.line)) {
    const n = e.insert.split('\n').length - (e.insert.endsWith('\n') ? 1 : 0);
    if (line < e.line + shift) break;
    shift += n;
  }
  return line - shift;
}

/**
 * The iptables fix: `-A CHAIN ... -j ACCEPT` lines inserted in the save in front of the rule of the
 * built-in chain that leads to the deciding rule (the rule itself, or the jump into its user chain), or
 * before the table's COMMIT where the chain's policy decides; in the table of the chain that denies
 * (a raw or mangle DROP is fixed there, as an ACCEPT in filter can't undo it). Commands insert at the same
 * place: `iptables -t TABLE -I CHAIN N rule-specification` (iptables(8), COMMANDS: "-I, --insert chain
 * [rulenum] rule-specification ... rules are inserted ... at the head of the chain" by default, before
 * rule rulenum otherwise), `-A` to append.
 */
export function remediateIptables(
  req: FixRequest,
  read: (files: readonly InputFile[]) => Policy[],
): ProposedFix | Unfixable {
  const g = req.group;
  const name = fixRuleName(g.kind, req.ruleNames);
  let positions: Position[] = [];
  let built: Built = { edits: [], commands: [], notes: [] };
  let current: Policy = req.policy;
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const results = g.flows.map((f) => ({ flow: f, result: evaluateFlow(current, f, req.scope) }));
    const failing = results.filter((r) => r.result.verdict !== 'allowed');
    if (failing.length === 0) {
      if (positions.length === 0) return { unfixable: 'the flows are already allowed' };
      const notes = [
        ...new Set([
          ...built.notes,
          'replies come back through the same chains: the ruleset needs an "-m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT" rule (most have one) for the connections to work',
        ]),
      ];
      return { name, edits: built.edits, commands: built.commands, notes };
    }
    const found = deciders(failing.map((f) => f.result));
    if (!Array.isArray(found)) {
      const flow = failing.find((f) => f.result === found)!.flow;
      return { unfixable: `${flowLabel(flow)} could not be evaluated: ${found.detail}` };
    }
    const next = nextPosition(found, current, positions, built.edits);
    if (typeof next === 'string') {
      const still = failing[0]!;
      return {
        unfixable:
          next || `${flowLabel(still.flow)} is still ${still.result.verdict} (${still.result.detail})`,
      };
    }
    positions = next;
    const b = build(req, name, positions);
    if (typeof b === 'string') return { unfixable: b };
    built = b;
    try {
      const files = req.files.map((f) => ({
        ...f,
        text: applyEdits(
          f.text,
          built.edits.filter((e) => e.path === f.path),
        ),
      }));
      const again = read(files).find((p) => p.paths[0] === req.policy.paths[0]);
      if (!again) return { unfixable: 'the patched save reads as another firewall' };
      current = again;
    } catch (e) {
      if (e instanceof InputError) return { unfixable: `the patched save does not read: ${e.format()}` };
      throw e;
    }
  }
  return { unfixable: `more than ${MAX_ROUNDS} chains would need a rule` };
}

const chainKey = (o: RuleOrigin) => `${o.path}|${o.table}|${o.chain}`;

/**
 * The positions with one more: in front of the first denying rule in a chain not patched yet; or, where a
 * rule appended to a chain is not reached (a goto'd user chain ends at the policy without coming back),
 * moved to the head of that chain. A string says why there is none (empty: the flows are still denied).
 */
function nextPosition(
  found: readonly number[],
  current: Policy,
  positions: readonly Position[],
  edits: readonly Edit[],
): Position[] | string {
  let why = '';
  for (const i of found) {
    const o = i < 0 ? undefined : originOf(current.rules[i]!);
    if (!o) {
      const rule = i < 0 ? undefined : current.rules[i]!;
      why = rule
        ? `${rule.name} decides (${rule.conditions?.[0]?.reason ?? 'not a rule of the save'})`
        : 'the policy default decides';
      continue;
    }
    const back = (line: number) => originalLine(line, edits, o.path);
    const same = positions.findIndex((p) => chainKey(p.origin) === chainKey(o));
    if (same < 0) {
      const position: Position = o.top
        ? { origin: o, line: back(o.top.line), index: o.top.index }
        : { origin: o, line: back(o.commitLine) };
      return [...positions, position];
    }
    const before = positions[same]!;
    if (before.index === undefined && o.first !== undefined) {
      const head: Position = { origin: before.origin, line: back(o.first), index: 1 };
      return positions.map((p, k) => (k === same ? head : p));
    }
  }
  return why;
}

interface Built {
  edits: Edit[];
  commands: string[];
  notes: string[];
}

/** The save lines and commands for every position. */
function build(req: FixRequest, name: string, positions: readonly Position[]): Built | string {
  const out: Built = { edits: [], commands: [], notes: [] };
  for (const position of positions) {
    const { origin } = position;
    const specs = ruleSpecs(req, origin.family, name, origin.host, out.notes);
    if (typeof specs === 'string') return specs;
    const tool = origin.family === 'ipv4' ? 'iptables' : 'ip6tables';
    const saveLine = (spec: string[]) =>
      ['-A', origin.chain, ...spec.map((w) => (w === name ? `"${w}"` : w))].join(' ');
    out.edits.push({ path: origin.path, line: position.line, insert: `${specs.map(saveLine).join('\n')}\n` });
    specs.forEach((spec, k) => {
      const where =
        position.index !== undefined
          ? ['-I', shellWord(origin.chain), String(position.index + k)]
          : ['-A', shellWord(origin.chain)];
      out.commands.push([tool, '-t', origin.table, ...where, ...spec.map(shellWord)].join(' '));
    });
  }
  return out;
}
