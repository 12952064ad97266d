/**
 * Rows as the SQL adapters store them (snake_case, like the columns, so one shape serves binding and
 * reading) and the mapping to and from the store's records. JSON documents travel as text (SQLite
 * TEXT; PostgreSQL reads its JSONB columns back as text); absent optionals are NULL.
 */
import type { Json } from '../json.js';
import type { HistoryEvent, HistoryEventDetailsFields, HistoryEventType } from '../vocabulary/history-events.js';
import type { ExecutionState, ExecutionStatus, StateMachineType } from '../interpreter/types.js';
import type {
  AliasRecord,
  EncryptionConfiguration,
  ExecutionRecord,
  ExecutionSummary,
  LoggingConfiguration,
  OutboxRecord,
  StateMachineRecord,
  StateMachineVersionRecord,
  TaskRecord,
  TimerRecord,
} from './types.js';

export interface StateMachineRow {
  arn: string;
  name: string;
  type: string;
  definition: string;
  role_arn: string;
  description: string | null;
  logging_configuration: string;
  tracing_configuration: string;
  encryption_configuration: string | null;
  status: string;
  creation_date: number;
  update_date: number | null;
  revision_id: string;
}

export interface VersionRow {
  arn: string;
  state_machine_arn: string;
  version: number;
  definition: string;
  role_arn: string;
  description: string | null;
  logging_configuration: string;
  tracing_configuration: string;
  encryption_configuration: string | null;
  revision_id: string;
  creation_date: number;
}

export interface AliasRow {
  arn: string;
  state_machine_arn: string;
  name: string;
  description: string | null;
  routing_configuration: string;
  creation_date: number;
  update_date: number | null;
}

export interface SummaryRow {
  arn: string;
  state_machine_arn: string;
  state_machine_version_arn: string | null;
  state_machine_alias_arn: string | null;
  name: string;
  status: string;
  start_date: number;
  stop_date: number | null;
  error: string | null;
  cause: string | null;
  redrive_count: number;
  redrive_date: number | null;
  history_length: number;
  test_case: string | null;
  map_run_arn: string | null;
}

export interface ExecutionRow extends SummaryRow {
  definition: string;
  input: string;
  output: string | null;
  state: string;
  version: number;
  process_endings: number;
}

export interface EventRow {
  execution_arn: string;
  id: number;
  previous_event_id: number;
  type: string;
  timestamp: number;
  /** The event's details field(s) as a JSON object, NULL when it has none. */
  details: string | null;
}

export interface TimerRow {
  execution_arn: string;
  timer_id: string;
  fire_at: number;
}

export interface TaskRow {
  execution_arn: string;
  task_id: string;
  resource: string;
  command: string;
  created_at: number;
}

/** Drops keys whose value is undefined, so records read back equal the ones written. */
function compact<T extends object>(record: T): T {
  for (const key of Object.keys(record) as (keyof T)[]) {
    if (record[key] === undefined) delete record[key];
  }
  return record;
}

const orUndefined = <T>(value: T | null): T | undefined => (value === null ? undefined : value);

/** Encryption configuration as its nullable JSON-text column (migration 0006). */
export const encryptionToColumn = (c: EncryptionConfiguration | undefined): string | null =>
  c === undefined ? null : JSON.stringify(c);
export const encryptionFromColumn = (text: string | null | undefined): EncryptionConfiguration | undefined =>
  text === null || text === undefined ? undefined : (JSON.parse(text) as EncryptionConfiguration);

// ---- state machines, versions, aliases ---------------------------------------------------------

export function stateMachineToRow(r: StateMachineRecord): StateMachineRow {
  return {
    arn: r.arn,
    name: r.name,
    type: r.type,
    definition: r.definition,
    role_arn: r.roleArn,
    description: r.description ?? null,
    logging_configuration: JSON.stringify(r.loggingConfiguration),
    tracing_configuration: JSON.stringify(r.tracingConfiguration),
    encryption_configuration: encryptionToColumn(r.encryptionConfiguration),
    status: r.status,
    creation_date: r.creationDate,
    update_date: r.updateDate ?? null,
    revision_id: r.revisionId,
  };
}

export function stateMachineFromRow(row: StateMachineRow): StateMachineRecord {
  return compact({
    arn: row.arn,
    name: row.name,
    type: row.type as StateMachineType,
    definition: row.definition,
    roleArn: row.role_arn,
    description: orUndefined(row.description),
    loggingConfiguration: JSON.parse(row.logging_configuration) as LoggingConfiguration,
    tracingConfiguration: JSON.parse(row.tracing_configuration) as { enabled: boolean },
    encryptionConfiguration: encryptionFromColumn(row.encryption_configuration),
    status: row.status as StateMachineRecord['status'],
    creationDate: row.creation_date,
    updateDate: orUndefined(row.update_date),
    revisionId: row.revision_id,
  });
}

export function versionToRow(r: StateMachineVersionRecord): VersionRow {
  return {
    arn: r.arn,
    state_machine_arn: r.stateMachineArn,
    version: r.version,
    definition: r.definition,
    role_arn: r.roleArn,
    description: r.description ?? null,
    logging_configuration: JSON.stringify(r.loggingConfiguration),
    tracing_configuration: JSON.stringify(r.tracingConfiguration),
    encryption_configuration: encryptionToColumn(r.encryptionConfiguration),
    revision_id: r.revisionId,
    creation_date: r.creationDate,
  };
}

