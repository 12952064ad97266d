import { child, error, DiagnosticCodes, schemaError } from '../diagnostics.js';
import {
  JsonataOnlyFields,
  JsonPathOnlyFields,
  MAX_STATE_NAME_LENGTH,
  StateFields,
  StateRequired,
  TransitionStates,
} from '../../vocabulary/names.js';
import type { RuleContext, RuleFamily, StateVisit } from './context.js';
import { checkQueryLanguage } from './top-level.js';
import { hasField, requiredError, typeError } from './values.js';

const DOWNGRADE = "'QueryLanguage' can not be 'JSONPath' if set to 'JSONata' for whole state machine";

/** Fields each state type accepts and requires, Next/End, names, and QueryLanguage mixing. */
export const stateFieldRules: RuleFamily = {
  name: 'state fields',
  state(ctx, visit) {
    const { state, type, location, name } = visit;
    if (name.length > MAX_STATE_NAME_LENGTH) {
      ctx.report(
        error(
          DiagnosticCodes.InvalidStateName,
          `State name exceeds the maximum length of ${MAX_STATE_NAME_LENGTH}`,
          location,
        ),
      );
    }
    const known = StateFields[type];
    for (const field of Object.keys(state)) {
      if (!known.includes(field)) ctx.report(schemaError(`Field '${field}' is not supported`, location));
    }
    const missing = (StateRequired[type] ?? []).filter((field) => !hasField(state, field));
    if (missing.length > 0) ctx.report(requiredError(missing, location));
    if (TransitionStates.includes(type)) checkNextOrEnd(ctx, visit);
    if (hasField(state, 'Comment') && typeof state.Comment !== 'string') {
      ctx.report(typeError(['STRING'], child(location, 'Comment')));
    }
    checkLanguage(ctx, visit);
  },
};

function checkNextOrEnd(ctx: RuleContext, { state, location }: StateVisit): void {
  const hasNext = hasField(state, 'Next');
  const hasEnd = hasField(state, 'End');
  if (hasNext && typeof state.Next !== 'string') ctx.report(typeError(['STRING'], child(location, 'Next')));
  if (hasEnd && typeof state.End !== 'boolean') ctx.report(typeError(['BOOLEAN'], child(location, 'End')));
  const ends = state.End === true;
  if (hasNext && ends) {
    ctx.report(schemaError("Only one of 'Next' or 'End' may be specified", location));
  } else if (!hasNext && !ends) {
    ctx.report(schemaError("Exactly one of 'Next' or 'End' is required", location));
  }
}

function checkLanguage(ctx: RuleContext, { state, location, language }: StateVisit): void {
  const downgraded = ctx.machineLanguage === 'JSONata' && state.QueryLanguage === 'JSONPath';
  if (downgraded) {
    // AWS reports only the downgrade for this state, not the fields its own language forbids.
    ctx.report(schemaError(DOWNGRADE, location));
  } else {
    const foreign: readonly string[] = language === 'JSONata' ? JsonPathOnlyFields : JsonataOnlyFields;
    const other = language === 'JSONata' ? 'JSONPath' : 'JSONata';
    for (const field of foreign) {
      if (!hasField(state, field)) continue;
      ctx.report(
        schemaError(
          `The QueryLanguage is set to '${language}', but field '${field}' is only supported for the '${other}' QueryLanguage`,
          location,
        ),
      );
    }
  }
  checkQueryLanguage(state.QueryLanguage, child(location, 'QueryLanguage'), ctx.report);
}
