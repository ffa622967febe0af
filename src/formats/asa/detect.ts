import { headOf, type InputFile } from '../../input/input-file.js';
import type { Detection, FormatDescriptor } from '../format-reader.js';

/** Only the head of a file is looked at for the version banners; the rest with anchored line regexes. */
const HEAD = 4096;
/** Detection reads at most this much: the signs of an ASA config sit near its top, and a 100 MB export of
 * another vendor must not be scanned whole by every pattern. */
const SCAN = 1024 * 1024;

const ASA_VERSION = /^ASA Version \d/m;
const FTD_MARKERS = [
  /^NGFW Version \d/m,
  /^access-list CSM_FW_ACL_ /m,
  /^access-list \S+ advanced (?:permit|deny|trust)\b/m,
  /^access-control-policy\b/m,
];
/** A comment naming FTD only counts where no `ASA Version` banner says otherwise. */
const FTD_COMMENT = /^!.*\b(?:FTD|Firepower Threat Defense)\b/im;
const PIX6 = /^PIX Version [1-6]\./m;
const SYSTEM_CONTEXT = /^context \S+[ \t]*\r?$/m;
const CONFIG_URL = /^ +config-url /m;
const ASA_SIGNS = [
  /^access-list \S+ (?:extended|webtype|ethertype) /m,
  /^ {1,2}nameif \S+/m,
  /^ {1,2}network-object /m,
  /^ {1,2}service-object /m,
  /^access-group \S+ (?:in|out) interface \S+/m,
  /^access-group \S+ global\b/m,
  /^same-security-traffic permit /m,
];
const IOS_VERSION = /^version \d+\.\d+\S*[ \t]*\r?$/m;
const IOS_ACL = /^ip access-list (?:extended|standard) /m;
const IOS_INTERFACE_ADDRESS = /^ ip address \d+\.\d+\.\d+\.\d+ \d+\.\d+\.\d+\.\d+/m;
const INTERFACE_OR_HOSTNAME = /^(?:interface|hostname) \S/m;

/**
 * Recognises an ASA configuration (`show running-config`, a saved startup config, or a hand-written
 * fragment of one) from content alone: the `ASA Version` banner or ASA-only syntax (`nameif`,
 * `access-list NAME extended`, `network-object`, `access-group ... interface`). Firepower Threat Defense,
 * PIX 6, the multiple-context system space and IOS router configs are near misses.
 */
export function detectAsa(file: InputFile): Detection {
  const text = headOf(file, SCAN);
  const head = text.slice(0, HEAD);
  const asaBanner = ASA_VERSION.test(head);
  if (FTD_MARKERS.some((re) => re.test(text)) || (!asaBanner && FTD_COMMENT.test(head))) {
    return {
      kind: 'near-miss',
      reason:
        'a Firepower Threat Defense (FTD) config, not an ASA one: its access control policy is managed in FMC/FDM and partly enforced by Snort, which this reader does not model; check an ASA running config instead, or describe the policy in the generic format (--format generic)',
    };
  }
  if (PIX6.test(head)) {
    return {
      kind: 'near-miss',
      reason:
        'a PIX 6.x config (conduit/outbound syntax), not an ASA one; this reader reads ASA 8.3 and later',
    };
  }
  const asa = asaBanner || ASA_SIGNS.some((re) => re.test(text));
  if (SYSTEM_CONTEXT.test(text) && CONFIG_URL.test(text) && !/^access-list /m.test(text)) {
    return {
      kind: 'near-miss',
      reason:
        'the system execution space of a multiple-context ASA, which holds no access rules; export each context\'s running config ("changeto context NAME", then "show running-config")',
    };
  }
  if (asa) return { kind: 'yes' };
  const ios =
    IOS_ACL.test(text) ||
    (INTERFACE_OR_HOSTNAME.test(text) && (IOS_VERSION.test(text) || IOS_INTERFACE_ADDRESS.test(text)));
  if (ios) {
    return {
      kind: 'near-miss',
      reason:
        'an IOS/IOS-XE router config, not an ASA one (no "nameif" interfaces, "ip access-list" instead of "access-list NAME extended")',
    };
  }
  return { kind: 'no' };
}

/** The registry's entry for this format (the reader itself loads on first use). */
export const asaFormat: FormatDescriptor = {
  id: 'asa',
  name: 'Cisco ASA running-config',
  detect: detectAsa,
};
