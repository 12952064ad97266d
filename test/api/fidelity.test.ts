/**
 * AWS behaviours found by other people's suites (issue 14): role ARNs, encryption configuration,
 * when a publish makes a new version.
 */
import {
  ActivityAlreadyExists,
  CreateActivityCommand,
  CreateStateMachineCommand,
  DescribeActivityCommand,
  DescribeStateMachineCommand,
  InvalidArn,
  InvalidDefinition,
  InvalidEncryptionConfiguration,
  PublishStateMachineVersionCommand,
  StartSyncExecutionCommand,
  TestStateCommand,
  ValidationException,
  UpdateStateMachineCommand,
  type CreateStateMachineCommandInput,
} from '@aws-sdk/client-sfn';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { execute, fakeClock, TaskFailure } from '../../src/index.js';
import { passDefinition, rejection, ROLE, startHarness, storeKinds, type Harness } from './harness.js';

describe.each(storeKinds)('with the %s store', (kind) => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness(kind);
  });
  afterEach(async () => h.close());

  const create = (name: string, extra: Partial<CreateStateMachineCommandInput> = {}) =>
    h.client.send(new CreateStateMachineCommand({ name, definition: passDefinition(), roleArn: ROLE, ...extra }));

  describe('roleArn', () => {
    it.each([
      'bad',
      'arn:aws:s3:::my-bucket',
      'arn:aws:iam::aws:policy/AdministratorAccess',
      'arn:aws:iam::123:role/x',
    ])('CreateStateMachine refuses %s with InvalidArn', async (roleArn) => {
      const error = await rejection(create('m', { roleArn }));
      expect(error).toBeInstanceOf(InvalidArn);
      expect(error.message).toBe(`Invalid Role Arn: '${roleArn}'`);
    });

    it('accepts roles with a path and in other partitions', async () => {
      await create('a', { roleArn: 'arn:aws:iam::123456789012:role/service-role/StepFunctions-x' });
      await create('b', { roleArn: 'arn:aws-cn:iam::123456789012:role/r' });
      await create('c', { roleArn: 'arn:aws-us-gov:iam::123456789012:role/r+=,.@_-' });
    });

    it('TestState refuses a malformed role ARN with InvalidArn', async () => {
      const definition = JSON.stringify({ Type: 'Pass', End: true });
      const error = await rejection(h.client.send(new TestStateCommand({ definition, roleArn: 'bad' })));
      expect(error).toBeInstanceOf(InvalidArn);
      expect(error.message).toBe("Invalid Role Arn: 'bad'");
      expect((await h.client.send(new TestStateCommand({ definition, roleArn: ROLE }))).status).toBe('SUCCEEDED');
    });

    it('UpdateStateMachine refuses a malformed role ARN with InvalidArn and keeps the old one', async () => {
      const { stateMachineArn } = await create('m');
      const error = await rejection(h.client.send(new UpdateStateMachineCommand({ stateMachineArn, roleArn: 'bad' })));
      expect(error).toBeInstanceOf(InvalidArn);
      expect(error.message).toBe("Invalid Role Arn: 'bad'");
      const machine = await h.store.getStateMachine(stateMachineArn ?? '');
      expect(machine?.roleArn).toBe(ROLE);
    });
  });

  describe('publishing versions', () => {
    const publish = (stateMachineArn: string, description?: string) =>
      h.client.send(
        new PublishStateMachineVersionCommand({
          stateMachineArn,
          ...(description !== undefined ? { description } : {}),
        }),
      );
    const descriptionOf = async (arn: string | undefined) =>
      (await h.client.send(new DescribeStateMachineCommand({ stateMachineArn: arn }))).description;

    it('an unchanged revision with the same or no description returns the newest version', async () => {
      const { stateMachineArn = '' } = await create('m');
      const first = await publish(stateMachineArn, 'first');
      expect((await publish(stateMachineArn, 'first')).stateMachineVersionArn).toBe(first.stateMachineVersionArn);
      expect((await publish(stateMachineArn)).stateMachineVersionArn).toBe(first.stateMachineVersionArn);
      expect(await descriptionOf(first.stateMachineVersionArn)).toBe('first');
    });

    it('an unchanged revision with a new description publishes a new version that carries it', async () => {
      const { stateMachineArn = '' } = await create('m');
      const first = await publish(stateMachineArn, 'first');
      const second = await publish(stateMachineArn, 'second');
      expect(second.stateMachineVersionArn).toBe(`${stateMachineArn}:2`);
      expect(await descriptionOf(first.stateMachineVersionArn)).toBe('first');
      expect(await descriptionOf(second.stateMachineVersionArn)).toBe('second');
    });

    it('UpdateStateMachine with publish and a new versionDescription follows the same rule', async () => {
      const { stateMachineArn = '', stateMachineVersionArn } = await create('m', {
        publish: true,
        versionDescription: 'one',
      });
      const update = await h.client.send(
        new UpdateStateMachineCommand({ stateMachineArn, roleArn: ROLE, publish: true, versionDescription: 'two' }),
      );
      expect(update.stateMachineVersionArn).not.toBe(stateMachineVersionArn);
      expect(await descriptionOf(update.stateMachineVersionArn)).toBe('two');
    });
  });

  describe('HTTP Tasks', () => {
    const httpMachine = (parameters: Record<string, unknown>) =>
      JSON.stringify({
        StartAt: 'Call',
        States: {
          Call: { Type: 'Task', Resource: 'arn:aws:states:::http:invoke', Parameters: parameters, End: true },
        },
      });
    const endpoint = { ApiEndpoint: 'https://example.com', Method: 'GET' };
    const connection = 'arn:aws:events:us-east-1:123456789012:connection/c/1';

    it('without Authentication are refused at CreateStateMachine with InvalidDefinition', async () => {
      const error = await rejection(create('h', { definition: httpMachine(endpoint) }));
      expect(error).toBeInstanceOf(InvalidDefinition);
      expect(error.message).toContain(
        "SCHEMA_VALIDATION_FAILED: The field 'Authentication' is required but was missing at /States/Call/Parameters",
      );
    });

    it('with Authentication but no ConnectionArn are refused too', async () => {
      const error = await rejection(create('h', { definition: httpMachine({ ...endpoint, Authentication: {} }) }));
      expect(error).toBeInstanceOf(InvalidDefinition);
      expect(error.message).toContain(
        "The field 'ConnectionArn' is required but was missing at /States/Call/Parameters/Authentication",
      );
    });

    it('with a literal or dynamic connection are accepted', async () => {
      await create('a', { definition: httpMachine({ ...endpoint, Authentication: { ConnectionArn: connection } }) });
      await create('b', { definition: httpMachine({ ...endpoint, Authentication: { 'ConnectionArn.$': '$.c' } }) });
      await create('c', { definition: httpMachine({ ...endpoint, 'Authentication.$': '$.auth' }) });
    });
  });

  describe('Retry', () => {
    const retrying = {
      StartAt: 'Work',
      States: {
        Work: {
          Type: 'Task',
          Resource: 'arn:aws:lambda:us-east-1:123456789012:function:flaky',
          Retry: [{ ErrorEquals: ['States.ALL'], IntervalSeconds: 0, MaxAttempts: 2 }],
          End: true,
        },
      },
    };

    it('IntervalSeconds 0 (what the CDK writes for Duration.seconds(0)) is accepted and retries at once', async () => {
      await create('r', { definition: JSON.stringify(retrying) });
      let calls = 0;
      const clock = fakeClock(Date.UTC(2026, 0, 1));
      const started = clock.now();
      const result = await execute(
        retrying,
        {},
        {
          clock,
          handlers: {
            'arn:aws:lambda:us-east-1:123456789012:function:flaky': async () => {
              calls++;
              if (calls === 1) throw new TaskFailure('Flaky', 'first call fails');
              return 'ok';
            },
          },
        },
      );
      expect(result).toMatchObject({ status: 'SUCCEEDED', output: 'ok' });
      expect(calls).toBe(2);
      expect(clock.now() - started).toBeLessThan(1000);
    });
  });

  describe('the context object of Express executions', () => {
    const contextMachine = {
      StartAt: 'P',
      States: { P: { Type: 'Pass', Parameters: { 'e.$': '$$.Execution' }, End: true } },
    };
    const keysOf = (output: unknown) => Object.keys((output as { e: Record<string, unknown> }).e).sort();

    it("the library's asynchronous execute has Execution.RedriveCount 0; the synchronous one, like StartSyncExecution, has none", async () => {
      const async = await execute(contextMachine, {}, { stateMachineType: 'EXPRESS', expressInvocation: 'async' });
      expect((async.output as { e: { RedriveCount?: number } }).e.RedriveCount).toBe(0);
      const sync = await execute(contextMachine, {}, { stateMachineType: 'EXPRESS' });
      const { stateMachineArn } = await create('x', { definition: JSON.stringify(contextMachine), type: 'EXPRESS' });
      const http = await h.client.send(new StartSyncExecutionCommand({ stateMachineArn, input: '{}' }));
      expect(keysOf(sync.output)).toEqual(keysOf(JSON.parse(http.output ?? '')));
      expect(keysOf(sync.output)).not.toContain('RedriveCount');
      expect(keysOf(async.output)).toEqual([...keysOf(sync.output), 'RedriveCount'].sort());
    });
  });

  describe('encryptionConfiguration', () => {
    const customer = {
      type: 'CUSTOMER_MANAGED_KMS_KEY' as const,
      kmsKeyId: 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab',
      kmsDataKeyReusePeriodSeconds: 120,
    };
    const describeMachine = (stateMachineArn: string | undefined) =>
      h.client.send(new DescribeStateMachineCommand({ stateMachineArn }));

    it('DescribeStateMachine and DescribeActivity answer {"type":"AWS_OWNED_KEY"} when none was given', async () => {
      const { stateMachineArn } = await create('m');
      expect((await describeMachine(stateMachineArn)).encryptionConfiguration).toEqual({ type: 'AWS_OWNED_KEY' });
      const { activityArn } = await h.client.send(new CreateActivityCommand({ name: 'a' }));
      const activity = await h.client.send(new DescribeActivityCommand({ activityArn }));
      expect(activity.encryptionConfiguration).toEqual({ type: 'AWS_OWNED_KEY' });
    });

    it('is stored and described as given, on the machine, its versions and activities', async () => {
      const { stateMachineArn, stateMachineVersionArn } = await create('m', {
        encryptionConfiguration: customer,
        publish: true,
      });
      expect((await describeMachine(stateMachineArn)).encryptionConfiguration).toEqual(customer);
      expect((await describeMachine(stateMachineVersionArn)).encryptionConfiguration).toEqual(customer);
      await h.client.send(
        new UpdateStateMachineCommand({ stateMachineArn, encryptionConfiguration: { type: 'AWS_OWNED_KEY' } }),
      );
      expect((await describeMachine(stateMachineArn)).encryptionConfiguration).toEqual({ type: 'AWS_OWNED_KEY' });
      expect((await describeMachine(stateMachineVersionArn)).encryptionConfiguration).toEqual(customer);
      const { activityArn } = await h.client.send(
        new CreateActivityCommand({ name: 'a', encryptionConfiguration: customer }),
      );
      const activity = await h.client.send(new DescribeActivityCommand({ activityArn }));
      expect(activity.encryptionConfiguration).toEqual(customer);
    });

    it('CUSTOMER_MANAGED_KMS_KEY without kmsKeyId is InvalidEncryptionConfiguration', async () => {
      const encryptionConfiguration = { type: 'CUSTOMER_MANAGED_KMS_KEY' as const };
      expect(await rejection(create('m', { encryptionConfiguration }))).toBeInstanceOf(InvalidEncryptionConfiguration);
      expect(
        await rejection(h.client.send(new CreateActivityCommand({ name: 'a', encryptionConfiguration }))),
      ).toBeInstanceOf(InvalidEncryptionConfiguration);
    });

    it('an unknown type or a reuse period outside 60–900 seconds is a ValidationException', async () => {
      const badType = await rejection(create('m', { encryptionConfiguration: { type: 'OWN_KEY' as 'AWS_OWNED_KEY' } }));
      expect(badType).toBeInstanceOf(ValidationException);
      expect(badType.message).toContain(
        'Member must satisfy enum value set: [AWS_OWNED_KEY, CUSTOMER_MANAGED_KMS_KEY]',
      );
      const short = await rejection(
        create('m', { encryptionConfiguration: { ...customer, kmsDataKeyReusePeriodSeconds: 59 } }),
      );
      expect(short).toBeInstanceOf(ValidationException);
      expect(short.message).toContain('Member must have value greater than or equal to 60');
      const long = await rejection(
        create('m', { encryptionConfiguration: { ...customer, kmsDataKeyReusePeriodSeconds: 901 } }),
      );
      expect(long.message).toContain('Member must have value less than or equal to 900');
    });

    it('CreateActivity with an existing name and another configuration is ActivityAlreadyExists', async () => {
      const first = await h.client.send(new CreateActivityCommand({ name: 'a' }));
      const again = await h.client.send(
        new CreateActivityCommand({ name: 'a', encryptionConfiguration: { type: 'AWS_OWNED_KEY' } }),
      );
      expect(again.activityArn).toBe(first.activityArn);
      const error = await rejection(
        h.client.send(new CreateActivityCommand({ name: 'a', encryptionConfiguration: customer })),
      );
      expect(error).toBeInstanceOf(ActivityAlreadyExists);
      expect(error.message).toBe(`Activity Already Exists: '${first.activityArn}'`);
    });

    it('CreateStateMachine with an existing name and another configuration is StateMachineAlreadyExists', async () => {
      await create('m');
      const error = await rejection(create('m', { encryptionConfiguration: customer }));
      expect(error.name).toBe('StateMachineAlreadyExists');
    });
  });
});
