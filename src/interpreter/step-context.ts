/**
 * What the state types, the pipeline, Retry/Catch and the frame helpers may use of a step in
 * progress. `Run` (run.ts) implements it and drives the step; code below the states sees only this.
 */
import type { Json, JsonObject } from '../json.js';
import type { JsonataBindings } from '../query/jsonata/index.js';
import type { EvalScope } from '../query/scope.js';
import type { CompiledState } from './compiled.js';
import type { ContextExtras } from './context-object.js';
import type { EventDetailsFor, HistoryEventType } from '../vocabulary/history-events.js';
import type { MaybePromise, Outcome } from './outcome.js';
import type { Inspector } from './pipeline/inspector.js';
import type { IdKind } from './ids.js';
import type { Command, ExecutionState, Frame, Runtime, TimerPurpose } from './types.js';

export interface StepContext {
  readonly state: ExecutionState;
  readonly rt: Runtime;
  /** Effects for the engine, in order. */
  readonly commands: Command[];
  /** TestState's observer of the pipeline; executions have none. */
  readonly inspector?: Inspector;
  /** The host runs Distributed Maps as Map Runs (RunOptions.mapRuns). */
  readonly mapRuns: boolean;

  /**
   * Records an event of `frame` (null: of the execution); returns its id. It follows the frame's
   * last event, or `after` (see links.ts). With history off it only counts it, as causes cite event
   * ids. Frames of a distributed Map's child executions write no parent history (and return 0).
   */
  emit<T extends HistoryEventType>(
    frame: Frame | null,
    type: T,
    details?: () => EventDetailsFor<T>,
    after?: number,
  ): number;

  /** A value's JSON text for an event's details (the last value's is kept: see Run.json). */
  json(value: Json): string;

  /** The frame, copied on first write in this step so the caller's state is never mutated. */
  frame(id: string): Frame;
  addFrame(frame: Frame): void;
  removeFrame(id: string): void;
  /** Queues a frame whose phase is 'start' to be moved by this step. */
  schedule(frameId: string): void;
  /** A new frame, task or timer id. */
  nextId(kind: IdKind): string;
  /** The state `frame` is in. */
  current(frame: Frame): CompiledState;

  /** Records that `frameId` waits for the task or timer `id`. */
  wait(id: string, frameId: string): void;
  unwait(id: string | undefined): void;
  /** Starts a timer `frameId` waits for; its id. */
  startTimer(frameId: string, fireAt: number, purpose: TimerPurpose): string;
  cancelTimer(timerId: string | undefined): void;

  /** The context object ($$). */
  context(frame: Frame, extras?: ContextExtras): JsonObject;
  /** A JSONPath evaluation scope. The context object is built only if a path reads `$$`. */
  scope(frame: Frame, input: Json, extras?: ContextExtras): EvalScope;
  /** JSONata bindings; `$states.context` is built only if an expression reads it. */
  bindings(frame: Frame, states: Omit<JsonataBindings['states'], 'context'>, extras?: ContextExtras): JsonataBindings;

  /**
   * Runs one outcome-producing action for a frame, then keeps the frame moving while it can;
   * synchronous unless something on the way is not.
   */
  advance(frameId: string, action: () => MaybePromise<Outcome>): MaybePromise<void>;
}
