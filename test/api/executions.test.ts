import {
  CreateStateMachineAliasCommand,
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  DescribeStateMachineForExecutionCommand,
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  ExecutionNotRedrivable,
  GetExecutionHistoryCommand,
  InvalidArn,
  InvalidExecutionInput,
  InvalidName,
  ListExecutionsCommand,
  PublishStateMachineVersionCommand,
  RedriveExecutionCommand,
  StartExecutionCommand,
  StartSyncExecutionCommand,
  StateMachineDoesNotExist,
  StateMachineTypeNotSupported,
  StopExecutionCommand,
  UpdateStateMachineCommand,
  ValidationException,
} from '@aws-sdk/client-sfn';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { allPages } from '../support/aws.js';
import {
  ARN_PREFIX,
  echoDefinition,
  gateDefinition,
  passDefinition,
  rejection,
  ROLE,
  startHarness,
  storeKinds,
  type Harness,
} from './harness.js';

describe.each(storeKinds)('with the %s store', (kind) => {
  let h: Harness;
  let standard: string;
  let express: string;
  beforeEach(async () => {
    h = await startHarness(kind);
    standard =
      (
        await h.client.send(
          new CreateStateMachineCommand({ name: 'orders', definition: gateDefinition, roleArn: ROLE }),
        )
      ).stateMachineArn ?? '';
    express =
      (
        await h.client.send(
          new CreateStateMachineCommand({ name: 'quick', definition: echoDefinition, roleArn: ROLE, type: 'EXPRESS' }),
        )
      ).stateMachineArn ?? '';
  });
  afterEach(async () => h.close());

  const start = (name?: string, input?: string, stateMachineArn = standard) =>
    h.client.send(new StartExecutionCommand({ stateMachineArn, name, input }));

  /** Runs a Standard machine of two Pass states (P0, P1) to completion; its execution ARN. */
  async function runTwoPasses(input: string): Promise<string> {
    const definition = JSON.stringify({
      StartAt: 'P0',
      States: { P0: { Type: 'Pass', Next: 'P1' }, P1: { Type: 'Pass', End: true } },
    });
    const { stateMachineArn } = await h.client.send(
      new CreateStateMachineCommand({ name: 'steps', definition, roleArn: ROLE }),
    );
    const { executionArn = '' } = await start('run', input, stateMachineArn);
    await h.waitForStatus(executionArn, 'SUCCEEDED');
    return executionArn;
  }

  describe('StartExecution', () => {
    it('starts a Standard execution named as asked', async () => {
      const output = await start('run-1', '{"a":1}');
      expect(output.executionArn).toBe(`${ARN_PREFIX}:execution:orders:run-1`);
      expect(output.startDate).toBeInstanceOf(Date);
    });

    it('names the execution with a UUID and gives it {} when neither is given', async () => {
      const { executionArn } = await start();
      expect(executionArn).toMatch(/:execution:orders:[0-9a-f-]{36}$/);
      const described = await h.client.send(new DescribeExecutionCommand({ executionArn }));
      expect(described.input).toBe('{}');
    });

    it('the same name and input while running returns the same execution', async () => {
      const first = await start('same', '{"a":1}');
      const again = await start('same', '{ "a": 1 }');
      expect(again).toMatchObject({ executionArn: first.executionArn, startDate: first.startDate });
    });

    it('the same name with another input is ExecutionAlreadyExists', async () => {
      const first = await start('same', '{"a":1}');
      const error = await rejection(start('same', '{"a":2}'));
      expect(error).toBeInstanceOf(ExecutionAlreadyExists);
      expect(error.message).toBe(`Execution Already Exists: '${first.executionArn}'`);
    });

    it('the same name after the execution closed is ExecutionAlreadyExists', async () => {
      const first = await start('same', '{}');
      await h.finish(first.executionArn ?? '', 'SUCCEEDED');
      expect(await rejection(start('same', '{}'))).toBeInstanceOf(ExecutionAlreadyExists);
    });

    it('input that is not JSON is InvalidExecutionInput', async () => {
      const error = await rejection(start('bad', '{"a":'));
      expect(error).toBeInstanceOf(InvalidExecutionInput);
      expect(error.message).toMatch(/^Invalid State Machine Execution Input: '/);
    });

    it('input over 256 KiB is a ValidationException', async () => {
      const error = await rejection(start('big', JSON.stringify('x'.repeat(262144))));
      expect(error).toBeInstanceOf(ValidationException);
      expect(error.message).toBe(
        "1 validation error detected: Value at 'input' failed to satisfy constraint: Member must have size less than or equal to 262144 bytes in UTF-8 encoding",
      );
    });

    it('a name with a forbidden character is InvalidName, checked after the machine exists', async () => {
      expect(await rejection(start('a/b'))).toBeInstanceOf(InvalidName);
      const missing = `${ARN_PREFIX}:stateMachine:missing`;
      const error = await rejection(start('a/b', '{}', missing));
      expect(error).toBeInstanceOf(StateMachineDoesNotExist);
      expect(error.message).toBe(`State Machine Does Not Exist: '${missing}'`);
    });

    it('a version ARN starts that version and DescribeExecution reports it', async () => {
      const { stateMachineVersionArn } = await h.client.send(
        new PublishStateMachineVersionCommand({ stateMachineArn: standard }),
      );
      await h.client.send(
        new UpdateStateMachineCommand({ stateMachineArn: standard, definition: passDefinition('newer') }),
      );
      const { executionArn } = await start('v', '{}', stateMachineVersionArn);
      const described = await h.client.send(new DescribeExecutionCommand({ executionArn }));
      expect(described.stateMachineVersionArn).toBe(stateMachineVersionArn);
      expect(described.stateMachineAliasArn).toBeUndefined();
      const forExecution = await h.client.send(new DescribeStateMachineForExecutionCommand({ executionArn }));
      expect(forExecution.definition).toBe(gateDefinition);
    });

    it('an alias ARN picks a version by weight with the injected random source', async () => {
      const v1 =
        (await h.client.send(new PublishStateMachineVersionCommand({ stateMachineArn: standard })))
          .stateMachineVersionArn ?? '';
      await h.client.send(
        new UpdateStateMachineCommand({ stateMachineArn: standard, definition: passDefinition('two') }),
      );
      const v2 =
        (await h.client.send(new PublishStateMachineVersionCommand({ stateMachineArn: standard })))
          .stateMachineVersionArn ?? '';
      const { stateMachineAliasArn } = await h.client.send(
        new CreateStateMachineAliasCommand({
          name: 'PROD',
          routingConfiguration: [
            { stateMachineVersionArn: v1, weight: 30 },
            { stateMachineVersionArn: v2, weight: 70 },
          ],
        }),
      );
      h.random.value = 0.29;
      const low = await start('low', '{}', stateMachineAliasArn);
      h.random.value = 0.3;
      const high = await start('high', '{}', stateMachineAliasArn);
      const describedLow = await h.client.send(new DescribeExecutionCommand({ executionArn: low.executionArn }));
      const describedHigh = await h.client.send(new DescribeExecutionCommand({ executionArn: high.executionArn }));
      expect(describedLow).toMatchObject({ stateMachineVersionArn: v1, stateMachineAliasArn });
      expect(describedHigh).toMatchObject({ stateMachineVersionArn: v2, stateMachineAliasArn });

      const byAlias = await h.client.send(new ListExecutionsCommand({ stateMachineArn: stateMachineAliasArn }));
      expect(byAlias.executions).toHaveLength(2);
      const byVersion = await h.client.send(new ListExecutionsCommand({ stateMachineArn: v1 }));
      expect(byVersion.executions?.map((e) => e.name)).toEqual(['low']);
    });

    it('an Express machine starts without recording the execution', async () => {
      const { executionArn } = await start('fast', '{}', express);
      expect(executionArn).toMatch(new RegExp(`^${ARN_PREFIX}:express:quick:fast:`));
      const error = await rejection(h.client.send(new DescribeExecutionCommand({ executionArn })));
      expect(error).toBeInstanceOf(InvalidArn);
      expect(error.message).toBe("Invalid Arn: 'Resource type not valid in this context: express'");
    });
  });

  describe('StartSyncExecution', () => {
    it('runs an Express execution to completion and answers with its result', async () => {
      const output = await h.client.send(
        new StartSyncExecutionCommand({ stateMachineArn: express, name: 'sync', input: '{"x":1}' }),
      );
      expect(output).toMatchObject({
        stateMachineArn: express,
        name: 'sync',
        status: 'SUCCEEDED',
        input: '{"x":1}',
        inputDetails: { included: true },
        output: '{"x":1}',
        outputDetails: { included: true },
        billingDetails: { billedMemoryUsedInMB: 64, billedDurationInMilliseconds: 100 },
      });
      expect(output.executionArn).toMatch(/:express:quick:sync:/);
      expect(output.stopDate).toBeInstanceOf(Date);
    });

    it('answers HTTP 200 when the execution failed', async () => {
      const output = await h.client.send(
        new StartSyncExecutionCommand({ stateMachineArn: express, input: '{"fail":"Boom"}' }),
      );
      expect(output.$metadata.httpStatusCode).toBe(200);
      expect(output).toMatchObject({ status: 'FAILED', error: 'Boom', cause: 'the input asked to fail' });
      expect(output.output).toBeUndefined();
    });

    it('a Standard machine is StateMachineTypeNotSupported', async () => {
      const error = await rejection(h.client.send(new StartSyncExecutionCommand({ stateMachineArn: standard })));
      expect(error).toBeInstanceOf(StateMachineTypeNotSupported);
      expect(error.message).toBe('This operation is not supported by this type of state machine');
    });
  });

  describe('DescribeExecution', () => {
    it('describes a running execution without stop date or output', async () => {
      const { executionArn } = await start('run', '{"a":1}');
      const output = await h.client.send(new DescribeExecutionCommand({ executionArn }));
      expect(output).toMatchObject({
        executionArn,
        stateMachineArn: standard,
        name: 'run',
        status: 'RUNNING',
        input: '{"a":1}',
        inputDetails: { included: true },
        redriveCount: 0,
        redriveStatus: 'NOT_REDRIVABLE',
        redriveStatusReason: 'Execution is RUNNING and cannot be redriven',
      });
      for (const absent of ['stopDate', 'output', 'error', 'cause', 'mapRunArn', 'stateMachineVersionArn'] as const)
        expect(output[absent]).toBeUndefined();
    });

    it('describes a failed execution with its error and cause', async () => {
      const { executionArn = '' } = await start('run', '{}');
      await h.finish(executionArn, 'FAILED', { error: 'States.TaskFailed', cause: 'boom' });
      const output = await h.client.send(new DescribeExecutionCommand({ executionArn }));
      expect(output).toMatchObject({
        status: 'FAILED',
        error: 'States.TaskFailed',
        cause: 'boom',
        redriveStatus: 'REDRIVABLE',
      });
      expect(output.stopDate).toBeInstanceOf(Date);
    });

    it('an unknown execution is ExecutionDoesNotExist', async () => {
      const arn = `${ARN_PREFIX}:execution:orders:missing`;
      const error = await rejection(h.client.send(new DescribeExecutionCommand({ executionArn: arn })));
      expect(error).toBeInstanceOf(ExecutionDoesNotExist);
      expect(error.message).toBe(`Execution Does Not Exist: '${arn}'`);
    });

    it('a state machine ARN is InvalidArn', async () => {
      const error = await rejection(h.client.send(new DescribeExecutionCommand({ executionArn: standard })));
      expect(error).toBeInstanceOf(InvalidArn);
      expect(error.message).toBe("Invalid Arn: 'Resource type not valid in this context: stateMachine'");
    });
  });

  describe('StopExecution', () => {
    it('aborts a running execution with the given error and cause', async () => {
      const { executionArn } = await start('run', '{}');
      const output = await h.client.send(
        new StopExecutionCommand({ executionArn, error: 'Stopped', cause: 'by test' }),
      );
      expect(output.stopDate).toBeInstanceOf(Date);
      const described = await h.client.send(new DescribeExecutionCommand({ executionArn }));
      expect(described).toMatchObject({ status: 'ABORTED', error: 'Stopped', cause: 'by test' });
    });

    it('an unknown execution is ExecutionDoesNotExist; an Express one is InvalidArn', async () => {
      expect(
        await rejection(
          h.client.send(new StopExecutionCommand({ executionArn: `${ARN_PREFIX}:execution:orders:nope` })),
        ),
      ).toBeInstanceOf(ExecutionDoesNotExist);
      const { executionArn } = await start('fast', '{}', express);
      expect(await rejection(h.client.send(new StopExecutionCommand({ executionArn })))).toBeInstanceOf(InvalidArn);
    });
  });

  describe('RedriveExecution', () => {
    it('redrives a failed execution: RUNNING again from the failed state, listed under REDRIVEN', async () => {
      const { executionArn = '' } = await start('run', '{}');
      await h.finish(executionArn, 'FAILED', { error: 'E' });
      const output = await h.client.send(new RedriveExecutionCommand({ executionArn }));
      expect(output.redriveDate).toBeInstanceOf(Date);
      const described = await h.client.send(new DescribeExecutionCommand({ executionArn }));
      expect(described).toMatchObject({ status: 'RUNNING', redriveCount: 1 });
      expect(described.redriveDate).toBeInstanceOf(Date);
      const redriven = await h.client.send(
        new ListExecutionsCommand({ stateMachineArn: standard, redriveFilter: 'REDRIVEN' }),
      );
      expect(redriven.executions?.map((e) => e.name)).toEqual(['run']);
      // The gate task runs again; finishing it ends the redriven execution.
      await h.finish(executionArn, 'SUCCEEDED', { output: '{"again":true}' });
    });

    it('a succeeded execution is ExecutionNotRedrivable', async () => {
      const { executionArn = '' } = await start('run', '{}');
      await h.finish(executionArn, 'SUCCEEDED');
      const error = await rejection(h.client.send(new RedriveExecutionCommand({ executionArn })));
      expect(error).toBeInstanceOf(ExecutionNotRedrivable);
      expect(error.message).toBe('Execution is SUCCEEDED and cannot be redriven');
    });

    it('an unknown execution is ExecutionDoesNotExist', async () => {
      const error = await rejection(
        h.client.send(new RedriveExecutionCommand({ executionArn: `${ARN_PREFIX}:execution:orders:nope` })),
      );
      expect(error).toBeInstanceOf(ExecutionDoesNotExist);
    });
  });

  describe('ListExecutions', () => {
    it('walks every page, newest first, and filters by status', async () => {
      const arns: string[] = [];
      for (let i = 0; i < 5; i++) arns.push((await start(`run-${i}`, '{}')).executionArn ?? '');
      await h.finish(arns[1] ?? '', 'SUCCEEDED', { output: '{}' });
      const pages = await allPages((nextToken) =>
        h.client.send(new ListExecutionsCommand({ stateMachineArn: standard, maxResults: 2, nextToken })),
      );
      const names = pages.flatMap((page) => page.executions ?? []).map((e) => e.name ?? '');
      expect(names).toEqual(['run-4', 'run-3', 'run-2', 'run-1', 'run-0']);

      const succeeded = await h.client.send(
        new ListExecutionsCommand({ stateMachineArn: standard, statusFilter: 'SUCCEEDED' }),
      );
      expect(succeeded.executions).toHaveLength(1);
      expect(succeeded.executions?.[0]).toMatchObject({
        name: 'run-1',
        status: 'SUCCEEDED',
        stateMachineArn: standard,
      });
      expect(succeeded.executions?.[0]?.stopDate).toBeInstanceOf(Date);
    });

    it('an Express machine is StateMachineTypeNotSupported', async () => {
      const error = await rejection(h.client.send(new ListExecutionsCommand({ stateMachineArn: express })));
      expect(error).toBeInstanceOf(StateMachineTypeNotSupported);
    });

    it('an unknown machine is StateMachineDoesNotExist', async () => {
      const error = await rejection(
        h.client.send(new ListExecutionsCommand({ stateMachineArn: `${ARN_PREFIX}:stateMachine:nope` })),
      );
      expect(error).toBeInstanceOf(StateMachineDoesNotExist);
    });

    it('neither a machine nor a Map Run is a ValidationException', async () => {
      const error = await rejection(h.client.send(new ListExecutionsCommand({})));
      expect(error).toBeInstanceOf(ValidationException);
    });
  });

  describe('GetExecutionHistory', () => {
    it('returns the events with timestamps, oldest first, and pages through them', async () => {
      const executionArn = await runTwoPasses('{"in":true}');

      const first = await h.client.send(new GetExecutionHistoryCommand({ executionArn }));
      expect(first.events?.map((e) => e.type)).toEqual([
        'ExecutionStarted',
        'PassStateEntered',
        'PassStateExited',
        'PassStateEntered',
        'PassStateExited',
        'ExecutionSucceeded',
      ]);
      expect(first.events?.[0]).toMatchObject({
        id: 1,
        previousEventId: 0,
        executionStartedEventDetails: { input: '{"in":true}', roleArn: ROLE },
      });
      expect(first.events?.[0]?.timestamp).toBeInstanceOf(Date);
      expect(first.nextToken).toBeUndefined();

      const pages = await allPages((nextToken) =>
        h.client.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 4, reverseOrder: true, nextToken })),
      );
      const ids = pages.flatMap((page) => page.events ?? []).map((e) => e.id ?? 0);
      expect(ids).toEqual([6, 5, 4, 3, 2, 1]);
    });

    it('includeExecutionData false leaves inputs and outputs out', async () => {
      const executionArn = await runTwoPasses('{"in":true}');
      const output = await h.client.send(new GetExecutionHistoryCommand({ executionArn, includeExecutionData: false }));
      expect(output.events?.[0]?.executionStartedEventDetails).toEqual({ roleArn: ROLE });
      expect(output.events?.[1]?.stateEnteredEventDetails).toEqual({ name: 'P0' });
    });

    it('maxResults over 1000 is a ValidationException; an Express execution is InvalidArn', async () => {
      const { executionArn } = await start('run', '{}');
      expect(
        await rejection(h.client.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1001 }))),
      ).toBeInstanceOf(ValidationException);
      const fast = await start('fast', '{}', express);
      expect(
        await rejection(h.client.send(new GetExecutionHistoryCommand({ executionArn: fast.executionArn }))),
      ).toBeInstanceOf(InvalidArn);
    });

    it('an unknown execution is ExecutionDoesNotExist', async () => {
      const error = await rejection(
        h.client.send(new GetExecutionHistoryCommand({ executionArn: `${ARN_PREFIX}:execution:orders:nope` })),
      );
      expect(error).toBeInstanceOf(ExecutionDoesNotExist);
    });
  });

  describe('DescribeStateMachineForExecution', () => {
    it('returns the definition the execution started with', async () => {
      const { executionArn } = await start('run', '{}');
      await h.client.send(
        new UpdateStateMachineCommand({ stateMachineArn: standard, definition: passDefinition('later') }),
      );
      const output = await h.client.send(new DescribeStateMachineForExecutionCommand({ executionArn }));
      expect(output).toMatchObject({
        stateMachineArn: standard,
        name: 'orders',
        definition: gateDefinition,
        roleArn: ROLE,
      });
      expect(output.updateDate).toBeInstanceOf(Date);
    });

    it('an unknown execution is ExecutionDoesNotExist', async () => {
      const error = await rejection(
        h.client.send(
          new DescribeStateMachineForExecutionCommand({ executionArn: `${ARN_PREFIX}:execution:orders:nope` }),
        ),
      );
      expect(error).toBeInstanceOf(ExecutionDoesNotExist);
    });
  });
});
