import { OTHERS, type KeepSpec } from './xml-tree.js';

/**
 * What the PAN-OS reader keeps of an export while reading it in pieces: the elements it looks at (see
 * firewall.ts, panorama.ts, egress.ts, scopes.ts and the resolvers), nothing else. Logs settings,
 * administrators, certificates, threat and URL databases, NAT and other rulebases, template network
 * settings... are checked as XML and dropped as they stream by. A path read anywhere must be listed here.
 */

/** As KeepSpec, with OTHERS ("*") for the children a map doesn't name. */
type Spec = boolean | { [name: string]: Spec };

function toKeep(spec: Spec): KeepSpec {
  if (typeof spec === 'boolean') return spec;
  return new Map(Object.entries(spec).map(([name, inner]) => [name, toKeep(inner)]));
}

/**
 * A security rule, but for what neither the rule builder nor the fix writer reads: the children that
 * never restrict matching (rule-builder.ts NOT_MATCHING, less the flags it reads). A 100 MB export's
 * rules hold hundreds of thousands of them. Any other child is kept: one the reader doesn't know makes
 * the rule a "maybe".
 */
const RULE: Spec = {
  [OTHERS]: true,
  description: false,
  tag: false,
  'group-tag': false,
  'log-start': false,
  'log-end': false,
  'log-setting': false,
  'profile-setting': false,
  option: false,
  qos: false,
  'icmp-unreachable': false,
  'audit-comment': false,
};

/** An object list, less what no reader of its entries looks at (addresses.ts NOT_VALUES). */
const OBJECTS: Spec = { [OTHERS]: true, entry: { [OTHERS]: true, description: false, tag: false } };

/** A rulebase: security rules, decryption rules (does any decrypt?), the default rules' overrides. */
const RULEBASE: Spec = {
  security: { rules: { [OTHERS]: true, entry: RULE } },
  decryption: { rules: true },
  'default-security-rules': true,
};

/** A scope's object lists (see ObjectKind) and rulebases: a vsys, Shared, a device group, what was pushed. */
const SCOPE: Spec = {
  address: OBJECTS,
  'address-group': OBJECTS,
  'external-list': true,
  region: true,
  service: OBJECTS,
  'service-group': OBJECTS,
  application: true,
  'application-group': true,
  'application-filter': true,
  zone: true,
  rulebase: RULEBASE,
  'pre-rulebase': RULEBASE,
  'post-rulebase': RULEBASE,
  // import/network/virtual-router: the virtual routers a vsys uses.
  import: true,
};

/** Of a template or template stack, the zone names. */
const TEMPLATE: Spec = { entry: { config: { devices: { entry: { vsys: { entry: { zone: true } } } } } } };

const DEVICE: Spec = {
  vsys: { entry: SCOPE },
  'device-group': { entry: SCOPE },
  template: TEMPLATE,
  'template-stack': TEMPLATE,
  // Whether a Panorama manages the firewall.
  deviceconfig: { system: { 'panorama-server': true, panorama: true } },
  'panorama-server': true,
  // Interfaces, zones' subnets and default routes.
  network: { interface: true, 'virtual-router': true, 'logical-router': true },
};

/** Parents of device groups, in the layouts of PAN-OS 8.0+ and earlier. */
const DG_PARENTS: Spec = { entry: { 'parent-dg': true } };

const CONFIG: Spec = {
  devices: { entry: DEVICE },
  shared: SCOPE,
  // What Panorama pushed to a managed firewall.
  panorama: { shared: SCOPE, vsys: { entry: SCOPE } },
  readonly: {
    devices: { entry: { 'device-group': DG_PARENTS } },
    'dg-meta-data': { dginfo: DG_PARENTS, 'dg-info': DG_PARENTS },
  },
  // Only whether it holds <devices> (a Panorama).
  'mgt-config': { devices: {} },
};

/** By root element: `<config>`, or the XML API's `<response><result><config>`. */
export const PANOS_KEEP: KeepSpec = toKeep({ config: CONFIG, response: { result: { config: CONFIG } } });
