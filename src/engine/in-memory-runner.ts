/**
 * Drives one execution to completion in memory: calls the interpreter's step function, runs the
 * commands it returns (tasks through registered handlers, timers through the clock), and feeds
 * the results back as signals. No persistence: the Express runner, tests and the CLI use it.
 */
import { randomUUID } from 'node:crypto';
import type { Json } from '../json.js';
import type { CompiledMachine } from '../interpreter/compiled.js';
import type { HistoryEvent } from '../vocabulary/history-events.js';
import type { MaybePromise } from '../interpreter/outcome.js';
import { newExecution, stepNow } from '../interpreter/step.js';
import type {
  ExecutionInfo,
  ExecutionState,
  RunOptions,
  Runtime,
  Signal,
  StepResult,
  TerminalStatus,
} from '../interpreter/types.js';
import { assertNever } from '../vocabulary/states-errors.js';
import { realClock, type Clock } from './clock.js';
import { eventLoopTurns } from './event-loop-turns.js';
import { scaleTimers } from './wait-time-scale.js';
import { invokeTask, type InvokeTaskCommand, type TaskHandler } from './task-invoker.js';

export { TaskFailure, type TaskContext, type TaskHandler } from './task-invoker.js';

export interface RunResult {
  status: TerminalStatus;
  output?: Json;
  error?: string;
  cause?: string;
  history: HistoryEvent[];
  state: ExecutionState;
}

export interface InMemoryRunOptions {
  /** Task handlers by resource ARN, unless `invoke` is given. */
  handlers?: Record<string, TaskHandler>;
  /** Runs a task instead of `handlers` (the server's integrations). */
  invoke?: (command: InvokeTaskCommand) => Promise<Signal>;
  /** A task was cancelled (timed out, execution stopped): stop whatever `invoke` started. */
  cancel?: (taskId: string) => void;
  clock: Clock;
  history: boolean;
  runtime?: Partial<Runtime>;
  /** Stops the execution (StopExecution of an Express execution): it ends ABORTED. */
  abort?: AbortSignal;
  /** History quota (Standard: 25,000 events). */
  historyLimit?: number;
  /** Epoch ms: a long synchronous run times out after it (Express: five minutes). */
  deadline?: number;
  /** Bytes of history (events as JSON) the run may hold; past it the execution fails with States.Runtime. */
  historyBytesLimit?: number;
  /** Told each step's history events as they are made (recorded even when `history` is false, not kept then). */
  onEvents?: (events: readonly HistoryEvent[]) => void;
  /** Multiplies Wait and Retry backoff delays (see wait-time-scale.ts); default 1. */
  waitTimeScale?: number;
  /** Sees each history event as it is recorded, with its frame (see RunOptions.onEvent). */
  onEvent?: RunOptions['onEvent'];
}

interface Timer {
  id: string;
  fireAt: number;
}

export function runInMemory(
  machine: CompiledMachine,
  info: ExecutionInfo,
  input: Json,
  options: InMemoryRunOptions,
): Promise<RunResult> {
  try {
    return Promise.resolve(runInMemoryNow(machine, info, input, options));
  } catch (e) {
    return Promise.reject(e as Error);
  }
}

/**
 * The same run, its result returned at once when the execution ends in a step that awaited
 * nothing (JSONPath states, no task, no timer): the library's execute() then costs no microtask
 * of its own. A promise otherwise.
 */
export function runInMemoryNow(
  machine: CompiledMachine,
  info: ExecutionInfo,
  input: Json,
  options: InMemoryRunOptions,
): MaybePromise<RunResult> {
  return new InMemoryRun(machine, info, input, options).start();
}

class InMemoryRun {
  /** One budget of continuous work for the runner's loop and the interpreter's pauses alike. */
  private readonly turns = eventLoopTurns();
  private readonly rt: Runtime;
  private readonly runOptions: RunOptions;
  private readonly history: HistoryEvent[] = [];
  private historyBytes = 0;
  private readonly timers = new Map<string, Timer>();
  private readonly inFlight = new Map<string, Promise<Signal>>();
  /** Releases of the clock's holds on running handlers (a cancelled task no longer holds it). */
  private readonly holds = new Map<string, () => void>();
  private readonly inbox: Signal[] = [];
  private state: ExecutionState;

