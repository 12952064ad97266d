import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  ExecutionNotRedrivable,
  GetExecutionHistoryCommand,
  RedriveExecutionCommand,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { ROLE, gateDefinition, rejection, startHarness, storeKinds, type Harness } from './harness.js';

describe.each(storeKinds)('RedriveExecution (%s store)', (kind) => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness(kind);
  });
  afterEach(async () => {
    await h.close();
  });

  async function failedExecution(): Promise<string> {
    const { stateMachineArn } = await h.client.send(
      new CreateStateMachineCommand({ name: 'gated', definition: gateDefinition, roleArn: ROLE }),
    );
    const { executionArn } = await h.client.send(
      new StartExecutionCommand({ stateMachineArn, name: 'first', input: '{"n":1}' }),
    );
    await h.finish(executionArn as string, 'FAILED', { error: 'Flaky', cause: 'first attempt' });
    return executionArn as string;
  }

  it('continues a failed execution from the failed Task, with the same ARN, and counts the redrive', async () => {
    const executionArn = await failedExecution();
    const redriven = await h.client.send(new RedriveExecutionCommand({ executionArn }));
    expect(redriven.redriveDate).toBeInstanceOf(Date);

    const running = await h.client.send(new DescribeExecutionCommand({ executionArn }));
    expect(running.status).toBe('RUNNING');
    expect(running.redriveCount).toBe(1);
    expect(running.redriveDate).toBeInstanceOf(Date);

    await h.finish(executionArn, 'SUCCEEDED', { output: '{"ok":true}' });
    const done = await h.client.send(new DescribeExecutionCommand({ executionArn }));
    expect(done.status).toBe('SUCCEEDED');
    expect(done.output).toBe('{"ok":true}');

    const history = await h.client.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1000 }));
    const types = (history.events ?? []).map((e) => e.type);
    expect(types.filter((t) => t === 'ExecutionRedriven')).toHaveLength(1);
    expect(types.slice(types.indexOf('ExecutionRedriven'))).toEqual([
      'ExecutionRedriven',
      'TaskStateEntered',
      'LambdaFunctionScheduled',
      'LambdaFunctionStarted',
      'LambdaFunctionSucceeded',
      'TaskStateExited',
      'ExecutionSucceeded',
    ]);
    const ids = (history.events ?? []).map((e) => e.id);
    expect(ids).toEqual(ids.map((_, i) => i + 1));
  });

  it('refuses an execution that succeeded with ExecutionNotRedrivable', async () => {
    const { stateMachineArn } = await h.client.send(
      new CreateStateMachineCommand({ name: 'gated', definition: gateDefinition, roleArn: ROLE }),
    );
    const { executionArn } = await h.client.send(new StartExecutionCommand({ stateMachineArn, name: 'ok' }));
    await h.finish(executionArn as string, 'SUCCEEDED', { output: '{}' });
    const error = await rejection(h.client.send(new RedriveExecutionCommand({ executionArn })));
    expect(error).toBeInstanceOf(ExecutionNotRedrivable);
    expect(error.message).toBe('Execution is SUCCEEDED and cannot be redriven');
  });

  it('past the 14-day window, DescribeExecution and RedriveExecution give the same verdict', async () => {
    const executionArn = await failedExecution();
    const before = await h.client.send(new DescribeExecutionCommand({ executionArn }));
    expect(before.redriveStatus).toBe('REDRIVABLE');
    h.clock.now += 15 * 24 * 3600 * 1000;
    const reason = 'Execution stopped more than 14 days ago and cannot be redriven';
    const after = await h.client.send(new DescribeExecutionCommand({ executionArn }));
    expect(after).toMatchObject({ redriveStatus: 'NOT_REDRIVABLE', redriveStatusReason: reason });
    const error = await rejection(h.client.send(new RedriveExecutionCommand({ executionArn })));
    expect(error).toBeInstanceOf(ExecutionNotRedrivable);
    expect(error.message).toBe(reason);
  });
});
