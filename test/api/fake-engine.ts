/**
 * A stand-in Engine for the API tests until the real one lands: Standard executions are created
 * RUNNING in the store (one ExecutionStarted event) and finished by the test with `finish`; Express
 * ones are not recorded; StartSyncExecution echoes its input, or fails when the input says
 * `{"fail": "<error>"}`.
 */
import type { Engine, StartRequest, StartResult, StopResult, SyncResult } from '../../src/engine/engine.js';
import { historyEvent, type HistoryEvent } from '../../src/interpreter/history.js';
import type { ExecutionState, TerminalStatus } from '../../src/interpreter/types.js';
import { isJsonObject } from '../../src/json.js';
import type { ExecutionRecord, ExecutionStore } from '../../src/store/types.js';

export class FakeEngine implements Engine {
  constructor(
    private readonly store: ExecutionStore,
    private readonly now: () => number,
  ) {}

  async startExecution(request: StartRequest): Promise<StartResult | { alreadyExists: ExecutionRecord }> {
    const machine = request.stateMachine;
    const base = machine.arn.replace(':stateMachine:', machine.type === 'EXPRESS' ? ':express:' : ':execution:');
    if (machine.type === 'EXPRESS') return { executionArn: `${base}:${request.name}:${crypto.randomUUID()}`, startDate: this.now() };
    const arn = `${base}:${request.name}`;
    const existing = await this.store.getExecution(arn);
    if (existing) return { alreadyExists: existing };
    const startDate = this.now();
    const state: ExecutionState = {
      status: 'RUNNING',
      info: {
        executionArn: arn,
        executionName: request.name,
        stateMachineArn: machine.arn,
        stateMachineName: machine.name,
        roleArn: machine.roleArn,
        startTime: startDate,
        redriveCount: 0,
        stateMachineType: machine.type,
      },
      input: request.input,
      lastEventId: 1,
      seq: 0,
      frames: {},
      waits: {},
    };
    const execution: ExecutionRecord = {
      arn,
      stateMachineArn: machine.arn,
      stateMachineVersionArn: request.stateMachineVersionArn,
      stateMachineAliasArn: request.stateMachineAliasArn,
      name: request.name,
      definition: machine.definition,
      status: 'RUNNING',
      startDate,
      input: request.inputText,
      redriveCount: 0,
      state,
      version: 1,
      historyLength: 1,
    };
    const started = historyEvent({ id: 1, previousEventId: 0, timestamp: startDate }, 'ExecutionStarted', {
      input: request.inputText,
      inputDetails: { truncated: false },
      roleArn: machine.roleArn,
    });
    await this.commit(execution, 0, [started]);
    return { executionArn: arn, startDate };
  }

  async startSyncExecution(request: StartRequest): Promise<SyncResult> {
    const machine = request.stateMachine;
    const startDate = this.now();
    const failure = isJsonObject(request.input) && typeof request.input.fail === 'string' ? request.input.fail : undefined;
    return {
      executionArn: `${machine.arn.replace(':stateMachine:', ':express:')}:${request.name}:${crypto.randomUUID()}`,
      stateMachineArn: machine.arn,
      name: request.name,
      startDate,
      stopDate: startDate + 5,
      status: failure ? 'FAILED' : 'SUCCEEDED',
      input: request.inputText,
      ...(failure ? { error: failure, cause: 'the input asked to fail' } : { output: request.inputText }),
    };
  }

  async stopExecution(executionArn: string, error?: string, cause?: string): Promise<StopResult> {
    const execution = await this.store.getExecution(executionArn);
    if (!execution) return { notFound: true };
    if (execution.status !== 'RUNNING') return { notRunning: execution };
    const stopDate = await this.finish(executionArn, 'ABORTED', { error, cause });
    return { stopDate };
  }

  async redriveExecution(executionArn: string): Promise<{ redriveDate: number } | { notRedrivable: string }> {
    const execution = await this.store.getExecution(executionArn);
    if (!execution) throw new Error(`no execution ${executionArn}`);
    if (execution.status === 'RUNNING' || execution.status === 'SUCCEEDED') {
      return { notRedrivable: `Execution is ${execution.status} and cannot be redriven` };
    }
    const redriveDate = this.now();
    const redriveCount = execution.redriveCount + 1;
    const event = historyEvent(this.position(execution), 'ExecutionRedriven', { redriveCount });
    await this.commit(
      { ...execution, status: 'RUNNING', stopDate: undefined, error: undefined, cause: undefined, redriveCount, redriveDate, historyLength: event.id },
      execution.version,
      [event],
    );
    return { redriveDate };
  }

  /** Test control: ends a RUNNING execution. Returns its stop date. */
  async finish(executionArn: string, status: TerminalStatus, result: { output?: string; error?: string; cause?: string } = {}): Promise<number> {
    const execution = await this.store.getExecution(executionArn);
    if (!execution) throw new Error(`no execution ${executionArn}`);
    const stopDate = this.now();
    const position = this.position(execution);
    const event =
      status === 'SUCCEEDED'
        ? historyEvent(position, 'ExecutionSucceeded', { output: result.output ?? '{}', outputDetails: { truncated: false } })
        : status === 'FAILED'
          ? historyEvent(position, 'ExecutionFailed', { error: result.error, cause: result.cause })
          : status === 'TIMED_OUT'
            ? historyEvent(position, 'ExecutionTimedOut', { error: result.error, cause: result.cause })
            : historyEvent(position, 'ExecutionAborted', { error: result.error, cause: result.cause });
    await this.commit({ ...execution, status, stopDate, ...result, historyLength: event.id }, execution.version, [event]);
    return stopDate;
  }

  /** Test control: appends `count` Pass state events, to page through a long history. */
  async addPassEvents(executionArn: string, count: number): Promise<void> {
    const execution = await this.store.getExecution(executionArn);
    if (!execution) throw new Error(`no execution ${executionArn}`);
    const events: HistoryEvent[] = [];
    for (let i = 0; i < count; i++) {
      const id = execution.historyLength + 1 + i;
      const position = { id, previousEventId: id - 1, timestamp: this.now() };
      events.push(
        i % 2 === 0
          ? historyEvent(position, 'PassStateEntered', { name: `P${i}`, input: '{"x":1}', inputDetails: { truncated: false } })
          : historyEvent(position, 'PassStateExited', { name: `P${i - 1}`, output: '{"x":1}', outputDetails: { truncated: false } }),
      );
    }
    await this.commit({ ...execution, historyLength: execution.historyLength + count }, execution.version, events);
  }

  async start(): Promise<void> {}
  async close(): Promise<void> {}

  private position(execution: ExecutionRecord) {
    return { id: execution.historyLength + 1, previousEventId: execution.historyLength, timestamp: this.now() };
  }

  private async commit(execution: ExecutionRecord, expectedVersion: number, events: HistoryEvent[]): Promise<void> {
    const [result] = await this.store.commit([
      { expectedVersion, execution: { ...execution, version: expectedVersion + 1 }, events, timersAdded: [], timersRemoved: [], tasksAdded: [], tasksRemoved: [] },
    ]);
    if (result !== 'ok') throw new Error(`commit conflict for ${execution.arn}`);
  }
}
