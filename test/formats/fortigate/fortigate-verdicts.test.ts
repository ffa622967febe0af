import { fortigateReader } from '../../../src/formats/fortigate/fortigate-reader.js';
import { describeExpectedVerdicts } from '../expected-verdicts.js';

describeExpectedVerdicts('fixtures/fortigate', fortigateReader);
