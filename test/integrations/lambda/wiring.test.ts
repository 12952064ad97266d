/**
 * Where local functions are configured: `startServer({ functionsDir })` (what `stepwise serve
 * --functions-dir` / STEPWISE_FUNCTIONS_DIR set), and the library's `execute(..., { functionsDir })`.
 */
import { StartSyncExecutionCommand } from '@aws-sdk/client-sfn';
import { describe, expect, it } from 'vitest';
import { execute, type Json } from '../../../src/index.js';
import { startTestServer } from '../../support/server.js';
import { FUNCTIONS_DIR, fn, task } from './support.js';

describe('configuring local functions', () => {
  it('startServer runs Lambda resources with the functions in functionsDir', async () => {
    const server = await startTestServer({ functionsDir: FUNCTIONS_DIR });
    try {
      const stateMachineArn = await server.createMachine(
        'wired',
        task('arn:aws:states:::lambda:invoke', {
          Parameters: { FunctionName: 'greet', 'Payload.$': '$' },
          OutputPath: '$.Payload',
        }),
        'EXPRESS',
      );
      const r = await server.client.send(
        new StartSyncExecutionCommand({ stateMachineArn, input: JSON.stringify({ name: 'Ada' }) }),
      );
      expect(r.status).toBe('SUCCEEDED');
      expect(JSON.parse(r.output!)).toEqual({ message: 'Hello, Ada!' });
    } finally {
      await server.close();
    }
  });

  it('execute() with functionsDir runs Lambda resources locally, and handlers still come first', async () => {
    const definition = {
      StartAt: 'Greet',
      States: {
        Greet: { Type: 'Task', Resource: fn('greet'), Next: 'Shout' },
        Shout: { Type: 'Task', Resource: fn('shout'), End: true },
      },
    };
    const result = await execute(
      definition,
      { name: 'Grace' },
      {
        functionsDir: FUNCTIONS_DIR,
        handlers: {
          [fn('shout')]: (input) => ({ loud: String((input as { message: string }).message).toUpperCase() }),
        },
      },
    );
    expect(result).toMatchObject({ status: 'SUCCEEDED', output: { loud: 'HELLO, GRACE!' } });
    expect(result.history.map((e) => e.type)).toContain('LambdaFunctionSucceeded');
  });

  it('execute() reports a function error by its errorType', async () => {
    const result = await execute(task(fn('custom-error')) as Json, {}, { functionsDir: FUNCTIONS_DIR });
    expect(result).toMatchObject({ status: 'FAILED', error: 'CustomError' });
  });
});
