import type { InputFile } from '../../input/input-file.js';
import type { Policy } from '../../model/policy.js';
import type { FormatReader } from '../format-reader.js';
import type { ReadOptions } from '../read-options.js';
import { nftablesFormat } from './detect.js';
import { buildPolicy } from './policy-builder.js';
import { remediateNftables } from './remediate.js';
import { readRuleset } from './read-ruleset.js';

/** Reads one nftables file into its policy. */
export function readNftablesFile(file: InputFile, options: ReadOptions = {}): Policy {
  const rs = readRuleset(file);
  return buildPolicy(file.path, rs, options.chain);
}

/**
 * nftables: `nft list ruleset` listings (with `-a` handles or without), `nft -f` scripts and `nft -j list
 * ruleset` JSON. One file is one machine's ruleset; its base chains on the hooks client traffic passes are
 * the policy's stages, in hook and priority order.
 */
export const nftablesReader: FormatReader = {
  ...nftablesFormat,
  read(files: readonly InputFile[], options?: ReadOptions): Policy[] {
    return files.map((f) => readNftablesFile(f, options));
  },
  remediate: remediateNftables,
};
