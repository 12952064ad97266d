import { jsonEquals, type Json } from '../../../json.js';
import { arrayArg, integerArg, intrinsicFailure, plain, type IntrinsicDefinition } from './definition.js';

/** AWS: "The newly generated array can't contain more than 1000 items." */
export const MAX_RANGE_ITEMS = 1000;

export const arrayFunctions: Record<string, IntrinsicDefinition> = {
  'States.Array': plain(0, Infinity, (args) => args),

  'States.ArrayPartition': plain(2, 2, (args) => {
    const fn = 'States.ArrayPartition';
    const array = arrayArg(fn, args, 0);
    const size = integerArg(fn, args, 1);
    if (size <= 0) throw intrinsicFailure(fn, `the chunk size must be a positive integer, but was ${size}`);
    const chunks: Json[] = [];
    for (let i = 0; i < array.length; i += size) chunks.push(array.slice(i, i + size));
    return chunks;
  }),

  'States.ArrayContains': plain(2, 2, (args) => {
    const array = arrayArg('States.ArrayContains', args, 0);
    return array.some((item) => jsonEquals(item, args[1]));
  }),

  'States.ArrayRange': plain(3, 3, (args) => {
    const fn = 'States.ArrayRange';
    const start = integerArg(fn, args, 0);
    const end = integerArg(fn, args, 1);
    const step = integerArg(fn, args, 2);
    if (step === 0) throw intrinsicFailure(fn, 'the step must not be zero');
    const count = Math.max(Math.floor((end - start) / step) + 1, 0);
    if (count > MAX_RANGE_ITEMS) {
      throw intrinsicFailure(fn, `the range has ${count} items, more than the maximum of ${MAX_RANGE_ITEMS}`);
    }
    return Array.from({ length: count }, (_, i) => start + i * step);
  }),

  'States.ArrayGetItem': plain(2, 2, (args) => {
    const fn = 'States.ArrayGetItem';
    const array = arrayArg(fn, args, 0);
    const index = integerArg(fn, args, 1);
    if (index < 0 || index >= array.length) {
      throw intrinsicFailure(fn, `the index ${index} is out of bounds for an array of length ${array.length}`);
    }
    return array[index];
  }),

  'States.ArrayLength': plain(1, 1, (args) => arrayArg('States.ArrayLength', args, 0).length),

  'States.ArrayUnique': plain(1, 1, (args) => {
    const unique: Json[] = [];
    for (const item of arrayArg('States.ArrayUnique', args, 0)) {
      if (!unique.some((seen) => jsonEquals(seen, item))) unique.push(item);
    }
    return unique;
  }),
};
