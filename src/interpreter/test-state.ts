/**
 * AWS's TestState: evaluate ONE state of a definition against an input, with a mocked task result
 * or error, and report its output, next state, status and (DEBUG/TRACE) the intermediate values of
 * its data-flow pipeline. It is pure like the rest of the interpreter: the clock, randomness and
 * ids come in through `runtime`; nothing is invoked, nothing waits.
 *
 * Every value comes from the compiled machine and the same query layer an execution uses (the
 * compiled InputPath, Parameters, ResultSelector, ResultPath, OutputPath, Arguments, Output,
 * Assign, Retry and Catch of `CompiledState`, evaluated in a `Run`'s scopes), so what TestState
 * shows is what an execution does.
 */
import { batchItems, floatField, integerField, itemsValue, requireItems } from './states/children.js';
import { isJsonObject, jsonTypeName, type Json, type JsonObject } from '../json.js';
import { loadDefinition } from './load.js';
import type { CompiledMachine, CompiledState, MapState, ParallelState, StateList, TaskState } from './compiled.js';
import type { ContextExtras } from './context-object.js';
import { StatesError, StatesErrors } from './errors.js';
import { exceedsPayloadLimit, resultTooLargeCause } from './payload-size.js';
import { backoffMillis, errorMatches } from './retry.js';
import { Run } from './run.js';
import { jsonataArguments, passThrough, processState, transition, type Outcome } from './states/index.js';
import { dynamicValue } from './states/simple.js';
import { ROOT_FRAME, type ExecutionState, type Frame, type Runtime } from './types.js';
import { withAssigned } from './variables.js';

// ---- vocabulary --------------------------------------------------------------------------------

export const InspectionLevels = ['INFO', 'DEBUG', 'TRACE'] as const;
export type InspectionLevel = (typeof InspectionLevels)[number];

export const TestExecutionStatuses = ['SUCCEEDED', 'FAILED', 'RETRIABLE', 'CAUGHT_ERROR'] as const;
export type TestExecutionStatus = (typeof TestExecutionStatuses)[number];

export const MockResponseValidationModes = ['STRICT', 'PRESENT', 'NONE'] as const;
export type MockResponseValidationMode = (typeof MockResponseValidationModes)[number];

/** The API errors TestState answers with (their `__type`). */
export type TestStateErrorType = 'InvalidDefinition' | 'InvalidExecutionInput' | 'ValidationException';

/** A request TestState refuses; the API turns it into the error of the same `__type`. */
export class TestStateError extends Error {
  constructor(
    readonly type: TestStateErrorType,
    message: string,
  ) {
    super(message);
    this.name = type;
  }
}

// ---- request and response ----------------------------------------------------------------------

export interface TestStateMock {
  /** JSON text: the state's result (a Task's, or a Map's / Parallel's array of results). */
  result?: string;
  errorOutput?: { error?: string; cause?: string };
  /** Accepted; mocked results are not checked against service API models here. */
  fieldValidationMode?: MockResponseValidationMode;
}

export interface TestStateConfiguration {
  /** Retries already made by the retrier that matches the mocked error. */
  retrierRetryCount?: number;
  /** The state inside the Map/Parallel that the mocked error comes from. */
  errorCausedByState?: string;
  /** Iterations of the Map that failed (checked against its tolerated failure thresholds). */
  mapIterationFailureCount?: number;
  /** JSON text: the items an ItemReader would have read. */
  mapItemReaderData?: string;
}

export interface TestStateOptions {
  /** A single state's JSON, or (with `stateName`) a whole state machine definition. */
  definition: string;
  stateName?: string;
  /** JSON text; "{}" when absent. */
  input?: string;
  inspectionLevel?: InspectionLevel;
  revealSecrets?: boolean;
  roleArn?: string;
  /** JSON text of an object: the workflow variables the state sees. */
  variables?: string;
  /** JSON text of an object: context object fields, laid over the generated ones. */
  context?: string;
  mock?: TestStateMock;
  stateConfiguration?: TestStateConfiguration;
  runtime: Runtime;
  region?: string;
  accountId?: string;
  partition?: string;
}

export interface InspectionErrorDetails {
  catchIndex?: number;
  retryIndex?: number;
  retryBackoffIntervalSeconds?: number;
}

