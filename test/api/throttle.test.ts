/**
 * API throttling, off by default: with `--api-throttle`, each action (or group of actions) has a
 * token bucket; a request that finds it empty is answered ThrottlingException ("Rate exceeded",
 * HTTP 400) and does not run, and the bucket refills at its rate.
 */
import { DescribeStateMachineCommand, ListStateMachinesCommand, SFNServiceException } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiThrottle, ThrottleSpecError, TokenBucket } from '../../src/api/throttle.js';
import { startServer } from '../../src/server.js';
import { rejection } from '../support/aws.js';
import { startTestServer, type TestServer } from '../support/server.js';

describe('a token bucket', () => {
  it('allows its burst at once, then its refill rate', () => {
    let now = 0;
    const bucket = new TokenBucket({ burst: 3, refillPerSecond: 2 }, () => now);
    expect([bucket.take(), bucket.take(), bucket.take(), bucket.take()]).toEqual([true, true, true, false]);
    now += 499;
    expect(bucket.take()).toBe(false);
    now += 1;
    expect(bucket.take()).toBe(true);
    expect(bucket.take()).toBe(false);
  });

  it('never holds more than its burst, however long it rested', () => {
    let now = 0;
    const bucket = new TokenBucket({ burst: 2, refillPerSecond: 100 }, () => now);
    now += 60_000;
    expect([bucket.take(), bucket.take(), bucket.take()]).toEqual([true, true, false]);
  });
});

describe('the throttle specification', () => {
  it('actions joined by + share one bucket; * gives every other action a bucket of its own', () => {
    const now = 0;
    const throttle = ApiThrottle.parse('SendTaskSuccess+SendTaskFailure=2/0, *=1/0', () => now);
    throttle.take('SendTaskSuccess');
    throttle.take('SendTaskFailure');
    expect(() => throttle.take('SendTaskSuccess')).toThrow('Rate exceeded');
    throttle.take('ListExecutions');
    throttle.take('DescribeExecution');
    expect(() => throttle.take('ListExecutions')).toThrow('Rate exceeded');
  });

  it('actions it does not name are not throttled when there is no *', () => {
    const throttle = ApiThrottle.parse('StartExecution=1/0');
    for (let i = 0; i < 100; i++) throttle.take('DescribeExecution');
  });

  it.each([
    ['', 'the API throttle specification is empty'],
    ['StartExecution=800', "'StartExecution=800' in the API throttle specification is not"],
    ['StartExecutions=1/1', "'StartExecutions' in the API throttle specification is not a Step Functions API action"],
    ['StartExecution=1/1,StartExecution=2/2', "'StartExecution' appears twice in the API throttle specification"],
    ['StartExecution=0/1', "'StartExecution=0/1': the burst must be at least 1"],
  ])('%j is refused: %s', (spec, message) => {
    expect(() => ApiThrottle.parse(spec)).toThrow(ThrottleSpecError);
    expect(() => ApiThrottle.parse(spec)).toThrow(message);
  });

  it('a bad specification stops the server from starting, with the reason', async () => {
    await expect(startServer({ port: 0, apiThrottle: 'Describe=1/1', logLevel: 'silent' })).rejects.toThrow(
      "'Describe' in the API throttle specification is not a Step Functions API action",
    );
  });
});

describe('a server started with --api-throttle', () => {
  let sw: TestServer;
  let arn: string;
  beforeAll(async () => {
    // Refills too slowly to matter within the test: the third DescribeStateMachine is throttled.
    sw = await startTestServer({ apiThrottle: 'DescribeStateMachine=2/0.001' });
    arn = await sw.createMachine('throttled', { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } });
  });
  afterAll(() => sw.close());

  it('answers ThrottlingException once the bucket is empty, through the SDK', async () => {
    await sw.client.send(new DescribeStateMachineCommand({ stateMachineArn: arn }));
    await sw.client.send(new DescribeStateMachineCommand({ stateMachineArn: arn }));
    const error = await rejection(sw.client.send(new DescribeStateMachineCommand({ stateMachineArn: arn })));
    expect(error).toBeInstanceOf(SFNServiceException);
    expect(error).toMatchObject({ name: 'ThrottlingException', message: 'Rate exceeded' });
    expect((error as SFNServiceException).$metadata.httpStatusCode).toBe(400);
  });

  it('leaves the actions it does not name alone', async () => {
    for (let i = 0; i < 5; i++) await sw.client.send(new ListStateMachinesCommand({}));
  });

  it("answers in AWS's JSON shape over plain HTTP", async () => {
    const response = await fetch(sw.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': 'AWSStepFunctions.DescribeStateMachine',
      },
      body: JSON.stringify({ stateMachineArn: arn }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ __type: 'ThrottlingException', message: 'Rate exceeded' });
  });
});
