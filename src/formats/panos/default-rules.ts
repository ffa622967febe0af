import { ANY_ADDRESS } from '../../model/address.js';
import type { SourceLocation } from '../../model/location.js';
import type { Action, DefaultDecision, Rule } from '../../model/policy.js';
import { ANY_SERVICE } from '../../model/service.js';
import { ZoneSet } from '../../model/zone-set.js';
import type { XmlDocument, XmlElement } from './xml-tree.js';

/**
 * PAN-OS's two default security rules ("Policies > Security" and "Overriding or Reverting a Security
 * Policy Rule", https://docs.paloaltonetworks.com/pan-os/10-0/pan-os-web-interface-help/policies/policies-security/overriding-or-reverting-a-security-policy-rule):
 * traffic no rule matches is allowed within a zone (`intrazone-default`) and denied between zones
 * (`interzone-default`). Their action can be overridden in `<default-security-rules>`; the override made
 * at the lowest level wins (firewall over device group over shared — Panorama Administrator's Guide,
 * "Device Group Policies").
 */
export interface DefaultRuleSetting {
  action: Action;
  vendorAction: string;
  /** The overriding `<entry>`, when the action was overridden. */
  el?: XmlElement;
}

export interface DefaultRuleSettings {
  intrazone: DefaultRuleSetting;
  interzone: DefaultRuleSetting;
}

const PREDEFINED: DefaultRuleSettings = {
  intrazone: { action: 'allow', vendorAction: 'allow' },
  interzone: { action: 'deny', vendorAction: 'deny' },
};

const ACTIONS = new Set(['allow', 'deny', 'drop', 'reset-client', 'reset-server', 'reset-both']);

/**
 * The settings from `<default-security-rules>` elements, nearest first (the first that overrides a rule's
 * action wins); predefined where none does.
 */
export function readDefaultRules(
  doc: XmlDocument,
  containers: readonly (XmlElement | undefined)[],
): DefaultRuleSettings {
  const found: Partial<DefaultRuleSettings> = {};
  for (const container of containers) {
    for (const entry of doc.entries(doc.child(container, 'rules'))) {
      const name = doc.attr(entry, 'name');
      const key =
        name === 'intrazone-default' ? 'intrazone' : name === 'interzone-default' ? 'interzone' : undefined;
      if (!key) {
        throw doc.error(
          entry,
          `unknown default security rule "${name ?? ''}"; expected intrazone-default or interzone-default`,
        );
      }
      if (found[key]) continue;
      const action = doc.childText(entry, 'action');
      if (action === undefined) continue;
      if (!ACTIONS.has(action)) {
        throw doc.error(
          doc.child(entry, 'action')!,
          `${name}: unknown action "${action}"; expected allow, deny, drop, reset-client, reset-server or reset-both`,
        );
      }
      found[key] = { action: action === 'allow' ? 'allow' : 'deny', vendorAction: action, el: entry };
    }
  }
  return {
    intrazone: found.intrazone ?? PREDEFINED.intrazone,
    interzone: found.interzone ?? PREDEFINED.interzone,
  };
}

/**
 * The default rules as synthetic final rules: `intrazone-default` for traffic that enters and leaves by
 * the same zone (`sameZone`, which the evaluator decides from the query's zones), then `interzone-default`
 * for everything else, which is also the policy's default.
 */
export function defaultRules(
  doc: XmlDocument,
  settings: DefaultRuleSettings,
  fallback: SourceLocation,
): { rules: Rule[]; decision: DefaultDecision } {
  const where = (s: DefaultRuleSetting): SourceLocation =>
    s.el !== undefined ? { path: doc.path, line: doc.lineOf(s.el) } : fallback;
  const rule = (name: string, s: DefaultRuleSetting): Rule => ({
    name,
    enabled: true,
    action: s.action,
    ...(s.vendorAction !== s.action ? { vendorAction: s.vendorAction } : {}),
    sourceZones: ZoneSet.ANY,
    destinationZones: ZoneSet.ANY,
    sources: ANY_ADDRESS,
    destinations: ANY_ADDRESS,
    services: ANY_SERVICE,
    location: where(s),
    section: 'default rules',
  });
  const rules = [
    { ...rule('intrazone-default', settings.intrazone), sameZone: true },
    rule('interzone-default', settings.interzone),
  ];
  return {
    rules,
    decision: {
      action: settings.interzone.action,
      name: 'interzone-default',
      location: where(settings.interzone),
    },
  };
}
