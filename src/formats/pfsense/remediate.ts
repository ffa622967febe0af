import { evaluateFlow, type Scope } from '../../evaluate/evaluate.js';
import { ALLOW } from '../../evaluate/first-match.js';
import { InputError } from '../../input/input-error.js';
import { FAMILY_RANGE } from '../../model/ip.js';
import type { Policy, Rule } from '../../model/policy.js';
import { ZoneSet } from '../../model/zone-set.js';
import { applyEdits } from '../../remediate/apply-edits.js';
import { fixRuleName } from '../../remediate/naming.js';
import type { Edit, FixRequest, ProposedFix, Unfixable } from '../../remediate/types.js';
import { FixAliases } from './fix-aliases.js';
import type { Flavor } from './detect.js';
import { indentBlock, indentOf, xmlText } from './fix-xml.js';
import { readConfigXml } from './pfsense-reader.js';

/** Where the deciding rule sits: its stage and tab, read back from the section the reader gave it. */
function placeOf(rule: Rule): {
  outbound: boolean;
  kind: 'floating' | 'tab' | 'mvc' | 'automatic';
  tab?: string;
} {
  const [stage, where = ''] = (rule.section ?? '').split(': ');
  const outbound = stage!.startsWith('outbound');
  if (where.endsWith('(new rules)')) return { outbound, kind: 'mvc' };
  if (where === 'floating') return { outbound, kind: 'floating' };
  const tab = /^interface(?: group)? (.+)$/.exec(where)?.[1];
  if (tab) return { outbound, kind: 'tab', tab };
  return { outbound, kind: 'automatic' };
}

/** Which of `ipprotocol` the clients need: IPv4, IPv6 or both. */
function families(req: FixRequest): string {
  const set = req.sources?.set;
  if (!set) return 'inet46';
  const v4 = set.intersects(FAMILY_RANGE.ipv4);
  const v6 = set.intersects(FAMILY_RANGE.ipv6);
  return v4 && v6 ? 'inet46' : v6 ? 'inet6' : 'inet';
}

/** The ports to allow, grouped: one rule per port, `tcp/udp` where both protocols need it. */
function portRules(req: FixRequest): { protocol: string; port: number }[] {
  const byPort = new Map<number, Set<string>>();
  for (const s of req.group.services) byPort.set(s.port, (byPort.get(s.port) ?? new Set()).add(s.protocol));
  return [...byPort].map(([port, ps]) => ({ protocol: ps.size === 2 ? 'tcp/udp' : [...ps][0]!, port }));
}

const GUI_TAB = (tab: string) => `Firewall > Rules > ${tab === 'Floating' ? 'Floating' : tab.toUpperCase()}`;

/**
 * The fix as config.xml edits: pass `<rule>`s in `<filter>` before the rule that decides against the
 * flows, on its tab (a quick floating rule where a floating or outbound rule decides, pf applying quick
 * rules first), or on the clients' interface after the last rule where the default deny decides. Neither
 * product has a CLI for rules, so there are no commands: the note names the GUI page.
 */
