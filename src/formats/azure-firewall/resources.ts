import type { InputFile } from '../../input/input-file.js';
import { parseJsonDocument, type PositionedDocument } from '../../input/positioned.js';
import { copyCount, siteLine, TemplateScope, type EvalContext, type SuppliedValue } from './arm-scope.js';
import { getOwn, isArmObject, preview, Unresolved, type ArmObject, type ArmValue } from './arm-values.js';
import { lastName, parseResourceId, type ResourceRef } from './resource-id.js';
import { View } from './view.js';

export const POLICY_TYPE = 'microsoft.network/firewallpolicies';
export const GROUP_TYPE = 'microsoft.network/firewallpolicies/rulecollectiongroups';
export const FIREWALL_TYPE = 'microsoft.network/azurefirewalls';
export const IP_GROUP_TYPE = 'microsoft.network/ipgroups';
const DEPLOYMENT_TYPE = 'microsoft.resources/deployments';

/** Where a resource came from: an ARM/Bicep template, or az CLI / REST output. */
export type Origin = { kind: 'template'; template: TemplateInfo } | { kind: 'cli' };

export interface TemplateInfo {
  /** Unique per template (nested deployments get their own). */
  id: number;
  path: string;
  bicep: boolean;
  scope: TemplateScope;
}

interface Common {
  /** The name as evaluated, or the raw expression text where it can't be. */
  name: string;
  /** Whether `name` is the evaluated name (false: raw expression text). */
  nameKnown: boolean;
  view: View;
  /** The resource's `properties` (az CLI output flattens them into the resource itself). */
  props: View;
  origin: Origin;
  /** An ARM `condition` that can't be evaluated: the resource may not be deployed. */
  condition?: Unresolved;
  /** Lower-case `type/name` keys and plain names from `dependsOn`, with the line of each. */
  dependsOn: Map<string, number>;
  /** Parsed `id` (az CLI output). */
  id?: ResourceRef;
}

export interface PolicyResource extends Common {
  kind: 'policy';
  /** Lower-case name: how rule collection groups, firewalls and child policies find it. */
  key: string;
  /** A Bicep `existing` reference: the policy is defined elsewhere. */
  existing: boolean;
}

export interface GroupResource extends Common {
  kind: 'group';
  /** Lower-case name of the policy it belongs to; undefined where the name can't be evaluated. */
  policyKey?: string;
  policyName?: string;
  /** The policy resource it is nested in, when it is written inside one. */
  parentPolicy?: PolicyResource;
  /** Set for a resource copy loop whose count can't be known: its groups can't be read. */
  unreadable?: Unresolved;
}

export interface FirewallResource extends Common {
  kind: 'firewall';
}

export interface IpGroupResource extends Common {
  kind: 'ipGroup';
  key: string;
  existing: boolean;
}

export interface ResourceIndex {
  policies: PolicyResource[];
  groups: GroupResource[];
  firewalls: FirewallResource[];
  ipGroups: IpGroupResource[];
  templates: TemplateInfo[];
  /** Notes about inputs as a whole (linked templates not read, ...), by file path. */
  notes: Map<string, string[]>;
  /** Files that held only parameters or IP groups. */
  files: string[];
}

function lower(s: string): string {
  return s.toLowerCase();
}

function addNote(index: ResourceIndex, path: string, note: string): void {
  const list = index.notes.get(path) ?? [];
  if (!list.includes(note)) list.push(note);
  index.notes.set(path, list);
}

function isTemplate(obj: ArmObject): boolean {
  const schema = typeof obj.$schema === 'string' ? obj.$schema : '';
  if (/deploymentTemplate\.json/i.test(schema)) return true;
  return getOwn(obj, 'resources') !== undefined && getOwn(obj, 'contentVersion') !== undefined;
}

function isParametersFile(obj: ArmObject): boolean {
  const schema = typeof obj.$schema === 'string' ? obj.$schema : '';
  return /deploymentParameters\.json/i.test(schema);
}

/** Values from ARM parameters files ("Create Resource Manager parameter file"), by lower-case name. */
function collectParameterFile(
  doc: PositionedDocument,
  obj: ArmObject,
  into: Map<string, SuppliedValue>,
): void {
  const section = getOwn(obj, 'parameters');
  if (!section) return;
  if (!isArmObject(section.value)) throw doc.error([section.key], '"parameters" must be an object');
  for (const [name, entry] of Object.entries(section.value)) {
    const at = [section.key, name];
    const origin = `${doc.path}:${doc.lineAt(at)}`;
    const key = lower(name);
    const previous = into.get(key);
    if (previous) {
      throw doc.error(at, `parameter '${name}' is given twice: here and in ${previous.origin}`);
    }
    if (!isArmObject(entry)) throw doc.error(at, `parameter '${name}' must be an object with "value"`);
    const value = getOwn(entry, 'value');
    if (value) {
      into.set(key, { origin, resolve: () => value.value as ArmValue });
    } else if (getOwn(entry, 'reference')) {
      into.set(key, {
        origin,
        resolve: () => new Unresolved(`parameter '${name}' is a Key Vault reference, read at deployment`),
      });
    } else {
      throw doc.error(at, `parameter '${name}' needs a "value" (or a Key Vault "reference")`);
    }
  }
}

