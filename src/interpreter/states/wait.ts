/** Wait: until a number of seconds have passed or a timestamp is reached, on a timer. */
import type { Json } from '../../json.js';
import { jsonTypeName } from '../../json.js';
import type { Dynamic, WaitState } from '../compiled.js';
import { StatesError, StatesErrors } from '../../vocabulary/states-errors.js';
import { dynamicValue } from '../fields.js';
import { transition } from '../outcome.js';
import { passThrough } from '../pipeline/index.js';
import { inputPath } from '../pipeline/jsonpath.js';
import type { StepContext } from '../step-context.js';
import { parseTimestamp } from '../timestamps.js';
import type { Frame } from '../types.js';
import type { StateBehaviour } from './behaviour.js';

export const wait: StateBehaviour<WaitState> = {
  compile: (base, { fields }) => ({
    ...base,
    type: 'Wait',
    seconds: fields.dynamicNumber('Seconds'),
    timestamp: fields.dynamicString('Timestamp'),
  }),

  async run(run, frame, state) {
    const effective = state.queryLanguage === 'JSONata' ? frame.stateInput : inputPath(run, frame, state);
    const fireAt = await waitUntil(run, frame, state, effective);
    const then = await passThrough(run, frame, state, effective);
    if (fireAt <= run.rt.now()) return transition(state, then);
    const timerId = run.startTimer(frame.id, fireAt, 'wait');
    frame.phase = { kind: 'wait', timerId, then };
    return { kind: 'blocked' };
  },
};

async function waitUntil(run: StepContext, frame: Frame, state: WaitState, effective: Json): Promise<number> {
  if (state.seconds) {
    const seconds = await dynamicValue(run, frame, state.seconds, effective);
    return run.rt.now() + checkSeconds(state.seconds, seconds) * 1000;
  }
  if (state.timestamp) {
    const value = await dynamicValue(run, frame, state.timestamp, effective);
    const at = typeof value === 'string' ? parseTimestamp(value) : undefined;
    if (at === undefined) throw timestampError(state.timestamp, value);
    return at;
  }
  return run.rt.now();
}

function checkSeconds(field: Dynamic<number>, value: Json): number {
  const isLong = typeof value === 'number' && Number.isInteger(value);
  if (field.kind === 'path') {
    const shown = `${field.path.source} == ${typeof value === 'string' ? value : JSON.stringify(value)}`;
    if (!isLong)
      throw new StatesError(
        StatesErrors.Runtime,
        `The SecondsPath parameter cannot be parsed as a long value: ${shown}`,
      );
    if (value < 0)
      throw new StatesError(StatesErrors.Runtime, `The SecondsPath parameter references a negative value: ${shown}`);
    return value;
  }
  if (!isLong || value < 0) {
    const error = field.kind === 'jsonata' ? StatesErrors.QueryEvaluationError : StatesErrors.Runtime;
    const source =
      field.kind === 'jsonata'
        ? `The JSONata expression '${field.expr.source}' specified for the field 'Seconds'`
        : 'The Seconds field';
    throw new StatesError(
      error,
      `${source} returned an unexpected result type. Expected 'non-negative integer', but was '${jsonTypeName(value)}' for value: ${JSON.stringify(value)}`,
    );
  }
  return value;
}

function timestampError(field: Dynamic<string>, value: Json): StatesError {
  const shown = typeof value === 'string' ? value : JSON.stringify(value);
  switch (field.kind) {
    case 'path':
      return new StatesError(
        StatesErrors.Runtime,
        `The TimestampPath parameter does not reference a valid ISO-8601 extended offset date-time format string: ${field.path.source} == ${shown}`,
      );
    case 'jsonata':
      return new StatesError(
        StatesErrors.QueryEvaluationError,
        `The Timestamp field cannot be parsed as an ISO-8601 extended offset date-time format string: ${shown}`,
      );
    case 'literal':
      return new StatesError(
        StatesErrors.Runtime,
        `The Timestamp field cannot be parsed as an ISO-8601 extended offset date-time format string: ${shown}`,
      );
  }
}
