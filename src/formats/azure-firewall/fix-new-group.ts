import { findNodeAtLocation, parseTree } from 'jsonc-parser';
import type { InputFile } from '../../input/input-file.js';
import { indentUnit, type Container } from './fix-layout.js';

/** A new rule collection group, written as a sibling of an existing one of the same policy. */
export interface NewGroup {
  name: string;
  priority: number;
  /** The group resource (template) or az CLI object, without its `ruleCollections`. */
  fields: Record<string, unknown>;
  line: number;
  indent: string;
  unit: string;
}

/**
 * The new group's `name` in the sibling's own form: the sibling's name with its group part replaced, so a
 * template keeps computing the policy part as it does (`[concat(parameters('policyName'), '/rcg')]`).
 */
function derivedName(raw: string, sibling: string, ours: string): string | undefined {
  if (!raw.startsWith('[')) {
    if (raw === sibling) return ours;
    return raw.endsWith(`/${sibling}`) ? raw.slice(0, raw.length - sibling.length) + ours : undefined;
  }
  for (const quoted of [`'${sibling}'`, `'/${sibling}'`]) {
    if (raw.split(quoted).length === 2) return raw.replace(quoted, quoted.replace(sibling, ours));
  }
  return undefined;
}

/**
 * A rule collection group placed before `sibling` (same array of resources or of az CLI output), with the
 * sibling's type, apiVersion, dependsOn and resource group, and its resource ID with the group's name
 * replaced. Undefined where the sibling isn't written in a form to copy (a Bicep symbolic resource, a
 * name that can't be rewritten).
 */
export function newGroupBefore(
  file: InputFile,
  sibling: Container,
  name: string,
  priority: number,
): NewGroup | string {
  const view = sibling.resource.view;
  if (typeof view.site.path.at(-1) !== 'number') {
    return `rule collection group "${sibling.name}" is not an element of a resource list a new group can join`;
  }
  const raw = view.raw as Record<string, unknown>;
  const root = parseTree(file.text, [], { allowTrailingComma: true, disallowComments: false });
  const node = root && findNodeAtLocation(root, [...view.site.path]);
  const list = root && findNodeAtLocation(root, view.site.path.slice(0, -1));
  if (!node) return `rule collection group "${sibling.name}" can't be found in ${file.path}`;
  const lineStart = file.text.lastIndexOf('\n', node.offset - 1) + 1;
  const indent = file.text.slice(lineStart, node.offset);
  if (!/^[ \t]*$/.test(indent)) return `rule collection group "${sibling.name}" does not start its own line`;
  const fields: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(raw)) {
    const key = k.toLowerCase();
    if (key === 'type' || key === 'apiversion' || key === 'dependson' || key === 'resourcegroup')
      fields[k] = v;
    else if (key === 'name') {
      const n = typeof v === 'string' ? derivedName(v, sibling.name, name) : undefined;
      if (n === undefined)
        return `the name of rule collection group "${sibling.name}" can't be rewritten for a new group`;
      fields[k] = n;
    } else if (key === 'id' && typeof v === 'string' && v.endsWith(`/${sibling.name}`)) {
      fields[k] = v.slice(0, v.length - sibling.name.length) + name;
    }
  }
  if (!Object.keys(fields).some((k) => k.toLowerCase() === 'name')) {
    return `rule collection group "${sibling.name}" has no name to copy`;
  }
  const props = Object.keys(raw).find((k) => k.toLowerCase() === 'properties');
  if (props) fields[props] = { priority };
  else fields.priority = priority;
  const unit = list ? indentUnit(file.text, list.offset, indent) : '  ';
  return { name, priority, fields, line: file.text.slice(0, lineStart).split('\n').length, indent, unit };
}
