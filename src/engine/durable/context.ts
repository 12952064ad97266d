/**
 * What every part of the durable engine shares: the store and its commit queue, the clock and the
 * interpreter's runtime, the compiled machines, the integrations, and whether the engine is closing.
 */
import type { Logger } from 'pino';
import { HISTORY_EVENT_QUOTA } from '../../vocabulary/states-errors.js';
import type { RunOptions, Runtime, StepResult } from '../../interpreter/types.js';
import { scaleTimers } from '../wait-time-scale.js';
import type { ExecutionStore } from '../../store/types.js';
import type { Clock } from '../clock.js';
import type { CommitQueue } from '../commit-queue.js';
import type { CompileCache } from '../compile-cache.js';
import type { IntegrationRegistry } from '../integration-registry.js';
import type { EngineObserver } from '../observer.js';

/** AWS's quota: an execution that would exceed it fails. */
export const HISTORY_QUOTA = HISTORY_EVENT_QUOTA;
/** Standard executions: history always recorded, the quota enforced inside the step, Distributed Maps as Map Runs. */
export const STANDARD_RUN = { history: true, historyLimit: HISTORY_QUOTA, mapRuns: true } as const;

export interface DurableParts {
  store: ExecutionStore;
  commits: CommitQueue;
  clock: Clock;
  rt: Runtime;
  machines: CompileCache;
  integrations: IntegrationRegistry;
  log: Logger | undefined;
  /** WAIT_TIME_SCALE (see DurableEngineOptions.waitTimeScale). */
  waitTimeScale: number;
  /** Retry backoffs' scale (see DurableEngineOptions.retryTimeScale; default waitTimeScale). */
  retryTimeScale?: number;
  /** Process endings in a row after which an execution is failed, not run again (./poison.ts). */
  maxProcessEndingAttempts: number;
  /** Bytes of history events one step may hold before its commit (see RunOptions.historyBytes). */
  maxHistoryBytesInMemory?: number;
  /** The previous process on this store stopped cleanly: recovery counts no process ending. */
  stoppedCleanly?: boolean;
  /** Who watches the engine (metrics, logs, status change events). */
  observer?: EngineObserver;
}

export class DurableContext {
  readonly store: ExecutionStore;
  readonly commits: CommitQueue;
  readonly clock: Clock;
  readonly rt: Runtime;
  readonly machines: CompileCache;
  readonly integrations: IntegrationRegistry;
  readonly log: Logger | undefined;
  private readonly waitTimeScale: number;
  private readonly retryTimeScale: number;
  readonly maxProcessEndingAttempts: number;
  readonly stoppedCleanly: boolean;
  /** How Standard steps run: history recorded, AWS's event quota, and the bytes one step may hold. */
  readonly standardRun: RunOptions;
  /** Set once by close(): loops stop, timers are not set again. */
  closed = false;
  readonly observer: EngineObserver | undefined;

  constructor(parts: DurableParts) {
    this.store = parts.store;
    this.commits = parts.commits;
    this.clock = parts.clock;
    this.rt = parts.rt;
    this.machines = parts.machines;
    this.integrations = parts.integrations;
    this.log = parts.log;
    this.waitTimeScale = parts.waitTimeScale;
    this.retryTimeScale = parts.retryTimeScale ?? parts.waitTimeScale;
    this.maxProcessEndingAttempts = parts.maxProcessEndingAttempts;
    this.stoppedCleanly = parts.stoppedCleanly ?? false;
    this.observer = parts.observer;
    this.standardRun =
      parts.maxHistoryBytesInMemory === undefined
        ? STANDARD_RUN
        : { ...STANDARD_RUN, historyBytes: { limit: parts.maxHistoryBytesInMemory, used: 0 } };
  }

  /**
   * WAIT_TIME_SCALE: Wait timers fire after their duration times the wait scale, Retry timers after
   * theirs times the retry scale; timeouts and heartbeats keep theirs. Applied before the timer row
   * is written (which stores only `fireAt`), so a stored timer fires as it was scaled when it was set.
   */
  scaleTimers(result: StepResult): StepResult {
    const commands = scaleTimers(result.commands, this.clock.now(), this.waitTimeScale, this.retryTimeScale);
    return commands === result.commands ? result : { ...result, commands };
  }
}
