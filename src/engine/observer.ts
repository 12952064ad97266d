/**
 * What the engine tells whoever watches it (metrics, execution logs, status change events),
 * without knowing who that is: the dependency points at the engine. Every method is optional and
 * called synchronously on the engine's path, so an observer must be quick and must not throw
 * (`safeObserver` guards one that might).
 */
import type { HistoryEvent } from '../vocabulary/history-events.js';
import type { Commit, LoggingConfiguration, OutboxMessage } from '../store/types.js';

/** The execution some events belong to. */
export interface ObservedExecution {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  type: 'STANDARD' | 'EXPRESS';
  /** Epoch ms. */
  startDate: number;
  redriveCount: number;
  /** The version it was started through (its logging configuration is the version's). */
  stateMachineVersionArn?: string;
  /**
   * Express executions carry the state machine's logging configuration as they started with it;
   * for Standard ones the observer looks the state machine up (the record does not keep it).
   */
  loggingConfiguration?: LoggingConfiguration;
  /** Express synchronous executions (StartSyncExecution). */
  synchronous?: boolean;
}

export interface EngineObserver {
  /**
   * History events an execution recorded, in order: a Standard execution's once their commit is
   * durable, an Express execution's as each step makes them.
   */
  executionEvents?(execution: ObservedExecution, events: readonly HistoryEvent[]): void;
  /** A StartExecution refused for the executions in flight (ExecutionLimitExceeded). */
  executionThrottled?(stateMachineArn: string): void;
  /** One group commit: how many executions' steps it held and how long the store took, in ms. */
  commitBatch?(size: number, ms: number, ok: boolean): void;
  /** A due timer is delivered `lagMs` after it was due. */
  timerFired?(lagMs: number): void;
}

/**
 * Messages that must leave with a step (status change events): asked of each Standard commit before
 * it is written, stored in the same transaction (the store's outbox), delivered by whoever reads it.
 */
export interface CommitOutbox {
  messagesFor(commit: Commit): OutboxMessage[];
  /** A commit with messages is durable: they may be delivered now. */
  committed(): void;
}

/** Several observers as one, each call guarded: an observer that throws is logged, never the engine's failure. */
export function combineObservers(
  observers: readonly (EngineObserver | undefined)[],
  onError: (error: unknown) => void = () => {},
): EngineObserver {
  const list = observers.filter((o): o is EngineObserver => o !== undefined);
  const each = (call: (o: EngineObserver) => void): void => {
    for (const o of list) {
      try {
        call(o);
      } catch (error) {
        onError(error);
      }
    }
  };
  return {
    executionEvents: (execution, events) => each((o) => o.executionEvents?.(execution, events)),
    executionThrottled: (arn) => each((o) => o.executionThrottled?.(arn)),
    commitBatch: (size, ms, ok) => each((o) => o.commitBatch?.(size, ms, ok)),
    timerFired: (lag) => each((o) => o.timerFired?.(lag)),
  };
}

/** The observer that watches nothing. */
export const noObserver: EngineObserver = {};
