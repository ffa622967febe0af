/**
 * Azure resource IDs: `/subscriptions/{sub}/resourceGroups/{rg}/providers/{namespace}/{type}/{name}[/{child
 * type}/{child name}...]` ("Resource name rules" and the `resourceId` template function,
 * https://learn.microsoft.com/azure/azure-resource-manager/templates/template-functions-resource#resourceid).
 */
export interface ResourceRef {
  /** Lower-case full type, e.g. `microsoft.network/firewallpolicies/rulecollectiongroups`. */
  type: string;
  /** Resource names, one per type segment after the namespace (parent first), as written. */
  names: string[];
  /** Lower-case resource group, when the ID names one. */
  resourceGroup?: string;
}

/** Stands for the deploying subscription / resource group in IDs built by `resourceId()`. */
export const CURRENT = '(current)';

/** Builds the ID string `resourceId()` returns; `(current)` stands for deployment-time scope parts. */
export function buildResourceId(
  type: string,
  names: readonly string[],
  subscription = CURRENT,
  resourceGroup = CURRENT,
): string {
  const [namespace, ...types] = type.split('/');
  let id = `/subscriptions/${subscription}/resourceGroups/${resourceGroup}/providers/${namespace}`;
  types.forEach((t, i) => {
    id += `/${t}/${names[i] ?? ''}`;
  });
  return id;
}

/** Parses a resource ID; undefined when the text is not one. */
export function parseResourceId(id: string): ResourceRef | undefined {
  const parts = id.split('/');
  const lower = parts.map((p) => p.toLowerCase());
  const providers = lower.lastIndexOf('providers');
  if (providers < 0 || providers + 3 >= parts.length) return undefined;
  const rest = parts.slice(providers + 1);
  const namespace = rest[0]!;
  const types: string[] = [];
  const names: string[] = [];
  for (let i = 1; i + 1 < rest.length; i += 2) {
    types.push(rest[i]!);
    names.push(rest[i + 1]!);
  }
  if (types.length === 0 || (rest.length - 1) % 2 !== 0) return undefined;
  const rgIndex = lower.indexOf('resourcegroups');
  const rg = rgIndex >= 0 ? lower[rgIndex + 1] : undefined;
  return {
    type: [namespace, ...types].join('/').toLowerCase(),
    names,
    ...(rg && rg !== CURRENT ? { resourceGroup: rg } : {}),
  };
}

/** The last name of a resource reference: a full ID's last segment, or a plain name as it stands. */
export function lastName(text: string): string {
  const ref = parseResourceId(text);
  if (ref) return ref.names[ref.names.length - 1]!;
  const slash = text.lastIndexOf('/');
  return slash >= 0 ? text.slice(slash + 1) : text;
}
