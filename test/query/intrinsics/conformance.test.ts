import { describe } from 'vitest';
import { singlePassCases } from '../single-pass-suite.js';

describe('intrinsic_functions conformance cases (recorded on AWS)', () => {
  singlePassCases('intrinsic_functions', 130);
});
