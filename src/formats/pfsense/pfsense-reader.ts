import { InputError } from '../../input/input-error.js';
import type { InputFile } from '../../input/input-file.js';
import type { SourceLocation } from '../../model/location.js';
import type { Policy, ZoneSubnet } from '../../model/policy.js';
import type { FormatReader } from '../format-reader.js';
import { parseXmlDocument } from '../panos/xml-tree.js';
import { Aliases, readAliases } from './aliases.js';
import { opnsenseFormat, pfsenseFormat, type Flavor } from './detect.js';
import { defaultGatewayInterface } from './egress.js';
import { FLAVORS } from './flavor.js';
import { readGroups, readInterfaces } from './interfaces.js';
import { Networks } from './networks.js';
import { remediatePfsense } from './remediate.js';
import { readLegacyRule, readMvcRule, type PfRule, type RuleContext } from './rules.js';
import { buildStages } from './stages.js';
import { systemRules } from './system-rules.js';

export const INBOUND = "inbound on the clients' interface";
export const OUTBOUND = 'outbound on the egress interface';

/** Reads one config.xml into one policy (the firewall). */
export function readConfigXml(file: InputFile, flavorId: Flavor): Policy {
  const flavor = FLAVORS[flavorId];
  const doc = parseXmlDocument(file);
  const root = doc.root;
  if (doc.name(root) !== flavorId) {
    throw new InputError(
      file.path,
      doc.lineOf(root),
      `the root element is <${doc.name(root)}>; expected <${flavorId}> (${flavor.product} config.xml)`,
    );
  }
  const interfaces = readInterfaces(doc, root, flavor);
  const trimmed = doc.child(root, 'interfaces') === undefined;
  const aliases = new Aliases(readAliases(doc, root));
  const networks = new Networks(interfaces, aliases, trimmed);
  const groups = readGroups(doc, root);
  const notes = new Set<string>();
  const warnings: { message: string; location?: SourceLocation }[] = [];
  const ctx: RuleContext = {
    doc,
    flavor,
    networks,
    interfaces: trimmed ? undefined : new Set(interfaces.filter((i) => i.enabled).map((i) => i.key)),
    groups,
    warnings,
    notes,
  };

  const pf: PfRule[] = systemRules(doc, root, flavor, interfaces, networks);
  const filter = doc.child(root, 'filter');
  doc.childrenNamed(filter, 'rule').forEach((el, i) => {
    const r = readLegacyRule(el, i, ctx);
    if (r) pf.push(r);
  });
  const mvc = doc.select(root, 'OPNsense', 'Firewall', 'Filter', 'rules');
  doc.childrenNamed(mvc, 'rule').forEach((el, i) => pf.push(readMvcRule(el, i, ctx)));
  warnings.push(...aliases.warnings);

  const defaultAt: SourceLocation = { path: file.path, line: doc.lineOf(filter ?? root) };
  // A packet must pass both evaluations; the order of the stages changes no verdict, and with the inbound
  // one last an allowed flow names the rule that passed it on the clients' interface.
  const { rules, stages } = buildStages(pf, [
    {
      name: OUTBOUND,
      direction: 'out',
      catchAll: { name: 'let out anything from firewall host itself', action: 'allow', location: defaultAt },
    },
    {
      name: INBOUND,
      direction: 'in',
      catchAll: { name: 'Default deny rule', action: 'deny', location: defaultAt },
    },
  ]);

  const known = new Set(interfaces.filter((i) => i.enabled).map((i) => i.key));
  for (const r of pf) for (const n of r.interfaces.names) if (r.rule.enabled || trimmed) known.add(n);
  const subnets: ZoneSubnet[] = [];
  for (const i of interfaces) {
    if (!i.enabled) continue;
    for (const a of [i.ipv4, i.ipv6])
      if (a.kind === 'static')
        subnets.push({ zone: i.key, net: a.network, interface: i.device ?? i.key, location: i.location });
  }
  const egress = defaultGatewayInterface(doc, root, interfaces);
  const allNotes = [
    `${flavor.product}: client traffic is checked as pf sees it: inbound on the clients' interface (floating, interface group and interface rules; last match wins unless quick, the default deny last), then outbound on the interface that reaches the internet (floating "out" rules, then "let out anything from firewall host itself")`,
    "interface keys (lan, wan, opt1 ...) are the zones: --source-zone lan; an interface's subnet tells the clients' interface from --source",
    ...(egress ? [`${egress.why}: it is the egress interface`] : []),
    ...(trimmed
      ? [
          'the export has no <interfaces> section: interface subnets are unknown and the device may have interfaces the export does not show',
        ]
      : []),
    'dynamic block tables (virusprot, sshguard, snort2c) are taken to be empty',
    ...notes,
  ];
  return {
    format: flavorId,
    paths: [file.path],
    name: doc.childText(doc.child(root, 'system') ?? root, 'hostname') || file.path,
    rules,
    stages,
    default: { action: 'deny', name: 'Default deny rule', location: defaultAt },
    egressZones: egress?.zones ?? 'unknown',
    zones: { known: [...known].sort(), incomplete: trimmed, subnets },
    ...(warnings.length ? { warnings } : {}),
    notes: allNotes,
  };
}

function reader(flavor: Flavor): FormatReader {
  return {
    ...(flavor === 'pfsense' ? pfsenseFormat : opnsenseFormat),
    read: (files) => files.map((f) => readConfigXml(f, flavor)),
    remediate: remediatePfsense,
  };
}

/** pfSense config.xml (docs/formats/pfsense.md). */
export const pfsenseReader = reader('pfsense');
/** OPNsense config.xml (docs/formats/opnsense.md): the same reader with OPNsense's defaults. */
export const opnsenseReader = reader('opnsense');