function fixBefore(
  req: FixRequest,
  decider: Rule | undefined,
  aliases: FixAliases,
  name: string,
): RulePart | Unfixable {
  const file = req.files[0]!;
  const lines = file.text.split('\n');
  const place = decider ? placeOf(decider) : { outbound: false, kind: 'automatic' as const };
  const isDefault = !decider || (place.kind === 'automatic' && decider.name === 'Default deny rule');
  if (place.kind === 'mvc')
    return {
      unfixable: `rule "${decider!.name}" is one of OPNsense's new (MVC) rules; add the pass rule before it under Firewall > Rules (new)`,
    };
  if (place.kind === 'automatic' && !isDefault)
    return {
      unfixable: `automatic rule "${decider!.name}" decides: change the setting behind it (${decider!.location.path}:${decider!.location.line}) rather than add a rule`,
    };

  const doc = aliases.doc;
  const filter = doc.child(doc.root, 'filter');
  if (filter === undefined) return { unfixable: 'the file has no <filter> section to add the rule to' };
  let line: number;
  let floating = false;
  let tab: string;
  let ifaces: string;
  if (isDefault) {
    const zones = req.sourceZones;
    if (!zones?.length)
      return {
        unfixable:
          "the clients' interface is not known: give --source (in an interface's subnet) or --source-zone",
      };
    floating = zones.length > 1;
    ifaces = zones.join(',');
    tab = floating ? 'Floating' : zones[0]!;
    const close = doc.lineAt(doc.endOffset(filter) - 1);
    if (close === doc.lineOf(filter))
      return { unfixable: '<filter> is written on one line; add the rule by hand' };
    line = close;
  } else {
    line = decider!.location.line;
    if (place.kind === 'floating' || place.outbound) {
      floating = true;
      tab = 'Floating';
      const own = place.outbound ? req.destinationZones : req.sourceZones;
      const ruleEl = doc.childrenNamed(filter, 'rule').find((r) => doc.lineOf(r) === line);
      ifaces = own?.join(',') ?? (ruleEl !== undefined ? (doc.childText(ruleEl, 'interface') ?? '') : '');
    } else {
      tab = place.tab!;
      ifaces = place.tab!;
    }
  }

  const g = req.group;
  const what = g.kind === 'web' ? 'web endpoints' : g.kind === 'dns' ? 'DNS' : 'STUN/TURN media';
  const notes: string[] = [];

  let source: string[];
  if (req.sources) {
    const texts = [...req.sources.texts];
    if (texts.length === 1) source = [`\t<address>${xmlText(texts[0]!)}</address>`];
    else {
      const a = aliases.alias(
        'network',
        'RemoteSpark_clients',
        texts,
        'RemoteSpark clients (remotespark-firewall-check)',
      );
      if (typeof a !== 'string') return a;
      source = [`\t<address>${a}</address>`];
    }
  } else if (!floating) {
    source = [`\t<network>${xmlText(ifaces)}</network>`];
    notes.push(`no client sources were given (--source): the rule allows the ${tab} interface's subnet`);
  } else {
    source = ['\t<any/>'];
    notes.push(
      'no client sources were given (--source): the rule allows any source; name the clients for a narrower rule',
    );
  }

  let destination: string;
  if (g.anyDestination && !g.relays) destination = '\t<any/>';
  else {
    const entries = g.anyDestination ? [...g.relays!.text] : g.hosts;
    const type = g.anyDestination ? 'network' : 'host';
    const a = aliases.alias(
      type,
      `RemoteSpark_${g.kind}`,
      entries,
      `RemoteSpark ${what} (remotespark-firewall-check)`,
    );
    if (typeof a !== 'string') return a;
    destination = `\t<address>${a}</address>`;
  }

  const ports = portRules(req);
  const opn = req.policy.format === 'opnsense';
  const blocks = ports.map(({ protocol, port }) => {
    const descr = ports.length === 1 ? name : `${name} ${port}/${protocol}`;
    return [
      '<rule>',
      '\t<type>pass</type>',
      `\t<interface>${xmlText(ifaces)}</interface>`,
      `\t<ipprotocol>${families(req)}</ipprotocol>`,
      ...(floating
        ? [
            '\t<floating>yes</floating>',
            `\t<quick>${opn ? '1' : 'yes'}</quick>`,
            `\t<direction>${place.outbound ? 'out' : 'in'}</direction>`,
          ]
        : opn
          ? ['\t<direction>in</direction>', '\t<quick>1</quick>']
          : []),
      `\t<protocol>${protocol}</protocol>`,
      '\t<source>',
      ...source.map((l) => `\t${l}`),
      '\t</source>',
      '\t<destination>',
      `\t${destination}`,
      `\t\t<port>${port}</port>`,
      '\t</destination>',
      `\t<descr><![CDATA[${descr}]]></descr>`,
      '</rule>',
    ];
  });
  const anchor = lines[line - 1] ?? '';
  const { pad, step } = isDefault
    ? (({ pad: p, step: s }) => ({ pad: p + s, step: s }))(indentOf(lines[doc.lineOf(filter) - 1]!))
    : indentOf(anchor);
  const insert = blocks.map((b) => indentBlock(b, pad, step)).join('');
  notes.push(
    `${opn ? 'OPNsense' : 'pfSense'} has no CLI for filter rules: restore the edited config.xml, or add the rule under ${GUI_TAB(tab)} ${isDefault ? 'at the end of the list' : `above "${decider!.name}"`}`,
  );
  return { edit: { path: file.path, line, insert }, notes };
}

