/**
 * One call of the step function: applies a signal to an execution state and moves every frame it
 * can until each one waits for a task, a timer or its children, or the execution ends. It decides;
 * it never does: time, randomness and ids come from the Runtime, effects leave as Commands.
 */
import type { Json, JsonObject } from '../json.js';
import type { EvalScope, Variables } from '../query/scope.js';
import type { JsonataBindings } from '../query/jsonata/index.js';
import { noResultsCause, type CompiledPath } from '../query/jsonpath/index.js';
import type { CompiledTemplate } from '../query/payload-template.js';
import type { CompiledAssign, CompiledMachine, CompiledState, StateList } from './compiled.js';
import { contextObject, type ContextExtras } from './context-object.js';
import { HistoryLimitReached, StatesError, StatesErrors } from './errors.js';
import {
  historyEvent,
  stateEnteredType,
  stateExitedType,
  type EventDetailsFor,
  type HistoryEvent,
  type HistoryEventType,
} from './history.js';
import { exceedsPayloadLimit, resultTooLargeCause } from './payload-size.js';
import { backoffMillis, errorMatches } from './retry.js';
import type { Command, ExecutionState, Frame, FrameOutcome, FramePhase, Runtime, TerminalStatus } from './types.js';
import { ROOT_FRAME } from './types.js';
import { FrameVariables, withAssigned } from './variables.js';
import { processState, resumeTask, taskTimedOut, transition, type MaybePromise, type Outcome } from './states/index.js';
import { abortChildren, childFinished, startFrame } from './states/children.js';

export interface RunOptions {
  /** Build history events (off for Express executions nobody logs). */
  history: boolean;
  /**
   * Fail the execution rather than write its event number `historyLimit` + 1 (the terminal event
   * is the last one allowed). Standard executions: AWS's quota of 25,000 events.
   */
  historyLimit?: number;
  /**
   * Epoch ms after which a long run of synchronous states times the execution out (checked every
   * thousand transitions). Express: AWS's five-minute maximum duration.
   */
  deadline?: number;
}

/** How many state transitions run between calls of Runtime.pause. */
const TRANSITIONS_PER_PAUSE = 1000;

/** Errors whose cause AWS does not prefix with "An error occurred while executing the state ...". */
const UNPREFIXED_ERRORS: ReadonlySet<string> = new Set([StatesErrors.DataLimitExceeded]);

export class Run {
  readonly events: HistoryEvent[] = [];
  readonly commands: Command[] = [];
  private readonly queue: string[] = [];
  private readonly touched = new Set<string>();
  private transitions = 0;
  /** Set once the execution is ending: its last events are written even at the history limit. */
  private ending = false;

  constructor(
    readonly machine: CompiledMachine,
    readonly state: ExecutionState,
    readonly rt: Runtime,
    readonly options: RunOptions,
  ) {}

  // ---- events ------------------------------------------------------------------------------

  /**
   * Records an event of `frame` (null: of the execution). With history off it only counts it, as
   * causes cite event ids. Frames of a distributed Map's child executions write no parent history.
   */
  emit<T extends HistoryEventType>(frame: Frame | null, type: T, details?: () => EventDetailsFor<T>): number {
    if (frame?.isolated) return 0;
    const limit = this.options.historyLimit;
    if (limit !== undefined && !this.ending && this.state.lastEventId + 1 >= limit) throw new HistoryLimitReached();
    const id = ++this.state.lastEventId;
    if (this.options.history) {
      const position = { id, previousEventId: id - 1, timestamp: this.rt.now() };
      const args = (details ? [details()] : []) as EventDetailsFor<T> extends undefined ? [] : [EventDetailsFor<T>];
      this.events.push(historyEvent(position, type, ...args));
    }
    return id;
  }

  // ---- frames ------------------------------------------------------------------------------

  /** The frame, copied on first write in this step so the caller's state is never mutated. */
  frame(id: string): Frame {
    const frame = this.state.frames[id];
    if (!frame) throw new Error(`No frame ${id}`);
    if (this.touched.has(id)) return frame;
    const copy = { ...frame, phase: clonePhase(frame.phase) };
    this.state.frames[id] = copy;
    this.touched.add(id);
    return copy;
  }