/** AWS's InspectionData: payloads as JSON text, counts as numbers. */
export interface InspectionData {
  input?: string;
  afterArguments?: string;
  afterInputPath?: string;
  afterParameters?: string;
  result?: string;
  afterResultSelector?: string;
  afterResultPath?: string;
  variables?: string;
  errorDetails?: InspectionErrorDetails;
  afterItemsPath?: string;
  afterItemSelector?: string;
  afterItemBatcher?: string;
  toleratedFailureCount?: number;
  toleratedFailurePercentage?: number;
  maxConcurrency?: number;
}

export interface TestStateResult {
  output?: string;
  error?: string;
  cause?: string;
  inspectionData?: InspectionData;
  nextState?: string;
  status: TestExecutionStatus;
}

// ---- AWS's wordings ----------------------------------------------------------------------------

const Messages = {
  stateNotFound: 'State not found in definition',
  mockOnlyOne: 'A test mock should have only one of the following fields: [result, errorOutput].',
  mockWithRevealSecrets: 'TestState does not support RevealSecrets when a mock is specified.',
  mockNotSupported: (type: string) => `State type '${type}' is not supported when a mock is specified`,
  mapParallelNeedMock:
    'TestState API does not support Map or Parallel states. Supported state types include: [Task, Wait, Pass, Succeed, Fail, Choice]',
  roleArnRequired: 'RoleArn must be specified when testing a Task state',
  mockMustBeArray: 'Mocked result must be an array.',
  mockMustBeObject: 'Mocked result must be a JSON object.',
  parallelMockSize: 'Mocked result must contain the same number of items as number of Parallel branches.',
  // Stepwise's own wordings (no AWS recording found):
  taskNeedsMock:
    'TestState in Stepwise needs a mock (mock.result or mock.errorOutput) to test a Task state: calling the resource is not supported',
  contextNeedsMock: 'A context can only be specified when a mock is specified.',
  mockErrorRequired: 'mock.errorOutput.error must be specified when mock.errorOutput is specified.',
  mockResultNotJson: (detail: string) => `Mocked result must be valid JSON: ${detail}`,
  variablesNotObject: (detail: string) => `Invalid variables: ${detail}`,
  contextNotObject: (detail: string) => `Invalid context: ${detail}`,
  itemReaderDataNotArray: 'mapItemReaderData must be a JSON array.',
  errorCausedByStateNotFound: (name: string) =>
    `The errorCausedByState '${name}' is not a state of the tested Map or Parallel state.`,
  exceedTolerated: 'The specified tolerated failure threshold was exceeded',
} as const;

/** The name a lone state runs under (AWS shows "StateName" in the context object). */
const LONE_STATE_NAME = 'StateName';

// ---- the operation -----------------------------------------------------------------------------

