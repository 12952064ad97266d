/**
 * The interpreter's data: what goes in (signals), what comes out (events, commands) and the
 * serialisable execution state in between. Nothing here does anything; `step.ts` decides.
 */
import type { Json, JsonObject } from '../json.js';
import type { QueryRuntime } from '../query/scope.js';
import type { HistoryEvent } from '../vocabulary/history-events.js';

/** Clock, randomness and ids come in from outside so a step is deterministic. */
export interface Runtime extends QueryRuntime {
  /**
   * Lets the host's event loop run (e.g. `setImmediate`). A long run of synchronous states, or a
   * fan-out starting many Map iterations, calls it every 64 transitions, so a workflow that loops
   * through Pass and Choice states cannot starve a server; the host decides whether a turn is due
   * and resolves at once if not. It must not change anything the step can observe.
   */
  pause?(): Promise<void>;
}

import type { ExecutionStatus, StateMachineType, TerminalStatus } from '../vocabulary/names.js';

export type { ExecutionStatus, StateMachineType, TerminalStatus };

export type Signal =
  | { kind: 'start'; input: Json }
  | { kind: 'taskStarted'; taskId: string; workerName?: string }
  | { kind: 'taskSucceeded'; taskId: string; output: Json }
  | { kind: 'taskFailed'; taskId: string; error?: string; cause?: string }
  | { kind: 'taskHeartbeat'; taskId: string }
  /** A `.sync` or `.waitForTaskToken` request was accepted; its result comes later (TaskSubmitted). */
  | { kind: 'taskSubmitted'; taskId: string; output: Json }
  | { kind: 'timerFired'; timerId: string }
  | { kind: 'stop'; error?: string; cause?: string }
  /** The engine gives up on the execution (it ended the process too often): FAILED with this error and cause. */
  | { kind: 'fail'; error: string; cause: string }
  /** RedriveExecution: continue a FAILED, TIMED_OUT or ABORTED execution from its redrive point. */
  | { kind: 'redrive' };

export type Command =
  | {
      kind: 'invokeTask';
      taskId: string;
      resource: string;
      /** The effective parameters (after InputPath/Parameters or JSONata Arguments). */
      parameters: Json;
      stateName: string;
      /** 0 for the first attempt, then 1, 2... for retries. */
      attempt: number;
      timeoutSeconds?: number;
      heartbeatSeconds?: number;
      /** For `.waitForTaskToken` integrations: the token the callback must present. */
      taskToken?: string;
      credentials?: Json;
    }
  | { kind: 'cancelTask'; taskId: string }
  | { kind: 'startTimer'; timerId: string; fireAt: number; purpose: TimerPurpose }
  | { kind: 'cancelTimer'; timerId: string };

/**
 * What a timer is for, so a host can treat kinds differently without reading frames (WAIT_TIME_SCALE
 * scales only 'wait' and 'retry'). Carried by the command only: timer rows store when, not why.
 */
export type TimerPurpose = 'wait' | 'retry' | 'taskTimeout' | 'heartbeat' | 'executionTimeout';

export interface StepResult {
  state: ExecutionState;
  events: HistoryEvent[];
  commands: Command[];
}

/** Fixed facts about the execution, the base of the context object ($$). */
export interface ExecutionInfo {
  executionArn: string;
  executionName: string;
  stateMachineArn: string;
  stateMachineName: string;
  roleArn: string;
  startTime: number;
  /** Absent for executions started with StartSyncExecution: AWS leaves it out of their context. */
  redriveCount?: number;
  stateMachineType: StateMachineType;
}

/** Where a state goes once it is done: the next state (or the end), its output, its assignments. */
export interface Transition {
  next?: string;
  output: Json;
  assigned?: JsonObject;
}

/** What a frame is waiting for, if anything. */
export type FramePhase =
  /** Created, not yet entered its first state. */
  | { kind: 'start' }
  | { kind: 'ready' }
  | {
      kind: 'task';
      taskId: string;
      timeoutTimerId?: string;
      heartbeatTimerId?: string;
      heartbeatSeconds?: number;
      started: boolean;
      submitted?: boolean;
      taskToken?: string;
      /** When the task times out (TimeoutSeconds), epoch ms; for a console to show. */
      timeoutAt?: number;
      /** When the next heartbeat is due (HeartbeatSeconds, reset by each heartbeat), epoch ms. */
      heartbeatDueAt?: number;
    }
  | { kind: 'wait'; timerId: string; then: Transition }
  | { kind: 'retryBackoff'; timerId: string }
  | { kind: 'parallel'; results: (Json | null)[]; done: boolean[]; pending: number; children: string[] }
  | MapPhase
  | { kind: 'done' };