  addFrame(frame: Frame): void {
    this.state.frames[frame.id] = frame;
    this.touched.add(frame.id);
  }

  removeFrame(id: string): void {
    delete this.state.frames[id];
  }

  nextId(prefix: string): string {
    return `${prefix}-${++this.state.seq}`;
  }

  schedule(frameId: string): void {
    this.queue.push(frameId);
  }

  list(frame: Frame): StateList {
    const list = this.machine.lists.get(frame.list);
    if (!list) throw new Error(`No state list at ${frame.list}`);
    return list;
  }

  current(frame: Frame): CompiledState {
    const state = this.list(frame).states.get(frame.stateName);
    if (!state) throw new Error(`No state ${frame.stateName} in ${frame.list || 'the top level'}`);
    return state;
  }

  wait(id: string, frameId: string): void {
    this.state.waits[id] = frameId;
  }

  unwait(id: string | undefined): void {
    if (id !== undefined) delete this.state.waits[id];
  }

  startTimer(frameId: string, fireAt: number): string {
    const timerId = this.nextId('timer');
    this.wait(timerId, frameId);
    this.commands.push({ kind: 'startTimer', timerId, fireAt });
    return timerId;
  }

  cancelTimer(timerId: string | undefined): void {
    if (timerId === undefined) return;
    this.unwait(timerId);
    this.commands.push({ kind: 'cancelTimer', timerId });
  }

  // ---- evaluation scopes ---------------------------------------------------------------------

  context(frame: Frame, extras?: ContextExtras): JsonObject {
    return contextObject(this.state.info, this.state.input, frame, extras);
  }

  /** A JSONPath evaluation scope. The context object is built only if a path reads `$$`. */
  scope(frame: Frame, input: Json, extras?: ContextExtras): EvalScope {
    return new FrameScope(this, frame, input, extras);
  }

  /** JSONata bindings; `$states.context` is built only if an expression reads it. */
  bindings(frame: Frame, states: Omit<JsonataBindings['states'], 'context'>, extras?: ContextExtras): JsonataBindings {
    const scope = new FrameScope(this, frame, null, extras);
    return {
      states: {
        ...states,
        get context() {
          return scope.context;
        },
      },
      variables: scope.variables,
      runtime: this.rt,
    };
  }

  /**
   * Evaluates an Assign block: JSONPath reads `$` = `jsonPathInput` (synchronously); JSONata reads
   * $states (a promise).
   */
  evaluateAssign(
    frame: Frame,
    assign: CompiledAssign | undefined,
    jsonPathInput: Json,
    states: Omit<JsonataBindings['states'], 'context'>,
  ): MaybePromise<JsonObject | undefined> {
    if (!assign) return undefined;
    if (assign.kind === 'jsonpath') return this.assignJsonPath(frame, assign.template, jsonPathInput);
    return assign.template.evaluate(this.bindings(frame, states), 'Assign').then(asAssigned);
  }

  /** A JSONPath-mode Assign, where `$` is `input`. */
  assignJsonPath(frame: Frame, template: CompiledTemplate, input: Json): JsonObject | undefined {
    return asAssigned(template.evaluate(this.scope(frame, input)));
  }

  /** Applies a JSONPath InputPath/OutputPath-like path, failing as AWS does when nothing matches. */
  selectPath(frame: Frame, path: CompiledPath | null | undefined, input: Json): Json {
    if (path === undefined) return input;
    if (path === null) return {};
    const value = path.evaluate(this.scope(frame, input));
    if (value === undefined) throw new StatesError(StatesErrors.Runtime, noResultsCause(path));
    return value;
  }

  // ---- driving -------------------------------------------------------------------------------

  /** Runs queued frames until every one is blocked or finished. */
  async drain(): Promise<void> {
    while (this.queue.length > 0 && this.state.status === 'RUNNING') {
      const id = this.queue.shift() as string;
      const frame = this.state.frames[id];
      if (!frame || frame.phase.kind !== 'start') continue;
      await this.advance(id, () => startFrame(this, this.frame(id)));
    }
  }

