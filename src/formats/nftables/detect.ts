import { headOf, type InputFile } from '../../input/input-file.js';
import type { Detection, FormatDescriptor } from '../format-reader.js';

/** Detection reads the first MiB: the signs of an nft ruleset are its first table or command. */
const SCAN = 1024 * 1024;

/** `nft -j list ruleset`: an object whose first key is "nftables" holding a list. */
const JSON_RULESET = /^\s*\{\s*"nftables"\s*:\s*\[/;
/** A table block as `nft list ruleset` prints it (family optional in scripts). */
const TABLE_BLOCK =
  /^[ \t]*table[ \t]+(?:(?:ip|ip6|inet|arp|bridge|netdev)[ \t]+)?(?:"[^"\n]+"|[A-Za-z_][\w.-]*)[ \t]*\{/m;
/** An nft script: the interpreter line, or commands that only nft scripts have. */
const SCRIPT_SIGNS = [
  /^#!\S*\/nft\b/,
  /^[ \t]*(?:add|create|insert)[ \t]+(?:table|chain|rule|set|map|element)[ \t]+(?:ip|ip6|inet|arp|bridge|netdev)[ \t]+\S/m,
  /^[ \t]*flush[ \t]+ruleset\b/m,
];
const CHAIN_HOOK = /^[ \t]*type[ \t]+(?:filter|nat|route)[ \t]+hook[ \t]+\w+/m;

/**
 * Recognises an nftables ruleset: `nft list ruleset` text, an `nft -f` script (shebang, `flush ruleset`,
 * `add rule ...`) or `nft -j list ruleset` JSON.
 */
export function detectNftables(file: InputFile): Detection {
  const text = headOf(file, SCAN);
  if (JSON_RULESET.test(text)) return { kind: 'yes' };
  if (SCRIPT_SIGNS.some((re) => re.test(text))) return { kind: 'yes' };
  if (
    TABLE_BLOCK.test(text) &&
    (CHAIN_HOOK.test(text) || /^[ \t]*(?:chain|set|map)[ \t]+\S+[ \t]*\{/m.test(text))
  )
    return { kind: 'yes' };
  return { kind: 'no' };
}

/** The registry's entry for this format (the reader itself loads on first use). */
export const nftablesFormat: FormatDescriptor = {
  id: 'nftables',
  name: 'nftables ruleset (nft list ruleset, nft -f script or nft -j JSON)',
  detect: detectNftables,
};
