/**
 * Execution logs, as a state machine's `loggingConfiguration` asks for them: each history event of
 * the levels it names, as one JSON line in the shape Step Functions sends to CloudWatch Logs
 * (`id`, `type`, `details`, `previous_event_id`, `event_timestamp`, `execution_arn`,
 * `redrive_count`, numbers as strings), for Standard, Express and synchronous Express executions.
 *
 * Lines go to stdout, or with a directory to one file per log group: the group named by the
 * destination's `cloudWatchLogsLogGroup.logGroupArn` (`arn:aws:logs:<region>:<account>:log-group:<name>:*`)
 * becomes `<dir>/<name>.log` (a name's `/` are folders: `/aws/vendedlogs/states/x` →
 * `<dir>/aws/vendedlogs/states/x.log`).
 *
 * Standard executions' events come once committed; their state machine's (or version's) logging
 * configuration is looked up in the store and kept a second. Lines are written in the order the
 * engine reported the events; writing never holds the engine up.
 */
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import type { Logger } from 'pino';
import type { EngineObserver, ObservedExecution } from '../engine/observer.js';
import type { Json } from '../json.js';
import type { ExecutionStore, LoggingConfiguration } from '../store/types.js';
import { detailsOf, type HistoryEvent, type HistoryEventType } from '../vocabulary/history-events.js';

/** What the FATAL level logs: the execution's own failure. */
const FATAL_EVENTS: ReadonlySet<HistoryEventType> = new Set([
  'ExecutionFailed',
  'ExecutionAborted',
  'ExecutionTimedOut',
]);

/** What the ERROR level logs: every failure, abort and time-out, of the execution, its states and its tasks. */
const ERROR_EVENTS: ReadonlySet<HistoryEventType> = new Set<HistoryEventType>([
  ...FATAL_EVENTS,
  'ActivityFailed',
  'ActivityScheduleFailed',
  'ActivityTimedOut',
  'EvaluationFailed',
  'FailStateEntered',
  'LambdaFunctionFailed',
  'LambdaFunctionScheduleFailed',
  'LambdaFunctionStartFailed',
  'LambdaFunctionTimedOut',
  'MapIterationAborted',
  'MapIterationFailed',
  'MapRunAborted',
  'MapRunFailed',
  'MapStateAborted',
  'MapStateFailed',
  'ParallelStateAborted',
  'ParallelStateFailed',
  'TaskFailed',
  'TaskStartFailed',
  'TaskStateAborted',
  'TaskSubmitFailed',
  'TaskTimedOut',
  'WaitStateAborted',
]);

/** Whether a level logs an event type. */
export function levelIncludes(level: LoggingConfiguration['level'], type: HistoryEventType): boolean {
  switch (level) {
    case 'ALL':
      return true;
    case 'ERROR':
      return ERROR_EVENTS.has(type);
    case 'FATAL':
      return FATAL_EVENTS.has(type);
    case 'OFF':
      return false;
  }
}

/** The execution data of an event's details: left out unless `includeExecutionData`. */
const DATA_FIELDS = new Set(['input', 'output', 'parameters']);

/** One event as CloudWatch Logs receives it from Step Functions. */
export function logEvent(
  execution: Pick<ObservedExecution, 'executionArn' | 'redriveCount'>,
  event: HistoryEvent,
  includeExecutionData: boolean,
): Record<string, Json> {
  const details = (detailsOf(event) ?? {}) as Record<string, Json>;
  const shown: Record<string, Json> = {};
  for (const [key, value] of Object.entries(details)) {
    if (value === undefined) continue;
    if (!includeExecutionData && DATA_FIELDS.has(key)) continue;
    shown[key] = value;
  }
  return {
    id: String(event.id),
    type: event.type,
    details: shown,
    previous_event_id: String(event.previousEventId ?? 0),
    event_timestamp: String(event.timestamp),
    execution_arn: execution.executionArn,
    redrive_count: String(execution.redriveCount),
  };
}

/** The log group name of a logging configuration's destination, if it names one. */
export function logGroupOf(logging: LoggingConfiguration): string | undefined {
  const destination = logging.destinations?.[0];
  if (typeof destination !== 'object' || destination === null || Array.isArray(destination)) return undefined;
  const group = destination.cloudWatchLogsLogGroup;
  if (typeof group !== 'object' || group === null || Array.isArray(group)) return undefined;
  const arn = group.logGroupArn;
  if (typeof arn !== 'string') return undefined;
  const m = /^arn:[^:]*:logs:[^:]*:[^:]*:log-group:(.+?)(?::\*)?$/.exec(arn);
  return m?.[1];
}

