import { headOf, type InputFile } from '../../input/input-file.js';
import type { Detection, FormatDescriptor } from '../format-reader.js';

/** How much of a file detection looks at: the root element and the first sections are near the start. */
const HEAD = 256 * 1024;

/** Elements only PAN-OS configs have, near the top of an export. */
const CONFIG_SECTIONS = /<(?:mgt-config|shared|devices|readonly|deviceconfig)[\s>/]/;
/** Elements of PAN-OS configuration fragments. */
const PANOS_ELEMENTS =
  /<(?:vsys|device-group|rulebase|pre-rulebase|post-rulebase|address-group|ip-netmask|service-group|security)[\s>/]/;
const ENTRY = /<entry\s+name\s*=/;
/** `set` commands as `show config running` prints them in set format (`set cli config-output-format set`). */
const SET_COMMANDS =
  /^\s*set\s+(?:deviceconfig|network|vsys|shared|rulebase|address|address-group|service|zone|mgt-config|device-group|template|import)\b/m;

export const HOW_TO_EXPORT =
  'export the XML configuration: Device > Setup > Operations > Export named configuration snapshot (running-config.xml), or "show config running" in XML format; for Panorama, Panorama > Setup > Operations';

/** The name of the first element of the document, skipping the declaration, comments and a DOCTYPE. */
export function rootElementName(text: string): string | undefined {
  let i = 0;
  const n = Math.min(text.length, HEAD);
  for (;;) {
    while (i < n && /\s/.test(text[i]!)) i++;
    if (text[i] !== '<') return undefined;
    if (text.startsWith('<?', i)) {
      const end = text.indexOf('?>', i);
      if (end < 0) return undefined;
      i = end + 2;
    } else if (text.startsWith('<!--', i)) {
      const end = text.indexOf('-->', i);
      if (end < 0) return undefined;
      i = end + 3;
    } else if (text.startsWith('<!', i)) {
      const end = text.indexOf('>', i);
      if (end < 0) return undefined;
      i = end + 1;
    } else {
      return /^<([A-Za-z_:][\w:.-]*)/.exec(text.slice(i, i + 100))?.[1];
    }
  }
}

/**
 * Recognises PAN-OS firewall and Panorama XML configs from their start, without parsing: root `<config>`
 * with PAN-OS sections (or the XML API's `<response><result><config>`). Near misses: the same
 * configuration in `set` command form, a Cloud NGFW or Strata Cloud Manager JSON export, an XML fragment of
 * a PAN-OS config, and an XML file that is cut before its `<config>` root.
 */
export function detectPanos(file: InputFile): Detection {
  const head = headOf(file, HEAD);
  const root = rootElementName(head);
  if (root === 'config') {
    if (CONFIG_SECTIONS.test(head) || /^\s*(?:<\?[^]*?\?>\s*)?<config\s[^>]*\burldb=/.test(head))
      return { kind: 'yes' };
    if (ENTRY.test(head) && PANOS_ELEMENTS.test(head)) {
      return {
        kind: 'near-miss',
        reason: `the root <config> has none of <mgt-config>, <shared> or <devices>, so it isn't a whole PAN-OS configuration; ${HOW_TO_EXPORT}`,
      };
    }
    return { kind: 'no' };
  }
  if (
    root === 'response' &&
    /<result[\s>]/.test(head) &&
    /<config[\s>]/.test(head) &&
    CONFIG_SECTIONS.test(head)
  ) {
    return { kind: 'yes' };
  }
  if (root !== undefined) {
    if (ENTRY.test(head) && PANOS_ELEMENTS.test(head)) {
      return {
        kind: 'near-miss',
        reason: `looks like a fragment of a PAN-OS configuration (root element <${root}>), not a whole export with root <config>; ${HOW_TO_EXPORT}`,
      };
    }
    return { kind: 'no' };
  }
  const trimmed = head.trimStart();
  if (SET_COMMANDS.test(head)) {
    return {
      kind: 'near-miss',
      reason: `a PAN-OS configuration in "set" command form, which this reader doesn't read; ${HOW_TO_EXPORT}`,
    };
  }
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    if (
      /"(?:RuleStackName|LocalRulestack|rulestack|RuleStackCandidate)"/i.test(head) ||
      /PaloAltoNetworks\.Cloudngfw/i.test(head)
    ) {
      return {
        kind: 'near-miss',
        reason:
          'a Cloud NGFW rulestack (JSON), not a PAN-OS XML configuration; Cloud NGFW rulestacks are not read by this reader',
      };
    }
    if (
      /"folder"\s*:/.test(head) &&
      /"(?:application|source_user|from)"\s*:/.test(head) &&
      /"action"\s*:/.test(head)
    ) {
      return {
        kind: 'near-miss',
        reason:
          'a Prisma Access / Strata Cloud Manager JSON export, not a PAN-OS XML configuration; export the firewall or Panorama XML configuration instead',
      };
    }
    return { kind: 'no' };
  }
  if (trimmed.startsWith('<') && ENTRY.test(head) && PANOS_ELEMENTS.test(head)) {
    return {
      kind: 'near-miss',
      reason: `PAN-OS configuration elements without the <config> root element: the file looks truncated at the start or is a fragment; ${HOW_TO_EXPORT}`,
    };
  }
  return { kind: 'no' };
}

/** The registry's entry for this format (the reader itself loads on first use). */
export const panosFormat: FormatDescriptor = {
  id: 'panos',
  name: 'Palo Alto Networks PAN-OS XML (firewall or Panorama)',
  detect: detectPanos,
};
