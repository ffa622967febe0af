import type { InputFile } from '../../input/input-file.js';
import type { Policy } from '../../model/policy.js';
import type { FormatReader } from '../format-reader.js';
import { azureFirewallFormat } from './detect.js';
import { buildPolicies } from './policy-builder.js';
import { remediateAzureFirewall } from './remediate.js';
import { collectResources } from './resources.js';

/**
 * Microsoft Azure Firewall (docs/formats/azure-firewall.md): Firewall Policies with their rule collection
 * groups, and classic rules of Azure Firewall resources, from ARM templates (Bicep-compiled included), ARM
 * parameters files, and az CLI / REST JSON. All files are read together so that IP groups, parent policies
 * and rule collection groups in one file resolve references from another. One policy per firewall policy
 * (named after it) and per Azure Firewall with classic rules.
 */
export const azureFirewallReader: FormatReader = {
  ...azureFirewallFormat,
  read(files: readonly InputFile[]): Policy[] {
    return buildPolicies(collectResources(files));
  },
  remediate: remediateAzureFirewall,
};
