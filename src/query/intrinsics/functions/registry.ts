import { arrayFunctions } from './array.js';
import type { IntrinsicDefinition } from './definition.js';
import { encodingFunctions } from './encoding.js';
import { hashFunctions } from './hash.js';
import { jsonFunctions } from './json.js';
import { mathFunctions } from './math.js';
import { stringFunctions } from './string.js';
import { uuidFunctions } from './uuid.js';

/** The 18 intrinsic functions AWS documents, by their full name. */
export const INTRINSIC_FUNCTIONS: ReadonlyMap<string, IntrinsicDefinition> = new Map(
  Object.entries({
    ...arrayFunctions,
    ...encodingFunctions,
    ...hashFunctions,
    ...jsonFunctions,
    ...mathFunctions,
    ...stringFunctions,
    ...uuidFunctions,
  }),
);
