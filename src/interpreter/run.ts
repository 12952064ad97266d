/**
 * One call of the step function: applies a signal to an execution state and moves every frame it
 * can until each one waits for a task, a timer or its children, or the execution ends. It decides;
 * it never does: time, randomness and ids come from the Runtime, effects leave as Commands.
 */
import type { Json, JsonObject } from '../json.js';
import type { EvalScope } from '../query/scope.js';
import type { JsonataBindings } from '../query/jsonata/index.js';
import type { CompiledMachine, CompiledState, StateList } from './compiled.js';
import { contextObject, type ContextExtras } from './context-object.js';
import { stateFailure } from './errors/cause.js';
import { decideError, type ErrorDecision } from './errors/handle.js';
import { assertNever, MAX_DURATION_CAUSE, StatesErrors } from '../vocabulary/states-errors.js';
import { HistoryQuota } from './history-quota.js';
import { completeExecution, type ExecutionResult } from './ending.js';
import { clonePhase } from './frames.js';
import { emitEvaluationFailed, linkEvent } from './links.js';
import {
  eventAt,
  stateEnteredType,
  stateExitedType,
  type EventDetailsFor,
  type HistoryEvent,
  type HistoryEventType,
} from '../vocabulary/history-events.js';
import type { ErrorOutcome, MaybePromise, Outcome } from './outcome.js';
import { checkOutput } from './payload-size.js';
import type { Inspector } from './pipeline/inspector.js';
import type { StepContext } from './step-context.js';
import { childFinished, processState } from './states/index.js';
import { formatId, type IdKind } from './ids.js';
import {
  ROOT_FRAME,
  type Command,
  type ExecutionState,
  type Frame,
  type FrameOutcome,
  type RunOptions,
  type Runtime,
  type TerminalStatus,
  type TimerPurpose,
} from './types.js';
import { FrameScope } from './scope.js';
import { withAssigned } from './variables.js';
import { exitedDetails, JsonText } from './event-details.js';

/** How many state transitions run between calls of Runtime.pause. */
const TRANSITIONS_PER_PAUSE = 64;

export class Run implements StepContext {
  readonly events: HistoryEvent[] = [];
  readonly commands: Command[] = [];
  private readonly queue: string[] = [];
  /** The frames this step made or copied (by identity: a lookup costs no string hashing). */
  private readonly touched = new Set<Frame>();
  private transitions = 0;
  /** Once ending, its last events are written even at the history limit; at the limit, only the terminal one. */
  private ending: false | 'all' | 'terminal' = false;
  private quota: HistoryQuota | undefined;
  private readonly jsonText = new JsonText();
  private lastList = '';
  private lastName = '';
  private lastState: CompiledState | undefined;

  constructor(
    readonly machine: CompiledMachine,
    readonly state: ExecutionState,
    readonly rt: Runtime,
    readonly options: RunOptions,
    /** TestState's observer of the pipeline; executions have none. */
    readonly inspector?: Inspector,
  ) {}

  get mapRuns(): boolean {
    return this.options.mapRuns === true && !this.inspector;
  }

  // ---- events ------------------------------------------------------------------------------

  /** Records an event of `frame` (null: of the execution), shown to `options.onEvent`: see StepContext.emit. */
  emit<T extends HistoryEventType>(
    frame: Frame | null,
    type: T,
    details?: () => EventDetailsFor<T>,
    after?: number,
  ): number {
    if (frame?.isolated || (this.ending === 'terminal' && frame !== null)) return 0;
    if (!this.ending) (this.quota ??= new HistoryQuota(this.options)).beforeEvent(this.state.lastEventId + 1);
    const history = this.options.history;
    const hasDetails = history && details !== undefined;
    const built = hasDetails ? details() : undefined; // before the id: a throw takes none
    const id = ++this.state.lastEventId;
    const previousEventId = history ? linkEvent(this.state, frame, type, id, after) : 0; // no events, no links
    if (history) {
      const event = eventAt(id, previousEventId, this.rt.now(), type, hasDetails, built);
      this.events.push(event);
      this.options.onEvent?.(event, frame);
      if (!this.ending) this.quota?.held(event);
    }
    return id;
  }

  /** A value's JSON text for an event's details (see JsonText). */
  json(value: Json): string {
    return this.jsonText.of(value);
  }

  // ---- frames ------------------------------------------------------------------------------

