/**
 * Shared helpers for interpreter behaviour tests: compile a definition, drive `step` by hand with a
 * controllable runtime, and read history events by type.
 */
import type { Json } from '../../src/json.js';
import { StateMachine } from '../../src/index.js';
import type { CompiledMachine } from '../../src/interpreter/compiled.js';
import type { HistoryEvent, HistoryEventType } from '../../src/vocabulary/history-events.js';
import { newExecution, step } from '../../src/interpreter/step.js';
import type {
  Command,
  ExecutionInfo,
  ExecutionState,
  Runtime,
  Signal,
  StepResult,
} from '../../src/interpreter/types.js';

export const T0 = Date.UTC(2024, 0, 1);

export const LAMBDA_ARN = 'arn:aws:lambda:us-east-1:123456789012:function:work';
export const INVOKE = 'arn:aws:states:::lambda:invoke';
export const ACTIVITY_ARN = 'arn:aws:states:us-east-1:123456789012:activity:work';

/**
 * A machine whose first state is the Task `Work` on LAMBDA_ARN (with `fields` merged in), followed
 * by `extraStates`, with `top` merged into the definition (e.g. TimeoutSeconds).
 */
export function task(
  fields: Record<string, Json>,
  extraStates: Record<string, Json> = {},
  top: Record<string, Json> = {},
): Json {
  return {
    StartAt: 'Work',
    States: { Work: { Type: 'Task', Resource: LAMBDA_ARN, End: true, ...fields }, ...extraStates },
    ...top,
  };
}

/** A definition, validated and compiled as the library does. */
export function compile(definition: Json): CompiledMachine {
  return new StateMachine(definition).compiled;
}

export function executionInfo(startTime = T0): ExecutionInfo {
  return {
    executionArn: 'arn:aws:states:us-east-1:123456789012:execution:Machine:exec',
    executionName: 'exec',
    stateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:Machine',
    stateMachineName: 'Machine',
    roleArn: 'arn:aws:iam::123456789012:role/Role',
    startTime,
    redriveCount: 0,
    stateMachineType: 'STANDARD',
  };
}

/** A deterministic runtime: a settable clock, a fixed random value and counted uuids. */
export function fixedRuntime(options: { now?: number; random?: number } = {}): Runtime & { at: number } {
  let uuids = 0;
  const rt = {
    at: options.now ?? T0,
    now: () => rt.at,
    random: () => options.random ?? 0.5,
    uuid: () => `00000000-0000-4000-8000-${String(++uuids).padStart(12, '0')}`,
  };
  return rt;
}

export type InvokeTask = Extract<Command, { kind: 'invokeTask' }>;
export type StartTimer = Extract<Command, { kind: 'startTimer' }>;

/** Drives one execution through `step`, a signal at a time, keeping every event and command. */
export class Driver {
  state: ExecutionState;
  readonly rt: ReturnType<typeof fixedRuntime>;
  readonly events: HistoryEvent[] = [];
  readonly commands: Command[] = [];
  last: StepResult = { state: undefined as unknown as ExecutionState, events: [], commands: [] };

  constructor(
    readonly machine: CompiledMachine,
    options: { now?: number; random?: number; history?: boolean } = {},
  ) {
    this.rt = fixedRuntime(options);
    this.state = newExecution(executionInfo(this.rt.at), null);
    this.history = options.history ?? true;
  }

  private readonly history: boolean;

  static start(
    definition: Json,
    input: Json = {},
    options: { now?: number; random?: number; history?: boolean } = {},
  ): Promise<Driver> {
    const driver = new Driver(compile(definition), options);
    return driver.send({ kind: 'start', input }).then(() => driver);
  }

  async send(signal: Signal): Promise<StepResult> {
    const result = await step(this.machine, this.state, signal, this.rt, { history: this.history });
    this.state = result.state;
    this.events.push(...result.events);
    this.commands.push(...result.commands);
    this.last = result;
    return result;
  }

  /** Moves the clock to a timer's fire time and fires it. */
  fire(timer: StartTimer): Promise<StepResult> {
    this.rt.at = Math.max(this.rt.at, timer.fireAt);
    return this.send({ kind: 'timerFired', timerId: timer.timerId });
  }

  invocations(): InvokeTask[] {
    return this.commands.filter((c): c is InvokeTask => c.kind === 'invokeTask');
  }

  lastInvocation(): InvokeTask {
    const all = this.invocations();
    const last = all[all.length - 1];
    if (!last) throw new Error('No task was invoked');
    return last;
  }

  timers(): StartTimer[] {
    return this.commands.filter((c): c is StartTimer => c.kind === 'startTimer');
  }

  types(): HistoryEventType[] {
    return this.events.map((e) => e.type);
  }
}

export function types(events: readonly HistoryEvent[]): HistoryEventType[] {
  return events.map((e) => e.type);
}

export function eventsOf(events: readonly HistoryEvent[], type: HistoryEventType): HistoryEvent[] {
  return events.filter((e) => e.type === type);
}

export function firstEvent(events: readonly HistoryEvent[], type: HistoryEventType): HistoryEvent {
  const event = events.find((e) => e.type === type);
  if (!event) throw new Error(`No ${type} event in ${types(events).join(', ')}`);
  return event;
}

/** A value whose JSON text is about `bytes` bytes long. */
export function payloadOfSize(bytes: number): Json {
  return { data: 'x'.repeat(bytes) };
}

/** Deep-freezes a value so any mutation of it throws in strict mode. */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value as object)) deepFreeze(child);
  }
  return value;
}
