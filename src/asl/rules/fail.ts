import { child, schemaError } from '../diagnostics.js';
import type { RuleFamily } from './context.js';
import { checkPathOrIntrinsic } from './query-syntax.js';
import { hasField, typeError } from './values.js';

/** Fail: Error xor ErrorPath, Cause xor CausePath. */
export const failRules: RuleFamily = {
  name: 'Fail',
  state(ctx, { state, type, location, language }) {
    if (type !== 'Fail') return;
    for (const [plain, path] of [
      ['Error', 'ErrorPath'],
      ['Cause', 'CausePath'],
    ] as const) {
      if (hasField(state, plain) && hasField(state, path)) {
        ctx.report(schemaError(`These fields are mutually exclusive: [${plain}, ${path}]`, location));
      }
      if (hasField(state, plain) && typeof state[plain] !== 'string')
        ctx.report(typeError(['STRING'], child(location, plain)));
      if (hasField(state, path) && language === 'JSONPath')
        checkPathOrIntrinsic(ctx, state[path], child(location, path), path);
    }
  },
};
