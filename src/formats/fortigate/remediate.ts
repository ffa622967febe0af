import { FAMILY_RANGE, parseIpSpec, type Family } from '../../model/ip.js';
import type { Policy, Rule } from '../../model/policy.js';
import { fixRuleName } from '../../remediate/naming.js';
import type { InputFile } from '../../input/input-file.js';
import type { Edit, FixRequest, ProposedFix, Unfixable } from '../../remediate/types.js';
import { CannotWrite, q } from './cli-quote.js';
import { namesOf, readerFacts, type FileFacts, type ScopeFacts } from './fix-facts.js';
import { ObjectPlanner, type NewObject } from './fix-objects.js';
import type { TableSpan } from './layout.js';
import { readFortigateFile } from './read-file.js';

const POLICY = 'firewall policy';
const FAMILIES: Family[] = ['ipv4', 'ipv6'];
const PURPOSE = { web: 'web endpoints', media: 'STUN/TURN media', dns: 'DNS' } as const;

/**
 * What the reader noted of the file for the fixes (fix-facts.ts). Where it was dropped already (a second
 * remediation after release), the file is read again in pieces, which notes it again.
 */
function factsOf(file: InputFile): FileFacts {
  const known = readerFacts.get(file);
  if (known) return known;
  readFortigateFile(file);
  return readerFacts.get(file)!;
}

/** Drops what the reader noted of a file for the fixes (FormatReader.release). */
export function releaseFortigate(file: InputFile): void {
  readerFacts.delete(file);
}

/**
 * The srcintf, dstintf and (unless negated) srcaddr names of the `firewall policy` entry a rule was made
 * of: the policy's rules from that table are its entries in table order (policy-builder.ts).
 */
function policyNamesOf(facts: ScopeFacts, policy: Policy, rule: Rule): (string[] | undefined)[] {
  let at = 0;
  for (const r of policy.rules) {
    if (r === rule) break;
    if (r.section === 'policy') at++;
  }
  const n = facts.policyNames;
  if (3 * at >= n.length) return [undefined, undefined, undefined];
  return [namesOf(n[3 * at]), namesOf(n[3 * at + 1]), namesOf(n[3 * at + 2])];
}

/** The zones whose connected subnets hold every client (the most specific subnet for each). */
function zonesOfClients(policy: Policy, texts: readonly string[]): string[] | undefined {
  const subnets = policy.zones?.subnets ?? [];
  const zones = new Set<string>();
  for (const text of texts) {
    const set = parseIpSpec(text);
    const home = subnets
      .filter((s) => s.net.covers(set))
      .sort((a, b) => (a.net.size() < b.net.size() ? -1 : 1))[0];
    if (!home) return undefined;
    zones.add(home.zone);
  }
  return [...zones];
}

/** `set key "a" "b"`. */
const setList = (key: string, names: readonly string[]) => `set ${key} ${names.map(q).join(' ')}`;

/** An entry as CLI lines: `edit NAME`, its sets, `next`, indented as the table is. */
function entryLines(name: string, sets: readonly string[], editPad: string, setPad: string): string[] {
  return [`${editPad}edit ${name}`, ...sets.map((s) => setPad + s), `${editPad}next`];
}

interface Placement {
  /** Line the policy entry is inserted before. */
  line: number;
  span: TableSpan;
  /** The policy id it must be moved before on the device; undefined when it goes at the end. */
  moveBefore?: string;
}

