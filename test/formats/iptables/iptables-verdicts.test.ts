import { iptablesReader } from '../../../src/formats/iptables/iptables-reader.js';
import { describeExpectedVerdicts } from '../expected-verdicts.js';

describeExpectedVerdicts('fixtures/iptables', iptablesReader, {
  'dual-stack-v4.rules': ['dual-stack-v6.rules'],
  'host-ipset.rules': ['host-ipset.ipset.save'],
});
