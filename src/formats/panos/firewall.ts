import type { Policy, ZoneFacts } from '../../model/policy.js';
import { readDefaultRules } from './default-rules.js';
import { egressZones, zoneSubnets } from './egress.js';
import {
  assemblePolicy,
  DocumentResolvers,
  hasDecryption,
  namedZones,
  securitySection,
  type RulebaseSection,
} from './policy-assembly.js';
import { Scope } from './scopes.js';
import type { XmlDocument, XmlElement } from './xml-tree.js';

/** Whether the firewall is managed by Panorama (a Panorama server is configured). */
function panoramaServer(doc: XmlDocument, device: XmlElement): string | undefined {
  const system = doc.select(device, 'deviceconfig', 'system');
  return (
    doc.childText(system ?? device, 'panorama-server') ??
    doc.childText(doc.select(system, 'panorama', 'local-panorama') ?? device, 'panorama-server')
  );
}

/**
 * One policy per vsys of a firewall's running config (`<devices><entry><vsys><entry name="vsys1">`).
 * Names resolve in the vsys, then in what Panorama pushed to it, then in `<shared>`. A managed firewall's
 * config may hold the rules Panorama pushed (`/config/panorama/vsys/entry/pre-rulebase` and
 * `post-rulebase`): they are evaluated before and after the local rules ("Device Group Policies": pre-rules,
 * local rules, post-rules, default rules), then the default rules.
 */
export function firewallPolicies(
  doc: XmlDocument,
  config: XmlElement,
  resolvers: DocumentResolvers,
): Policy[] {
  const pushed = doc.child(config, 'panorama');
  const pushedShared = doc.child(pushed, 'shared');
  const pushedSharedScope =
    pushedShared !== undefined
      ? new Scope(doc, 'shared objects pushed by Panorama', pushedShared, undefined, true)
      : undefined;
  const shared = new Scope(doc, 'shared', doc.child(config, 'shared'), pushedSharedScope, true);
  const pushedVsys = new Map(
    doc.entries(doc.child(pushed, 'vsys')).map((e) => [doc.attr(e, 'name') ?? '', e]),
  );
  const devices = doc.entries(doc.child(config, 'devices'));
  const policies: Policy[] = [];
  for (const device of devices) {
    const managedBy = panoramaServer(doc, device);
    for (const vsys of doc.entries(doc.child(device, 'vsys'))) {
      const vsysName = doc.attr(vsys, 'name');
      if (vsysName === undefined) throw doc.error(vsys, 'a vsys <entry> without a name attribute');
      const fromPanorama = pushedVsys.get(vsysName);
      const pushedScope =
        fromPanorama !== undefined
          ? new Scope(doc, `objects Panorama pushed to vsys "${vsysName}"`, fromPanorama, shared, false)
          : undefined;
      const scope = new Scope(doc, `vsys "${vsysName}"`, vsys, pushedScope ?? shared, false);

      const rulebase = doc.child(vsys, 'rulebase');
      const pre = doc.child(fromPanorama, 'pre-rulebase');
      const post = doc.child(fromPanorama, 'post-rulebase');
      const sections: RulebaseSection[] = [];
      if (pre !== undefined) sections.push(securitySection(doc, pre, 'Panorama pre-rulebase'));
      sections.push(securitySection(doc, rulebase, 'rulebase'));
      if (post !== undefined) sections.push(securitySection(doc, post, 'Panorama post-rulebase'));

      const defined = [
        ...scope.definitions('zone').map((d) => d.name),
        ...(pushedScope ? pushedScope.definitions('zone').map((d) => d.name) : []),
      ];
      const notes: string[] = [];
      if (managedBy !== undefined && fromPanorama === undefined) {
        notes.push(
          `this firewall is managed by Panorama (${managedBy}) but the export holds no rules Panorama pushed to it: pre-rules evaluated before and post-rules after the local rules may decide traffic differently; check the Panorama export too`,
        );
      }
      const egress = egressZones(doc, device, vsys);
      notes.push(egress.note);
      // Zones may come from a Panorama template the export doesn't show; only a standalone firewall with
      // zones of its own is held to them.
      const standalone = managedBy === undefined && pushed === undefined && defined.length > 0;
      const named = namedZones(doc, sections);
      const stale = standalone ? named.filter((z) => !defined.includes(z)) : [];
      const zones: ZoneFacts = {
        known: [...new Set([...defined, ...named])],
        incomplete: !standalone || stale.length > 0,
        subnets: zoneSubnets(doc, device, vsys),
      };
      if (defined.length === 0) {
        notes.push(
          named.length > 0
            ? `${scope.label} defines no zones (a template-generated or trimmed export?): its zones are taken from the names its rules use (${named.join(', ')}), and the firewall may have others`
            : `${scope.label} defines no zones and its rules name none (a template-generated or trimmed export?): the firewall's zones are unknown`,
        );
      } else if (!standalone) {
        notes.push(
          `the firewall is managed by Panorama, whose templates may give it zones besides the ones the export defines (${defined.join(', ')})`,
        );
      }
      policies.push(
        assemblePolicy({
          doc,
          resolvers,
          name: devices.length > 1 ? `${doc.attr(device, 'name') ?? ''}/${vsysName}` : vsysName,
          scope,
          sections,
          decrypting: hasDecryption(doc, [rulebase, pre, post]),
          zones,
          definedZones: standalone ? new Set(defined) : undefined,
          defaults: readDefaultRules(doc, [
            doc.child(rulebase, 'default-security-rules'),
            doc.child(post, 'default-security-rules'),
          ]),
          defaultsLocation: { path: doc.path, line: doc.lineOf(rulebase ?? vsys) },
          egressZones: egress.zones === 'unknown' ? 'unknown' : egress.zones,
          notes,
        }),
      );
      // Objects no rule used are checked too, once the rules have resolved theirs.
      if (pushedScope) resolvers.checkScope(pushedScope);
      resolvers.checkScope(scope);
    }
  }
  resolvers.checkScope(shared);
  if (pushedSharedScope) resolvers.checkScope(pushedSharedScope);
  return policies;
}
