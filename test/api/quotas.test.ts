/**
 * Per-server quotas, through the real server (startServer) and the SDK: executions in flight
 * (StartExecution beyond answers AWS's ExecutionLimitExceeded, and room comes back as executions
 * end), and the console's live event streams (one more than allowed is a 429 with an AWS-shaped
 * ThrottlingException body; a closed stream gives its place back).
 */
import { ExecutionLimitExceeded, StartExecutionCommand, StopExecutionCommand } from '@aws-sdk/client-sfn';
import { afterEach, describe, expect, it } from 'vitest';
import { rejection } from '../support/aws.js';
import { startTestServer, type TestServer } from '../support/server.js';

let t: TestServer;
afterEach(() => t.close());

const waitLong = { StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 3600, End: true } } };

describe('executions in flight (--max-executions-in-flight)', () => {
  it('StartExecution beyond the quota answers ExecutionLimitExceeded; a stopped execution makes room', async () => {
    t = await startTestServer({ maxExecutionsInFlight: 2 });
    const standard = await t.createMachine('waits', waitLong);
    const express = await t.createMachine('express-waits', waitLong, 'EXPRESS');
    const first = await t.client.send(new StartExecutionCommand({ stateMachineArn: standard }));
    await t.client.send(new StartExecutionCommand({ stateMachineArn: express }));

    for (const stateMachineArn of [standard, express]) {
      const refused = await rejection(t.client.send(new StartExecutionCommand({ stateMachineArn })));
      expect(refused).toBeInstanceOf(ExecutionLimitExceeded);
      expect(refused.$metadata?.httpStatusCode).toBe(400);
      expect(refused.message).toMatch(/^The maximum number of running executions has been reached \(2 on this server/);
    }
    // Idempotent StartExecution of a running execution is not a new one: still answered.
    const again = await t.client.send(
      new StartExecutionCommand({ stateMachineArn: standard, name: first.executionArn?.split(':').at(-1) }),
    );
    expect(again.executionArn).toBe(first.executionArn);

    await t.client.send(new StopExecutionCommand({ executionArn: first.executionArn }));
    const after = await t.client.send(new StartExecutionCommand({ stateMachineArn: standard }));
    expect(after.executionArn).toBeDefined();
  });
});

describe('console event streams (--max-event-streams)', () => {
  it('one stream more than the quota is a 429 ThrottlingException; closing one gives its place back', async () => {
    t = await startTestServer({ maxEventStreams: 1 });
    const machine = await t.createMachine('watched', waitLong);
    const { executionArn } = await t.client.send(new StartExecutionCommand({ stateMachineArn: machine }));
    const url = `${t.url}/console/api/executions/${encodeURIComponent(executionArn ?? '')}/events`;

    const watching = new AbortController();
    const open = await fetch(url, { signal: watching.signal });
    expect(open.status).toBe(200);
    const refused = await fetch(url);
    expect(refused.status).toBe(429);
    expect(refused.headers.get('x-amzn-errortype')).toBe('ThrottlingException');
    expect(await refused.json()).toEqual({
      __type: 'ThrottlingException',
      message: 'Rate exceeded: 1 event streams are open on this server (--max-event-streams)',
    });

    watching.abort();
    await open.body?.cancel().catch(() => undefined);
    await expect
      .poll(async () => {
        const next = await fetch(url);
        await next.body?.cancel();
        return next.status;
      })
      .toBe(200);
  });
});
