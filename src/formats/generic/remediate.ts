import { fixRuleName } from '../../remediate/naming.js';
import type { FixRequest, ProposedFix, Unfixable } from '../../remediate/types.js';

const indentOf = (l: string) => l.length - l.trimStart().length;

/** A YAML flow-sequence item: plain where that can't be misread, else a JSON string (valid YAML). */
function item(text: string): string {
  return /^[A-Za-z0-9][\w./*-]*$/.test(text) ? text : JSON.stringify(text);
}

const list = (xs: readonly string[]) => `[${xs.map(item).join(', ')}]`;

/** The line after the last rule's block: where a rule appended to the list goes. */
function afterLastRule(lines: readonly string[], ruleLine: number): number {
  const dash = indentOf(lines[ruleLine - 1]!);
  let last = ruleLine;
  for (let i = ruleLine; i < lines.length; i++) {
    const l = lines[i]!;
    if (l.trim() === '' || l.trimStart().startsWith('#')) continue;
    if (indentOf(l) <= dash) break;
    last = i + 1;
  }
  return last + 1;
}

/**
 * The generic format's fix: one rule in the YAML `rules` list, written in the file's own indentation,
 * before the rule that denies the flows (or after the last rule). JSON files are not edited.
 */
export function remediateGeneric(req: FixRequest): ProposedFix | Unfixable {
  const file = req.files[0]!;
  if (/^\s*[{[]/.test(file.text))
    return { unfixable: 'generic JSON files are not edited yet (YAML ones are)' };
  const rules = req.policy.rules;
  if (rules.length === 0)
    return { unfixable: 'the policy has no rules to place the new one among; add it by hand' };
  const lines = file.text.split('\n').map((l) => l.replace(/\r$/, ''));
  const anchor = req.before >= 0 ? rules[req.before]! : rules[rules.length - 1]!;
  const anchorLine = lines[anchor.location.line - 1];
  if (anchorLine === undefined || !anchorLine.trimStart().startsWith('- ')) {
    return { unfixable: `rule "${anchor.name}" is not a block list item the fix can be placed next to` };
  }
  const pad = ' '.repeat(indentOf(anchorLine));
  const g = req.group;
  const name = fixRuleName(g.kind, req.ruleNames);
  const notes: string[] = [];
  let sources: string[];
  if (req.sources) sources = [...req.sources.texts];
  else {
    sources = ['any'];
    notes.push(
      'no client sources were given (--source): the rule allows any source; name the clients for a narrower rule',
    );
  }
  const destinations = g.anyDestination ? (g.relays ? [...g.relays.text] : ['any']) : g.hosts;
  const services = g.services.map((s) => `${s.protocol}/${s.port}`);
  const body = [
    `- name: ${name}`,
    `  action: allow`,
    `  description: RemoteSpark ${g.kind === 'web' ? 'web endpoints' : g.kind === 'dns' ? 'DNS' : 'STUN/TURN media'} (remotespark-firewall-check)`,
    ...(req.sourceZones ? [`  from-zones: ${list(req.sourceZones)}`] : []),
    ...(req.destinationZones ? [`  to-zones: ${list(req.destinationZones)}`] : []),
    `  sources: ${list(sources)}`,
    `  destinations: ${list(destinations)}`,
    `  services: ${list(services)}`,
  ];
  const insert = `${body.map((l) => pad + l).join('\n')}\n${req.before >= 0 ? '\n' : ''}`;
  const line = req.before >= 0 ? anchor.location.line : afterLastRule(lines, anchor.location.line);
  return {
    name,
    edits: [{ path: file.path, line, insert: req.before >= 0 ? insert : `\n${insert}` }],
    commands: [],
    notes,
  };
}
