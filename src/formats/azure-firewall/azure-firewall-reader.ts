import type { InputFile } from '../../input/input-file.js';
import type { Policy } from '../../model/policy.js';
import type { FormatReader } from '../format-reader.js';
import { detectAzureFirewall } from './detect.js';
import { buildPolicies, FORMAT_ID } from './policy-builder.js';
import { collectResources } from './resources.js';

/**
 * Microsoft Azure Firewall (docs/formats/azure-firewall.md): Firewall Policies with their rule collection
 * groups, and classic rules of Azure Firewall resources, from ARM templates (Bicep-compiled included), ARM
 * parameters files, and az CLI / REST JSON. All files are read together so that IP groups, parent policies
 * and rule collection groups in one file resolve references from another. One policy per firewall policy
 * (named after it) and per Azure Firewall with classic rules.
 */
export const azureFirewallReader: FormatReader = {
  id: FORMAT_ID,
  name: 'Microsoft Azure Firewall (Firewall Policy / classic rules: ARM, Bicep JSON, az CLI)',
  detect: detectAzureFirewall,
  read(files: readonly InputFile[]): Policy[] {
    return buildPolicies(collectResources(files));
  },
};
