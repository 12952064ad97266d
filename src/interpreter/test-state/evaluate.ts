/**
 * TestState's evaluation of one state through the real interpreter: a one-frame execution state
 * runs the state's own behaviour, its pipeline reports to an Inspector, the mock stands in for the
 * task (a taskSucceeded/taskFailed signal) or for the children of a Map or Parallel, and the Retry
 * and Catch decisions are the ones an execution takes.
 */
import { isJsonObject, type Json, type JsonObject } from '../../json.js';
import type { CompiledMachine, CompiledState, MapState, ParallelState } from '../compiled.js';
import type { ContextExtras } from '../context-object.js';
import type { ErrorDecision } from '../errors/handle.js';
import { formatExpressArn, formatStateMachineArn, partitionOf } from '../../vocabulary/arn.js';
import { assertNever, StatesErrors } from '../../vocabulary/states-errors.js';
import { transition, type MaybePromise, type Outcome } from '../outcome.js';
import { checkOutput, exceedsPayloadLimit, resultTooLargeCause } from '../payload-size.js';
import { finishWithResult } from '../pipeline/index.js';
import type { InspectedNumber, InspectedValue, Inspector } from '../pipeline/inspector.js';
import { Run } from '../run.js';
import { iterationInput, prepareMap } from '../states/map-items.js';
import { finishParallel } from '../states/parallel.js';
import { processState, resumeTask, type TaskSignal } from '../states/index.js';
import { ROOT_FRAME, type ExecutionState, type Frame, type Runtime } from '../types.js';
import { withAssigned } from '../variables.js';
import {
  Messages,
  parseJson,
  TestStateError,
  type InspectionData,
  type InspectionErrorDetails,
  type TestExecutionStatus,
  type TestStateOptions,
  type TestStateResult,
} from './vocabulary.js';

export interface TestedState {
  machine: CompiledMachine;
  /** The address of the state list the state is in. */
  list: string;
  state: CompiledState;
  input: Json;
  variables: JsonObject;
  /** Context object fields laid over the generated ones. */
  context: JsonObject | undefined;
  options: TestStateOptions;
}

/** What the tested state came to. */
type Ending =
  | { kind: 'succeeded'; output: Json; next?: string; assigned?: JsonObject }
  | { kind: 'failed'; error?: string; cause?: string }
  | { kind: 'retriable'; error?: string; cause?: string; retryIndex: number; backoffSeconds: number }
  | {
      kind: 'caught';
      error?: string;
      cause?: string;
      catchIndex: number;
      next: string;
      output: Json;
      assigned?: JsonObject;
    };

type Failure = { error?: string; cause?: string };

export async function evaluateState(tested: TestedState): Promise<TestStateResult> {
  const { state, input, options } = tested;
  const inspection = new Inspection();
  inspection.data.input = JSON.stringify(input);
  const run = testRun(tested, inspection);
  const frame = run.frame(ROOT_FRAME);
  let outcome = await run.guard(frame.id, () => stateOutcome(run, frame, tested));
  outcome = checkOutput(frame, outcome);
  let ending: Ending;
  switch (outcome.kind) {
    case 'next':
      ending = { kind: 'succeeded', output: outcome.output, next: outcome.next, assigned: outcome.assigned };
      break;
    case 'end':
      ending = { kind: 'succeeded', output: outcome.output, assigned: outcome.assigned };
      break;
    case 'error':
      ending = fromDecision({ error: outcome.error, cause: outcome.cause }, await run.decideError(frame.id, outcome));
      break;
    case 'blocked':
      throw new Error(`TestState: state ${state.name} did not finish`);
    default:
      assertNever(outcome, 'outcome');
  }
  if (state.type === 'Pass' && state.queryLanguage === 'JSONPath' && state.result !== undefined) {
    // AWS shows the Result, not the (unused) effective input, when a Pass state has one.
    delete inspection.data.afterInputPath;
    delete inspection.data.afterParameters;
  }
  return report(ending, tested.variables, options.inspectionLevel ?? 'INFO', inspection.data);
}

/** The state's own work and the mock's part, up to its output (or its error, before Retry and Catch). */
async function stateOutcome(run: Run, frame: Frame, tested: TestedState): Promise<Outcome> {
  const { state, options } = tested;
  switch (state.type) {
    case 'Task': {
      const started = await processState(run, frame);
      if (started.kind !== 'blocked' || frame.phase.kind !== 'task') return started;
      const taskId = frame.phase.taskId;
      const error = options.mock?.errorOutput;
      const signal: TaskSignal = error
        ? { kind: 'taskFailed', taskId, error: error.error, cause: error.cause }
        : { kind: 'taskSucceeded', taskId, output: mockedResult(tested) };
      return resumeTask(run, frame, signal);
    }
    case 'Parallel':
      return parallelOutcome(run, frame, state, tested);
    case 'Map':
      return mapOutcome(run, frame, state, tested);
    case 'Wait': {
      // A Wait reports its next state without waiting.
      const outcome = await processState(run, frame);
      return outcome.kind === 'blocked' && frame.phase.kind === 'wait' ? transition(state, frame.phase.then) : outcome;
    }
    case 'Pass':
    case 'Choice':
    case 'Succeed':
    case 'Fail':
      return processState(run, frame);
  }
}

