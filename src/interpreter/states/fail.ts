/** Fail: fails its frame with its Error and Cause, which Retry and Catch never see (AWS forbids them here). */
import { jsonTypeName } from '../../json.js';
import type { Dynamic, FailState } from '../compiled.js';
import { StatesError, StatesErrors } from '../../vocabulary/states-errors.js';
import type { StepContext } from '../step-context.js';
import type { Frame } from '../types.js';
import type { StateBehaviour } from './behaviour.js';

export const fail: StateBehaviour<FailState> = {
  compile: (base, { fields }) => ({
    ...base,
    type: 'Fail',
    error: fields.dynamicString('Error'),
    cause: fields.dynamicString('Cause'),
  }),

  async run(run, frame, state) {
    // A Fail state has no InputPath; TestState shows its input as the value after it, as AWS does.
    if (state.queryLanguage === 'JSONPath') run.inspector?.value('afterInputPath', frame.stateInput);
    const error = await failField(run, frame, state.error);
    const cause = await failField(run, frame, state.cause);
    return { kind: 'error', error, cause, quiet: true };
  },
};

async function failField(
  run: StepContext,
  frame: Frame,
  field: Dynamic<string> | undefined,
): Promise<string | undefined> {
  if (!field) return undefined;
  switch (field.kind) {
    case 'literal':
      return field.value;
    case 'path': {
      const value = field.path.evaluate(run.scope(frame, frame.stateInput));
      if (value === undefined) {
        throw new StatesError(
          StatesErrors.Runtime,
          `The JSONPath '${field.path.source}' specified for the field '${field.field}' could not be found in the input '${JSON.stringify(frame.stateInput)}'`,
        );
      }
      return typeof value === 'string' ? value : JSON.stringify(value);
    }
    case 'jsonata': {
      const value = await field.expr.evaluate(run.bindings(frame, { input: frame.stateInput }));
      if (typeof value !== 'string') {
        throw new StatesError(
          StatesErrors.QueryEvaluationError,
          `The JSONata expression '${field.expr.source}' specified for the field '${field.field}' returned an unexpected result type. Expected 'string', but was '${jsonTypeName(value)}' for value: ${JSON.stringify(value ?? null)}`,
        );
      }
      return value;
    }
  }
}
