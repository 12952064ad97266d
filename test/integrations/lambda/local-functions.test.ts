/**
 * Local functions in place of Lambda, through the real API and SDK: legacy function ARNs and
 * arn:aws:states:::lambda:invoke, results, Lambda's error reporting, Retry/Catch, timeouts,
 * runaway and crashing functions, cancellation, and .mjs/.cjs/.ts modules.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DescribeExecutionCommand, SendTaskSuccessCommand, StopExecutionCommand } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalFunctions } from '../../../src/integrations/lambda/index.js';
import { eventTypes } from '../../support/aws.js';
import { removeDir, tempDir } from '../../support/files.js';
import { fn, startLambdaServer, task, type LambdaServer } from './support.js';

const INVOKE = 'arn:aws:states:::lambda:invoke';

let server: LambdaServer;

beforeAll(async () => {
  server = await startLambdaServer({ maxWorkers: 4 });
});

afterAll(async () => {
  await server.close();
});

async function until(probe: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('legacy Lambda function ARNs', () => {
  it('the result of a function ARN Task is the handler return value, with LambdaFunction events in history', async () => {
    const r = await server.run(task(fn('echo')), { name: 'Ada' });
    expect(r.status).toBe('SUCCEEDED');
    const output = r.output as Record<string, unknown>;
    expect(output.event).toEqual({ name: 'Ada' });
    expect(eventTypes(r.history)).toEqual([
      'ExecutionStarted',
      'TaskStateEntered',
      'LambdaFunctionScheduled',
      'LambdaFunctionStarted',
      'LambdaFunctionSucceeded',
      'TaskStateExited',
      'ExecutionSucceeded',
    ]);
    expect(r.history[2]!.lambdaFunctionScheduledEventDetails?.resource).toBe(fn('echo'));
  });

  it('the handler gets a Lambda context: names, ARN, request id, memory, log group and remaining time', async () => {
    const r = await server.run(
      task('arn:aws:lambda:eu-west-1:111122223333:function:echo:live', { TimeoutSeconds: 30 }),
    );
    const output = r.output as Record<string, unknown>;
    expect(output).toMatchObject({
      functionName: 'echo',
      functionVersion: '$LATEST',
      invokedFunctionArn: 'arn:aws:lambda:eu-west-1:111122223333:function:echo:live',
      memoryLimitInMB: '128',
      logGroupName: '/aws/lambda/echo',
      region: 'eu-west-1',
      envFunctionName: 'echo',
    });
    expect(output.awsRequestId).toMatch(/^[0-9a-f-]{36}$/);
    // TimeoutSeconds is the function's timeout: the clock starts when the handler is called.
    expect(output.remaining).toBeGreaterThan(29_000);
    expect(output.remaining).toBeLessThanOrEqual(30_000);
  });

  it('a TypeScript function runs, with its own imports', async () => {
    const r = await server.run(task(fn('greet')), { name: 'Grace' });
    expect(r).toMatchObject({ status: 'SUCCEEDED', output: { message: 'Hello, Grace!' } });
  });

  it('a CommonJS function in the callback style answers through its callback', async () => {
    expect(await server.run(task(fn('callback')), { value: 21 })).toMatchObject({
      status: 'SUCCEEDED',
      output: { doubled: 42 },
    });
    const failed = await server.run(task(fn('callback')), { fail: true });
    expect(failed).toMatchObject({ status: 'FAILED', error: 'TypeError' });
  });

  it('a folder with an index module is a function too', async () => {
    expect(await server.run(task(fn('greet-dir')), { name: 'Ada' })).toMatchObject({
      status: 'SUCCEEDED',
      output: 'hi Ada',
    });
  });

  it('a warm worker keeps module state between invocations, as a warm Lambda does', async () => {
    const first = await server.run(task(fn('counter')));
    const second = await server.run(task(fn('counter')));
    expect((second.output as { count: number }).count).toBe((first.output as { count: number }).count + 1);
  });

  it('a thrown error fails the task with its name as the error and Lambda error document as the cause', async () => {
    const r = await server.run(task(fn('custom-error')));
    expect(r.status).toBe('FAILED');
    expect(r.error).toBe('CustomError');
    const cause = JSON.parse(r.cause!) as { errorType: string; errorMessage: string; trace: string[] };
    expect(Object.keys(cause)).toEqual(['errorType', 'errorMessage', 'trace']);
    expect(cause).toMatchObject({ errorType: 'CustomError', errorMessage: 'This is a custom error!' });
    expect(cause.trace[0]).toBe('CustomError: This is a custom error!');
    const failed = r.history.find((e) => e.type === 'LambdaFunctionFailed');
    expect(failed?.lambdaFunctionFailedEventDetails).toEqual({ error: 'CustomError', cause: r.cause });
  });

  it('Catch on the custom error name catches a thrown CustomError', async () => {
    const r = await server.run({
      StartAt: 'Call',
      States: {
        Call: {
          Type: 'Task',
          Resource: fn('custom-error'),
          Catch: [{ ErrorEquals: ['CustomError'], ResultPath: '$.caught', Next: 'Handled' }],
          End: true,
        },
        Handled: { Type: 'Pass', End: true },
      },
    });
    expect(r.status).toBe('SUCCEEDED');
    expect((r.output as { caught: { Error: string } }).caught.Error).toBe('CustomError');
  });

  it('Retry on a thrown error name runs the function again until it succeeds', async () => {
    const r = await server.run(
      task(fn('flaky'), {
        Parameters: { 'retry.$': '$$.State.RetryCount', succeedOn: 2 },
        Retry: [
          { ErrorEquals: ['FlakyError'], IntervalSeconds: 1, MaxAttempts: 3, BackoffRate: 1, MaxDelaySeconds: 1 },
        ],
      }),
    );
    expect(r).toMatchObject({ status: 'SUCCEEDED', output: { succeededOn: 2 } });
    expect(eventTypes(r.history).filter((t) => t === 'LambdaFunctionFailed')).toHaveLength(2);
  }, 10_000);

  it('a missing function fails with Lambda.ResourceNotFoundException naming its ARN', async () => {
    const r = await server.run(task(fn('nowhere')));
    expect(r.error).toBe('Lambda.ResourceNotFoundException');
    expect(r.cause).toMatch(
      /^Function not found: arn:aws:lambda:us-east-1:123456789012:function:nowhere \(Service: AWSLambda; Status Code: 404; Error Code: ResourceNotFoundException; Request ID: [0-9a-f-]{36}; Proxy: null\)$/,
    );
  });

  it('a module without a handler export fails with Runtime.HandlerNotFound', async () => {
    const r = await server.run(task(fn('no-handler')));
    expect(r.error).toBe('Runtime.HandlerNotFound');
    expect(JSON.parse(r.cause!)).toMatchObject({ errorMessage: 'no-handler.handler is undefined or not exported' });
  });

  it('a module that does not parse fails with Runtime.UserCodeSyntaxError', async () => {
    const dir = tempDir('stepwise-functions-');
    writeFileSync(join(dir, 'broken.mjs'), 'export const handler = async () => {\n');
    const other = await startLambdaServer({ functionsDir: dir });
    try {
      const r = await other.run(task(fn('broken')));
      expect(r.error).toBe('Runtime.UserCodeSyntaxError');
      expect(JSON.parse(r.cause!)).toMatchObject({
        errorType: 'Runtime.UserCodeSyntaxError',
        errorMessage: expect.stringMatching(/^SyntaxError: /) as unknown,
      });
    } finally {
      await other.close();
      removeDir(dir);
    }
  });
});

describe('timeouts, runaway and crashing functions', () => {
  it('a hanging function with TimeoutSeconds 1 times out with States.Timeout and its worker is recycled', async () => {
    const started = Date.now();
    const r = await server.run(task(fn('hang'), { TimeoutSeconds: 1 }));
    expect(r.status).toBe('FAILED');
    expect(r.error).toBe('States.Timeout');
    expect(eventTypes(r.history)).toContain('LambdaFunctionTimedOut');
    expect(Date.now() - started).toBeLessThan(4000);
    // The cancelled task's thread is terminated, not left hanging.
    await until(() => !hasBusyWorker(), 'the hanging worker to be terminated');
  });

  it('a function that outlives its own timeout (no TimeoutSeconds) fails with Lambda.Unknown, as Lambda reports timeouts', async () => {
    const quick = await startLambdaServer({ defaultTimeoutSeconds: 1 });
    try {
      const r = await quick.run(task(fn('hang')));
      expect(r.error).toBe('Lambda.Unknown');
      expect(r.cause).toMatch(
        /^The cause could not be determined because Lambda did not return an error type\. Returned payload: \{"errorMessage":"\d{4}-\d\d-\d\dT[\d:.]+Z [0-9a-f-]{36} Task timed out after 1\.00 seconds"\}$/,
      );
      // Lambda.Unknown is matched by States.TaskFailed, as AWS documents.
      const caught = await quick.run({
        StartAt: 'Call',
        States: {
          Call: {
            Type: 'Task',
            Resource: fn('hang'),
            Catch: [{ ErrorEquals: ['States.TaskFailed'], Next: 'Handled' }],
            End: true,
          },
          Handled: { Type: 'Pass', End: true },
        },
      });
      expect(caught.status).toBe('SUCCEEDED');
    } finally {
      await quick.close();
    }
  }, 10_000);

  it('an infinite loop does not block the server: other executions complete meanwhile, and stopping it frees its thread', async () => {
    const looping = await server.start(await server.create(task(fn('loop'), { TimeoutSeconds: 30 })));
    await until(() => hasBusyWorker(), 'the loop to start');
    const others = await Promise.all([1, 2, 3, 4, 5].map((n) => server.run(task(fn('echo')), { n })));
    expect(others.map((o) => o.status)).toEqual(['SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED']);
    expect((await server.client.send(new DescribeExecutionCommand({ executionArn: looping }))).status).toBe('RUNNING');
    await server.client.send(new StopExecutionCommand({ executionArn: looping }));
    expect((await server.wait(looping)).status).toBe('ABORTED');
    await until(() => !hasBusyWorker(), 'the looping worker to be terminated');
  }, 15_000);

  it('process.exit in a function fails its task with Runtime.ExitError and never the engine', async () => {
    const r = await server.run(task(fn('exit')));
    expect(r.error).toBe('Runtime.ExitError');
    expect(JSON.parse(r.cause!)).toEqual({
      errorType: 'Runtime.ExitError',
      errorMessage: expect.stringMatching(
        /^RequestId: [0-9a-f-]{36} Error: Runtime exited with error: exit status 3$/,
      ) as unknown,
    });
    expect(await server.run(task(fn('echo')))).toMatchObject({ status: 'SUCCEEDED' });
  });

  it('an error thrown outside the handler promise crashes only that worker; the next invocation gets a new one', async () => {
    const r = await server.run(task(fn('crash')));
    expect(r.error).toBe('RangeError');
    expect(JSON.parse(r.cause!)).toMatchObject({
      errorType: 'RangeError',
      errorMessage: 'crashed outside the handler',
    });
    expect((await server.run(task(fn('crash')))).error).toBe('RangeError');
    expect(await server.run(task(fn('echo')))).toMatchObject({ status: 'SUCCEEDED' });
  });

  it('stopping an execution terminates the worker running its function', async () => {
    const executionArn = await server.start(await server.create(task(fn('hang'), { TimeoutSeconds: 60 })));
    await until(() => hasBusyWorker(), 'the function to start');
    await server.client.send(new StopExecutionCommand({ executionArn }));
    expect((await server.wait(executionArn)).status).toBe('ABORTED');
    await until(() => !hasBusyWorker(), 'the worker to be terminated');
  });
});

describe('arn:aws:states:::lambda:invoke', () => {
  it('the result is the Invoke response envelope with the Payload parsed', async () => {
    const r = await server.run(task(INVOKE, { Parameters: { FunctionName: 'echo', 'Payload.$': '$' } }), {
      hello: 'world',
    });
    expect(r.status).toBe('SUCCEEDED');
    const output = r.output as {
      ExecutedVersion: string;
      Payload: { event: unknown };
      SdkHttpMetadata: {
        AllHttpHeaders: Record<string, string[]>;
        HttpHeaders: Record<string, string>;
        HttpStatusCode: number;
      };
      SdkResponseMetadata: { RequestId: string };
      StatusCode: number;
    };
    expect(Object.keys(output)).toEqual([
      'ExecutedVersion',
      'Payload',
      'SdkHttpMetadata',
      'SdkResponseMetadata',
      'StatusCode',
    ]);
    expect(output.ExecutedVersion).toBe('$LATEST');
    expect(output.StatusCode).toBe(200);
    expect(output.Payload.event).toEqual({ hello: 'world' });
    expect(output.SdkHttpMetadata.HttpStatusCode).toBe(200);
    expect(Object.keys(output.SdkHttpMetadata.HttpHeaders)).toEqual([
      'Connection',
      'Content-Length',
      'Content-Type',
      'Date',
      'X-Amz-Executed-Version',
      'x-amzn-Remapped-Content-Length',
      'x-amzn-RequestId',
      'X-Amzn-Trace-Id',
    ]);
    expect(output.SdkHttpMetadata.AllHttpHeaders['X-Amz-Executed-Version']).toEqual(['$LATEST']);
    expect(output.SdkHttpMetadata.HttpHeaders['x-amzn-RequestId']).toBe(output.SdkResponseMetadata.RequestId);
    expect(Number(output.SdkHttpMetadata.HttpHeaders['Content-Length'])).toBe(
      Buffer.byteLength(JSON.stringify(output.Payload)),
    );
    expect(eventTypes(r.history)).toContain('TaskSucceeded');
    const scheduled = r.history.find((e) => e.type === 'TaskScheduled')!.taskScheduledEventDetails!;
    expect(scheduled).toMatchObject({ resourceType: 'lambda', resource: 'invoke' });
  });

  it('FunctionName may be a full ARN, a partial ARN or a name with a qualifier', async () => {
    for (const name of [
      'arn:aws:lambda:us-east-1:123456789012:function:echo',
      '123456789012:function:echo:live',
      'echo:7',
    ]) {
      const r = await server.run(task(INVOKE, { Parameters: { FunctionName: name, Payload: { n: 1 } } }));
      expect(r.status).toBe('SUCCEEDED');
    }
    const versioned = await server.run(task(INVOKE, { Parameters: { FunctionName: 'echo', Qualifier: '7' } }));
    expect(versioned.output).toMatchObject({
      ExecutedVersion: '7',
      Payload: { invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:echo:7' },
    });
  });

  it('a qualifier that contradicts the one in FunctionName fails as Lambda refuses it', async () => {
    const r = await server.run(task(INVOKE, { Parameters: { FunctionName: 'echo:live', Qualifier: 'dev' } }));
    expect(r.error).toBe('Lambda.InvalidParameterValueException');
    expect(r.cause).toMatch(
      /^The derived qualifier from the function name does not match the specified qualifier\. \(Service: AWSLambda; Status Code: 400;/,
    );
  });

  it('ClientContext reaches the function as context.clientContext', async () => {
    const clientContext = Buffer.from(JSON.stringify({ custom: { tenant: 'acme' } })).toString('base64');
    const r = await server.run(task(INVOKE, { Parameters: { FunctionName: 'echo', ClientContext: clientContext } }));
    expect((r.output as { Payload: { clientContext: unknown } }).Payload.clientContext).toEqual({
      custom: { tenant: 'acme' },
    });
  });

  it('InvocationType Event answers 202 with an empty Payload at once', async () => {
    const r = await server.run(
      task(INVOKE, { Parameters: { FunctionName: 'slow', InvocationType: 'Event', Payload: { ms: 300 } } }),
    );
    expect(r.output).toMatchObject({ Payload: '', StatusCode: 202, SdkHttpMetadata: { HttpStatusCode: 202 } });
    expect(r.output).not.toHaveProperty('ExecutedVersion');
  });

  it('a thrown error fails the task with the errorType, so Catch on CustomError works', async () => {
    const r = await server.run({
      StartAt: 'Call',
      States: {
        Call: {
          Type: 'Task',
          Resource: INVOKE,
          Parameters: { FunctionName: 'custom-error' },
          Catch: [{ ErrorEquals: ['CustomError'], Next: 'Handled' }],
          End: true,
        },
        Handled: { Type: 'Pass', End: true },
      },
    });
    expect(r.status).toBe('SUCCEEDED');
    const failed = r.history.find((e) => e.type === 'TaskFailed')!.taskFailedEventDetails!;
    expect(failed).toMatchObject({ resourceType: 'lambda', resource: 'invoke', error: 'CustomError' });
    expect(JSON.parse(failed.cause!)).toMatchObject({
      errorType: 'CustomError',
      errorMessage: 'This is a custom error!',
    });
  });

  it('a hanging function with TimeoutSeconds 1 times out with States.Timeout', async () => {
    const r = await server.run(task(INVOKE, { Parameters: { FunctionName: 'hang' }, TimeoutSeconds: 1 }));
    expect(r.error).toBe('States.Timeout');
    expect(eventTypes(r.history)).toContain('TaskTimedOut');
  });

  it('a missing function fails with Lambda.ResourceNotFoundException', async () => {
    const r = await server.run(
      task(INVOKE, { Parameters: { FunctionName: 'arn:aws:lambda:eu-west-1:111122223333:function:absent' } }),
    );
    expect(r.error).toBe('Lambda.ResourceNotFoundException');
    expect(r.cause).toMatch(/^Function not found: arn:aws:lambda:eu-west-1:111122223333:function:absent \(/);
  });

  it('lambda:invoke.waitForTaskToken runs the function with the token, then waits for SendTaskSuccess', async () => {
    const dir = tempDir('stepwise-token-');
    const file = join(dir, 'event.json');
    try {
      const executionArn = await server.start(
        await server.create(
          task(`${INVOKE}.waitForTaskToken`, {
            Parameters: { FunctionName: 'record', Payload: { file, 'token.$': '$$.Task.Token' } },
          }),
        ),
      );
      await until(() => existsSync(file), 'the function to record its event');
      const { token } = JSON.parse(readFileSync(file, 'utf8')) as { token: string };
      const running = await server.client.send(new DescribeExecutionCommand({ executionArn }));
      expect(running.status).toBe('RUNNING');
      await server.client.send(
        new SendTaskSuccessCommand({ taskToken: token, output: JSON.stringify({ approved: true }) }),
      );
      expect(await server.wait(executionArn)).toMatchObject({ status: 'SUCCEEDED', output: { approved: true } });
    } finally {
      removeDir(dir);
    }
  });

  it('Express executions (StartSyncExecution) run local functions too', async () => {
    const r = await server.sync(
      task(INVOKE, { Parameters: { FunctionName: 'greet', Payload: { name: 'Ada' } }, OutputPath: '$.Payload' }),
    );
    expect(r).toEqual({ status: 'SUCCEEDED', output: { message: 'Hello, Ada!' } });
  });
});

function hasBusyWorker(): boolean {
  return (server.lambda.backend as LocalFunctions).busyWorkers > 0;
}
