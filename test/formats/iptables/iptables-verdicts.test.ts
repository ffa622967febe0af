import { iptablesReader } from '../../../src/formats/iptables/iptables-reader.js';
import { describeExpectedVerdicts } from '../expected-verdicts.js';

describeExpectedVerdicts('fixtures/iptables', iptablesReader, {
  'dual-stack.rules.v4': ['dual-stack.rules.v6'],
  'host-ipset.rules': ['host-ipset.ipset'],
});
