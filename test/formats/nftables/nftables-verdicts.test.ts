import { nftablesReader } from '../../../src/formats/nftables/nftables-reader.js';
import { describeExpectedVerdicts } from '../expected-verdicts.js';

describeExpectedVerdicts('fixtures/nftables', nftablesReader);
