/**
 * Status change events to webhooks, with a real local HTTP listener: the EventBridge shape, one
 * event per status; retries while the webhook is down, across a restart of the server (nothing
 * lost: the outbox is in the store); the dead-letter file after the last attempt.
 */
import { StopExecutionCommand } from '@aws-sdk/client-sfn';
import { createServer, type Server } from 'node:http';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Json } from '../../src/json.js';
import { TaskFailure } from '../../src/engine/task-invoker.js';
import { startExecution } from '../support/aws.js';
import { eventually } from '../support/async.js';
import { removeDir, tempDir } from '../support/files.js';
import { freePort, startTestServer, type TestServer } from '../support/server.js';

const OK = 'arn:aws:lambda:us-east-1:123456789012:function:ok';
const BAD = 'arn:aws:lambda:us-east-1:123456789012:function:bad';
const HANG = 'arn:aws:lambda:us-east-1:123456789012:function:hang';
const handlers = {
  [OK]: (input: Json) => input,
  [BAD]: () => {
    throw new TaskFailure('Boom', 'it broke');
  },
  [HANG]: () => new Promise<Json>(() => {}),
};
const task = (resource: string) => ({ StartAt: 'T', States: { T: { Type: 'Task', Resource: resource, End: true } } });

interface Received {
  headers: Record<string, string | string[] | undefined>;
  body: { id: string; 'detail-type': string; source: string; detail: Record<string, unknown> } & Record<
    string,
    unknown
  >;
}

