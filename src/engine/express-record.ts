/**
 * The server's own record of recent Express executions, for the console: AWS keeps none (their
 * history goes to CloudWatch Logs when logging is on), so neither does the store; this is a bounded
 * ring in memory, lost on restart and local to the node that ran them. Each entry holds what the
 * state machine's logging configuration would have sent to the log: the history events its level
 * lets through, with their data only when includeExecutionData is set (the execution's own input
 * and output likewise). With logging OFF an entry holds the summary (name, status, times, error).
 */
import type { HistoryEvent } from '../vocabulary/history-events.js';
import type { ExecutionStatus } from '../interpreter/types.js';
import type { StateMachineRecord } from '../store/types.js';

export interface ExpressExecutionRecord {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  /** How it was started: StartExecution (asynchronous) or StartSyncExecution. */
  mode: 'async' | 'sync';
  status: ExecutionStatus;
  /** Epoch ms. */
  startDate: number;
  stopDate?: number;
  input?: string;
  output?: string;
  error?: string;
  cause?: string;
  /** The state machine's logging level when it ran. */
  loggingLevel: string;
  includeExecutionData: boolean;
  /** The events its logging sent to the log (none with logging OFF; none kept for a synchronous run). */
  history: HistoryEvent[];
  /** The earliest events left out of `history`: it keeps the last HISTORY_KEPT. */
  historyLeftOff?: number;
}

/** History events one entry keeps. */
export const HISTORY_KEPT = 2000;

/** Entries the ring keeps (the oldest go first). */
export const EXPRESS_RECORD_SIZE = 200;

const FAILING = new Set([
  'ExecutionFailed',
  'ExecutionAborted',
  'ExecutionTimedOut',
  'TaskFailed',
  'EvaluationFailed',
  'MapStateFailed',
  'ParallelStateFailed',
]);
const FATAL = new Set(['ExecutionFailed', 'ExecutionAborted', 'ExecutionTimedOut']);

/** The events a state machine's logging configuration sends to the log, as it sends them. */
export function loggedEvents(sm: StateMachineRecord, history: readonly HistoryEvent[]): HistoryEvent[] {
  const level = sm.loggingConfiguration.level;
  if (level === 'OFF') return [];
  const out: HistoryEvent[] = [];
  for (const event of history) {
    if (level === 'FATAL' && !FATAL.has(event.type)) continue;
    if (level === 'ERROR' && !FAILING.has(event.type)) continue;
    out.push(
      sm.loggingConfiguration.includeExecutionData
        ? event
        : ({ id: event.id, type: event.type, timestamp: event.timestamp } as HistoryEvent),
    );
  }
  return out;
}

export class ExpressRecord {
  private readonly entries = new Map<string, ExpressExecutionRecord>();

  constructor(private readonly size = EXPRESS_RECORD_SIZE) {}

  started(
    sm: StateMachineRecord,
    entry: Omit<ExpressExecutionRecord, 'loggingLevel' | 'includeExecutionData' | 'history' | 'status'>,
  ): void {
    const withData = sm.loggingConfiguration.includeExecutionData === true;
    this.entries.set(entry.executionArn, {
      ...entry,
      ...(withData ? {} : { input: undefined }),
      status: 'RUNNING',
      loggingLevel: sm.loggingConfiguration.level,
      includeExecutionData: withData,
      history: [],
    });
    while (this.entries.size > this.size) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
  }

  ended(
    sm: StateMachineRecord,
    executionArn: string,
    end: { status: ExecutionStatus; stopDate: number; output?: string; error?: string; cause?: string },
    history: readonly HistoryEvent[],
  ): void {
    const entry = this.entries.get(executionArn);
    if (!entry) return;
    entry.status = end.status;
    entry.stopDate = end.stopDate;
    if (entry.includeExecutionData && end.output !== undefined) entry.output = end.output;
    if (end.error !== undefined) entry.error = end.error;
    if (end.cause !== undefined) entry.cause = end.cause;
    const logged = loggedEvents(sm, history);
    entry.history = logged.slice(-HISTORY_KEPT);
    if (logged.length > HISTORY_KEPT) entry.historyLeftOff = logged.length - HISTORY_KEPT;
  }

  /** Newest first; of one state machine when given. */
  list(stateMachineArn?: string): ExpressExecutionRecord[] {
    return [...this.entries.values()]
      .filter((e) => !stateMachineArn || e.stateMachineArn === stateMachineArn)
      .reverse();
  }

  get(executionArn: string): ExpressExecutionRecord | undefined {
    return this.entries.get(executionArn);
  }
}
