/** Record builders for the store suite: small, valid, and easy to vary. */
import type { HistoryEvent, HistoryEventType } from '../../src/vocabulary/history-events.js';
import type { ExecutionState, ExecutionStatus } from '../../src/interpreter/types.js';
import type {
  AliasRecord,
  Commit,
  ExecutionRecord,
  MapRunChildRecord,
  MapRunRecord,
  StateMachineRecord,
  StateMachineVersionRecord,
  TaskRecord,
  TimerRecord,
} from '../../src/store/types.js';

const PREFIX = 'arn:aws:states:us-east-1:123456789012';
const DEFINITION = '{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}';

export const machineArn = (name: string): string => `${PREFIX}:stateMachine:${name}`;
export const executionArn = (machine: string, name: string): string => `${PREFIX}:execution:${machine}:${name}`;

export function stateMachine(name: string, overrides: Partial<StateMachineRecord> = {}): StateMachineRecord {
  return {
    arn: machineArn(name),
    name,
    type: 'STANDARD',
    definition: DEFINITION,
    roleArn: `arn:aws:iam::123456789012:role/${name}`,
    loggingConfiguration: { level: 'OFF', includeExecutionData: false },
    tracingConfiguration: { enabled: false },
    status: 'ACTIVE',
    creationDate: 1_000,
    revisionId: 'r1',
    ...overrides,
  };
}

export function version(
  machine: string,
  number: number,
  overrides: Partial<StateMachineVersionRecord> = {},
): StateMachineVersionRecord {
  return {
    arn: `${machineArn(machine)}:${number}`,
    stateMachineArn: machineArn(machine),
    version: number,
    definition: DEFINITION,
    roleArn: `arn:aws:iam::123456789012:role/${machine}`,
    description: `version ${number}`,
    loggingConfiguration: { level: 'OFF', includeExecutionData: false },
    tracingConfiguration: { enabled: false },
    revisionId: `r${number}`,
    creationDate: 2_000 + number,
    ...overrides,
  };
}

export function alias(machine: string, name: string, overrides: Partial<AliasRecord> = {}): AliasRecord {
  return {
    arn: `${machineArn(machine)}:${name}`,
    stateMachineArn: machineArn(machine),
    name,
    routingConfiguration: [{ stateMachineVersionArn: `${machineArn(machine)}:1`, weight: 100 }],
    creationDate: 3_000,
    ...overrides,
  };
}

function interpreterState(
  arn: string,
  machine: string,
  name: string,
  startDate: number,
  status: ExecutionStatus,
): ExecutionState {
  return {
    status,
    info: {
      executionArn: arn,
      executionName: name,
      stateMachineArn: machineArn(machine),
      stateMachineName: machine,
      roleArn: `arn:aws:iam::123456789012:role/${machine}`,
      startTime: startDate,
      redriveCount: 0,
      stateMachineType: 'STANDARD',
    },
    input: { hello: 'world', nested: [1, 2, { deep: true }] },
    lastEventId: 0,
    seq: 0,
    frames: {},
    waits: {},
  };
}

export function execution(machine: string, name: string, overrides: Partial<ExecutionRecord> = {}): ExecutionRecord {
  const arn = executionArn(machine, name);
  const startDate = overrides.startDate ?? 10_000;
  const status = overrides.status ?? 'RUNNING';
  return {
    arn,
    stateMachineArn: machineArn(machine),
    name,
    definition: DEFINITION,
    status,
    startDate,
    input: '{"hello":"world"}',
    redriveCount: 0,
    state: interpreterState(arn, machine, name, startDate, status),
    version: 1,
    historyLength: 0,
    ...overrides,
  };
}

/** A Map Run's ARN: `mapRun:<machine>/<label>:<id>`. */
export const mapRunArn = (machine: string, id: string, label = 'Map'): string =>
  `${PREFIX}:mapRun:${machine}/${label}:${id}`;

