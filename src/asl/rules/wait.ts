import type { Json } from '../../json.js';
import { child, schemaError } from '../diagnostics.js';
import type { RuleContext, RuleFamily } from './context.js';
import { checkPath } from './query-syntax.js';
import { RFC3339_MESSAGE, isRfc3339 } from './timestamps.js';
import { hasField, jsonataExpression, typeError } from './values.js';

const WAIT_FIELDS = ['Seconds', 'Timestamp', 'SecondsPath', 'TimestampPath'] as const;

/** Wait: exactly one of its four duration fields, each of the right shape. */
export const waitRules: RuleFamily = {
  name: 'Wait',
  state(ctx, { state, type, location, language }) {
    if (type !== 'Wait') return;
    const present = WAIT_FIELDS.filter((field) => hasField(state, field));
    if (present.length !== 1) {
      ctx.report(schemaError(`Exactly one of these fields is required: [${WAIT_FIELDS.join(', ')}]`, location));
    }
    const jsonata = language === 'JSONata';
    if (hasField(state, 'Seconds')) checkSeconds(ctx, state.Seconds, child(location, 'Seconds'), jsonata);
    if (hasField(state, 'Timestamp')) checkTimestamp(ctx, state.Timestamp, child(location, 'Timestamp'), jsonata);
    for (const field of ['SecondsPath', 'TimestampPath'] as const) {
      if (hasField(state, field) && !jsonata) checkPath(ctx, state[field], child(location, field), field);
    }
  },
};

function checkSeconds(ctx: RuleContext, value: Json, at: string, jsonata: boolean): void {
  if (jsonata && jsonataExpression(value) !== undefined) return;
  if (typeof value !== 'number' || !Number.isInteger(value)) return ctx.report(typeError(['INTEGER'], at));
  if (value < 0) ctx.report(schemaError('Minimum value is 0', at));
}

function checkTimestamp(ctx: RuleContext, value: Json, at: string, jsonata: boolean): void {
  if (jsonata && jsonataExpression(value) !== undefined) return;
  if (typeof value !== 'string') return ctx.report(typeError(['STRING'], at));
  if (!isRfc3339(value)) ctx.report(schemaError(RFC3339_MESSAGE, at));
}