  /** Runs one outcome-producing action for a frame, then keeps the frame moving while it can. */
  async advance(frameId: string, action: () => MaybePromise<Outcome>): Promise<void> {
    let pending = this.guard(frameId, action);
    let outcome = pending instanceof Promise ? await pending : pending;
    for (;;) {
      if (this.state.status !== 'RUNNING' || !this.state.frames[frameId]) return;
      const frame = this.frame(frameId);
      // An output that is the state's input unchanged was already measured when it was produced.
      if (
        (outcome.kind === 'next' || outcome.kind === 'end') &&
        outcome.output !== frame.stateInput &&
        exceedsPayloadLimit(outcome.output)
      ) {
        outcome = {
          kind: 'error',
          error: StatesErrors.DataLimitExceeded,
          cause: resultTooLargeCause(frame.stateName),
          quiet: true,
        };
      }
      switch (outcome.kind) {
        case 'blocked':
          return;
        case 'next':
          if (++this.transitions % TRANSITIONS_PER_PAUSE === 0) {
            if (this.rt.pause) await this.rt.pause();
            if (this.options.deadline !== undefined && this.rt.now() >= this.options.deadline) {
              this.complete('TIMED_OUT', {
                error: StatesErrors.Timeout,
                cause: 'The execution reached its maximum duration.',
              });
              return;
            }
          }
          this.exitState(frame, outcome.output, outcome.assigned);
          this.enterState(frame, outcome.next, outcome.output);
          pending = this.guard(frameId, () => processState(this, this.frame(frameId)));
          outcome = pending instanceof Promise ? await pending : pending;
          break;
        case 'end':
          this.exitState(frame, outcome.output, outcome.assigned);
          await this.finishFrame(frameId, { ok: true, output: outcome.output });
          return;
        case 'error': {
          const failure = outcome;
          outcome = await this.guard(frameId, () => this.handleError(this.frame(frameId), failure));
          if (outcome.kind === 'error') {
            await this.finishFrame(frameId, { ok: false, error: outcome.error, cause: outcome.cause });
            return;
          }
          break;
        }
      }
    }
  }

  /** Runs an action, turning a thrown (or rejected) StatesError into an error outcome. */
  private guard(frameId: string, action: () => MaybePromise<Outcome>): MaybePromise<Outcome> {
    try {
      const outcome = action();
      return outcome instanceof Promise ? outcome.catch((e: unknown) => this.failure(frameId, e)) : outcome;
    } catch (e) {
      return this.failure(frameId, e);
    }
  }

  /** A StatesError as an error outcome, with AWS's cause prefix; anything else is a defect and propagates. */
  private failure(frameId: string, e: unknown): Outcome {
    {
      if (!(e instanceof StatesError)) throw e;
      const frame = this.state.frames[frameId] as Frame;
      const cause = UNPREFIXED_ERRORS.has(e.error)
        ? e.cause
        : `An error occurred while executing the state '${frame.stateName}' (entered at the event id #${frame.enteredEventId}). ${e.cause}`;
      if (e.error === StatesErrors.QueryEvaluationError) {
        this.emit(frame, 'EvaluationFailed', () => ({ error: e.error, cause, state: frame.stateName }));
      }
      return { kind: 'error', error: e.error, cause, quiet: e.error === StatesErrors.Runtime };
    }
  }

  enterState(frame: Frame, name: string, input: Json): void {
    frame.stateName = name;
    frame.stateInput = input;
    frame.retryAttempts = [];
    frame.retryCount = 0;
    frame.phase = { kind: 'ready' };
    frame.enteredTime = this.rt.now();
    const state = this.current(frame);
    frame.enteredEventId = this.emit(frame, stateEnteredType(state.type), () => ({
      name,
      input: JSON.stringify(input),
      inputDetails: { truncated: false },
    }));
  }