/** The branches start as in an execution; the mock stands for what they return. */
async function parallelOutcome(run: Run, frame: Frame, state: ParallelState, tested: TestedState): Promise<Outcome> {
  const started = await processState(run, frame);
  if (started.kind !== 'blocked' || frame.phase.kind !== 'parallel') return started;
  const phase = frame.phase;
  return mockedChildren(tested, (result) => {
    // checkMock made sure the mock has one result per branch.
    if (Array.isArray(result)) phase.results = result;
    return finishParallel(run, frame, state);
  });
}

/**
 * The Map's input pipeline runs as in an execution (with an ItemReader's mocked data as its
 * items); every item goes through ItemSelector; the mocked failure count meets the thresholds;
 * the mock stands for what the iterations return.
 */
async function mapOutcome(run: Run, frame: Frame, state: MapState, tested: TestedState): Promise<Outcome> {
  const { options } = tested;
  const prepared = await prepareMap(run, frame, state, state.itemReader ? async () => readerItems(options) : undefined);
  const items = prepared.items;
  if (items !== undefined) {
    if (state.itemSelector) {
      const selected: Json[] = [];
      for (const [index, value] of items.entries())
        selected.push(await iterationInput(run, frame, state, prepared.mapInput, index, value));
      run.inspector?.value('afterItemSelector', selected);
    }
    const failed = options.stateConfiguration?.mapIterationFailureCount ?? 0;
    if (
      !options.mock?.errorOutput &&
      exceedsTolerance(failed, items.length, prepared.toleratedFailureCount, prepared.toleratedFailurePercentage)
    ) {
      return { kind: 'error', error: StatesErrors.ExceedToleratedFailureThreshold, cause: Messages.exceedTolerated };
    }
  }
  return mockedChildren(tested, (result) => finishWithResult(run, frame, state, result));
}

/** The mocked error, or the mocked result of the children (checked against the payload quota). */
async function mockedChildren(tested: TestedState, finish: (result: Json) => MaybePromise<Outcome>): Promise<Outcome> {
  const error = tested.options.mock?.errorOutput;
  if (error) return { kind: 'error', error: error.error, cause: error.cause };
  const result = mockedResult(tested);
  if (exceedsPayloadLimit(result))
    return { kind: 'error', error: StatesErrors.DataLimitExceeded, cause: resultTooLargeCause(tested.state.name) };
  return finish(result);
}

function mockedResult(tested: TestedState): Json {
  return JSON.parse(tested.options.mock?.result ?? 'null') as Json;
}

function readerItems(options: TestStateOptions): Json[] | undefined {
  const data = options.stateConfiguration?.mapItemReaderData;
  if (data === undefined) return undefined;
  const items = parseJson(data, () => new TestStateError('ValidationException', Messages.itemReaderDataNotArray));
  if (!Array.isArray(items)) throw new TestStateError('ValidationException', Messages.itemReaderDataNotArray);
  return items;
}

/** AWS checks a Map's failures against its thresholds only when the state sets one. */
function exceedsTolerance(
  failed: number,
  total: number,
  count: number | undefined,
  percentage: number | undefined,
): boolean {
  if (count === undefined && percentage === undefined) return false;
  if (failed === 0) return false;
  if (count !== undefined && failed <= count) return false;
  if (percentage !== undefined && total > 0 && (failed / total) * 100 <= percentage) return false;
  return true;
}

function fromDecision(failure: Failure, decision: ErrorDecision): Ending {
  switch (decision.kind) {
    case 'retry':
      return {
        kind: 'retriable',
        ...failure,
        retryIndex: decision.retryIndex,
        backoffSeconds: Math.round(decision.backoffMs / 1000),
      };
    case 'caught':
      return {
        kind: 'caught',
        ...failure,
        catchIndex: decision.catchIndex,
        next: decision.next,
        output: decision.output,
        assigned: decision.assigned,
      };
    case 'failed':
      return { kind: 'failed', error: decision.failure.error, cause: decision.failure.cause };
  }
}

// ---- the one-frame execution -------------------------------------------------------------------

/** Records what the pipeline reports, as AWS's InspectionData shows it. */
class Inspection implements Inspector {
  readonly data: Omit<InspectionData, 'errorDetails' | 'variables'> = {};

  value(step: InspectedValue, value: Json): void {
    this.data[step] = JSON.stringify(value);
  }