export interface MapPhase {
  kind: 'map';
  items: Json[];
  /** Per index: the iteration's output once it succeeded. */
  results: (Json | null)[];
  /** Per index: whether the iteration succeeded (a redrive reruns only the others). */
  done: boolean[];
  nextIndex: number;
  running: string[];
  maxConcurrency: number;
  succeeded: number;
  failed: number;
  toleratedFailureCount: number;
  toleratedFailurePercentage: number;
  distributed: boolean;
  /** The effective input of the Map state (after InputPath/Parameters), for ItemSelector `$`. */
  mapInput: Json;
  mapRunArn?: string;
  /** A Map Run (RunOptions.mapRuns): the task the host answers with the Map's result. */
  taskId?: string;
  firstFailure?: { error?: string; cause?: string };
}

/**
 * A thread of control inside one execution: the top level, a Parallel branch or a Map iteration.
 * Frames never own control flow; the step function moves them.
 */
export interface Frame {
  id: string;
  parentId?: string;
  /** Branch index or iteration index inside the parent's Parallel/Map state. */
  index: number;
  /** Address of the state list this frame runs: '' for the top level, else the owning state's address + '/branch/N' or '/processor'. */
  list: string;
  /** Workflow variables assigned in this frame's own scope. */
  variables: JsonObject;
  /** Map iteration frames of a distributed Map don't see outer variables and write no parent history. */
  isolated: boolean;
  /** Current state. */
  stateName: string;
  /** The raw input of the current state. */
  stateInput: Json;
  enteredEventId: number;
  enteredTime: number;
  /** The history event this frame's next event follows (its previousEventId; see links.ts). */
  lastEventId: number;
  /** The event the current state's `…StateEntered` followed. */
  enteredAfterEventId: number;
  /** Attempts used per retrier of the current state. */
  retryAttempts: number[];
  /** Total retries of the current state, for $$.State.RetryCount. */
  retryCount: number;
  phase: FramePhase;
  /** Set once the frame has finished. */
  outcome?: FrameOutcome;
  /** The Map item for iteration frames ($$.Map.Item). */
  mapItem?: { index: number; value: Json };
  /** A Map or Parallel state that failed or was stopped: what its children had already done. */
  retained?: RetainedChildren;
}

/** Results of the branches or iterations that succeeded before their Map/Parallel state failed. */
export interface RetainedChildren {
  kind: 'map' | 'parallel';
  results: (Json | null)[];
  done: boolean[];
  /** A Map Run that did not succeed: a redrive continues it. */
  mapRunArn?: string;
}

/** Where a redrive continues: the top-level state that did not succeed, with its input. */
export interface RedrivePoint {
  stateName: string;
  stateInput: Json;
  variables: JsonObject;
  retained?: RetainedChildren;
}

export type FrameOutcome = { ok: true; output: Json } | { ok: false; error?: string; cause?: string };

export interface ExecutionState {
  status: ExecutionStatus;
  info: ExecutionInfo;
  input: Json;
  /** The id of the last history event, counted even when history is not recorded. */
  lastEventId: number;
  /** Sequence for frame, task and timer ids. */
  seq: number;
  frames: Record<string, Frame>;
  /** Which frame waits for a task or timer id. */
  waits: Record<string, string>;
  executionTimeoutTimerId?: string;
  /** Set when the execution ended unsuccessfully: RedriveExecution continues from here. */
  redrivePoint?: RedrivePoint;
  output?: Json;
  error?: string;
  cause?: string;
}

export const ROOT_FRAME = 'root';

/** How one call of the step function runs (see run.ts). */
export interface RunOptions {
  /** Build history events (off for Express executions nobody logs). */
  history: boolean;
  /**
   * Fail the execution rather than write its event number `historyLimit` + 1 (the terminal event
   * is the last one allowed). Standard executions: AWS's quota of 25,000 events.
   */
  historyLimit?: number;
  /**
   * With `history`: fail the execution once the events held pass `limit` bytes (as JSON), `used`
   * being what earlier steps of the run hold already (in-memory runs keep every event).
   */
  historyBytes?: { limit: number; used: number };
  /**
   * Epoch ms after which a long run of synchronous states times the execution out (checked every
   * thousand transitions). Express: AWS's five-minute maximum duration.
   */
  deadline?: number;
  /**
   * With `history`: sees each event as it is recorded, with the frame that recorded it (null: the
   * execution), which the history itself does not say (the CLI's trace indents Map iterations and
   * Parallel branches by it). It must only look: the frame is the step's working copy.
   */
  onEvent?(event: HistoryEvent, frame: Readonly<Frame> | null): void;
  /**
   * The host runs Distributed Maps as Map Runs (see map-run.ts): children are executions of their
   * own. Without it a Distributed Map's iterations are isolated frames of this execution.
   */
  mapRuns?: boolean;
}
