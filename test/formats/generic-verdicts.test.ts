import { genericReader } from '../../src/formats/generic/generic-reader.js';
import { describeExpectedVerdicts } from './expected-verdicts.js';

describeExpectedVerdicts('fixtures/generic', genericReader);