  private exitState(frame: Frame, output: Json, assigned: JsonObject | undefined): void {
    const state = this.current(frame);
    if (assigned) frame.variables = withAssigned(frame.variables, assigned);
    frame.phase = { kind: 'ready' };
    // A Map/Parallel that failed and was caught or retried leaves nothing for a redrive.
    frame.retained = undefined;
    const type = stateExitedType(state.type);
    if (type === null) return;
    this.emit(frame, type, () => {
      const details: EventDetailsFor<typeof type> = {
        name: state.name,
        output: JSON.stringify(output),
        outputDetails: { truncated: false },
      };
      if (assigned) {
        details.assignedVariables = Object.fromEntries(
          Object.entries(assigned).map(([k, v]) => [k, JSON.stringify(v)]),
        );
        details.assignedVariablesDetails = { truncated: false };
      }
      return details;
    });
  }

  /** Retry, then Catch, for a state that failed; an 'error' outcome if neither applies. */
  private async handleError(frame: Frame, failure: Extract<Outcome, { kind: 'error' }>): Promise<Outcome> {
    const state = this.current(frame);
    const retrierIndex = state.retry.findIndex((r) => errorMatches(r.errorEquals, failure.error));
    const retrier = state.retry[retrierIndex];
    if (retrier) {
      const used = frame.retryAttempts[retrierIndex] ?? 0;
      if (used < retrier.maxAttempts) {
        frame.retryAttempts = [...frame.retryAttempts];
        frame.retryAttempts[retrierIndex] = used + 1;
        frame.retryCount += 1;
        const delay = backoffMillis(retrier, used, () => this.rt.random());
        const timerId = this.startTimer(frame.id, this.rt.now() + delay);
        frame.phase = { kind: 'retryBackoff', timerId };
        return { kind: 'blocked' };
      }
    }
    if (!failure.quiet) {
      if (state.type === 'Map') this.emit(frame, 'MapStateFailed');
      if (state.type === 'Parallel') this.emit(frame, 'ParallelStateFailed');
    }
    const catcher = state.catch.find((c) => errorMatches(c.errorEquals, failure.error));
    if (!catcher) return failure;
    const errorOutput: JsonObject = {};
    if (failure.error !== undefined) errorOutput.Error = failure.error;
    if (failure.cause !== undefined) errorOutput.Cause = failure.cause;
    let output: Json;
    if (state.queryLanguage === 'JSONata') {
      const states = { input: frame.stateInput, errorOutput };
      output = catcher.output ? await catcher.output.evaluate(this.bindings(frame, states), 'Output') : errorOutput;
      const assigned = await this.evaluateAssign(frame, catcher.assign, errorOutput, states);
      return { kind: 'next', next: catcher.next, output, assigned };
    }
    output =
      catcher.resultPath === null
        ? frame.stateInput
        : catcher.resultPath
          ? catcher.resultPath.assign(frame.stateInput, errorOutput)
          : errorOutput;
    const assigned = await this.evaluateAssign(frame, catcher.assign, errorOutput, {
      input: frame.stateInput,
      errorOutput,
    });
    return { kind: 'next', next: catcher.next, output, assigned };
  }

  /** A frame ended: the execution ends, or the parent Parallel/Map hears of it. */
  async finishFrame(frameId: string, outcome: FrameOutcome): Promise<void> {
    const frame = this.frame(frameId);
    frame.phase = { kind: 'done' };
    frame.outcome = outcome;
    if (frame.id === ROOT_FRAME) {
      if (outcome.ok) this.complete('SUCCEEDED', { output: outcome.output });
      else this.complete('FAILED', { error: outcome.error, cause: outcome.cause });
      return;
    }
    await childFinished(this, frame);
  }