interface RulePart {
  edit: Edit;
  notes: string[];
}

/** A flow passes two stages (outbound, inbound), and each round shows only the first that denies it. */
const MAX_ROUNDS = 3;

/** The original line of a line of the text with `edits` applied. */
function originalLine(patched: number, edits: readonly Edit[]): number {
  let shift = 0;
  for (const e of [...edits].sort((a, b) => a.line - b.line)) {
    const added = e.insert.split('\n').length - 1;
    if (e.line + shift > patched) break;
    if (e.line + shift + added > patched) return e.line;
    shift += added;
  }
  return patched - shift;
}

/** The rule the next new rule must come before: the first that denies a flow, may, or leaves it open. */
function nextDecider(policy: Policy, req: FixRequest, scope: Scope): number | undefined | 'allowed' {
  let first: number | undefined;
  let failing = false;
  for (const flow of req.group.flows) {
    const result = evaluateFlow(policy, flow, scope);
    if (result.verdict === 'allowed') continue;
    failing = true;
    for (const w of result.worlds ?? [result])
      for (const f of w.families)
        for (const p of f.pieces) {
          if (p.outcome === ALLOW) continue;
          const at = p.doubt?.rule ?? p.by;
          if (at >= 0 && (first === undefined || at < first)) first = at;
        }
  }
  return failing ? first : 'allowed';
}

export function remediatePfsense(req: FixRequest): ProposedFix | Unfixable {
  const file = req.files[0]!;
  const aliases = new FixAliases(req);
  const name = fixRuleName(req.group.kind, req.ruleNames);
  const scope: Scope = {
    ...(req.sources ? { sources: req.sources.set } : {}),
    ...(req.sourceZones ? { sourceZones: ZoneSet.of(req.sourceZones) } : {}),
    ...(req.destinationZones ? { destinationZones: ZoneSet.of(req.destinationZones) } : {}),
  };
  const parts: RulePart[] = [];
  let policy = req.policy;
  let before: number | undefined = req.before >= 0 ? req.before : undefined;
  for (let round = 0; round < MAX_ROUNDS; round++) {
    let decider = before === undefined ? undefined : policy.rules[before]!;
    if (decider && round > 0) {
      const edits = [...aliases.edits, ...parts.map((p) => p.edit)];
      decider = {
        ...decider,
        location: { ...decider.location, line: originalLine(decider.location.line, edits) },
      };
    }
    const part = fixBefore(req, decider, aliases, name);
    if ('unfixable' in part) return part;
    parts.push(part);
    const edits = [...parts.map((p) => p.edit), ...aliases.edits];
    try {
      policy = readConfigXml({ ...file, text: applyEdits(file.text, edits) }, policy.format as Flavor);
    } catch (e) {
      if (e instanceof InputError)
        return { unfixable: `the patched config.xml does not read: ${e.format()}` };
      throw e;
    }
    const next = nextDecider(policy, req, scope);
    if (next === 'allowed' || next === undefined) break;
    before = next;
  }
  return {
    name,
    edits: [...parts.map((p) => p.edit), ...aliases.edits],
    commands: [],
    notes: [...parts.flatMap((p) => p.notes), ...aliases.notes],
  };
}
