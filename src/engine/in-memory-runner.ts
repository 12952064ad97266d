/**
 * Drives one execution to completion in memory: calls the interpreter's step function, runs the
 * commands it returns (tasks through registered handlers, timers through the clock), and feeds
 * the results back as signals. No persistence: the Express runner, tests and the CLI use it.
 */
import { randomUUID } from 'node:crypto';
import type { Json } from '../json.js';
import type { CompiledMachine } from '../interpreter/compiled.js';
import type { HistoryEvent } from '../vocabulary/history-events.js';
import { newExecution, stepNow } from '../interpreter/step.js';
import type {
  ExecutionInfo,
  ExecutionState,
  RunOptions,
  Runtime,
  Signal,
  TerminalStatus,
} from '../interpreter/types.js';
import { assertNever } from '../vocabulary/states-errors.js';
import type { Clock } from './clock.js';
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

export async function runInMemory(
  machine: CompiledMachine,
  info: ExecutionInfo,
  input: Json,
  options: InMemoryRunOptions,
): Promise<RunResult> {
  // One budget of continuous work for the runner's loop and the interpreter's pauses alike.
  const turns = eventLoopTurns();
  const rt: Runtime = {
    now: options.runtime?.now ?? (() => options.clock.now()),
    random: options.runtime?.random ?? Math.random,
    uuid: options.runtime?.uuid ?? randomUUID,
    pause: options.runtime?.pause ?? turns,
  };
  const runOptions: RunOptions = { history: options.history || options.onEvents !== undefined };
  if (options.historyLimit !== undefined) runOptions.historyLimit = options.historyLimit;
  if (options.deadline !== undefined) runOptions.deadline = options.deadline;
  if (options.onEvent) runOptions.onEvent = options.onEvent;
  const history: HistoryEvent[] = [];
  let historyBytes = 0;
  const timers = new Map<string, Timer>();
  const inFlight = new Map<string, Promise<Signal>>();
  /** Releases of the clock's holds on running handlers (a cancelled task no longer holds it). */
  const holds = new Map<string, () => void>();
  const inbox: Signal[] = [];
  let state = newExecution(info, input);
  let signal: Signal | undefined = { kind: 'start', input };

  while (signal) {
    // Tasks that answer at once never leave the microtask queue: give the event loop a turn (other
    // requests, /healthz, timers) after a slice of continuous work. A step of JSONPath states only
    // is synchronous: awaited only when it is a promise, it costs no microtask.
    if (turns.due()) await turns();
    const bytesLimit = options.history ? options.historyBytesLimit : undefined;
    const stepped = stepNow(
      machine,
      state,
      signal,
      rt,
      bytesLimit === undefined
        ? runOptions
        : { ...runOptions, historyBytes: { limit: bytesLimit, used: historyBytes } },
    );
    const result = stepped instanceof Promise ? await stepped : stepped;
    state = result.state;
    if (options.onEvents && result.events.length > 0) options.onEvents(result.events);
    if (options.history) historyBytes += keepHistory(history, result.events, options.historyBytesLimit !== undefined);
    for (const command of scaleTimers(result.commands, rt.now(), options.waitTimeScale ?? 1)) {
      switch (command.kind) {
        case 'invokeTask': {
          const running = options.invoke ? options.invoke(command) : invokeTask(options.handlers ?? {}, command);
          inFlight.set(command.taskId, running);
          const release = options.clock.hold?.(running);
          if (release) holds.set(command.taskId, release);
          break;
        }
        case 'cancelTask':
          inFlight.delete(command.taskId);
          holds.get(command.taskId)?.();
          holds.delete(command.taskId);
          options.cancel?.(command.taskId);
          break;
        case 'startTimer':
          timers.set(command.timerId, { id: command.timerId, fireAt: command.fireAt });
          break;
        case 'cancelTimer':
          timers.delete(command.timerId);
          break;
        default:
          assertNever(command, 'command');
      }
    }
    if (state.status !== 'RUNNING') return ending(state, state.status, history);
    const queued = inbox.shift();
    if (queued) signal = queued;
    else {
      // The timer that loses the race is cancelled, so it never moves a fake clock.
      const lost = new AbortController();
      signal = await untilAborted(options.abort, nextSignal(options.clock, timers, inFlight, lost.signal));
      lost.abort();
      if (signal && 'taskId' in signal) holds.delete(signal.taskId);
    }
  }
  throw new Error('The execution stopped making progress without completing');
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