function place(req: FixRequest, spans: readonly TableSpan[]): Placement {
  const target: Rule | undefined = req.before >= 0 ? req.policy.rules[req.before] : undefined;
  const last = spans[spans.length - 1]!;
  if (!target || target.section === 'policy6') {
    // Every `config firewall policy` entry comes before the policy6 table's (IPv6 only up to 6.2).
    return { line: last.endLine, span: last };
  }
  if (target.section === 'acl' || target.section === 'acl6') {
    throw new CannotWrite(
      `${target.name} is a firewall ACL entry (line ${target.location.line}), which drops traffic before any firewall policy is looked at: no policy can fix it; change the ACL`,
    );
  }
  if (target.section !== 'policy') {
    throw new CannotWrite(
      `rules in config firewall ${target.section ?? '?'} are not written by this tool yet`,
    );
  }
  for (const span of spans) {
    // The rule's line is the first `edit` of its entry.
    if (span.configLine < target.location.line && target.location.line < span.endLine) {
      return { line: target.location.line, span, moveBefore: target.id! };
    }
  }
  throw new CannotWrite(
    `policy ${target.id} (line ${target.location.line}) was not found in the file's policy table`,
  );
}

/** Which address families the rule must cover: the clients' (both unknown: IPv4 only, enough for some). */
function familiesOf(req: FixRequest): Family[] {
  if (!req.sources) return ['ipv4'];
  return FAMILIES.filter((f) => req.sources!.set.intersects(FAMILY_RANGE[f]));
}

