import { evaluateFlow, type PolicyFlowResult, type Scope } from '../../evaluate/evaluate.js';
import { ALLOW } from '../../evaluate/first-match.js';
import { InputError } from '../../input/input-error.js';
import type { InputFile } from '../../input/input-file.js';
import { flowLabel } from '../../model/flow.js';
import { FAMILY_RANGE, type Family } from '../../model/ip.js';
import type { Policy, Rule } from '../../model/policy.js';
import { ZoneSet } from '../../model/zone-set.js';
import { applyEdits } from '../../remediate/apply-edits.js';
import { fixRuleName } from '../../remediate/naming.js';
import type { Edit, FixRequest, ProposedFix, Unfixable } from '../../remediate/types.js';
import type { AccessList } from './access-lists.js';
import type { AsaConfig } from './asa-reader.js';
import { addressPart, hostsPart, ObjectNames, servicePart, type AcePart } from './fix-objects.js';
import { originOf } from './rule-origin.js';

/**
 * Where the new ACE goes in one ACL: before an entry (its ACL line as the ASA numbers it, remarks
 * included, and its file line), or at the end, after the ACL's last line.
 */
type Position = { acl: string; before?: { aclLine: number; line: number }; why: string };

/**
 * A flow passes two stages (the egress interface's outbound ACL, then the inbound or global ACL), and only
 * the first that denies it is seen per round; each gets its entry, so few rounds.
 */
const MAX_ROUNDS = 4;

const DESCRIBE = { web: 'web endpoints', media: 'STUN/TURN media', dns: 'DNS' } as const;

/**
 * The ASA's fix: one permit ACE (with a remark naming it) in each ACL that denies the flows, before the
 * deciding entry, or after the ACL's last line where its implicit deny decides. The ACL that decides is
 * found by evaluating: the clients' inbound (or the global) ACL, and an outbound ACL on the egress
 * interface, which must permit the traffic too ("Access Rules": "Inbound and Outbound Rules"); each policy
 * rule comes from one entry of one ACL (rule-origin.ts).
 *
 * Commands: `access-list NAME line N remark ...` and `access-list NAME line N+1 extended permit ...`
 * insert at ACL line N, pushing the entry there down; without `line` an entry is appended ("Cisco ASA
 * Series Command Reference", access-list extended / access-list remark: `[line line_number]`; line
 * numbers count remarks, as `show access-list` shows them).
 */
export function remediateAsa(req: FixRequest, read: (file: InputFile) => AsaConfig): ProposedFix | Unfixable {
  const file = req.files[0]!;
  let original: AsaConfig;
  try {
    original = read(file);
  } catch (e) {
    if (e instanceof InputError) return { unfixable: `the export does not read again: ${e.format()}` };
    throw e;
  }
  const g = req.group;
  const { settings } = original;
  if (!g.anyDestination && !(settings.dnsLookup && settings.dnsServer)) {
    return {
      unfixable:
        'the flows go to host names, which an ACE matches through FQDN objects the ASA resolves with its own DNS, and the config has no "dns domain-lookup" with a DNS server ("name-server"); configure those first',
    };
  }
  const name = fixRuleName(g.kind, req.ruleNames);
  const ace = aceBody(req, original);
  if (typeof ace === 'string') return { unfixable: ace };

  const scope: Scope = {
    ...(req.sources ? { sources: req.sources.set } : {}),
    ...(req.sourceZones ? { sourceZones: ZoneSet.of(req.sourceZones) } : {}),
    ...(req.destinationZones ? { destinationZones: ZoneSet.of(req.destinationZones) } : {}),
  };
  const positions: Position[] = [];
  let current = original;
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const results = g.flows.map((f) => ({ flow: f, result: evaluateFlow(current.policy, f, scope) }));
    const failing = results.filter((r) => r.result.verdict !== 'allowed');
    if (failing.length === 0) {
      if (positions.length === 0) return { unfixable: 'the flows are already allowed' };
      return proposal(file, original, name, ace, positions);
    }
    const patched = new Set(positions.map((p) => p.acl));
    const next = deciders(
      failing.map((f) => f.result),
      current.policy,
      patched,
    );
    if ('unevaluated' in next) {
      const flow = failing.find((f) => f.result === next.unevaluated)!.flow;
      return { unfixable: `${flowLabel(flow)} could not be evaluated: ${next.unevaluated.detail}` };
    }
    if (next.rules.length === 0) {
      const still = failing[0]!;
      return {
        unfixable: `with the new entry in access-list ${[...patched].join(' and ')}, ${flowLabel(still.flow)} is still ${still.result.verdict} (${still.result.detail})`,
      };
    }
    // The first an entry can fix; else why the first can't be.
    let position: Position | string | undefined;
    for (const i of next.rules) {
      const p =
        i < 0
          ? 'only the implicit deny of the whole device decides'
          : positionFor(current.policy.rules[i]!, original);
      if (typeof p !== 'string') {
        position = p;
        break;
      }
      position ??= p;
    }
    if (typeof position !== 'object') return { unfixable: position! };
    positions.push(position);
    try {
      current = read({ ...file, text: applyEdits(file.text, edits(file, original, name, ace, positions)) });
    } catch (e) {
      if (e instanceof InputError) return { unfixable: `the patched export does not read: ${e.format()}` };
      throw e;
    }
  }
  return { unfixable: `more than ${MAX_ROUNDS} access lists would need an entry` };
}