  /** The frame, copied on first write in this step so the caller's state is never mutated. */
  frame(id: string): Frame {
    const frame = this.state.frames[id];
    if (!frame) throw new Error(`No frame ${id}`);
    if (this.touched.has(frame)) return frame;
    // By assignment, not spread: see copyState in step.ts.
    const copy: Frame = Object.assign({}, frame);
    copy.phase = clonePhase(frame.phase);
    this.state.frames[id] = copy;
    this.touched.add(copy);
    return copy;
  }

  addFrame(frame: Frame): void {
    this.state.frames[frame.id] = frame;
    this.touched.add(frame);
  }

  removeFrame(id: string): void {
    delete this.state.frames[id];
  }

  nextId(kind: IdKind): string {
    return formatId(kind, ++this.state.seq);
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
    // A state is looked up several times on its way (entered, run, exited): the last one is kept.
    if (this.lastState !== undefined && this.lastName === frame.stateName && this.lastList === frame.list)
      return this.lastState;
    const state = this.list(frame).states.get(frame.stateName);
    if (!state) throw new Error(`No state ${frame.stateName} in ${frame.list || 'the top level'}`);
    this.lastList = frame.list;
    this.lastName = frame.stateName;
    this.lastState = state;
    return state;
  }

  wait(id: string, frameId: string): void {
    this.state.waits[id] = frameId;
  }

  unwait(id: string | undefined): void {
    if (id !== undefined) delete this.state.waits[id];
  }