  constructor(
    private readonly machine: CompiledMachine,
    info: ExecutionInfo,
    private readonly input: Json,
    private readonly options: InMemoryRunOptions,
  ) {
    const clock = options.clock;
    this.rt = {
      now: options.runtime?.now ?? (clock === realClock ? Date.now : () => clock.now()),
      random: options.runtime?.random ?? Math.random,
      uuid: options.runtime?.uuid ?? randomUUID,
      pause: options.runtime?.pause ?? this.turns,
    };
    this.runOptions = { history: options.history || options.onEvents !== undefined };
    if (options.historyLimit !== undefined) this.runOptions.historyLimit = options.historyLimit;
    if (options.deadline !== undefined) this.runOptions.deadline = options.deadline;
    if (options.onEvent) this.runOptions.onEvent = options.onEvent;
    this.state = newExecution(info, input);
  }

  start(): MaybePromise<RunResult> {
    const stepped = this.step({ kind: 'start', input: this.input });
    if (stepped instanceof Promise) return stepped.then((result) => this.after(result));
    return this.after(stepped);
  }

  /** After a step: the result if the execution ended, else the rest of the run (a promise). */
  private after(result: StepResult): MaybePromise<RunResult> {
    return this.take(result) ?? this.rest();
  }

  private async rest(): Promise<RunResult> {
    for (;;) {
      const signal = await this.nextSignal();
      if (!signal) throw new Error('The execution stopped making progress without completing');
      const stepped = this.step(signal);
      const ended = this.take(stepped instanceof Promise ? await stepped : stepped);
      if (ended) return ended;
    }
  }

  /**
   * One step. Tasks that answer at once never leave the microtask queue: the event loop gets a
   * turn (other requests, /healthz, timers) after a slice of continuous work. A step of JSONPath
   * states only is synchronous: awaited only when it is a promise, it costs no microtask.
   */
  private step(signal: Signal): MaybePromise<StepResult> {
    if (this.turns.due()) return this.turns().then(() => this.stepNow(signal));
    return this.stepNow(signal);
  }

  private stepNow(signal: Signal): MaybePromise<StepResult> {
    const bytesLimit = this.options.history ? this.options.historyBytesLimit : undefined;
    const options =
      bytesLimit === undefined
        ? this.runOptions
        : Object.assign({}, this.runOptions, { historyBytes: { limit: bytesLimit, used: this.historyBytes } });
    return stepNow(this.machine, this.state, signal, this.rt, options);
  }

  /** Takes a step's state, events and commands (running the commands); the result once it ended. */
  private take(result: StepResult): RunResult | undefined {
    const options = this.options;
    const state = (this.state = result.state);
    if (options.onEvents && result.events.length > 0) options.onEvents(result.events);
    if (options.history)
      this.historyBytes += keepHistory(this.history, result.events, options.historyBytesLimit !== undefined);
    for (const command of scaleTimers(result.commands, this.rt.now(), options.waitTimeScale ?? 1)) {
      switch (command.kind) {
        case 'invokeTask': {
          const running = options.invoke ? options.invoke(command) : invokeTask(options.handlers ?? {}, command);
          this.inFlight.set(command.taskId, running);
          const release = options.clock.hold?.(running);
          if (release) this.holds.set(command.taskId, release);
          break;
        }
        case 'cancelTask':
          this.inFlight.delete(command.taskId);
          this.holds.get(command.taskId)?.();
          this.holds.delete(command.taskId);
          options.cancel?.(command.taskId);
          break;
        case 'startTimer':
          this.timers.set(command.timerId, { id: command.timerId, fireAt: command.fireAt });
          break;
        case 'cancelTimer':
          this.timers.delete(command.timerId);
          break;
        default:
          assertNever(command, 'command');
      }
    }
    return state.status !== 'RUNNING' ? ending(state, state.status, this.history) : undefined;
  }