/** A RUNNING Map Run of execution `<machine>:<parent>`. */
export function mapRun(
  machine: string,
  parent: string,
  id: string,
  overrides: Partial<MapRunRecord> = {},
): MapRunRecord {
  return {
    arn: mapRunArn(machine, id),
    executionArn: executionArn(machine, parent),
    stateMachineArn: `${machineArn(machine)}/Map`,
    status: 'RUNNING',
    startDate: 20_000,
    maxConcurrency: 10,
    toleratedFailurePercentage: 12.5,
    toleratedFailureCount: 3,
    redriveCount: 0,
    detail: { reader: { kind: 'inline', items: 7 }, next: 0, batches: [1, 2.5, null, 'x'] },
    ...overrides,
  };
}

/** A SUCCEEDED child `index` of the Map Run `runArn`, one item. */
export function mapRunChild(
  runArn: string,
  index: number,
  overrides: Partial<MapRunChildRecord> = {},
): MapRunChildRecord {
  return {
    mapRunArn: runArn,
    index,
    executionArn: `${runArn.replace(':mapRun:', ':execution:')}-child-${index}`,
    status: 'SUCCEEDED',
    itemCount: 1,
    result: JSON.stringify({ index }),
    ...overrides,
  };
}

export function event(id: number, type: HistoryEventType = 'PassStateEntered', timestamp = 10_000 + id): HistoryEvent {
  const base = { id, previousEventId: id - 1, timestamp, type };
  switch (type) {
    case 'ExecutionStarted':
      return {
        ...base,
        executionStartedEventDetails: { input: '{"hello":"world"}', roleArn: 'arn:aws:iam::123456789012:role/r' },
      };
    case 'PassStateEntered':
      return { ...base, stateEnteredEventDetails: { name: 'P', input: '{}' } };
    default:
      return base;
  }
}

export const timer = (execArn: string, timerId: string, fireAt: number): TimerRecord => ({
  executionArn: execArn,
  timerId,
  fireAt,
});

export const task = (execArn: string, taskId: string, createdAt = 10_000): TaskRecord => ({
  executionArn: execArn,
  taskId,
  resource: 'arn:aws:states:::lambda:invoke',
  command: { kind: 'invokeTask', taskId, resource: 'arn:aws:states:::lambda:invoke', parameters: { n: 1 } },
  createdAt,
});

type CommitParts = Partial<Omit<Commit, 'execution' | 'expectedVersion'>>;

/** A commit that creates `record` (expectedVersion 0), its events counted into historyLength. */
export function createCommit(record: ExecutionRecord, parts: CommitParts = {}): Commit {
  const events = parts.events ?? [];
  return {
    expectedVersion: 0,
    execution: { ...record, version: 1, historyLength: record.historyLength + events.length },
    events,
    timersAdded: parts.timersAdded ?? [],
    timersRemoved: parts.timersRemoved ?? [],
    tasksAdded: parts.tasksAdded ?? [],
    tasksRemoved: parts.tasksRemoved ?? [],
    ...(parts.outbox ? { outbox: parts.outbox } : {}),
  };
}

/** The commit that follows `previous` (as stored), with the given changes to the record. */
export function nextCommit(
  previous: ExecutionRecord,
  changes: Partial<ExecutionRecord> = {},
  parts: CommitParts = {},
): Commit {
  const events = parts.events ?? [];
  return {
    expectedVersion: previous.version,
    execution: {
      ...previous,
      ...changes,
      version: previous.version + 1,
      historyLength: previous.historyLength + events.length,
    },
    events,
    timersAdded: parts.timersAdded ?? [],
    timersRemoved: parts.timersRemoved ?? [],
    tasksAdded: parts.tasksAdded ?? [],
    tasksRemoved: parts.tasksRemoved ?? [],
    ...(parts.outbox ? { outbox: parts.outbox } : {}),
  };
}