/**
 * Reads every input into one index of firewall-related resources. Parameters files are applied to every
 * template. Throws InputError for input that is neither an ARM template, a parameters file nor az CLI /
 * REST output of Azure Firewall resources.
 */
export function collectResources(files: readonly InputFile[]): ResourceIndex {
  const index: ResourceIndex = {
    policies: [],
    groups: [],
    firewalls: [],
    ipGroups: [],
    templates: [],
    notes: new Map(),
    files: [],
  };
  const docs = files.map((f) => parseJsonDocument(f));
  const supplied = new Map<string, SuppliedValue>();
  for (const doc of docs) {
    if (isArmObject(doc.value) && isParametersFile(doc.value)) collectParameterFile(doc, doc.value, supplied);
  }
  const collector = new Collector(index);
  for (const doc of docs) {
    const value = doc.value;
    if (isArmObject(value) && isParametersFile(value)) continue;
    if (isArmObject(value) && isTemplate(value)) {
      collector.template(doc, [], value, supplied);
    } else if (Array.isArray(value)) {
      value.forEach((_, i) => collector.cliResource(new View(value[i], { doc, path: [i] }, null)));
    } else if (isArmObject(value) && Array.isArray(value.value) && getOwn(value, 'type') === undefined) {
      // REST list output: { "value": [ ... ] }.
      const list = value.value;
      list.forEach((_, i) => collector.cliResource(new View(list[i], { doc, path: ['value', i] }, null)));
    } else if (isArmObject(value)) {
      collector.cliResource(new View(value, { doc, path: [] }, null));
    } else {
      throw doc.error(
        [],
        'expected an ARM template, an ARM parameters file, or az CLI / REST JSON of Azure Firewall resources (an object or an array)',
      );
    }
  }
  return index;
}

interface Parent {
  type: string;
  name: string | undefined;
  /** The parent when it is a firewall policy. */
  policy?: PolicyResource;
}

class Collector {
  private nextTemplateId = 0;

  constructor(private readonly index: ResourceIndex) {}

  template(
    doc: PositionedDocument,
    path: (string | number)[],
    obj: ArmObject,
    supplied: ReadonlyMap<string, SuppliedValue>,
    outer?: EvalContext,
  ): void {
    const scope = outer?.scope ?? new TemplateScope(doc, path, obj, supplied);
    const ctx: EvalContext = outer ?? { scope, copy: new Map() };
    const metadata = getOwn(obj, 'metadata')?.value;
    const generator = isArmObject(metadata) ? getOwn(metadata, '_generator')?.value : undefined;
    const bicep =
      isArmObject(generator) &&
      typeof generator.name === 'string' &&
      generator.name.toLowerCase() === 'bicep';
    const info: TemplateInfo = { id: this.nextTemplateId++, path: doc.path, bicep, scope };
    this.index.templates.push(info);
    const root = new View(obj, { doc, path }, ctx);
    const resources = root.get('resources');
    if (resources) this.resourceList(resources, info, undefined);
  }

  /** `resources`: an array, or (languageVersion 2.0) an object of symbolic names. */
  private resourceList(list: View, info: TemplateInfo, parent: Parent | undefined): void {
    if (isArmObject(list.raw)) {
      for (const key of Object.keys(list.raw)) this.templateResource(list.get(key)!, info, parent);
      return;
    }
    const items = list.items('resources');
    if (items instanceof Unresolved) {
      addNote(
        this.index,
        list.path,
        `resources at line ${list.line} are known only at deployment and were not read`,
      );
      return;
    }
    for (const item of items) this.templateResource(item, info, parent);
  }

  private templateResource(res: View, info: TemplateInfo, parent: Parent | undefined): void {
    if (!isArmObject(res.raw)) throw res.error(`${res.where}: a resource must be an object`);
    const condition = res.get('condition')?.boolean('condition');
    if (condition === false) return;
    const copy = res.get('copy');
    if (copy && isArmObject(copy.raw)) {
      const ctx = res.ctx!;
      const n = copyCount(copy.raw, copy.site, ctx, new Set());
      const loopName = typeof copy.raw.name === 'string' ? lower(copy.raw.name) : '';
      if (n instanceof Unresolved) {
        this.resource(res, info, parent, condition, n);
        return;
      }
      for (let i = 0; i < n; i++) {
        const copyMap = new Map(ctx.copy);
        copyMap.set('', i);
        copyMap.set(loopName, i);
        this.resource(
          new View(res.raw, res.site, { ...ctx, copy: copyMap }),
          info,
          parent,
          condition,
          undefined,
        );
      }
      return;
    }
    this.resource(res, info, parent, condition, undefined);
  }