  /** Ends the execution: the terminal event, every outstanding task and timer cancelled. */
  complete(status: TerminalStatus, result: { output?: Json; error?: string; cause?: string }): void {
    if (this.state.status !== 'RUNNING') return;
    this.ending = true;
    const root = this.state.frames[ROOT_FRAME] ? this.frame(ROOT_FRAME) : undefined;
    if (root && status !== 'SUCCEEDED') {
      const phase = root.phase;
      if (phase.kind === 'map' || phase.kind === 'parallel')
        root.retained = { kind: phase.kind, results: phase.results, done: phase.done };
      this.state.redrivePoint = {
        stateName: root.stateName,
        stateInput: root.stateInput,
        variables: root.variables,
        ...(root.retained ? { retained: root.retained } : {}),
      };
      abortChildren(this, root, status === 'ABORTED');
    }
    this.state.status = status;
    switch (status) {
      case 'SUCCEEDED':
        this.emit(null, 'ExecutionSucceeded', () => ({
          output: JSON.stringify(result.output ?? null),
          outputDetails: { truncated: false },
        }));
        this.state.output = result.output ?? null;
        break;
      case 'FAILED':
        this.emit(null, 'ExecutionFailed', () => omitUndefined({ error: result.error, cause: result.cause }));
        break;
      case 'TIMED_OUT':
        this.emit(null, 'ExecutionTimedOut', () => omitUndefined({ error: result.error, cause: result.cause }));
        break;
      case 'ABORTED':
        this.emit(null, 'ExecutionAborted', () => omitUndefined({ error: result.error, cause: result.cause }));
        break;
    }
    if (result.error !== undefined) this.state.error = result.error;
    if (result.cause !== undefined) this.state.cause = result.cause;
    for (const id of Object.keys(this.state.waits)) {
      this.commands.push(
        id.startsWith('timer-') ? { kind: 'cancelTimer', timerId: id } : { kind: 'cancelTask', taskId: id },
      );
    }
    this.state.waits = {};
    if (this.state.executionTimeoutTimerId && status !== 'TIMED_OUT') {
      this.commands.push({ kind: 'cancelTimer', timerId: this.state.executionTimeoutTimerId });
    }
    this.state.frames = {};
    this.commands.push(
      omitUndefined({
        kind: 'complete' as const,
        status,
        output: status === 'SUCCEEDED' ? (result.output ?? null) : undefined,
        error: result.error,
        cause: result.cause,
      }),
    );
  }

  // ---- signals on waiting frames -----------------------------------------------------------------

  async onTimer(frameId: string, timerId: string): Promise<void> {
    const frame = this.frame(frameId);
    const phase = frame.phase;
    switch (phase.kind) {
      case 'wait':
        if (phase.timerId !== timerId) return;
        this.unwait(timerId);
        await this.advance(frameId, async () => transition(this.current(frame), phase.then));
        return;
      case 'retryBackoff':
        if (phase.timerId !== timerId) return;
        this.unwait(timerId);
        frame.phase = { kind: 'ready' };
        await this.advance(frameId, () => processState(this, this.frame(frameId), { retry: true }));
        return;
      case 'task':
        if (phase.timeoutTimerId === timerId || phase.heartbeatTimerId === timerId) {
          await this.advance(frameId, async () => taskTimedOut(this, frame, phase.heartbeatTimerId === timerId));
        }
        return;
      default:
        return;
    }
  }

  async onTask(frameId: string, signal: Parameters<typeof resumeTask>[2]): Promise<void> {
    const frame = this.frame(frameId);
    if (frame.phase.kind !== 'task' || frame.phase.taskId !== signal.taskId) return;
    await this.advance(frameId, () => resumeTask(this, frame, signal));
  }
}

/** An evaluation scope whose context object is built on first use (most paths never read `$$`). */
class FrameScope implements EvalScope {
  private built: JsonObject | undefined;
  readonly variables: Variables;
  readonly runtime: Runtime;

  constructor(
    private readonly run: Run,
    private readonly frame: Frame,
    readonly input: Json,
    private readonly extras: ContextExtras | undefined,
  ) {
    this.variables = new FrameVariables(run.state.frames, frame);
    this.runtime = run.rt;
  }

  get context(): JsonObject {
    return (this.built ??= this.run.context(this.frame, this.extras));
  }
}

/** The arrays a step mutates in place (children's results, running children) get their own copy. */
function clonePhase(phase: FramePhase): FramePhase {
  switch (phase.kind) {
    case 'map':
      return { ...phase, results: [...phase.results], done: [...phase.done], running: [...phase.running] };
    case 'parallel':
      return { ...phase, results: [...phase.results], done: [...phase.done], children: [...phase.children] };
    default:
      return phase;
  }
}

function asAssigned(value: Json): JsonObject | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? value : undefined;
}

function omitUndefined<T extends object>(value: T): T {
  for (const key of Object.keys(value) as (keyof T)[]) if (value[key] === undefined) delete value[key];
  return value;
}