export function versionFromRow(row: VersionRow): StateMachineVersionRecord {
  return compact({
    arn: row.arn,
    stateMachineArn: row.state_machine_arn,
    version: row.version,
    definition: row.definition,
    roleArn: row.role_arn,
    description: orUndefined(row.description),
    loggingConfiguration: JSON.parse(row.logging_configuration) as LoggingConfiguration,
    tracingConfiguration: JSON.parse(row.tracing_configuration) as { enabled: boolean },
    encryptionConfiguration: encryptionFromColumn(row.encryption_configuration),
    revisionId: row.revision_id,
    creationDate: row.creation_date,
  });
}

export function aliasToRow(r: AliasRecord): AliasRow {
  return {
    arn: r.arn,
    state_machine_arn: r.stateMachineArn,
    name: r.name,
    description: r.description ?? null,
    routing_configuration: JSON.stringify(r.routingConfiguration),
    creation_date: r.creationDate,
    update_date: r.updateDate ?? null,
  };
}

export function aliasFromRow(row: AliasRow): AliasRecord {
  return compact({
    arn: row.arn,
    stateMachineArn: row.state_machine_arn,
    name: row.name,
    description: orUndefined(row.description),
    routingConfiguration: JSON.parse(row.routing_configuration) as AliasRecord['routingConfiguration'],
    creationDate: row.creation_date,
    updateDate: orUndefined(row.update_date),
  });
}

// ---- executions and their history, timers, tasks -----------------------------------------------

/** An execution's columns but its state, which each adapter serialises its own way. */
export function executionColumns(r: ExecutionRecord): Omit<ExecutionRow, 'state'> {
  return {
    arn: r.arn,
    state_machine_arn: r.stateMachineArn,
    state_machine_version_arn: r.stateMachineVersionArn ?? null,
    state_machine_alias_arn: r.stateMachineAliasArn ?? null,
    name: r.name,
    definition: r.definition,
    status: r.status,
    start_date: r.startDate,
    stop_date: r.stopDate ?? null,
    input: r.input,
    output: r.output ?? null,
    error: r.error ?? null,
    cause: r.cause ?? null,
    redrive_count: r.redriveCount,
    redrive_date: r.redriveDate ?? null,
    version: r.version,
    history_length: r.historyLength,
    test_case: r.testCase ?? null,
    map_run_arn: r.mapRunArn ?? null,
    process_endings: r.processEndings ?? 0,
  };
}

export function executionToRow(r: ExecutionRecord): ExecutionRow {
  return { ...executionColumns(r), state: JSON.stringify(r.state) };
}

export function summaryFromRow(row: SummaryRow): ExecutionSummary {
  return compact({
    arn: row.arn,
    stateMachineArn: row.state_machine_arn,
    stateMachineVersionArn: orUndefined(row.state_machine_version_arn),
    stateMachineAliasArn: orUndefined(row.state_machine_alias_arn),
    name: row.name,
    status: row.status as ExecutionStatus,
    startDate: row.start_date,
    stopDate: orUndefined(row.stop_date),
    error: orUndefined(row.error),
    cause: orUndefined(row.cause),
    redriveCount: row.redrive_count,
    redriveDate: orUndefined(row.redrive_date),
    historyLength: row.history_length,
    testCase: orUndefined(row.test_case),
    mapRunArn: orUndefined(row.map_run_arn),
  });
}

export function executionFromRow(row: ExecutionRow): ExecutionRecord {
  return compact({
    ...summaryFromRow(row),
    definition: row.definition,
    input: row.input,
    output: orUndefined(row.output),
    state: JSON.parse(row.state) as ExecutionState,
    version: row.version,
    processEndings: row.process_endings > 0 ? row.process_endings : undefined,
  });
}

/** An event's columns, its details as an object (null when it has none). */
export function eventColumns(
  event: HistoryEvent,
): Omit<EventRow, 'execution_arn' | 'details'> & { details: object | null } {
  const { id, previousEventId, timestamp, type, ...details } = event;
  return {
    id,
    previous_event_id: previousEventId,
    type,
    timestamp,
    details: Object.keys(details).length > 0 ? details : null,
  };
}

export function eventToRow(executionArn: string, event: HistoryEvent): EventRow {
  const columns = eventColumns(event);
  return {
    ...columns,
    execution_arn: executionArn,
    details: columns.details === null ? null : JSON.stringify(columns.details),
  };
}

export function eventFromRow(row: EventRow): HistoryEvent {
  const details = row.details === null ? {} : (JSON.parse(row.details) as Partial<HistoryEventDetailsFields>);
  return {
    id: row.id,
    previousEventId: row.previous_event_id,
    timestamp: row.timestamp,
    type: row.type as HistoryEventType,
    ...details,
  };
}

export const timerToRow = (t: TimerRecord): TimerRow => ({
  execution_arn: t.executionArn,
  timer_id: t.timerId,
  fire_at: t.fireAt,
});

export const timerFromRow = (row: TimerRow): TimerRecord => ({
  executionArn: row.execution_arn,
  timerId: row.timer_id,
  fireAt: row.fire_at,
});

export const taskToRow = (t: TaskRecord): TaskRow => ({
  execution_arn: t.executionArn,
  task_id: t.taskId,
  resource: t.resource,
  command: JSON.stringify(t.command),
  created_at: t.createdAt,
});

export const taskFromRow = (row: TaskRow): TaskRecord => ({
  executionArn: row.execution_arn,
  taskId: row.task_id,
  resource: row.resource,
  command: JSON.parse(row.command) as Json,
  createdAt: row.created_at,
});

/** An outbox row as SQLite and PostgreSQL return it (PostgreSQL's bigints come as text). */
export interface OutboxRow {
  id: number | string;
  target: string;
  body: string;
  created_at: number | string;
  attempts: number;
}

export function outboxFromRow(row: OutboxRow): OutboxRecord {
  return {
    id: Number(row.id),
    target: row.target,
    body: row.body,
    createdAt: Number(row.created_at),
    attempts: Number(row.attempts),
  };
}