  private resource(
    res: View,
    info: TemplateInfo,
    parent: Parent | undefined,
    condition: boolean | Unresolved | undefined,
    unrolled: Unresolved | undefined,
  ): void {
    const typeView = res.get('type');
    if (!typeView) {
      // languageVersion 2.0 `import`/extension entries have no type; nothing firewall-related.
      return;
    }
    const typeText = typeView.text('type');
    if (typeText instanceof Unresolved) return;
    const fullType = this.fullType(typeText, parent);
    const nameView = res.get('name');
    let name: string | undefined;
    let rawName = nameView && typeof nameView.raw === 'string' ? nameView.raw : '(unnamed)';
    if (nameView && !unrolled) {
      const n = nameView.text('name');
      if (typeof n === 'string') name = n;
    }
    if (name !== undefined && parent?.name !== undefined) {
      const segments = fullType.split('/').length - 1;
      if (name.split('/').length < segments) name = `${parent.name}/${name}`;
    }
    if (name !== undefined) rawName = name;
    const existing = res.get('existing')?.boolean('existing') === true;
    const props = res.get('properties') ?? new View({}, res.site, null);
    const common = {
      name: rawName,
      nameKnown: name !== undefined,
      view: res,
      props,
      origin: { kind: 'template', template: info } as Origin,
      ...(condition instanceof Unresolved ? { condition } : {}),
      dependsOn: this.dependsOn(res),
    };
    const lastSegment = name !== undefined ? name.split('/').pop()! : rawName;
    let childParent: Parent = { type: fullType, name };
    switch (fullType) {
      case POLICY_TYPE: {
        const policy: PolicyResource = {
          ...common,
          kind: 'policy',
          key: lower(lastSegment),
          existing,
          name: lastSegment,
        };
        this.index.policies.push(policy);
        childParent = { type: fullType, name, policy };
        break;
      }
      case GROUP_TYPE: {
        const segments = name?.split('/');
        const policyName = segments && segments.length >= 2 ? segments[0] : undefined;
        if (!existing) {
          this.index.groups.push({
            ...common,
            kind: 'group',
            name: lastSegment,
            ...(policyName !== undefined ? { policyKey: lower(policyName), policyName } : {}),
            ...(parent?.policy ? { parentPolicy: parent.policy } : {}),
            ...(unrolled ? { unreadable: unrolled } : {}),
          });
        }
        break;
      }
      case FIREWALL_TYPE:
        if (!existing) this.index.firewalls.push({ ...common, kind: 'firewall', name: lastSegment });
        break;
      case IP_GROUP_TYPE:
        this.index.ipGroups.push({
          ...common,
          kind: 'ipGroup',
          key: lower(lastSegment),
          existing,
          name: lastSegment,
        });
        break;
      case DEPLOYMENT_TYPE:
        this.deployment(res, props);
        return;
      default:
        break;
    }
    const children = res.get('resources');
    if (children) this.resourceList(children, info, childParent);
  }

  /** A nested child's `type` may be short (`ruleCollectionGroups`) or the full type. */
  private fullType(type: string, parent: Parent | undefined): string {
    const t = lower(type.trim());
    if (!parent) return t;
    const first = t.split('/')[0]!;
    return first.includes('.') ? t : `${parent.type}/${t}`;
  }

  private dependsOn(res: View): Map<string, number> {
    const out = new Map<string, number>();
    const list = res.get('dependsOn');
    if (!list) return out;
    const items = list.items('dependsOn');
    if (items instanceof Unresolved) return out;
    for (const item of items) {
      const text = item.text('dependsOn');
      if (typeof text !== 'string') continue;
      const ref = parseResourceId(text);
      const key = ref ? `${ref.type}/${lower(ref.names.join('/'))}` : `name:${lower(text)}`;
      out.set(key, item.line);
    }
    return out;
  }

