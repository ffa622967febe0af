import { headOf, type InputFile } from '../../input/input-file.js';
import type { Detection, FormatDescriptor } from '../format-reader.js';

/** Detection reads the first MiB: a table header and a chain line sit at the top of every save. */
const SCAN = 1024 * 1024;

/** `*filter` (a table header) followed somewhere by a chain line `:NAME POLICY [p:b]` or a rule. */
const TABLE = /^\*(?:filter|nat|mangle|raw|security)[ \t]*\r?$/m;
const CHAIN = /^:\S+[ \t]+(?:ACCEPT|DROP|-)(?:[ \t]+\[\d+:\d+\])?[ \t]*\r?$/m;
const RULE = /^(?:\[\d+:\d+\][ \t]+)?-[AI][ \t]+\S+/m;
/** `ipset save` output: `create NAME TYPE ...` then `add NAME ...` (read together with a save). */
const IPSET = /^create[ \t]+\S+[ \t]+(?:hash|bitmap|list):\S+/m;

/**
 * Recognises `iptables-save` / `ip6tables-save` output (and `ipset save` output given beside it) from
 * content alone: a table header such as `*filter` with chain lines or rules.
 */
export function detectIptables(file: InputFile): Detection {
  const text = headOf(file, SCAN);
  if (TABLE.test(text) && (CHAIN.test(text) || RULE.test(text))) return { kind: 'yes' };
  if (IPSET.test(text) && !/^\s*[{<]/.test(text)) return { kind: 'yes' };
  if (RULE.test(text) && /^-[AI][ \t]+(?:INPUT|FORWARD|OUTPUT)\b/m.test(text)) {
    return {
      kind: 'near-miss',
      reason:
        'has iptables rules but no table header (*filter) and chain lines: give the output of iptables-save, not a list of iptables commands',
    };
  }
  return { kind: 'no' };
}

/** The registry's entry for this format (the reader itself loads on first use). */
export const iptablesFormat: FormatDescriptor = {
  id: 'iptables',
  name: 'Linux iptables (iptables-save / ip6tables-save output)',
  detect: detectIptables,
};
