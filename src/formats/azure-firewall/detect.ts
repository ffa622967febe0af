import { headOf, type InputFile } from '../../input/input-file.js';
import type { Detection, FormatDescriptor } from '../format-reader.js';

/** JSON (comments allowed, as ARM templates have them): the first significant character opens it. */
const JSON_START = /^\s*(?:\/\/[^\n]*\n\s*|\/\*[\s\S]*?\*\/\s*)*[[{]/;

/** A `"type"` (or any string) that names a firewall policy, a rule collection group or an Azure Firewall. */
const FIREWALL_TYPE = /"Microsoft\.Network\/(?:firewallPolicies|azureFirewalls)(?:\/ruleCollectionGroups)?"/i;
/** az CLI / REST shapes: a rule collection group's `ruleCollections`, a firewall's classic collections. */
const GROUP_SHAPE = /"ruleCollections"\s*:/;
const CLASSIC_SHAPE = /"(?:network|application|nat)RuleCollections"\s*:/;
/** Read together with a policy: IP groups and ARM parameters files. */
const IP_GROUP_TYPE = /"Microsoft\.Network\/ipGroups"/i;
const PARAMETERS_FILE = /"\$schema"\s*:\s*"[^"]*deploymentParameters\.json/i;

const ARM_TEMPLATE = /"\$schema"\s*:\s*"[^"]*deploymentTemplate\.json/i;
const NSG = /"Microsoft\.Network\/networkSecurityGroups"|"securityRules"\s*:/i;

/**
 * Recognises Azure Firewall exports from content alone, with regexes: ARM/Bicep templates with a firewall
 * policy, rule collection group or Azure Firewall resource; az CLI / REST JSON of those; and the IP group
 * and parameters files read with them. Near misses: NSG exports and ARM templates without a firewall.
 */
export function detectAzureFirewall(file: InputFile): Detection {
  // The head first, so a big export of another format is never decoded whole here.
  if (!JSON_START.test(headOf(file))) return { kind: 'no' };
  const text = file.text;
  if (FIREWALL_TYPE.test(text) || GROUP_SHAPE.test(text) || CLASSIC_SHAPE.test(text)) return { kind: 'yes' };
  if (IP_GROUP_TYPE.test(text) || PARAMETERS_FILE.test(text)) return { kind: 'yes' };
  if (NSG.test(text)) {
    return {
      kind: 'near-miss',
      reason:
        'an Azure NSG, not an Azure Firewall: network security group rules are not read; export the Azure Firewall policy or its rule collection groups instead',
    };
  }
  if (ARM_TEMPLATE.test(text)) {
    return {
      kind: 'near-miss',
      reason:
        'an ARM template with no Azure Firewall or Firewall Policy resource (Microsoft.Network/firewallPolicies, /ruleCollectionGroups or /azureFirewalls)',
    };
  }
  return { kind: 'no' };
}

/** The registry's entry for this format (the reader itself loads on first use). */
export const azureFirewallFormat: FormatDescriptor = {
  id: 'azure-firewall',
  name: 'Microsoft Azure Firewall (Firewall Policy / classic rules: ARM, Bicep JSON, az CLI)',
  detect: detectAzureFirewall,
};
