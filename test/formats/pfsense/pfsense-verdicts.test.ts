import { describeExpectedVerdicts } from '../expected-verdicts.js';
import { opnsenseReader, pfsenseReader } from '../../../src/formats/pfsense/pfsense-reader.js';

describeExpectedVerdicts('fixtures/pfsense', pfsenseReader);
describeExpectedVerdicts('fixtures/opnsense', opnsenseReader);
