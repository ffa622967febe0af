import { describeKernelOracle } from './oracle-suite.js';
import { generateIptables } from './iptables-gen.js';

// The Linux kernel is the oracle: on random iptables rulesets, our verdict for the first packet of each
// sampled flow is the kernel's (allowed = delivered, blocked = dropped), read from what iptables-save
// prints and from the restore file as written.
await describeKernelOracle('iptables', (rng, dir) => {
  const rs = generateIptables(rng, {
    sourcePorts: true,
    log: true,
    rawConntrack: true,
    unnamedInterfaces: true,
  });
  return {
    features: rs.features,
    load: (l) => l.loadIptables(rs),
    inputs: async (l) => {
      const saved = await l.iptablesSave();
      const sets = (text: string) => (text.trim() ? [{ path: `${dir}/ipset.save`, text }] : []);
      return [
        {
          form: 'iptables-save',
          files: [
            { path: `${dir}/saved.v4`, text: saved.v4 },
            { path: `${dir}/saved.v6`, text: saved.v6 },
            ...sets(saved.ipsets),
          ],
        },
        {
          form: 'restore file',
          files: [
            { path: `${dir}/rules.v4`, text: rs.v4 },
            { path: `${dir}/rules.v6`, text: rs.v6 },
            ...sets(rs.ipsets),
          ],
        },
      ];
    },
  };
});