  /** A queued signal, or the next task or timer to settle (undefined: nothing is left to wait for). */
  private async nextSignal(): Promise<Signal | undefined> {
    const queued = this.inbox.shift();
    if (queued) return queued;
    // The timer that loses the race is cancelled, so it never moves a fake clock.
    const lost = new AbortController();
    const signal = await untilAborted(
      this.options.abort,
      nextSignal(this.options.clock, this.timers, this.inFlight, lost.signal),
    );
    lost.abort();
    if (signal && 'taskId' in signal) this.holds.delete(signal.taskId);
    return signal;
  }
}

/** Appends the events to the history; their size as JSON in bytes when `measure` (else 0). */
function keepHistory(history: HistoryEvent[], events: readonly HistoryEvent[], measure: boolean): number {
  let bytes = 0;
  for (const event of events) {
    history.push(event);
    if (measure) bytes += jsonBytes(event);
  }
  return bytes;
}

/** An event's size as JSON; one too deep to serialise is not measured (the depth limits are the edge's). */
function jsonBytes(event: HistoryEvent): number {
  try {
    return Buffer.byteLength(JSON.stringify(event));
  } catch {
    return 0;
  }
}

/** How the execution ended, as its final state says (built by assignment: see copyState in step.ts). */
function ending(state: ExecutionState, status: TerminalStatus, history: HistoryEvent[]): RunResult {
  const result: Partial<RunResult> = { status };
  if (state.output !== undefined) result.output = state.output;
  if (state.error !== undefined) result.error = state.error;
  if (state.cause !== undefined) result.cause = state.cause;
  result.history = history;
  result.state = state;
  return result as RunResult;
}

/** The next signal, or a `stop` signal as soon as the execution is aborted. */
async function untilAborted(
  abort: AbortSignal | undefined,
  next: Promise<Signal | undefined>,
): Promise<Signal | undefined> {
  if (!abort) return next;
  const stop = (): Signal => {
    const reason: unknown = abort.reason;
    const r = typeof reason === 'object' && reason !== null ? (reason as { error?: string; cause?: string }) : {};
    return {
      kind: 'stop',
      ...(r.error !== undefined ? { error: r.error } : {}),
      ...(r.cause !== undefined ? { cause: r.cause } : {}),
    };
  };
  if (abort.aborted) return stop();
  // One listener per awaited step, removed once the step is decided (no MaxListenersExceededWarning).
  let onAbort: (() => void) | undefined;
  try {
    return await Promise.race([
      next,
      new Promise<Signal>((resolve) => {
        onAbort = () => resolve(stop());
        abort.addEventListener('abort', onAbort, { once: true });
      }),
    ]);
  } finally {
    if (onAbort) abort.removeEventListener('abort', onAbort);
  }
}

/**
 * The next thing to happen: a task settling, or the earliest timer coming due. Only the winner is
 * taken out of `inFlight`/`timers`: several tasks may settle in the same tick, and the others'
 * results must stay in `inFlight` for the next call (an already-settled promise wins it at once).
 */
async function nextSignal(
  clock: Clock,
  timers: Map<string, Timer>,
  inFlight: Map<string, Promise<Signal>>,
  lost: AbortSignal,
): Promise<Signal | undefined> {
  let earliest: Timer | undefined;
  for (const t of timers.values()) if (!earliest || t.fireAt < earliest.fireAt) earliest = t;
  const racers: Promise<{ taskId?: string; timerId?: string; signal: Signal }>[] = [...inFlight.entries()].map(
    ([taskId, p]) => p.then((signal) => ({ taskId, signal })),
  );
  if (earliest) {
    const timer = earliest;
    racers.push(
      clock
        .sleepUntil(timer.fireAt, lost)
        .then(() => ({ timerId: timer.id, signal: { kind: 'timerFired', timerId: timer.id } as const })),
    );
  }
  if (racers.length === 0) return undefined;
  const winner = await Promise.race(racers);
  if (winner.taskId !== undefined) inFlight.delete(winner.taskId);
  if (winner.timerId !== undefined) timers.delete(winner.timerId);
  return winner.signal;
}
