import { createHash } from 'node:crypto';
import { intrinsicFailure, limitedStringArg, stringArg, plain, type IntrinsicDefinition } from './definition.js';

/** The algorithms AWS documents, mapped to node:crypto names. */
const ALGORITHMS: Readonly<Record<string, string>> = {
  MD5: 'md5',
  'SHA-1': 'sha1',
  'SHA-256': 'sha256',
  'SHA-384': 'sha384',
  'SHA-512': 'sha512',
};

export const hashFunctions: Record<string, IntrinsicDefinition> = {
  'States.Hash': plain(2, 2, (args) => {
    const fn = 'States.Hash';
    const data = limitedStringArg(fn, args, 0);
    const algorithm = stringArg(fn, args, 1);
    const nodeName = Object.prototype.hasOwnProperty.call(ALGORITHMS, algorithm) ? ALGORITHMS[algorithm] : undefined;
    if (nodeName === undefined) {
      throw intrinsicFailure(
        fn,
        `the hashing algorithm must be one of ${Object.keys(ALGORITHMS).join(', ')}, but was '${algorithm}'`,
      );
    }
    return createHash(nodeName).update(data, 'utf8').digest('hex');
  }),
};
