/**
 * AWS's TestState: evaluate ONE state of a definition against an input, with a mocked task result
 * or error, and report its output, next state, status and (DEBUG/TRACE) the intermediate values of
 * its data-flow pipeline. It is pure like the rest of the interpreter: the clock, randomness and
 * ids come in through `runtime`; nothing is invoked, nothing waits.
 *
 * The state runs through the real interpreter (test-state/evaluate.ts): its own run code, its
 * pipeline observed by an Inspector, and the Retry and Catch decisions an execution takes, so what
 * TestState shows is what an execution does. This file checks the request and loads the state.
 */
import { isJsonObject, jsonTypeName, type Json, type JsonObject } from '../json.js';
import { loadDefinition } from './load.js';
import type { CompiledMachine, CompiledState, MapState, ParallelState, StateList } from './compiled.js';
import { evaluateState } from './test-state/evaluate.js';
import {
  Messages,
  parseJson,
  TestStateError,
  type TestStateOptions,
  type TestStateResult,
} from './test-state/vocabulary.js';

export * from './test-state/vocabulary.js';

/** The name a lone state runs under (AWS shows "StateName" in the context object). */
const LONE_STATE_NAME = 'StateName';

// ---- the operation -----------------------------------------------------------------------------

export async function testState(options: TestStateOptions): Promise<TestStateResult> {
  const { machine, list, state } = loadState(options);
  checkMock(options, state);
  const input = parseJson(
    options.input ?? '{}',
    (detail) => new TestStateError('InvalidExecutionInput', `Invalid State Machine Execution Input: '${detail}'`),
  );
  const variables = parseObject(options.variables, Messages.variablesNotObject);
  const context = parseObject(options.context, Messages.contextNotObject);
  if (options.context !== undefined && !options.mock)
    throw new TestStateError('ValidationException', Messages.contextNeedsMock);

  return evaluateState({ machine, list, state, input, variables: variables ?? {}, context, options });
}

/** The tested state in its compiled machine; a lone state is wrapped in a one-state machine. */
function loadState(options: TestStateOptions): { machine: CompiledMachine; list: string; state: CompiledState } {
  const name = options.stateName ?? LONE_STATE_NAME;
  const loaded = loadDefinition(
    options.definition,
    options.stateName === undefined ? { prepare: (state) => wrapLoneState(state, name) } : {},
  );
  if (!loaded.ok) throw new TestStateError('InvalidDefinition', loaded.message);
  const machine = loaded.machine;
  for (const [address, stateList] of machine.lists) {
    const state = stateList.states.get(name);
    if (state) return { machine, list: address, state };
  }
  throw new TestStateError('ValidationException', Messages.stateNotFound);
}

/**
 * `{ StartAt, States: { <name>: state, <each state it names>: Succeed } }`: the states the lone
 * state transitions to are not part of the test, but the validator needs them to exist.
 */
function wrapLoneState(state: Json, name: string): JsonObject {
  const states: JsonObject = { [name]: state };
  if (isJsonObject(state)) {
    const targets: Json[] = [state.Next, state.Default];
    for (const list of [state.Choices, state.Catch]) {
      if (Array.isArray(list)) for (const item of list) if (isJsonObject(item)) targets.push(item.Next);
    }
    for (const target of targets) {
      if (typeof target === 'string' && !(target in states)) states[target] = { Type: 'Succeed' };
    }
  }
  return { StartAt: name, States: states };
}

function checkMock(options: TestStateOptions, state: CompiledState): void {
  const mock = options.mock;
  if (!mock || (mock.result === undefined && mock.errorOutput === undefined)) {
    if (state.type === 'Map' || state.type === 'Parallel')
      throw new TestStateError('InvalidDefinition', Messages.mapParallelNeedMock);
    if (state.type === 'Task') {
      throw new TestStateError(
        'ValidationException',
        options.roleArn === undefined ? Messages.roleArnRequired : Messages.taskNeedsMock,
      );
    }
    return;
  }
  if (mock.result !== undefined && mock.errorOutput !== undefined)
    throw new TestStateError('ValidationException', Messages.mockOnlyOne);
  if (options.revealSecrets) throw new TestStateError('ValidationException', Messages.mockWithRevealSecrets);
  if (state.type !== 'Task' && state.type !== 'Map' && state.type !== 'Parallel') {
    throw new TestStateError('ValidationException', Messages.mockNotSupported(state.type));
  }
  if (mock.errorOutput !== undefined && mock.errorOutput.error === undefined)
    throw new TestStateError('ValidationException', Messages.mockErrorRequired);
  if (mock.result !== undefined) {
    const result = parseJson(
      mock.result,
      (detail) => new TestStateError('ValidationException', Messages.mockResultNotJson(detail)),
    );
    if (state.type === 'Map') {
      if (state.resultWriter) {
        if (!isJsonObject(result)) throw new TestStateError('ValidationException', Messages.mockMustBeObject);
      } else if (!Array.isArray(result)) {
        throw new TestStateError('ValidationException', Messages.mockMustBeArray);
      }
    }
    if (state.type === 'Parallel') {
      if (!Array.isArray(result)) throw new TestStateError('ValidationException', Messages.mockMustBeArray);
      if (result.length !== state.branches.length)
        throw new TestStateError('ValidationException', Messages.parallelMockSize);
    }
  }
  const causedBy = options.stateConfiguration?.errorCausedByState;
  if (
    causedBy !== undefined &&
    (state.type === 'Map' || state.type === 'Parallel') &&
    !containsState(state, causedBy)
  ) {
    throw new TestStateError('ValidationException', Messages.errorCausedByStateNotFound(causedBy));
  }
}

function containsState(state: MapState | ParallelState, name: string): boolean {
  const lists: StateList[] = state.type === 'Map' ? [state.processor] : state.branches;
  const seen = new Set<StateList>();
  const search = (list: StateList): boolean => {
    if (seen.has(list)) return false;
    seen.add(list);
    for (const inner of list.states.values()) {
      if (inner.name === name) return true;
      const nested = inner.type === 'Map' ? [inner.processor] : inner.type === 'Parallel' ? inner.branches : [];
      if (nested.some(search)) return true;
    }
    return false;
  };
  return lists.some(search);
}

function parseObject(text: string | undefined, message: (detail: string) => string): JsonObject | undefined {
  if (text === undefined) return undefined;
  const value = parseJson(text, (detail) => new TestStateError('ValidationException', message(detail)));
  if (!isJsonObject(value))
    throw new TestStateError(
      'ValidationException',
      message(`expected a JSON object, but was '${jsonTypeName(value)}'`),
    );
  return value;
}