  number(field: InspectedNumber, value: number): void {
    this.data[field] = value;
  }
}

/** A Run whose context object carries TestState's execution facts and the caller's overrides. */
class TestRun extends Run {
  constructor(
    machine: CompiledMachine,
    state: ExecutionState,
    rt: Runtime,
    inspector: Inspector,
    private readonly roleArn: string | undefined,
    private readonly overrides: JsonObject | undefined,
  ) {
    super(machine, state, rt, { history: false }, inspector);
  }

  override context(frame: Frame, extras?: ContextExtras): JsonObject {
    const base = super.context(frame, extras);
    if (this.roleArn === undefined && isJsonObject(base.Execution))
      base.Execution = { ...base.Execution, RoleArn: null };
    return this.overrides ? deepMerge(base, this.overrides) : base;
  }
}

function deepMerge(base: JsonObject, over: JsonObject): JsonObject {
  const out: JsonObject = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const current = out[key];
    out[key] = isJsonObject(current) && isJsonObject(value) ? deepMerge(current, value) : value;
  }
  return out;
}

/** An Express execution whose only frame has just entered the tested state. */
function testRun(tested: TestedState, inspector: Inspector): TestRun {
  const { machine, list, state, input, variables, options } = tested;
  const rt = options.runtime;
  const now = rt.now();
  const region = options.region ?? 'us-east-1';
  const home = {
    partition: options.partition ?? partitionOf(region),
    region,
    account: options.accountId ?? '123456789012',
  };
  const stateMachineName = rt.uuid();
  const executionName = rt.uuid();
  // The retries already made, for whichever retrier matches the error.
  const retries = options.stateConfiguration?.retrierRetryCount ?? 0;
  const frame: Frame = {
    id: ROOT_FRAME,
    index: 0,
    list,
    variables,
    isolated: false,
    stateName: state.name,
    stateInput: input,
    // The tested state is entered right after ExecutionStarted (#1), as an execution's first state.
    enteredEventId: 2,
    enteredTime: now,
    lastEventId: 2,
    enteredAfterEventId: 0,
    retryAttempts: state.retry.map(() => retries),
    retryCount: retries,
    phase: { kind: 'ready' },
  };
  const execution: ExecutionState = {
    status: 'RUNNING',
    info: {
      executionArn: formatExpressArn(home, stateMachineName, executionName),
      executionName,
      stateMachineArn: formatStateMachineArn(home, stateMachineName),
      stateMachineName,
      roleArn: options.roleArn ?? '',
      startTime: now,
      stateMachineType: 'EXPRESS',
    },
    input,
    lastEventId: 2,
    seq: 0,
    frames: { [ROOT_FRAME]: frame },
    waits: {},
  };
  return new TestRun(machine, execution, rt, inspector, options.roleArn, tested.context);
}

// ---- the response ------------------------------------------------------------------------------

function report(
  ending: Ending,
  initial: JsonObject,
  level: NonNullable<TestStateOptions['inspectionLevel']>,
  inspection: Omit<InspectionData, 'errorDetails' | 'variables'>,
): TestStateResult {
  const result: TestStateResult = { status: statusOf(ending) };
  const details: InspectionErrorDetails = {};
  let variables = initial;
  switch (ending.kind) {
    case 'succeeded':
      result.output = JSON.stringify(ending.output);
      if (ending.next !== undefined) result.nextState = ending.next;
      if (ending.assigned) variables = withAssigned(variables, ending.assigned);
      break;
    case 'caught':
      copyFailure(result, ending);
      result.output = JSON.stringify(ending.output);
      result.nextState = ending.next;
      details.catchIndex = ending.catchIndex;
      if (ending.assigned) variables = withAssigned(variables, ending.assigned);
      break;
    case 'retriable':
      copyFailure(result, ending);
      details.retryIndex = ending.retryIndex;
      details.retryBackoffIntervalSeconds = ending.backoffSeconds;
      break;
    case 'failed':
      copyFailure(result, ending);
      break;
    default:
      assertNever(ending, 'ending');
  }
  if (level !== 'INFO') {
    const data: InspectionData = { ...inspection };
    if (Object.keys(variables).length > 0) data.variables = JSON.stringify(variables);
    if (Object.keys(details).length > 0) data.errorDetails = details;
    result.inspectionData = data;
  }
  return result;
}

function statusOf(ending: Ending): TestExecutionStatus {
  switch (ending.kind) {
    case 'succeeded':
      return 'SUCCEEDED';
    case 'failed':
      return 'FAILED';
    case 'retriable':
      return 'RETRIABLE';
    case 'caught':
      return 'CAUGHT_ERROR';
  }
}

function copyFailure(result: TestStateResult, failure: Failure): void {
  if (failure.error !== undefined) result.error = failure.error;
  if (failure.cause !== undefined) result.cause = failure.cause;
}
