import { findNodeAtLocation, parseTree, type Node as JsonNode } from 'jsonc-parser';
import type { InputFile } from '../../input/input-file.js';
import type { Rule } from '../../model/policy.js';
import { Unresolved } from './arm-values.js';
import { collectResources, type FirewallResource, type GroupResource } from './resources.js';
import type { Phase } from './rules.js';
import type { View } from './view.js';

/** One rule collection as written: where it stands, its priority, the kind of its rules. */
export interface CollectionSpot {
  name: string;
  priority?: number;
  phase?: Phase;
  view: View;
  rules: View[];
}

/**
 * Where rule collections live: a Firewall Policy's rule collection group, or one classic list of an Azure
 * Firewall (`networkRuleCollections` ...). `owner` is the policy (or firewall) it belongs to.
 */
export interface Container {
  kind: 'group' | 'classic';
  /** The group's name, or the classic list's key. */
  name: string;
  owner: string;
  /** Identity of the owner: rule collection groups of one policy share it. */
  ownerKey: string;
  /** The group's priority (classic lists have none). */
  priority?: number;
  /** A classic list's rule kind. */
  phase?: Phase;
  resource: GroupResource | FirewallResource;
  /** The collections array as written in the file (absent where a loop or expression builds it). */
  array?: View;
  collections: CollectionSpot[];
  /** In an ARM template (strings starting with `[` are expressions there). */
  template: boolean;
  /** Resource group named by the export (az CLI output), for commands. */
  resourceGroup?: string;
}

const RULE_TYPES: Record<string, Phase> = {
  natrule: 'dnat',
  networkrule: 'network',
  applicationrule: 'application',
};
const CLASSIC: [Phase, string][] = [
  ['dnat', 'natRuleCollections'],
  ['network', 'networkRuleCollections'],
  ['application', 'applicationRuleCollections'],
];

function text(v: View | undefined): string | undefined {
  if (!v) return undefined;
  try {
    const t = v.text();
    return typeof t === 'string' ? t : undefined;
  } catch {
    return undefined;
  }
}

function priority(owner: View): number | undefined {
  try {
    const v = owner.get('priority')?.scalar();
    const n = typeof v === 'number' ? v : typeof v === 'string' ? Number(v) : NaN;
    return Number.isInteger(n) ? n : undefined;
  } catch {
    return undefined;
  }
}

function items(v: View | undefined): View[] {
  if (!v || v.raw === null) return [];
  try {
    const list = v.items();
    return list instanceof Unresolved ? [] : list;
  } catch {
    return [];
  }
}

/** Only an array written out in the file can take inserted lines. */
function literalArray(v: View | undefined): View | undefined {
  return v && Array.isArray(v.raw) ? v : undefined;
}

function collection(c: View, fixedPhase?: Phase): CollectionSpot {
  const props = fixedPhase ? (c.get('properties') ?? c) : c;
  const rules = items(props.get('rules'));
  let phase = fixedPhase;
  if (!phase) {
    const first = rules.map((r) => text(r.get('ruleType'))?.toLowerCase()).find((t) => t !== undefined);
    phase = first !== undefined ? RULE_TYPES[first] : undefined;
    if (!phase && /nat/i.test(text(c.get('ruleCollectionType')) ?? '')) phase = 'dnat';
  }
  const p = priority(props);
  return {
    name: text(c.get('name')) ?? '',
    ...(p !== undefined ? { priority: p } : {}),
    ...(phase ? { phase } : {}),
    view: c,
    rules,
  };
}

function groupResourceGroup(g: GroupResource | FirewallResource): string | undefined {
  return text(g.view.get('resourceGroup')) ?? g.id?.resourceGroup;
}

/** Every place rule collections live in the inputs, as the reader sees them. */
export function layoutOf(files: readonly InputFile[]): Container[] {
  const index = collectResources(files);
  const out: Container[] = [];
  for (const g of index.groups) {
    if (g.unreadable) continue;
    const p = priority(g.props);
    const list = g.props.get('ruleCollections');
    const owner = g.parentPolicy?.name ?? g.policyName ?? g.view.path;
    const array = literalArray(list);
    const rg = groupResourceGroup(g);
    out.push({
      kind: 'group',
      name: g.name,
      owner,
      ownerKey: `policy:${g.parentPolicy?.key ?? g.policyKey ?? `\u0000${g.view.path}`}`,
      ...(p !== undefined ? { priority: p } : {}),
      resource: g,
      ...(array ? { array } : {}),
      collections: items(list).map((c) => collection(c)),
      template: g.origin.kind === 'template',
      ...(rg ? { resourceGroup: rg } : {}),
    });
  }
  for (const fw of index.firewalls) {
    for (const [phase, key] of CLASSIC) {
      const list = fw.props.get(key);
      const array = literalArray(list);
      const rg = groupResourceGroup(fw);
      out.push({
        kind: 'classic',
        name: key,
        owner: fw.name,
        ownerKey: `firewall:${fw.name.toLowerCase()}`,
        phase,
        resource: fw,
        ...(array ? { array } : {}),
        collections: items(list).map((c) => collection(c, phase)),
        template: fw.origin.kind === 'template',
        ...(rg ? { resourceGroup: rg } : {}),
      });
    }
  }
  return out;
}

/** The container and collection a policy rule was read from (matched by file, line and name). */
export function locate(
  layout: readonly Container[],
  rule: Rule,
): { container: Container; collection: CollectionSpot } | undefined {
  for (const container of layout) {
    for (const c of container.collections) {
      const hit = c.rules.some(
        (r) =>
          r.path === rule.location.path && r.line === rule.location.line && text(r.get('name')) === rule.name,
      );
      if (hit) return { container, collection: c };
    }
  }
  return undefined;
}

/**
 * Where a collection can be inserted as text: before the line of one element of the container's array
 * (the element's `{` first on its line, so whole lines can go in front of it), with its indentation.
 */
export function insertionPoint(
  file: InputFile,
  container: Container,
  before: CollectionSpot | undefined,
): { line: number; indent: string; unit: string } | string {
  const array = container.array;
  if (!array) return `the rule collections of "${container.name}" are built by a loop or an expression`;
  const root = parseTree(file.text, [], { allowTrailingComma: true, disallowComments: false });
  const node: JsonNode | undefined = root && findNodeAtLocation(root, [...array.site.path]);
  if (!node || node.type !== 'array' || !node.children?.length) {
    return `"${container.name}" has no rule collection written out to place the new one next to`;
  }
  const index = before ? (before.view.site.path.at(-1) as number) : 0;
  const element = node.children[typeof index === 'number' ? index : 0] ?? node.children[0]!;
  const lineStart = file.text.lastIndexOf('\n', element.offset - 1) + 1;
  const indent = file.text.slice(lineStart, element.offset);
  if (!/^[ \t]*$/.test(indent)) {
    return `the rule collections of "${container.name}" are not written one per line`;
  }
  const line = file.text.slice(0, lineStart).split('\n').length;
  return { line, indent, unit: indentUnit(file.text, node.offset, indent) };
}

/** The file's indentation step: the element's indentation beyond that of the line opening its array. */
export function indentUnit(text: string, arrayOffset: number, indent: string): string {
  const start = text.lastIndexOf('\n', arrayOffset - 1) + 1;
  const outer = /^[ \t]*/.exec(text.slice(start))![0];
  const step = indent.startsWith(outer) ? indent.slice(outer.length) : '';
  return step === '' ? '  ' : step;
}
