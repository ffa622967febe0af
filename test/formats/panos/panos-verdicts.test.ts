import { panosReader } from '../../../src/formats/panos/panos-reader.js';
import { describeExpectedVerdicts } from '../expected-verdicts.js';

describeExpectedVerdicts('fixtures/panos', panosReader);