function write(req: FixRequest): ProposedFix {
  const { policy, group } = req;
  const file = req.files.find((f) => f.path === policy.paths[0]) ?? req.files[0]!;
  const parsed = factsOf(file);
  const scope = parsed.scopes.get(policy.name);
  if (!scope) throw new CannotWrite(`VDOM ${policy.name ?? '?'} is not in ${file.path}`);
  if (scope.consolidatedMode) {
    throw new CannotWrite(
      'consolidated-firewall-mode is enabled: rules in config firewall consolidated policy are not written by this tool yet',
    );
  }
  if (scope.ngfwPolicyBased) {
    throw new CannotWrite(
      'NGFW policy-based mode: security policies decide what passes, and this tool does not write them yet',
    );
  }
  const spans = parsed.layout.get(scope.vdom ?? '');
  const policySpans = spans?.get(POLICY) ?? [];
  if (policySpans.length === 0 || policySpans.some((s) => s.endLine === 0)) {
    throw new CannotWrite(
      `the export has no config firewall policy${scope.vdom ? ` in VDOM ${scope.vdom}` : ''} to add the rule to`,
    );
  }
  if (policySpans.some((s) => s.reorders)) {
    throw new CannotWrite(
      'the export reorders its policies with move/delete commands, so file order is not policy order; place the rule by hand',
    );
  }
  const at = place(req, policySpans);
  const families = familiesOf(req);
  const version = parsed.version;
  const notes: string[] = [];
  if (families.includes('ipv6')) {
    if (version && (version[0] < 6 || (version[0] === 6 && version[1] < 4))) {
      throw new CannotWrite(
        `IPv6 clients on FortiOS ${version.join('.')}: IPv6 rules go in config firewall policy6, which this tool does not write yet`,
      );
    }
    if (!version)
      notes.push('IPv6 clients: the rule uses srcaddr6/dstaddr6, which need FortiOS 6.4 or later');
  }

  // Rules and objects the fixes written before this one (same policy) added: taken into account. (Not
  // found as the names taken beyond the policy's rules: a set of every rule's name per fix was most of
  // the garbage a large export's fix writing left, ~35 MB per fix at 400 MiB.)
  const earlier = req.earlier.map((f) => f.name);
  const decider = req.fallbackSourcesOf?.section === 'policy' ? req.fallbackSourcesOf : undefined;
  const [deciderSrcintf, deciderDstintf, deciderSrcaddr] = decider
    ? policyNamesOf(scope, policy, decider)
    : [];

  const srcintf =
    req.sourceZones ??
    (req.sources ? zonesOfClients(policy, req.sources.texts) : undefined) ??
    deciderSrcintf;
  const dstintf = req.destinationZones ?? deciderDstintf;
  if (!srcintf)
    notes.push(
      'the clients\' interface is not known: srcintf is "any"; narrow it to the clients\' interface or zone',
    );
  if (!dstintf)
    notes.push(
      'the export does not tell which interface reaches the internet: dstintf is "any"; narrow it to the WAN interface or SD-WAN zone',
    );
  const src = srcintf ?? ['any'];
  const dst = dstintf ?? ['any'];

  const objects = new ObjectPlanner(scope);
  // Sources first, so every fix of a policy names the client objects alike (the first one creates them).
  const sources = new Map<Family, string[]>();
  if (req.sources) {
    for (const family of families) {
      const names: string[] = [];
      for (const text of req.sources.texts) {
        const set = parseIpSpec(text).intersect(FAMILY_RANGE[family]);
        if (!set.isEmpty()) names.push(objects.address(set, family, 'clients', src, earlier.length > 0));
      }
      sources.set(family, names);
    }
  } else {
    const names = deciderSrcaddr;
    if (names)
      notes.push(
        `no clients were given (--source): the rule takes the sources of ${decider!.name} (${names.join(', ')}); name the clients for a narrower rule`,
      );
    else
      notes.push(
        'no clients were given (--source): the rule allows every source address ("all"); name the clients for a narrower rule',
      );
    sources.set('ipv4', names ?? ['all']);
  }
  const destinations = new Map<Family, string[]>();
  for (const family of families) {
    if (group.anyDestination && group.relays) {
      const names: string[] = [];
      for (const text of group.relays.text) {
        const set = parseIpSpec(text).intersect(FAMILY_RANGE[family]);
        if (!set.isEmpty()) names.push(objects.address(set, family, 'relay', dst));
      }
      if (names.length === 0)
        throw new CannotWrite(
          `no ${family === 'ipv4' ? 'IPv4' : 'IPv6'} relay address was given for ${family} clients`,
        );
      destinations.set(family, names);
    } else if (group.anyDestination) destinations.set(family, ['all']);
    else
      destinations.set(
        family,
        group.hosts.map((h) => objects.fqdn(h, family, dst)),
      );
  }
  const service = objects.service(group.kind, group.services);

  const name = fixRuleName(group.kind, req.ruleNames);
  const id = String(scope.freeId + earlier.length);
  const nat = natOf(scope, dst) && families.includes('ipv4');
  const v4 = sources.has('ipv4');
  const v6 = sources.has('ipv6');
  const policySets = [
    `set name ${q(name)}`,
    setList('srcintf', src),
    setList('dstintf', dst),
    'set action accept',
    ...(v4 ? [setList('srcaddr', sources.get('ipv4')!), setList('dstaddr', destinations.get('ipv4')!)] : []),
    ...(v6
      ? [setList('srcaddr6', sources.get('ipv6')!), setList('dstaddr6', destinations.get('ipv6')!)]
      : []),
    'set schedule "always"',
    setList('service', [service]),
    ...(nat ? ['set nat enable'] : []),
    `set comments ${q(`RemoteSpark ${PURPOSE[group.kind]} (remotespark-firewall-check)`)}`,
  ];
  if (nat) notes.push(`NAT is enabled as on the other accept policies to ${dst.join(', ')}`);

  const edits = objectEdits(file.path, spans!, policySpans[0]!, objects.created);
  const editPad = at.span.indent.edit ?? `${at.span.indent.config}    `;
  const setPad = at.span.indent.set ?? `${editPad}    `;
  edits.push({
    path: file.path,
    line: at.line,
    insert: `${entryLines(id, policySets, editPad, setPad).join('\n')}\n`,
  });

  const shared = objects.created.filter((o) => o.shared);
  if (shared.length) {
    notes.push(`uses ${shared.map((o) => o.name).join(', ')}, created by the ${earlier[0]} fix`);
  }
  const commands = deviceCommands(scope, objects.created, id, policySets, at.moveBefore);
  notes.push(
    `policy id ${id} is above every policy id in the export${at.moveBefore ? `; "move ${id} before ${at.moveBefore}" puts it where it decides first` : ''}; if the device has a policy ${id} already (the export is older), use a free id in both lines`,
  );
  const created = objects.created.filter((o) => !o.shared);
  if (created.length) notes.push(`creates ${created.map((o) => `${o.table} ${o.name}`).join(', ')}`);
  return { name, edits, commands, notes };
}

