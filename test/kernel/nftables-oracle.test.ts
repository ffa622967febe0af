import { describeKernelOracle } from './oracle-suite.js';
import { generateNftables } from './nftables-gen.js';

// The Linux kernel is the oracle: on random nftables rulesets, our verdict for the first packet of each
// sampled flow is the kernel's (allowed = delivered, blocked = dropped), read from the nft script as
// written (with its defines), from `nft list ruleset` and from `nft -j list ruleset`.
await describeKernelOracle('nftables', (rng, dir) => {
  const rs = generateNftables(rng, {
    prerouting: true,
    log: true,
    beforeConntrack: true,
    unnamedInterfaces: true,
  });
  return {
    features: rs.features,
    load: (l) => l.loadNftables(rs.text),
    inputs: async (l) => {
      const listed = await l.nftList();
      return [
        { form: 'script', files: [{ path: `${dir}/ruleset.nft`, text: rs.text }] },
        { form: 'nft list ruleset', files: [{ path: `${dir}/listed.nft`, text: listed.text }] },
        {
          form: 'nft -j list ruleset',
          files: [{ path: `${dir}/listed.json`, text: listed.json }],
        },
      ];
    },
  };
});
