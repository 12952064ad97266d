/** Through the API: an Express execution longer than five minutes ends TIMED_OUT with States.Timeout. */
import { CreateStateMachineCommand, StartSyncExecutionCommand } from '@aws-sdk/client-sfn';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GATE_RESOURCE, ROLE, startHarness, type Harness } from './harness.js';

describe('the Express five-minute limit through the API', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness('memory');
  });
  afterEach(() => h.close());

  const create = async (name: string, definition: object) =>
    (
      await h.client.send(
        new CreateStateMachineCommand({ name, definition: JSON.stringify(definition), roleArn: ROLE, type: 'EXPRESS' }),
      )
    ).stateMachineArn!;

  it('StartSyncExecution of a 400-second Wait ends TIMED_OUT at five minutes', async () => {
    const arn = await create('wait400', { StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 400, End: true } } });
    const r = await h.client.send(new StartSyncExecutionCommand({ stateMachineArn: arn }));
    expect(r).toMatchObject({ status: 'TIMED_OUT', error: 'States.Timeout' });
    expect(r.stopDate!.getTime() - r.startDate!.getTime()).toBeGreaterThanOrEqual(300_000);
    expect(r.stopDate!.getTime() - r.startDate!.getTime()).toBeLessThan(301_000);
  });

  it('StartSyncExecution of a task that does not answer for 400 s ends TIMED_OUT', async () => {
    const arn = await create('slow', {
      StartAt: 'T',
      States: { T: { Type: 'Task', Resource: GATE_RESOURCE, TimeoutSeconds: 400, End: true } },
    });
    const r = await h.client.send(new StartSyncExecutionCommand({ stateMachineArn: arn }));
    expect(r).toMatchObject({ status: 'TIMED_OUT', error: 'States.Timeout' });
  });
});
