import { intrinsicFailure, limitedStringArg, plain, type IntrinsicDefinition } from './definition.js';

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export const encodingFunctions: Record<string, IntrinsicDefinition> = {
  'States.Base64Encode': plain(1, 1, (args) =>
    Buffer.from(limitedStringArg('States.Base64Encode', args, 0), 'utf8').toString('base64'),
  ),

  'States.Base64Decode': plain(1, 1, (args) => {
    const fn = 'States.Base64Decode';
    const encoded = limitedStringArg(fn, args, 0);
    if (!BASE64.test(encoded)) throw intrinsicFailure(fn, 'the argument is not valid Base64 data');
    return Buffer.from(encoded, 'base64').toString('utf8');
  }),
};