  /**
   * A nested deployment (Bicep modules compile to these): its inline template is read with its own scope
   * when `expressionEvaluationOptions.scope` is `inner` (parameter values evaluated in the outer template),
   * or with the outer template's scope otherwise ("Using linked and nested templates",
   * https://learn.microsoft.com/azure/azure-resource-manager/templates/linked-templates).
   */
  private deployment(res: View, props: View): void {
    const template = props.get('template');
    if (!template) {
      if (props.get('templateLink')) {
        addNote(
          this.index,
          res.path,
          `the linked template of deployment "${preview(res.get('name')?.raw ?? '')}" (line ${res.line}) was not read; pass it as an input if it holds firewall rules`,
        );
      }
      return;
    }
    if (!isArmObject(template.raw)) {
      addNote(
        this.index,
        res.path,
        `the nested template at line ${template.line} is known only at deployment and was not read`,
      );
      return;
    }
    const scopeText = props.get('expressionEvaluationOptions')?.get('scope')?.text('scope');
    const inner = typeof scopeText === 'string' && lower(scopeText) === 'inner';
    const outerCtx = res.ctx!;
    if (!inner) {
      this.template(template.site.doc, [...template.site.path], template.raw, new Map(), outerCtx);
      return;
    }
    const supplied = new Map<string, SuppliedValue>();
    const params = props.get('parameters');
    const keys = params ? params.keys('parameters') : [];
    if (params && !(keys instanceof Unresolved)) {
      for (const key of keys) {
        const entry = params.get(key)!;
        const value = entry.get('value');
        supplied.set(lower(key), {
          origin: `${entry.path}:${entry.line}`,
          resolve: (trace) => {
            if (!value)
              return new Unresolved(`parameter '${key}' of the nested deployment has no inline value`);
            const r = value.resolve();
            for (const p of r.trace) trace.add(p);
            return r.value;
          },
        });
      }
    }
    this.template(template.site.doc, [...template.site.path], template.raw, supplied);
  }

  /** One resource of az CLI / REST output (properties flattened or under `properties`). */
  cliResource(res: View): void {
    if (!isArmObject(res.raw))
      throw res.error(`${res.where}: expected a resource object, not ${preview(res.raw)}`);
    const obj = res.raw;
    const typeText = typeof obj.type === 'string' ? lower(obj.type) : undefined;
    const propsView = res.get('properties');
    const props = propsView && isArmObject(propsView.raw) ? propsView : res;
    const has = (k: string) => props.has(k) || res.has(k);
    let kind: 'policy' | 'group' | 'firewall' | 'ipGroup' | undefined;
    if (typeText === GROUP_TYPE || (!typeText && has('ruleCollections'))) kind = 'group';
    else if (typeText === POLICY_TYPE) kind = 'policy';
    else if (
      typeText === FIREWALL_TYPE ||
      (!typeText &&
        (has('networkRuleCollections') || has('applicationRuleCollections') || has('natRuleCollections')))
    )
      kind = 'firewall';
    else if (typeText === IP_GROUP_TYPE || (!typeText && has('ipAddresses'))) kind = 'ipGroup';
    else if (typeText) return;
    if (!kind) {
      throw res.error(
        `${res.where}: not an Azure Firewall resource; expected a rule collection group ("ruleCollections"), a firewall policy, an Azure Firewall or an IP group`,
      );
    }
    const nameView = res.get('name');
    const nameText = nameView ? nameView.text('name') : undefined;
    const idText = res.get('id')?.text('id');
    const id = typeof idText === 'string' ? parseResourceId(idText) : undefined;
    const name =
      typeof nameText === 'string' ? nameText.split('/').pop()! : id ? id.names[id.names.length - 1]! : '';
    const common = {
      name,
      nameKnown: name !== '',
      view: res,
      props,
      origin: { kind: 'cli' } as Origin,
      dependsOn: new Map<string, number>(),
      ...(id ? { id } : {}),
    };
    switch (kind) {
      case 'group': {
        const policyName =
          id && id.type === GROUP_TYPE
            ? id.names[0]
            : typeof nameText === 'string' && nameText.includes('/')
              ? nameText.split('/')[0]
              : undefined;
        this.index.groups.push({
          ...common,
          kind: 'group',
          name: name || `(rule collection group at line ${siteLine(res.site)})`,
          ...(policyName !== undefined ? { policyKey: lower(policyName), policyName } : {}),
        });
        break;
      }
      case 'policy':
        this.index.policies.push({ ...common, kind: 'policy', key: lower(name), existing: false });
        break;
      case 'firewall':
        this.index.firewalls.push({ ...common, kind: 'firewall', name: name || '(Azure Firewall)' });
        break;
      case 'ipGroup':
        if (!name) throw res.error(`${res.where}: an IP group needs a "name" or "id"`);
        this.index.ipGroups.push({ ...common, kind: 'ipGroup', key: lower(name), existing: false });
        break;
    }
  }
}

/** The resource ID or name a reference (basePolicy, firewallPolicy, ipGroups entry) names, parsed. */
export function referencedName(text: string): { name: string; ref?: ResourceRef } {
  const ref = parseResourceId(text);
  return ref ? { name: lastName(text), ref } : { name: lastName(text.trim()) };
}
