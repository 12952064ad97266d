import { describe, expect, it } from 'vitest';
import { Driver, LAMBDA_ARN } from './support.js';

const SQS_CALLBACK = 'arn:aws:states:::sqs:sendMessage.waitForTaskToken';

describe('TaskSubmitted', () => {
  it('records the accepted request of a callback task, then waits for the callback', async () => {
    const driver = await Driver.start({
      StartAt: 'Send',
      States: {
        Send: { Type: 'Task', Resource: SQS_CALLBACK, Parameters: { QueueUrl: 'q', MessageBody: 'm' }, End: true },
      },
    });
    const task = driver.lastInvocation();
    await driver.send({ kind: 'taskSubmitted', taskId: task.taskId, output: { MessageId: 'abc' } });
    expect(driver.types().slice(-3)).toEqual(['TaskScheduled', 'TaskStarted', 'TaskSubmitted']);
    expect(driver.events.at(-1)?.taskSubmittedEventDetails).toEqual({
      resourceType: 'sqs',
      resource: 'sendMessage.waitForTaskToken',
      output: '{"MessageId":"abc"}',
      outputDetails: { truncated: false },
    });
    expect(driver.state.status).toBe('RUNNING');

    await driver.send({ kind: 'taskSucceeded', taskId: task.taskId, output: { from: 'callback' } });
    expect(driver.state.output).toEqual({ from: 'callback' });
  });

  it('is written once, however often the submission is reported', async () => {
    const driver = await Driver.start({
      StartAt: 'Send',
      States: { Send: { Type: 'Task', Resource: SQS_CALLBACK, End: true } },
    });
    const { taskId } = driver.lastInvocation();
    await driver.send({ kind: 'taskSubmitted', taskId, output: {} });
    await driver.send({ kind: 'taskSubmitted', taskId, output: {} });
    expect(driver.types().filter((t) => t === 'TaskSubmitted')).toHaveLength(1);
  });

  it('does not exist for legacy Lambda resources, which have their own events', async () => {
    const driver = await Driver.start({
      StartAt: 'Call',
      States: { Call: { Type: 'Task', Resource: LAMBDA_ARN, End: true } },
    });
    const result = await driver.send({ kind: 'taskSubmitted', taskId: driver.lastInvocation().taskId, output: {} });
    expect(result.events).toEqual([]);
  });
});
