import { azureFirewallReader } from '../../src/formats/azure-firewall/azure-firewall-reader.js';
import { describeExpectedVerdicts } from './expected-verdicts.js';

// IP groups and parent policies may live in other files read together with a fixture.
describeExpectedVerdicts('fixtures/azure-firewall', azureFirewallReader, {
  'az-rcg-show-branch.json': ['ip-groups-branch.json'],
});
