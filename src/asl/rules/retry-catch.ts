import { isJsonObject, type Json, type JsonObject } from '../../json.js';
import { child, schemaError } from '../diagnostics.js';
import { ERROR_ALL } from '../../vocabulary/names.js';
import type { RuleContext, RuleFamily } from './context.js';
import { checkPayloadTemplate, checkReferencePath } from './query-syntax.js';
import { enumError, hasField, requiredError, typeError, type SchemaType } from './values.js';

const RETRIER_FIELDS = {
  ErrorEquals: 'ARRAY',
  IntervalSeconds: 'INTEGER',
  MaxAttempts: 'INTEGER',
  BackoffRate: 'NUMBER',
  MaxDelaySeconds: 'INTEGER',
  JitterStrategy: 'STRING',
  Comment: 'STRING',
} as const satisfies Record<string, SchemaType>;
/**
 * The developer guide calls IntervalSeconds "a positive integer" but AWS takes 0 (the CDK writes
 * `IntervalSeconds: 0` for `Duration.seconds(0)`, and such machines deploy): retry at once. The
 * bound AWS applies is not documented as a number; 0 is the smallest value seen accepted.
 */
const RETRIER_MINIMUM = { IntervalSeconds: 0, MaxAttempts: 0, BackoffRate: 1, MaxDelaySeconds: 1 } as const;
const JITTER_STRATEGIES = ['FULL', 'NONE'] as const;
const CATCHER_FIELDS = ['ErrorEquals', 'Next', 'ResultPath', 'Output', 'Assign', 'Comment'] as const;

/** Retry and Catch: shapes, bounds, and States.ALL alone in the last entry. */
export const retryCatchRules: RuleFamily = {
  name: 'Retry and Catch',
  state(ctx, { state, location, language }) {
    for (const field of ['Retry', 'Catch'] as const) {
      if (!hasField(state, field)) continue;
      const list = state[field];
      const at = child(location, field);
      if (!Array.isArray(list)) {
        ctx.report(typeError(['ARRAY'], at));
        continue;
      }
      list.forEach((entry, i) => {
        const entryAt = child(at, i);
        if (!isJsonObject(entry)) return ctx.report(typeError(['OBJECT'], entryAt));
        if (field === 'Retry') checkRetrier(ctx, entry, entryAt);
        else checkCatcher(ctx, entry, entryAt, language === 'JSONata');
        checkErrorEquals(ctx, entry.ErrorEquals, entryAt, i === list.length - 1);
      });
    }
  },
};

function checkRetrier(ctx: RuleContext, retrier: JsonObject, at: string): void {
  for (const [field, value] of Object.entries(retrier)) {
    const type = (RETRIER_FIELDS as Record<string, SchemaType>)[field];
    if (type === undefined) {
      ctx.report(schemaError(`Field '${field}' is not supported`, at));
      continue;
    }
    const fieldAt = child(at, field);
    if (!matches(value, type)) {
      ctx.report(typeError([type], fieldAt));
      continue;
    }
    const minimum = (RETRIER_MINIMUM as Record<string, number>)[field];
    if (minimum !== undefined && (value as number) < minimum)
      ctx.report(schemaError(`Minimum value is ${minimum}`, fieldAt));
    if (field === 'JitterStrategy' && !(JITTER_STRATEGIES as readonly Json[]).includes(value)) {
      ctx.report(enumError(JITTER_STRATEGIES, fieldAt));
    }
  }
}

function matches(value: Json, type: SchemaType): boolean {
  if (type === 'INTEGER') return typeof value === 'number' && Number.isInteger(value);
  if (type === 'NUMBER') return typeof value === 'number';
  if (type === 'ARRAY') return Array.isArray(value);
  return typeof value === 'string';
}

function checkCatcher(ctx: RuleContext, catcher: JsonObject, at: string, jsonata: boolean): void {
  for (const field of Object.keys(catcher)) {
    if (!(CATCHER_FIELDS as readonly string[]).includes(field))
      ctx.report(schemaError(`Field '${field}' is not supported`, at));
  }
  if (!hasField(catcher, 'Next')) ctx.report(requiredError(['Next'], at));
  else if (typeof catcher.Next !== 'string') ctx.report(typeError(['STRING'], child(at, 'Next')));
  const foreign = jsonata ? 'ResultPath' : 'Output';
  if (hasField(catcher, foreign)) {
    const [language, other] = jsonata ? ['JSONata', 'JSONPath'] : ['JSONPath', 'JSONata'];
    ctx.report(
      schemaError(
        `The QueryLanguage is set to '${language}', but field '${foreign}' is only supported for the '${other}' QueryLanguage`,
        at,
      ),
    );
  } else if (!jsonata && hasField(catcher, 'ResultPath') && catcher.ResultPath !== null) {
    checkReferencePath(ctx, catcher.ResultPath, child(at, 'ResultPath'), 'ResultPath');
  }
  if (!jsonata && hasField(catcher, 'Assign')) checkPayloadTemplate(ctx, catcher.Assign, child(at, 'Assign'));
}

function checkErrorEquals(ctx: RuleContext, errors: Json | undefined, at: string, last: boolean): void {
  if (errors === undefined) return ctx.report(requiredError(['ErrorEquals'], at));
  const errorsAt = child(at, 'ErrorEquals');
  if (!Array.isArray(errors)) return; // reported with the entry's other field types
  if (errors.length === 0) return ctx.report(schemaError('ErrorEquals must not be empty', errorsAt));
  errors.forEach((name, i) => {
    if (typeof name !== 'string') ctx.report(typeError(['STRING'], child(errorsAt, i)));
  });
  if (!errors.includes(ERROR_ALL)) return;
  if (errors.length > 1) ctx.report(schemaError(`${ERROR_ALL} must appear alone in ErrorEquals`, errorsAt));
  if (!last) ctx.report(schemaError(`${ERROR_ALL} must appear in the last entry`, errorsAt));
}