/**
 * The rules a new entry may have to come before next, best first: those that deny a flow, may deny it or
 * leave it undecided, outside the ACLs this fix already has an entry in (what those still decide the
 * entry can't change: IPv6 clients of an any4 entry, say). The inbound stage's first, as the ASA checks
 * the inbound ACL before the outbound one; then by index; -1 (the policy's default) last. A stage shows
 * only what passed the ones before it, so each round finds the next ACL.
 */
function deciders(
  results: readonly PolicyFlowResult[],
  policy: Policy,
  patched: ReadonlySet<string>,
): { rules: number[] } | { unevaluated: PolicyFlowResult } {
  const inbound = policy.stages?.at(-1)?.start ?? 0;
  const rank = (i: number) => (i < 0 ? Infinity : i >= inbound ? i - policy.rules.length : i);
  const found = new Set<number>();
  for (const result of results) {
    const families = (result.worlds ?? [result]).flatMap((w) => w.families);
    if (families.length === 0) return { unevaluated: result };
    for (const p of families.flatMap((f) => f.pieces)) {
      if (p.outcome === ALLOW) continue;
      const at = p.doubt?.rule ?? p.by;
      const origin = at < 0 ? undefined : originOf(policy.rules[at]!);
      if (!origin || !patched.has(origin.acl)) found.add(at);
    }
  }
  return { rules: [...found].sort((a, b) => rank(a) - rank(b)) };
}

interface AceBody {
  kind: keyof typeof DESCRIBE;
  /** `permit tcp SRC DST eq 443`. */
  permit: string;
  /** Object blocks to define first. */
  defs: string[][];
  notes: string[];
}

/** The families the clients have addresses in (IPv4 where no clients were given: any source will do). */
function clientFamilies(req: FixRequest): Family[] {
  if (!req.sources) return ['ipv4'];
  return (['ipv4', 'ipv6'] as const).filter((f) => req.sources!.set.intersects(FAMILY_RANGE[f]));
}

/** The permit's words, the objects it needs and what a reviewer should know of them. */
function aceBody(req: FixRequest, cfg: AsaConfig): AceBody | string {
  const g = req.group;
  const names = new ObjectNames(cfg);
  const families = clientFamilies(req);
  const v9 = !cfg.settings.version || cfg.settings.version.major >= 9;
  if (!v9 && families.includes('ipv6')) {
    return `ASA ${cfg.settings.version!.major}.${cfg.settings.version!.minor} filters IPv6 with separate "ipv6 access-list" rules, which this tool does not write`;
  }
  // Before 9.0, "any" is IPv4 only and any4/any6 don't exist.
  const anyOf = (fs: readonly Family[]) =>
    !v9 ? 'any' : fs.length === 2 ? 'any' : fs[0] === 'ipv6' ? 'any6' : 'any4';
  const notes: string[] = [];
  let source: AcePart | string;
  if (req.sources) {
    source = addressPart(cfg, req.sources.set, `rs-${g.kind}-clients`, 'the clients', names);
  } else {
    const origin = req.fallbackSourcesOf ? originOf(req.fallbackSourcesOf) : undefined;
    const text = origin?.kind === 'ace' ? origin.ace.sourceText : undefined;
    if (text && !/^any[46]?$/i.test(text)) {
      source = { text, defs: [], notes: [] };
      notes.push(
        `no client sources were given (--source): the entry allows the sources of ${req.fallbackSourcesOf!.name} (${text}); name the clients for a narrower entry`,
      );
    } else {
      source = { text: anyOf(families), defs: [], notes: [] };
      notes.push(
        'no client sources were given (--source): the entry allows any source address on the interfaces the ACL applies to; name the clients for a narrower entry',
      );
    }
  }
  if (typeof source === 'string') return source;
  let destination: AcePart | string;
  if (g.anyDestination && g.relays) {
    destination = addressPart(cfg, g.relays.set, `rs-${g.kind}-relays`, 'the relays', names);
  } else if (g.anyDestination) {
    destination = { text: anyOf(families), defs: [], notes: [] };
    notes.push(
      `the destination is any address (${anyOf(families)}): an ACE can't say "internet only", so this also permits these ports to internal networks the clients can reach through the ASA; give the relay addresses (--relay) for a narrower entry`,
    );
  } else {
    destination = hostsPart(cfg, g.hosts, families, `rs-${g.kind}-hosts`, names);
  }
  if (typeof destination === 'string') return destination;
  const service = servicePart(cfg, g.services, `rs-${g.kind}-ports`, names);
  return {
    kind: g.kind,
    permit: `permit ${service.protocol} ${source.text} ${destination.text}${service.port}`,
    defs: [...source.defs, ...destination.defs, ...service.defs],
    notes: [...source.notes, ...destination.notes, ...service.notes, ...notes],
  };
}