export async function testState(options: TestStateOptions): Promise<TestStateResult> {
  const { machine, list, state } = loadState(options);
  checkMock(options, state, machine);
  const input = parseJson(
    options.input ?? '{}',
    (detail) => new TestStateError('InvalidExecutionInput', `Invalid State Machine Execution Input: '${detail}'`),
  );
  const variables = parseObject(options.variables, Messages.variablesNotObject);
  const context = parseObject(options.context, Messages.contextNotObject);
  if (options.context !== undefined && !options.mock)
    throw new TestStateError('ValidationException', Messages.contextNeedsMock);

  const tester = new StateTester(machine, list, state, input, variables ?? {}, context, options);
  const outcome = await tester.evaluate();
  return tester.report(outcome);
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

function checkMock(options: TestStateOptions, state: CompiledState, machine: CompiledMachine): void {
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
      if (hasResultWriter(machine, state)) {
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

/** The raw definition of a compiled state (fields the compiled form does not keep, e.g. ResultWriter). */
function rawState(machine: CompiledMachine, state: CompiledState): JsonObject | undefined {
  let node: Json | undefined = machine.definition;
  const segments = state.address.split('/');
  for (let i = 0; i < segments.length; i++) {
    if (!isJsonObject(node)) return undefined;
    const states: Json | undefined = node.States;
    if (!isJsonObject(states)) return undefined;
    const found: Json | undefined = states[segments[i] as string];
    if (i === segments.length - 1) return isJsonObject(found) ? found : undefined;
    // Nested lists: "<Map>/processor/<State>" or "<Parallel>/branch/<n>/<State>".
    const kind = segments[i + 1];
    if (!isJsonObject(found)) return undefined;
    if (kind === 'processor') {
      node = found.ItemProcessor ?? found.Iterator;
      i += 1;
    } else if (kind === 'branch') {
      const branches: Json | undefined = found.Branches;
      node = Array.isArray(branches) ? branches[Number(segments[i + 2])] : undefined;
      i += 2;
    } else {
      return undefined;
    }
  }
  return undefined;
}

function hasResultWriter(machine: CompiledMachine, state: MapState): boolean {
  return rawState(machine, state)?.ResultWriter !== undefined;
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

function parseJson(text: string, fail: (detail: string) => TestStateError): Json {
  try {
    return JSON.parse(text) as Json;
  } catch (e) {
    throw fail(e instanceof Error ? e.message : String(e));
  }
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

// ---- evaluation --------------------------------------------------------------------------------

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

/** A Run whose context object carries TestState's execution facts and the caller's overrides. */
class TestRun extends Run {
  constructor(
    machine: CompiledMachine,
    state: ExecutionState,
    rt: Runtime,
    private readonly roleArn: string | undefined,
    private readonly overrides: JsonObject | undefined,
  ) {
    super(machine, state, rt, { history: false });
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

class StateTester {
  private readonly run: TestRun;
  private readonly frame: Frame;
  private readonly inspection: Omit<InspectionData, 'errorDetails' | 'variables'> = {};
  private readonly level: InspectionLevel;

  constructor(
    machine: CompiledMachine,
    list: string,
    private readonly state: CompiledState,
    input: Json,
    private readonly variables: JsonObject,
    context: JsonObject | undefined,
    private readonly options: TestStateOptions,
  ) {
    const rt = options.runtime;
    const now = rt.now();
    const partition = options.partition ?? 'aws';
    const region = options.region ?? 'us-east-1';
    const account = options.accountId ?? '123456789012';
    const stateMachineName = rt.uuid();
    const executionName = rt.uuid();
    this.frame = {
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
      retryAttempts: [],
      retryCount: options.stateConfiguration?.retrierRetryCount ?? 0,
      phase: { kind: 'ready' },
    };
    const execution: ExecutionState = {
      status: 'RUNNING',
      info: {
        executionArn: `arn:${partition}:states:${region}:${account}:express:${stateMachineName}:${executionName}`,
        executionName,
        stateMachineArn: `arn:${partition}:states:${region}:${account}:stateMachine:${stateMachineName}`,
        stateMachineName,
        roleArn: options.roleArn ?? '',
        startTime: now,
        stateMachineType: 'EXPRESS',
      },
      input,
      lastEventId: 2,
      seq: 0,
      frames: { [ROOT_FRAME]: this.frame },
      waits: {},
    };
    this.run = new TestRun(machine, execution, rt, options.roleArn, context);
    this.level = options.inspectionLevel ?? 'INFO';
  }

  async evaluate(): Promise<Ending> {
    this.show('input', this.frame.stateInput);
    let failure: Failure;
    try {
      const outcome = await this.process();
      if (outcome.kind !== 'error') return outcome;
      failure = { error: outcome.error, cause: outcome.cause };
    } catch (e) {
      failure = this.failure(e);
    }
    return this.handleError(failure);
  }

  /** The state's own work, up to its output (or its error, before Retry and Catch). */
  private async process(): Promise<
    Extract<Ending, { kind: 'succeeded' }> | { kind: 'error'; error?: string; cause?: string }
  > {
    const state = this.state;
    switch (state.type) {
      case 'Pass':
        return this.pass(state);
      case 'Task':
        return this.task(state);
      case 'Map':
        return this.map(state);
      case 'Parallel':
        return this.parallel(state);
      case 'Succeed':
      case 'Choice':
      case 'Wait':
      case 'Fail':
        return this.delegate(state);
    }
  }

  /** Succeed, Choice, Wait and Fail run as in an execution; a Wait reports its next state without waiting. */
  private async delegate(
    state: CompiledState,
  ): Promise<Extract<Ending, { kind: 'succeeded' }> | { kind: 'error'; error?: string; cause?: string }> {
    if (state.queryLanguage === 'JSONPath')
      this.show('afterInputPath', this.run.selectPath(this.frame, state.inputPath, this.frame.stateInput));
    const outcome: Outcome = await processState(this.run, this.frame);
    const settled =
      outcome.kind === 'blocked' && this.frame.phase.kind === 'wait'
        ? transition(state, this.frame.phase.then)
        : outcome;
    return this.settle(settled);
  }

  private settle(
    outcome: Outcome,
  ): Extract<Ending, { kind: 'succeeded' }> | { kind: 'error'; error?: string; cause?: string } {
    switch (outcome.kind) {
      case 'next':
        return { kind: 'succeeded', output: outcome.output, next: outcome.next, assigned: outcome.assigned };
      case 'end':
        return { kind: 'succeeded', output: outcome.output, assigned: outcome.assigned };
      case 'error':
        return { kind: 'error', error: outcome.error, cause: outcome.cause };
      case 'blocked':
        throw new Error(`TestState: state ${this.state.name} did not finish`);
    }
  }

  private async pass(
    state: CompiledState,
  ): Promise<Extract<Ending, { kind: 'succeeded' }> | { kind: 'error'; error?: string; cause?: string }> {
    if (state.queryLanguage === 'JSONata')
      return this.settle(transition(state, await passThrough(this.run, this.frame, state, this.frame.stateInput)));
    const afterInputPath = this.run.selectPath(this.frame, state.inputPath, this.frame.stateInput);
    const effective = state.parameters
      ? state.parameters.evaluate(this.run.scope(this.frame, afterInputPath))
      : afterInputPath;
    const result = state.type === 'Pass' ? state.result : undefined;
    if (result !== undefined) {
      // AWS shows the Result, not the (unused) effective input, when a Pass state has one.
      this.show('result', result);
      return this.finish(result);
    }
    this.show('afterInputPath', afterInputPath);
    this.show('afterParameters', effective);
    return this.finish(effective);
  }

  private async task(
    state: TaskState,
  ): Promise<Extract<Ending, { kind: 'succeeded' }> | { kind: 'error'; error?: string; cause?: string }> {
    const extras: ContextExtras = {
      taskToken: state.waitForTaskToken ? this.run.rt.uuid() : undefined,
      retryable: state.retry.length > 0,
    };
    await this.effectiveInput(state, extras);
    return this.mocked(true);
  }

  private async parallel(
    state: ParallelState,
  ): Promise<Extract<Ending, { kind: 'succeeded' }> | { kind: 'error'; error?: string; cause?: string }> {
    await this.effectiveInput(state);
    return this.mocked(false);
  }

  /** JSONPath: InputPath then Parameters; JSONata: Arguments. */
  private async effectiveInput(state: CompiledState, extras?: ContextExtras): Promise<Json> {
    if (state.queryLanguage === 'JSONata') {
      const args = await jsonataArguments(this.run, this.frame, state, extras);
      if (state.arguments) this.show('afterArguments', args);
      return args;
    }
    const afterInputPath = this.run.selectPath(this.frame, state.inputPath, this.frame.stateInput);
    this.show('afterInputPath', afterInputPath);
    const effective = state.parameters
      ? state.parameters.evaluate(this.run.scope(this.frame, afterInputPath, extras))
      : afterInputPath;
    this.show('afterParameters', effective);
    if (exceedsPayloadLimit(effective)) {
      throw new StatesError(
        StatesErrors.DataLimitExceeded,
        `The state/task '${state.name}' has an input with a size exceeding the maximum number of bytes service limit.`,
      );
    }
    return effective;
  }

  /** The mocked error, or the mocked result through the result pipeline. */
  private async mocked(
    showResult: boolean,
  ): Promise<Extract<Ending, { kind: 'succeeded' }> | { kind: 'error'; error?: string; cause?: string }> {
    const mock = this.options.mock ?? {};
    if (mock.errorOutput) return { kind: 'error', error: mock.errorOutput.error, cause: mock.errorOutput.cause };
    const result = JSON.parse(mock.result ?? 'null') as Json;
    if (showResult) this.show('result', result);
    if (exceedsPayloadLimit(result))
      return { kind: 'error', error: StatesErrors.DataLimitExceeded, cause: resultTooLargeCause(this.state.name) };
    return this.finish(result);
  }

  private async map(
    state: MapState,
  ): Promise<Extract<Ending, { kind: 'succeeded' }> | { kind: 'error'; error?: string; cause?: string }> {
    const run = this.run;
    const frame = this.frame;
    const jsonata = state.queryLanguage === 'JSONata';
    const mapInput = jsonata ? frame.stateInput : run.selectPath(frame, state.inputPath, frame.stateInput);
    if (!jsonata) this.show('afterInputPath', mapInput);
    const items = await this.mapItems(state, mapInput);
    const maxConcurrency = state.maxConcurrency
      ? integerField(
          'MaxConcurrency',
          state.maxConcurrency,
          await dynamicValue(run, frame, state.maxConcurrency, mapInput),
        )
      : 0;
    this.show('maxConcurrency', maxConcurrency);
    let toleratedCount: number | undefined;
    let toleratedPercentage: number | undefined;
    if (state.toleratedFailureCount) {
      toleratedCount = integerField(
        'ToleratedFailureCount',
        state.toleratedFailureCount,
        await dynamicValue(run, frame, state.toleratedFailureCount, mapInput),
      );
      if (toleratedCount < 0) throw new StatesError(StatesErrors.Runtime, 'ToleratedFailureCount cannot be negative.');
      this.show('toleratedFailureCount', toleratedCount);
    }
    if (state.toleratedFailurePercentage) {
      toleratedPercentage = floatField(
        state.toleratedFailurePercentage,
        await dynamicValue(run, frame, state.toleratedFailurePercentage, mapInput),
      );
      if (toleratedPercentage < 0 || toleratedPercentage > 100)
        throw new StatesError(StatesErrors.Runtime, 'ToleratedFailurePercentage must be between 0 and 100.');
      this.show('toleratedFailurePercentage', toleratedPercentage);
    }
    if (items !== undefined) {
      const batched = state.itemBatcher ? await batchItems(this.run, this.frame, state, items, mapInput) : items;
      if (state.itemBatcher) this.show('afterItemBatcher', batched);
      if (state.itemSelector) {
        const selected: Json[] = [];
        for (const [index, value] of batched.entries())
          selected.push(await this.selectItem(state, mapInput, index, value));
        this.show('afterItemSelector', selected);
      }
      const failed = this.options.stateConfiguration?.mapIterationFailureCount ?? 0;
      if (
        !this.options.mock?.errorOutput &&
        exceedsTolerance(failed, batched.length, toleratedCount, toleratedPercentage)
      ) {
        return { kind: 'error', error: StatesErrors.ExceedToleratedFailureThreshold, cause: Messages.exceedTolerated };
      }
    }
    return this.mocked(false);
  }

  /** The items to iterate: ItemsPath (JSONPath) or Items (JSONata), or an ItemReader's mapItemReaderData. */
  private async mapItems(state: MapState, mapInput: Json): Promise<Json[] | undefined> {
    const run = this.run;
    const frame = this.frame;
    if (rawState(run.machine, state)?.ItemReader !== undefined) {
      const data = this.options.stateConfiguration?.mapItemReaderData;
      if (data === undefined) return undefined;
      const items = parseJson(data, () => new TestStateError('ValidationException', Messages.itemReaderDataNotArray));
      if (!Array.isArray(items)) throw new TestStateError('ValidationException', Messages.itemReaderDataNotArray);
      return items;
    }
    const value = await itemsValue(run, frame, state, mapInput);
    if (state.queryLanguage === 'JSONPath') this.show('afterItemsPath', value);
    return requireItems(state, value);
  }

  private async selectItem(state: MapState, mapInput: Json, index: number, value: Json): Promise<Json> {
    const selector = state.itemSelector;
    if (!selector) return value;
    const mapItem = { index, value };
    if (selector.kind === 'jsonata') {
      return selector.template.evaluate(
        this.run.bindings(this.frame, { input: this.frame.stateInput }, { mapItem }),
        'ItemSelector',
      );
    }
    return selector.template.evaluate(this.run.scope(this.frame, mapInput, { mapItem }));
  }

  /**
   * The result pipeline, as `finishWithResult` runs it: JSONPath ResultSelector, Assign, ResultPath
   * and OutputPath; JSONata Output and Assign over $states.input and $states.result.
   */
  private async finish(result: Json): Promise<Extract<Ending, { kind: 'succeeded' }>> {
    const { run, frame, state } = this;
    let output: Json;
    let assigned: JsonObject | undefined;
    if (state.queryLanguage === 'JSONata') {
      const states = { input: frame.stateInput, result };
      output = state.output ? await state.output.evaluate(run.bindings(frame, states), 'Output') : result;
      assigned = await run.evaluateAssign(frame, state.assign, result, states);
    } else {
      const selected = state.resultSelector ? state.resultSelector.evaluate(run.scope(frame, result)) : result;
      this.show('afterResultSelector', selected);
      assigned =
        state.assign?.kind === 'jsonpath' ? run.assignJsonPath(frame, state.assign.template, selected) : undefined;
      const merged =
        state.resultPath === undefined
          ? selected
          : state.resultPath === null
            ? frame.stateInput
            : state.resultPath.assign(frame.stateInput, selected);
      this.show('afterResultPath', merged);
      output = run.selectPath(frame, state.outputPath, merged);
    }
    const outcome = transition(state, { output, assigned });
    return { kind: 'succeeded', output, next: outcome.kind === 'next' ? outcome.next : undefined, assigned };
  }

  /** A thrown StatesError as the failure an execution would record, with AWS's cause prefix. */
  private failure(e: unknown): Failure {
    if (!(e instanceof StatesError)) throw e;
    const cause =
      e.error === StatesErrors.DataLimitExceeded
        ? e.cause
        : `An error occurred while executing the state '${this.state.name}' (entered at the event id #${this.frame.enteredEventId}). ${e.cause}`;
    return { error: e.error, cause };
  }

  /** Retry (RETRIABLE while the matching retrier has attempts left), then Catch (CAUGHT_ERROR), else FAILED. */
  private async handleError(failure: Failure): Promise<Ending> {
    const { run, frame, state } = this;
    const retryIndex = state.retry.findIndex((r) => errorMatches(r.errorEquals, failure.error));
    const retrier = state.retry[retryIndex];
    if (retrier) {
      const used = this.options.stateConfiguration?.retrierRetryCount ?? 0;
      if (used < retrier.maxAttempts) {
        const backoffSeconds = Math.round(backoffMillis(retrier, used, () => run.rt.random()) / 1000);
        return { kind: 'retriable', ...failure, retryIndex, backoffSeconds };
      }
    }
    const catchIndex = state.catch.findIndex((c) => errorMatches(c.errorEquals, failure.error));
    const catcher = state.catch[catchIndex];
    if (!catcher) return { kind: 'failed', ...failure };
    const errorOutput: JsonObject = {};
    if (failure.error !== undefined) errorOutput.Error = failure.error;
    if (failure.cause !== undefined) errorOutput.Cause = failure.cause;
    try {
      const states = { input: frame.stateInput, errorOutput };
      let output: Json;
      if (state.queryLanguage === 'JSONata') {
        output = catcher.output ? await catcher.output.evaluate(run.bindings(frame, states), 'Output') : errorOutput;
      } else {
        output =
          catcher.resultPath === null
            ? frame.stateInput
            : catcher.resultPath
              ? catcher.resultPath.assign(frame.stateInput, errorOutput)
              : errorOutput;
      }
      const assigned = await run.evaluateAssign(frame, catcher.assign, errorOutput, states);
      return { kind: 'caught', ...failure, catchIndex, next: catcher.next, output, assigned };
    } catch (e) {
      return { kind: 'failed', ...this.failure(e) };
    }
  }

  private show<K extends keyof Omit<InspectionData, 'errorDetails' | 'variables'>>(key: K, value: Json): void {
    if (
      typeof value === 'number' &&
      (key === 'maxConcurrency' || key === 'toleratedFailureCount' || key === 'toleratedFailurePercentage')
    ) {
      (this.inspection as Record<string, unknown>)[key] = value;
      return;
    }
    (this.inspection as Record<string, unknown>)[key] = JSON.stringify(value);
  }

  report(ending: Ending): TestStateResult {
    const result: TestStateResult = { status: statusOf(ending) };
    const details: InspectionErrorDetails = {};
    let variables = this.variables;
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
    }
    if (this.level !== 'INFO') {
      const data: InspectionData = { ...this.inspection };
      if (Object.keys(variables).length > 0) data.variables = JSON.stringify(variables);
      if (Object.keys(details).length > 0) data.errorDetails = details;
      result.inspectionData = data;
    }
    return result;
  }
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
