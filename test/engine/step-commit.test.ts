/**
 * The commit of one step, as a pure function: no store, no engine. What the rows become is what
 * exactly-once and crash recovery rest on, so each rule is pinned here on its own.
 */
import { describe, expect, it } from 'vitest';
import { newExecution } from '../../src/interpreter/step.js';
import type { Command, ExecutionState, StepResult } from '../../src/interpreter/types.js';
import type { HistoryEvent } from '../../src/vocabulary/history-events.js';
import { changes, toCommit } from '../../src/engine/durable/step-commit.js';
import type { ExecutionRecord } from '../../src/store/types.js';

const ARN = 'arn:aws:states:us-east-1:123456789012:execution:sm:run';
const NOW = 1_000_000;

function running(): ExecutionState {
  return newExecution(
    {
      executionArn: ARN,
      executionName: 'run',
      stateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:sm',
      stateMachineName: 'sm',
      roleArn: 'arn:aws:iam::123456789012:role/r',
      startTime: 0,
      stateMachineType: 'STANDARD',
    },
    {},
  );
}

function record(overrides: Partial<ExecutionRecord> = {}): ExecutionRecord {
  return {
    arn: ARN,
    stateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:sm',
    name: 'run',
    definition: '{}',
    status: 'RUNNING',
    startDate: 0,
    input: '{}',
    redriveCount: 0,
    state: running(),
    version: 3,
    historyLength: 7,
    ...overrides,
  };
}

function events(n: number): HistoryEvent[] {
  return Array.from({ length: n }, (_, i) => ({
    id: 8 + i,
    previousEventId: 7 + i,
    timestamp: NOW,
    type: 'PassStateEntered',
  }));
}

function result(commands: Command[], state: ExecutionState = running(), count = 1): StepResult {
  return { state, events: events(count), commands };
}

const invoke = (taskId: string): Command => ({
  kind: 'invokeTask',
  taskId,
  resource: 'arn:aws:lambda:us-east-1:123456789012:function:f',
  parameters: { a: 1 },
  stateName: 'Work',
  attempt: 0,
});

describe('toCommit', () => {
  it('bumps the version, counts the events, and expects the version it read', () => {
    const commit = toCommit(record(), { kind: 'start', input: {} }, result([], running(), 2), NOW);
    expect(commit.expectedVersion).toBe(3);
    expect(commit.execution).toMatchObject({ version: 4, historyLength: 9, status: 'RUNNING' });
    expect(commit.events).toHaveLength(2);
    expect(commit).not.toHaveProperty('lease');
    expect(commit).not.toHaveProperty('signalsSettled');
  });

  it('adds a row for each timer and task started, and removes those cancelled', () => {
    const commit = toCommit(
      record(),
      { kind: 'start', input: {} },
      result([
        invoke('k1'),
        { kind: 'startTimer', timerId: 't1', fireAt: NOW + 5, purpose: 'wait' },
        { kind: 'cancelTimer', timerId: 't0' },
        { kind: 'cancelTask', taskId: 'k0' },
      ]),
      NOW,
    );
    expect(commit.timersAdded).toEqual([{ executionArn: ARN, timerId: 't1', fireAt: NOW + 5 }]);
    expect(commit.timersRemoved).toEqual(['t0']);
    expect(commit.tasksAdded).toEqual([
      {
        executionArn: ARN,
        taskId: 'k1',
        resource: 'arn:aws:lambda:us-east-1:123456789012:function:f',
        command: invoke('k1'),
        createdAt: NOW,
      },
    ]);
    expect(commit.tasksRemoved).toEqual(['k0']);
  });

  it('gives a timer or task started and cancelled in the same step no row', () => {
    const commit = toCommit(
      record(),
      { kind: 'start', input: {} },
      result([
        { kind: 'startTimer', timerId: 't1', fireAt: NOW + 5, purpose: 'wait' },
        invoke('k1'),
        { kind: 'cancelTimer', timerId: 't1' },
        { kind: 'cancelTask', taskId: 'k1' },
      ]),
      NOW,
    );
    expect(commit.timersAdded).toEqual([]);
    expect(commit.tasksAdded).toEqual([]);
    expect(commit.timersRemoved).toEqual(['t1']);
    expect(commit.tasksRemoved).toEqual(['k1']);
  });

  it('removes the fired timer, and a task row only on its result', () => {
    expect(toCommit(record(), { kind: 'timerFired', timerId: 't9' }, result([]), NOW).timersRemoved).toEqual(['t9']);
    expect(
      toCommit(record(), { kind: 'taskSucceeded', taskId: 'k9', output: 1 }, result([]), NOW).tasksRemoved,
    ).toEqual(['k9']);
    expect(toCommit(record(), { kind: 'taskFailed', taskId: 'k9' }, result([]), NOW).tasksRemoved).toEqual(['k9']);
    for (const signal of [
      { kind: 'taskStarted', taskId: 'k9' },
      { kind: 'taskHeartbeat', taskId: 'k9' },
      { kind: 'taskSubmitted', taskId: 'k9', output: 1 },
    ] as const)
      expect(toCommit(record(), signal, result([]), NOW).tasksRemoved).toEqual([]);
  });

  it('records the end: stop date, output as JSON text, error and cause', () => {
    const ended: ExecutionState = { ...running(), status: 'FAILED', error: 'E', cause: 'C', output: { x: 1 } };
    const commit = toCommit(record(), { kind: 'stop' }, result([], ended), NOW);
    expect(commit.execution).toMatchObject({
      status: 'FAILED',
      stopDate: NOW,
      output: '{"x":1}',
      error: 'E',
      cause: 'C',
    });
  });

  it('a redrive that runs again counts itself and clears the last end', () => {
    const before = record({ status: 'FAILED', stopDate: 5, error: 'E', cause: 'C', output: 'null', redriveCount: 2 });
    const commit = toCommit(before, { kind: 'redrive' }, result([]), NOW);
    expect(commit.execution).toMatchObject({ status: 'RUNNING', redriveCount: 3, redriveDate: NOW });
    for (const gone of ['stopDate', 'output', 'error', 'cause']) expect(commit.execution).not.toHaveProperty(gone);
    expect(before).toMatchObject({ stopDate: 5, error: 'E', redriveCount: 2 });
  });

  it('carries the lease it is fenced by, and settles the inbox signal it applied', () => {
    const lease = { owner: 'node-a', now: NOW, until: NOW + 10 };
    const applied = toCommit(record(), { kind: 'stop' }, result([]), NOW, lease, 4);
    expect(applied.lease).toEqual(lease);
    expect(applied.signalsSettled).toEqual([{ id: 4, accepted: true }]);
    const ignored = toCommit(record(), { kind: 'stop' }, result([], running(), 0), NOW, undefined, 5);
    expect(ignored.signalsSettled).toEqual([{ id: 5, accepted: false }]);
  });

  it('a step that changes nothing is one with no events and no commands', () => {
    expect(changes(result([], running(), 0))).toBe(false);
    expect(changes(result([{ kind: 'cancelTimer', timerId: 't' }], running(), 0))).toBe(true);
    expect(changes(result([], running(), 1))).toBe(true);
  });
});