/** Whether the accept policies to these interfaces translate sources (a rule without NAT wouldn't reach out). */
function natOf(scope: ScopeFacts, dst: readonly string[]): boolean {
  return scope.natTo.has([...dst].sort().join('\n'));
}

/** New objects: appended to their table in the scope, or in a new table just before the policy table. */
function objectEdits(
  path: string,
  spans: ReadonlyMap<string, TableSpan[]>,
  policy: TableSpan,
  created: readonly NewObject[],
): Edit[] {
  const edits: Edit[] = [];
  const tables = [...new Set(created.filter((o) => !o.shared).map((o) => o.table))];
  for (const table of tables) {
    const mine = created.filter((o) => o.table === table && !o.shared);
    const span = spans.get(table)?.at(-1);
    const configPad = span?.indent.config ?? policy.indent.config;
    const editPad = span?.indent.edit ?? policy.indent.edit ?? `${configPad}    `;
    const setPad = span?.indent.set ?? policy.indent.set ?? `${editPad}    `;
    const body = mine.flatMap((o) => entryLines(q(o.name), o.sets, editPad, setPad));
    if (span && span.endLine > 0) edits.push({ path, line: span.endLine, insert: `${body.join('\n')}\n` });
    else {
      edits.push({
        path,
        line: policy.configLine,
        insert: `${[`${configPad}config ${table}`, ...body, `${configPad}end`].join('\n')}\n`,
      });
    }
  }
  return edits;
}

/**
 * What an admin pastes: the objects, the policy (`edit <id>` with the id chosen, so the move names it
 * exactly), then `move <id> before <id>` (the CLI's way to reorder: "Technical Tip: Using the CLI to change
 * the order of the IPV4 ... policy list", https://community.fortinet.com/t5/FortiGate/Technical-Tip-Using-the-CLI-to-change-the-order-of-the-IPV4/ta-p/197353;
 * a new policy otherwise goes to the end of the list), inside `config vdom` / `edit <vdom>` where the
 * device has VDOMs.
 */
function deviceCommands(
  scope: ScopeFacts,
  created: readonly NewObject[],
  id: string,
  policySets: readonly string[],
  moveBefore: string | undefined,
): string[] {
  const out: string[] = [];
  for (const table of [...new Set(created.filter((o) => !o.shared).map((o) => o.table))]) {
    out.push(`config ${table}`);
    for (const o of created.filter((c) => c.table === table && !c.shared))
      out.push(...entryLines(q(o.name), o.sets, '    ', '        '));
    out.push('end');
  }
  out.push(`config ${POLICY}`, ...entryLines(id, policySets, '    ', '        '));
  if (moveBefore) out.push(`    move ${id} before ${moveBefore}`);
  out.push('end');
  return scope.vdom === undefined ? out : ['config vdom', `edit ${q(scope.vdom)}`, ...out, 'end'];
}

/**
 * FortiGate fixes: one accept policy per group in the policy's own `config firewall policy` (its VDOM's,
 * with VDOMs), inserted in the file before the policy that denies the flows (FortiOS decides by position,
 * not id), with the FQDN addresses, client addresses and custom service it needs; and the same as CLI
 * commands with a `move`. A fix that can't be written exactly is unfixable, saying why.
 */
export function remediateFortigate(req: FixRequest): ProposedFix | Unfixable {
  try {
    return write(req);
  } catch (e) {
    if (e instanceof CannotWrite) return { unfixable: e.message };
    throw e;
  }
}