export interface ExecutionLogsOptions {
  store: Pick<ExecutionStore, 'getStateMachine' | 'getVersion'>;
  /** One file per log group here; else every line to `stdout`. */
  dir?: string;
  stdout?: (line: string) => void;
  log?: Logger;
  /** How long a Standard state machine's logging configuration is kept, in ms (default 1000). */
  cacheMs?: number;
  now?: () => number;
}

export class ExecutionLogs implements EngineObserver {
  private chain: Promise<void> = Promise.resolve();
  private readonly files = new Map<string, WriteStream>();
  private readonly cache = new Map<string, { at: number; logging: LoggingConfiguration | undefined }>();
  private readonly now: () => number;
  private readonly stdout: (line: string) => void;
  private readonly root: string | undefined;

  constructor(private readonly options: ExecutionLogsOptions) {
    this.now = options.now ?? Date.now;
    this.stdout = options.stdout ?? ((line) => void process.stdout.write(line));
    this.root = options.dir !== undefined ? resolve(options.dir) : undefined;
  }

  executionEvents(execution: ObservedExecution, events: readonly HistoryEvent[]): void {
    const known = execution.loggingConfiguration;
    if (known?.level === 'OFF') return;
    if (known) {
      this.write(execution, known, events);
      return;
    }
    const cached = this.cache.get(configKey(execution));
    if (cached && this.now() - cached.at < (this.options.cacheMs ?? 1000)) {
      if (cached.logging && cached.logging.level !== 'OFF') this.write(execution, cached.logging, events);
      return;
    }
    const lookup = this.lookUp(execution);
    this.chain = this.chain.then(async () => {
      const logging = await lookup;
      if (logging && logging.level !== 'OFF') this.writeNow(execution, logging, events);
    });
  }

  /** Resolves once every line reported so far is written (and flushed to its file). */
  async flush(): Promise<void> {
    await this.chain;
    await Promise.all(
      [...this.files.values()].map(
        (file) => new Promise<void>((done) => (file.writableNeedDrain ? file.once('drain', done) : done())),
      ),
    );
  }

  async close(): Promise<void> {
    await this.chain;
    await Promise.all([...this.files.values()].map((file) => new Promise<void>((done) => file.end(done))));
    this.files.clear();
  }

  private write(execution: ObservedExecution, logging: LoggingConfiguration, events: readonly HistoryEvent[]): void {
    this.chain = this.chain.then(() => this.writeNow(execution, logging, events));
  }

  private writeNow(execution: ObservedExecution, logging: LoggingConfiguration, events: readonly HistoryEvent[]): void {
    let text = '';
    for (const event of events) {
      if (!levelIncludes(logging.level, event.type)) continue;
      try {
        text += `${JSON.stringify(logEvent(execution, event, logging.includeExecutionData))}\n`;
      } catch (err) {
        this.options.log?.warn(
          { err, executionArn: execution.executionArn },
          'an execution log event could not be written',
        );
      }
    }
    if (text === '') return;
    const group = logGroupOf(logging);
    const file = group !== undefined ? this.fileOf(group) : undefined;
    if (file) file.write(text);
    else this.stdout(text);
  }

  /** The file of a log group under the directory (none without one, or for a name that leaves it). */
  private fileOf(group: string): WriteStream | undefined {
    if (this.root === undefined) return undefined;
    let file = this.files.get(group);
    if (file) return file;
    const path = resolve(join(this.root, `${group.replace(/^\/+/, '')}.log`));
    if (!path.startsWith(this.root + sep)) {
      this.options.log?.warn({ group }, 'a log group name leaves the execution logs directory: its lines go to stdout');
      return undefined;
    }
    mkdirSync(dirname(path), { recursive: true });
    file = createWriteStream(path, { flags: 'a' });
    file.on('error', (err) => this.options.log?.error({ err, path }, 'writing execution logs failed'));
    this.files.set(group, file);
    return file;
  }

  /** A Standard execution's logging configuration: its version's, else its state machine's. */
  private async lookUp(execution: ObservedExecution): Promise<LoggingConfiguration | undefined> {
    let logging: LoggingConfiguration | undefined;
    try {
      logging =
        execution.stateMachineVersionArn !== undefined
          ? (await this.options.store.getVersion(execution.stateMachineVersionArn))?.loggingConfiguration
          : (await this.options.store.getStateMachine(execution.stateMachineArn))?.loggingConfiguration;
    } catch (err) {
      this.options.log?.warn({ err }, 'the logging configuration could not be read');
    }
    this.cache.set(configKey(execution), { at: this.now(), logging });
    if (this.cache.size > 1000) this.cache.delete(this.cache.keys().next().value!);
    return logging;
  }
}

function configKey(execution: ObservedExecution): string {
  return execution.stateMachineVersionArn ?? execution.stateMachineArn;
}