/** A webhook on 127.0.0.1: records each POST and answers `status()`. */
async function listener(
  port = 0,
  status: () => number = () => 200,
): Promise<{ url: string; got: Received[]; server: Server }> {
  const got: Received[] = [];
  const server = createServer((req, res) => {
    let text = '';
    req.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
    req.on('end', () => {
      got.push({ headers: req.headers, body: JSON.parse(text) as Received['body'] });
      res.writeHead(status()).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const address = server.address();
  const bound = typeof address === 'object' && address ? address.port : port;
  return { url: `http://127.0.0.1:${bound}/hook`, got, server };
}

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});
const stopListener = (server: Server) => () => new Promise<void>((resolve) => server.close(() => resolve()));

async function server(options: NonNullable<Parameters<typeof startTestServer>[0]>): Promise<TestServer> {
  const s = await startTestServer({ store: 'sqlite', handlers, consoleDir: false, ...options });
  closers.push(() => s.close({ keepData: options.dataDir !== undefined }));
  return s;
}

const fast = { baseDelayMs: 20, maxDelayMs: 100, pollMs: 20, timeoutMs: 2000 };

describe('status change events', () => {
  it("POSTs each status a Standard execution takes, in EventBridge's shape", async () => {
    const hook = await listener();
    closers.push(stopListener(hook.server));
    const s = await server({ statusWebhooks: [hook.url], statusWebhookRetry: fast });
    const good = await s.createMachine('good', task(OK));
    const bad = await s.createMachine('bad', task(BAD));
    const hang = await s.createMachine('hang', task(HANG));
    const ok = await startExecution(s.client, good, { a: 1 });
    await s.untilDone(ok);
    const failed = await startExecution(s.client, bad);
    await s.untilDone(failed);
    const stopped = await startExecution(s.client, hang);
    await s.client.send(new StopExecutionCommand({ executionArn: stopped, error: 'Halt', cause: 'by the test' }));
    await s.untilDone(stopped);
    await eventually(async () => (hook.got.length >= 6 ? true : undefined), 'six events');
    const of = (arn: string) => hook.got.filter((r) => r.body.detail.executionArn === arn).map((r) => r.body);
    expect(of(ok).map((e) => e.detail.status)).toEqual(['RUNNING', 'SUCCEEDED']);
    expect(of(failed).map((e) => e.detail.status)).toEqual(['RUNNING', 'FAILED']);
    expect(of(stopped).map((e) => e.detail.status)).toEqual(['RUNNING', 'ABORTED']);
    const [running, succeeded] = of(ok);
    expect(succeeded).toMatchObject({
      version: '0',
      'detail-type': 'Step Functions Execution Status Change',
      source: 'aws.states',
      account: '123456789012',
      region: 'us-east-1',
      resources: [ok],
      detail: {
        executionArn: ok,
        stateMachineArn: good,
        status: 'SUCCEEDED',
        input: '{"a":1}',
        inputDetails: { included: true },
        output: '{"a":1}',
        outputDetails: { included: true },
        error: null,
        cause: null,
        redriveCount: 0,
        redriveStatus: 'NOT_REDRIVABLE',
      },
    });
    expect(succeeded!.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(typeof succeeded!.detail.startDate).toBe('number');
    expect(typeof succeeded!.detail.stopDate).toBe('number');
    expect(running!.detail).toMatchObject({ status: 'RUNNING', stopDate: null, output: null, outputDetails: null });
    expect(running!.id).not.toBe(succeeded!.id);
    expect(of(failed)[1]!.detail).toMatchObject({ error: 'Boom', cause: 'it broke', redriveStatus: 'REDRIVABLE' });
    expect(of(stopped)[1]!.detail).toMatchObject({ error: 'Halt', cause: 'by the test' });
    expect(hook.got[0]!.headers['content-type']).toBe('application/json');
  });

  it('keeps retrying while the webhook is down, across a restart, and delivers once it is up', async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}/hook`;
    const dataDir = tempDir('stepwise-webhooks-');
    closers.push(async () => removeDir(dataDir));
    const first = await startTestServer({
      store: 'sqlite',
      dataDir,
      handlers,
      consoleDir: false,
      statusWebhooks: [url],
      statusWebhookRetry: fast,
    });
    const machine = await first.createMachine('m', task(OK));
    const arn = await startExecution(first.client, machine, { n: 1 });
    await first.untilDone(arn);
    // Nothing listens: the attempts fail, the events stay in the outbox.
    await eventually(
      async () => ((first.server.statusWebhooks?.stats.retried ?? 0) >= 2 ? true : undefined),
      'failed attempts',
    );
    await first.close({ keepData: true });

    const hook = await listener(port);
    closers.push(stopListener(hook.server));
    const second = await server({ dataDir, statusWebhooks: [url], statusWebhookRetry: fast });
    await eventually(async () => (hook.got.length >= 2 ? true : undefined), 'the events after the restart');
    expect(hook.got.map((r) => [r.body.detail.executionArn, r.body.detail.status])).toEqual([
      [arn, 'RUNNING'],
      [arn, 'SUCCEEDED'],
    ]);
    // The listener records a request when it arrives; the deliverer counts it once the answer is back.
    await expect.poll(() => second.server.statusWebhooks?.stats.delivered).toBe(2);
  });

  it('gives an event up to the dead-letter file after the last attempt', async () => {
    const hook = await listener(0, () => 500);
    closers.push(stopListener(hook.server));
    const deadLetter = join(tempDir('stepwise-dead-'), 'dead.jsonl');
    closers.push(async () => removeDir(join(deadLetter, '..')));
    const s = await server({
      statusWebhooks: [hook.url],
      statusWebhookDeadLetter: deadLetter,
      statusWebhookRetry: { ...fast, maxAttempts: 3 },
    });
    const machine = await s.createMachine('m', task(OK));
    const arn = await startExecution(s.client, machine);
    await s.untilDone(arn);
    const lines = await eventually(async () => {
      if (!existsSync(deadLetter)) return undefined;
      const found = readFileSync(deadLetter, 'utf8').trim().split('\n');
      return found.length >= 2 ? found.map((l) => JSON.parse(l) as Record<string, unknown>) : undefined;
    }, 'two dead letters');
    expect(lines.map((l) => [l.target, l.attempts, l.error])).toEqual([
      [hook.url, 3, 'HTTP 500'],
      [hook.url, 3, 'HTTP 500'],
    ]);
    expect(lines.map((l) => (l.event as Received['body']).detail.status).sort()).toEqual(['RUNNING', 'SUCCEEDED']);
    // Three attempts each, then no more.
    expect(hook.got).toHaveLength(6);
  });
});
