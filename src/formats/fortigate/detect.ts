import { headOf, type InputFile } from '../../input/input-file.js';
import type { Detection, FormatDescriptor } from '../format-reader.js';

export const ENCRYPTED_REASON = 'encrypted FortiGate backup: export it without a password';

/** How much of the file detection looks at. */
const HEAD = 64 * 1024;

/** `FGT # show`, `FG_VM-Demo $ show full-configuration`, `FGT (root) #`: a CLI prompt line. */
const PROMPT = /^\S+(?: \([^)\r\n]*\))? ?[#$](?: .*)?$/;
/** The first line of a backup: `#config-version=FGT60F-7.2.5-FW-build1517-230606:opmode=0:vdom=0:user=admin`. */
const HEADER = /^#config-version=([^:\r\n]*)/;
/** Top-level blocks a FortiOS configuration starts with. */
const FORTIOS_START =
  /^config (?:system|firewall|vdom|global|router|user|vpn|log|switch-controller|wireless-controller|application|webfilter|antivirus|ips|dnsfilter)\b/;
/** Model prefixes of FortiGate / FortiWiFi hardware and FortiOS VMs in the backup header. */
const FORTIGATE_MODEL = /^(?:FG|FGT|FGVM|FortiGate|FWF|FortiWiFi|FOS|FFW)/i;

function firstLines(text: string, max: number): string[] {
  const lines: string[] = [];
  let i = 0;
  while (i < text.length && lines.length < max) {
    const eol = text.indexOf('\n', i);
    const end = eol < 0 ? text.length : eol;
    const line = text.slice(i, end).replace(/\r$/, '').trim();
    if (line !== '') lines.push(line);
    i = end + 1;
  }
  return lines;
}

/**
 * Recognises a FortiOS configuration from its first lines: a backup header (`#config-version=`, which
 * stays readable even in a password-encrypted backup: "What are the parts of a FortiGate backup
 * configuration file header?", https://hackfaqs.com/fortigate-backup-field-header/), or `show` output that
 * starts (after an optional prompt line) with a top-level `config` block. A header followed by no `config`
 * grammar is an encrypted backup: a near miss with the reason.
 */
export function detectFortigate(file: InputFile): Detection {
  const head = headOf(file, HEAD);
  const lines = firstLines(head, 8);
  let k = 0;
  if (lines[k] !== undefined && PROMPT.test(lines[k]!) && !lines[k]!.startsWith('#')) k++;
  const first = lines[k];
  if (first === undefined) return { kind: 'no' };
  const header = HEADER.exec(first);
  if (header) {
    // FGT60F-7.2.5-FW-build1517-230606, or FortiGate-VM64 v6.2.3,build1066,191218 (GA): the model comes first.
    const model = header[1]!.trim().split('-')[0]!;
    if (!FORTIGATE_MODEL.test(model)) {
      return {
        kind: 'near-miss',
        reason: `a Fortinet configuration for model ${JSON.stringify(model.slice(0, 40))}, not a FortiGate; only FortiGate (FortiOS) configurations are read`,
      };
    }
    return /^[ \t]*config [^\r\n]/m.test(head)
      ? { kind: 'yes' }
      : { kind: 'near-miss', reason: ENCRYPTED_REASON };
  }
  if (FORTIOS_START.test(first) && /^[ \t]*(?:set|edit) /m.test(head) && /^[ \t]*end[ \t]*\r?$/m.test(head)) {
    return { kind: 'yes' };
  }
  return { kind: 'no' };
}

/** The registry's entry for this format (the reader itself loads on first use). */
export const fortigateFormat: FormatDescriptor = {
  id: 'fortigate',
  name: 'Fortinet FortiGate (FortiOS configuration)',
  detect: detectFortigate,
};