  startTimer(frameId: string, fireAt: number, purpose: TimerPurpose): string {
    const timerId = this.nextId('timer');
    this.wait(timerId, frameId);
    this.commands.push({ kind: 'startTimer', timerId, fireAt, purpose });
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

  // ---- driving -------------------------------------------------------------------------------

  /**
   * Runs queued frames until every one is blocked or finished. Synchronous until something returns
   * a promise (a JSONata evaluation, a pause for the event loop): JSONPath states never wait on a
   * microtask, and a step of nothing but them returns without one.
   */
  drain(): MaybePromise<void> {
    while (this.queue.length > 0 && this.state.status === 'RUNNING') {
      const id = this.queue.shift() as string;
      const frame = this.state.frames[id];
      if (!frame || frame.phase.kind !== 'start') continue;
      // A fan-out (a Map of many items) starts its frames here: they count as transitions too.
      const moved =
        ++this.transitions % TRANSITIONS_PER_PAUSE === 0 && this.rt.pause
          ? this.rt.pause().then(() => this.startQueued(id))
          : this.startQueued(id);
      if (moved instanceof Promise) return moved.then(() => this.drain());
    }
  }

  private startQueued(id: string): MaybePromise<void> {
    return this.proceed(
      id,
      this.guard(id, () => this.startFrame(this.frame(id))),
    );
  }

  /** A queued frame starts: a Map iteration announces itself, then its first state is entered. */
  private startFrame(frame: Frame): MaybePromise<Outcome> {
    const parent = frame.parentId !== undefined ? this.state.frames[frame.parentId] : undefined;
    if (parent && parent.phase.kind === 'map' && !parent.phase.distributed) {
      this.emit(frame, 'MapIterationStarted', () => ({ name: parent.stateName, index: frame.index }));
    }
    this.enterState(frame, frame.stateName, frame.stateInput);
    return processState(this, this.frame(frame.id));
  }

  /** Runs one outcome-producing action for a frame, then keeps the frame moving while it can. */
  advance(frameId: string, action: () => MaybePromise<Outcome>): MaybePromise<void> {
    return this.proceed(frameId, this.guard(frameId, action));
  }

  /** Keeps the frame moving from an outcome (or one on its way), synchronously while each is at hand. */
  private proceed(frameId: string, pending: MaybePromise<Outcome>): MaybePromise<void> {
    for (;;) {
      if (pending instanceof Promise) return pending.then((outcome) => this.proceed(frameId, outcome));
      if (this.state.status !== 'RUNNING' || !this.state.frames[frameId]) return;
      const frame = this.frame(frameId);
      const outcome = checkOutput(frame, pending);
      switch (outcome.kind) {
        case 'blocked':
          return;
        case 'next':
          if (++this.transitions % TRANSITIONS_PER_PAUSE === 0) return this.pauseThenEnter(frame, outcome);
          pending = this.enterNext(frame, outcome);
          break;
        case 'end':
          this.exitState(frame, outcome.output, outcome.assigned);
          return this.finishFrame(frameId, { ok: true, output: outcome.output });
        case 'error':
          return this.onError(frameId, outcome);
        default:
          assertNever(outcome, 'outcome');
      }
    }
  }

  /** Every so many transitions: the event loop's turn, and the runner's deadline. */
  private async pauseThenEnter(frame: Frame, outcome: Extract<Outcome, { kind: 'next' }>): Promise<void> {
    if (this.rt.pause) await this.rt.pause();
    if (this.options.deadline !== undefined && this.rt.now() >= this.options.deadline) {
      this.complete('TIMED_OUT', { error: StatesErrors.Timeout, cause: MAX_DURATION_CAUSE });
      return;
    }
    await this.proceed(frame.id, this.enterNext(frame, outcome));
  }

  private enterNext(frame: Frame, outcome: Extract<Outcome, { kind: 'next' }>): MaybePromise<Outcome> {
    this.exitState(frame, outcome.output, outcome.assigned);
    this.enterState(frame, outcome.next, outcome.output);
    return this.guard(frame.id, () => processState(this, this.frame(frame.id)));
  }

  /** A state failed: Retry, then Catch; a failure neither handles ends the frame. */
  private async onError(frameId: string, failure: ErrorOutcome): Promise<void> {
    const outcome = await this.guard(frameId, () => this.handleError(this.frame(frameId), failure));
    if (outcome.kind === 'error') {
      await this.finishFrame(frameId, { ok: false, error: outcome.error, cause: outcome.cause });
      return;
    }
    await this.proceed(frameId, outcome);
  }

  /** Runs an action, turning a thrown (or rejected) StatesError into an error outcome. */
  guard(frameId: string, action: () => MaybePromise<Outcome>): MaybePromise<Outcome> {
    try {
      const outcome = action();
      return outcome instanceof Promise ? outcome.catch((e: unknown) => this.failure(frameId, e)) : outcome;
    } catch (e) {
      return this.failure(frameId, e);
    }
  }

  /** A thrown StatesError as an error outcome, with AWS's cause prefix; anything else propagates. */
  private failure(frameId: string, e: unknown): ErrorOutcome {
    const frame = this.frame(frameId);
    const failure = stateFailure(frame, e);
    if (failure.error === StatesErrors.QueryEvaluationError) emitEvaluationFailed(this, frame, failure);
    return failure;
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
      input: this.json(input),
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
    this.emit(frame, type, () => exitedDetails(state.name, this.json(output), assigned));
  }

  /** Retry, then Catch, for a failure of the frame's current state (a catcher that cannot be evaluated fails it). */
  async decideError(frameId: string, failure: ErrorOutcome): Promise<ErrorDecision> {
    try {
      return await decideError(this, this.frame(frameId), failure);
    } catch (e) {
      return { kind: 'failed', failure: this.failure(frameId, e) };
    }
  }

  /** Acts on the decision for a failed state: a retry waits out its backoff, a catch moves on. */
  private async handleError(frame: Frame, failure: ErrorOutcome): Promise<Outcome> {
    const decision = await this.decideError(frame.id, failure);
    switch (decision.kind) {
      case 'retry': {
        frame.retryAttempts = [...frame.retryAttempts];
        frame.retryAttempts[decision.retryIndex] = decision.attempt + 1;
        frame.retryCount += 1;
        const timerId = this.startTimer(frame.id, this.rt.now() + decision.backoffMs, 'retry');
        frame.phase = { kind: 'retryBackoff', timerId };
        return { kind: 'blocked' };
      }
      case 'caught':
        return { kind: 'next', next: decision.next, output: decision.output, assigned: decision.assigned };
      case 'failed':
        return decision.failure;
    }
  }

  /** A frame ended: the execution ends, or the parent Parallel/Map hears of it. */
  finishFrame(frameId: string, outcome: FrameOutcome): MaybePromise<void> {
    const frame = this.frame(frameId);
    frame.phase = { kind: 'done' };
    frame.outcome = outcome;
    if (frame.id === ROOT_FRAME) {
      if (outcome.ok) this.complete('SUCCEEDED', { output: outcome.output });
      else this.complete('FAILED', { error: outcome.error, cause: outcome.cause });
      return;
    }
    const parentId = frame.parentId as string;
    this.removeFrame(frame.id);
    if (!this.state.frames[parentId]) return;
    return childFinished(this, this.frame(parentId), frame, outcome);
  }

  /** Ends the execution: the terminal event, every outstanding task and timer cancelled. */
  complete(status: TerminalStatus, result: ExecutionResult, abortEvents = true): void {
    if (this.state.status !== 'RUNNING') return;
    this.ending = abortEvents ? 'all' : 'terminal';
    completeExecution(this, status, result);
  }
}
