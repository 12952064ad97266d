import type { Json } from '../../../json.js';
import { jsonTooDeep, tooDeepMessage } from '../../../vocabulary/json-depth.js';
import { runtimeError } from '../../../vocabulary/states-errors.js';
import { booleanArg, intrinsicFailure, objectArg, plain, stringArg, type IntrinsicDefinition } from './definition.js';

export const jsonFunctions: Record<string, IntrinsicDefinition> = {
  'States.StringToJson': plain(1, 1, (args) => {
    const fn = 'States.StringToJson';
    const text = stringArg(fn, args, 0);
    // Recorded on AWS: an empty or blank string parses to null.
    if (text.trim() === '') return null;
    if (jsonTooDeep(text)) throw runtimeError(tooDeepMessage(`The argument of ${fn}`));
    try {
      const parsed = JSON.parse(text) as Json;
      return Object.is(parsed, -0) ? 0 : parsed;
    } catch {
      throw intrinsicFailure(fn, `the argument is not valid JSON text: ${text}`);
    }
  }),

  'States.JsonToString': plain(1, 1, (args) => JSON.stringify(args[0])),

  'States.JsonMerge': plain(3, 3, (args) => {
    const fn = 'States.JsonMerge';
    const left = objectArg(fn, args, 0);
    const right = objectArg(fn, args, 1);
    // AWS: "Step Functions only supports the shallow merging mode; you must specify the boolean value as false."
    if (booleanArg(fn, args, 2))
      throw intrinsicFailure(fn, 'deep merging is not supported; the third argument must be false');
    return { ...left, ...right };
  }),
};