/** The first line of the run of remarks right before an entry: a new entry goes above them, not between. */
function aboveRemarks(acl: AccessList, aclLine: number): number {
  let n = aclLine;
  while (n > 1 && acl.entries[n - 2]!.remark) n--;
  return n;
}

/** Where an entry must go so it comes before the rule that decides, or why no ACE can fix it. */
function positionFor(rule: Rule, cfg: AsaConfig): Position | string {
  const origin = originOf(rule);
  const acl = origin ? cfg.acls.get(origin.acl) : undefined;
  if (!origin || !acl) return whyUnfixable(rule);
  if (origin.kind === 'implicit-deny') {
    return { acl: acl.name, why: `at the end of access-list ${acl.name}, before its implicit deny` };
  }
  const aclLine = aboveRemarks(acl, origin.ace.aclLine);
  // The ACE without "access-list NAME extended".
  const entry = origin.ace.text.split(' ').slice(3).join(' ');
  const what = origin.ace.action === 'allow' ? `"${entry}", which may not match` : `"${entry}"`;
  return {
    acl: acl.name,
    before: { aclLine, line: acl.entries[aclLine - 1]!.line },
    why: `in access-list ${acl.name} before line ${origin.ace.aclLine} (${what}), taking precedence over it for these clients and flows`,
  };
}

function whyUnfixable(rule: Rule): string {
  const section = rule.section ?? '';
  if (section.startsWith('security levels') || rule.name.startsWith('security level')) {
    return `no ACL is applied inbound on the clients' interface (no "access-group ... in interface" and no global ACL), so security levels decide ("${rule.name}"). An entry needs an applied ACL, and applying a new one with "access-group" would replace the implicit permits to lower-level interfaces for all of that interface's traffic; write that ACL by hand, with permits for what the interface needs today`;
  }
  if (section.startsWith('no same-security-traffic')) {
    return `"${rule.name}": the ASA drops traffic between interfaces of the same security level (or in and out of one interface) before any ACL, unless "same-security-traffic permit inter-interface" ("intra-interface") is set; that is a device-wide setting, not an entry, so it is left to you`;
  }
  const why = rule.conditions?.[0]?.reason;
  return `the flows are decided by "${rule.name}"${section ? ` (${section})` : ''}${why ? `: ${why}` : ''}, which no entry in an access list of this export can change`;
}

/** The remark naming the entry (up to 100 characters, "access-list remark"), at ACL line `at` if given. */
function remark(acl: string, name: string, ace: AceBody, at?: number): string {
  const line = at === undefined ? '' : ` line ${at}`;
  return `access-list ${acl}${line} remark ${name}: RemoteSpark ${DESCRIBE[ace.kind]} (remotespark-firewall-check)`;
}

/** The edits: new objects before the first access-list line, and each ACL's remark and entry. */
function edits(
  file: InputFile,
  cfg: AsaConfig,
  name: string,
  ace: AceBody,
  positions: readonly Position[],
): Edit[] {
  const out: Edit[] = [];
  if (ace.defs.length > 0) {
    const first = Math.min(...[...cfg.acls.values()].map((a) => a.entries[0]?.line ?? Infinity));
    out.push({ path: file.path, line: first, insert: `${ace.defs.flat().join('\n')}\n` });
  }
  for (const p of positions) {
    const acl = cfg.acls.get(p.acl)!;
    const line = p.before ? p.before.line : acl.entries[acl.entries.length - 1]!.line + 1;
    const insert = `${remark(p.acl, name, ace)}\naccess-list ${p.acl} extended ${ace.permit}\n`;
    out.push({ path: file.path, line, insert });
  }
  return out;
}

function proposal(
  file: InputFile,
  cfg: AsaConfig,
  name: string,
  ace: AceBody,
  positions: readonly Position[],
): ProposedFix {
  const commands = [...ace.defs.flat()];
  for (const p of positions) {
    if (p.before) {
      const n = p.before.aclLine;
      commands.push(remark(p.acl, name, ace, n), `access-list ${p.acl} line ${n + 1} extended ${ace.permit}`);
    } else {
      commands.push(remark(p.acl, name, ace), `access-list ${p.acl} extended ${ace.permit}`);
    }
  }
  return {
    name,
    edits: edits(file, cfg, name, ace, positions),
    commands,
    notes: [...positions.map((p) => `the entry goes ${p.why}`), ...ace.notes],
  };
}
