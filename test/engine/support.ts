/**
 * Rigs for the durable engine tests: a SQLite file in a temp folder, an engine over it that can be
 * closed and reopened on the same file (a restart), and a store that records every commit.
 */
import { eventually } from '../support/async.js';
import { ACCOUNT, REGION, ROLE } from '../support/aws.js';
import { removeDir, tempDir } from '../support/files.js';
import { join } from 'node:path';
import type { Clock } from '../../src/engine/clock.js';
import { DurableEngine } from '../../src/engine/durable/durable-engine.js';
import type { StartRequest } from '../../src/engine/engine.js';
import type { TaskHandler } from '../../src/engine/task-invoker.js';
import type { HistoryEvent } from '../../src/vocabulary/history-events.js';
import type { ExecutionStatus } from '../../src/interpreter/types.js';
import type { Json } from '../../src/json.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import type {
  Commit,
  ExecutionRecord,
  ExecutionStore,
  StateMachineRecord,
  TimerRecord,
} from '../../src/store/types.js';

export const ACCOUNT_PREFIX = `arn:aws:states:${REGION}:${ACCOUNT}`;

export function stateMachine(
  name: string,
  definition: Json,
  type: 'STANDARD' | 'EXPRESS' = 'STANDARD',
): StateMachineRecord {
  return {
    arn: `${ACCOUNT_PREFIX}:stateMachine:${name}`,
    name,
    type,
    definition: JSON.stringify(definition),
    roleArn: ROLE,
    loggingConfiguration: { level: 'OFF', includeExecutionData: false },
    tracingConfiguration: { enabled: false },
    status: 'ACTIVE',
    creationDate: 0,
    revisionId: 'r1',
  };
}

export function startRequest(machine: StateMachineRecord, name: string, input: Json = {}): StartRequest {
  return { stateMachine: machine, name, input, inputText: JSON.stringify(input) };
}

/** A store that keeps a log of every commit it was asked to apply (in order), for assertions. */
export function recordingStore(store: ExecutionStore, log: Commit[]): ExecutionStore {
  return new Proxy(store, {
    get(target, property, receiver) {
      if (property === 'commit') {
        return async (commits: Commit[]) => {
          log.push(...structuredClone(commits));
          return target.commit(commits);
        };
      }
      const value: unknown = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

export interface EngineOptions {
  clock?: Clock;
  handlers?: Record<string, TaskHandler>;
  waitTimeScale?: number;
  retryTimeScale?: number;
  maxExecutionsInFlight?: number;
}

/** One SQLite file in a temp folder; `open` starts an engine on it, `restart` closes and reopens. */
export class Rig {
  readonly dir = tempDir('stepwise-engine-');
  readonly file = join(this.dir, 'stepwise.db');
  readonly commits: Commit[] = [];
  store!: ExecutionStore;
  engine!: DurableEngine;
  private sqlite: SqliteStore | undefined;

  async open(options: EngineOptions = {}): Promise<this> {
    this.sqlite = SqliteStore.open(this.file);
    this.store = recordingStore(this.sqlite, this.commits);
    this.engine = new DurableEngine({ store: this.store, ...options });
    await this.engine.start();
    return this;
  }

  /** Closes the engine and the database, as a shutdown would. */
  async close(): Promise<void> {
    await this.engine?.close();
    await this.sqlite?.close();
    this.sqlite = undefined;
  }

  async restart(options: EngineOptions = {}): Promise<this> {
    await this.close();
    return this.open(options);
  }

  async dispose(): Promise<void> {
    await this.close();
    removeDir(this.dir);
  }

  waitForStatus(executionArn: string, status: ExecutionStatus, timeoutMs?: number): Promise<ExecutionRecord> {
    return eventually(
      async () => {
        const record = await this.store.getExecution(executionArn);
        return record?.status === status ? record : undefined;
      },
      `${executionArn} to be ${status}`,
      timeoutMs,
    );
  }

  async history(executionArn: string): Promise<HistoryEvent[]> {
    const events: HistoryEvent[] = [];
    for (;;) {
      const page = await this.store.getHistory(executionArn, { afterId: events.at(-1)?.id, limit: 1000 });
      events.push(...page);
      if (page.length < 1000) return events;
    }
  }

  /** Every timer row of the execution (or of all executions). */
  async timers(executionArn?: string): Promise<TimerRecord[]> {
    const all = await this.store.dueTimers(Number.MAX_SAFE_INTEGER, 10_000);
    return executionArn === undefined ? all : all.filter((t) => t.executionArn === executionArn);
  }
}

/** A clock that stands still unless moved: Waits never come due on their own. */
export function standingClock(startMs: number): Clock & { set(ms: number): void } {
  let now = startMs;
  return {
    now: () => now,
    set: (ms) => {
      now = ms;
    },
    sleepUntil: async (epochMs) => {
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (epochMs > now) now = epochMs;
    },
  };
}

export { eventually };
