import { asaReader } from '../../src/formats/asa/asa-reader.js';
import { describeExpectedVerdicts } from './expected-verdicts.js';

describeExpectedVerdicts('fixtures/asa', asaReader);
