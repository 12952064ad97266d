import {
  CreateStateMachineCommand,
  DeleteStateMachineCommand,
  DescribeStateMachineCommand,
  InvalidArn,
  InvalidDefinition,
  InvalidLoggingConfiguration,
  InvalidName,
  ListStateMachinesCommand,
  MissingRequiredParameter,
  StateMachineAlreadyExists,
  StateMachineDoesNotExist,
  UpdateStateMachineCommand,
  ValidateStateMachineDefinitionCommand,
  ValidationException,
} from '@aws-sdk/client-sfn';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { allPages } from '../support/aws.js';
import { ARN_PREFIX, passDefinition, rejection, ROLE, startHarness, storeKinds, type Harness } from './harness.js';

describe.each(storeKinds)('with the %s store', (kind) => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness(kind);
  });
  afterEach(async () => h.close());

  const create = (name: string, extra: Partial<ConstructorParameters<typeof CreateStateMachineCommand>[0]> = {}) =>
    h.client.send(new CreateStateMachineCommand({ name, definition: passDefinition(), roleArn: ROLE, ...extra }));

  describe('CreateStateMachine', () => {
    it('creates a Standard machine and returns its ARN and creation date', async () => {
      const output = await create('orders');
      expect(output.stateMachineArn).toBe(`${ARN_PREFIX}:stateMachine:orders`);
      expect(output.creationDate).toBeInstanceOf(Date);
      expect(output.creationDate?.getTime()).toBe(Date.UTC(2026, 0, 1, 12, 0, 0, 250));
      expect(output.stateMachineVersionArn).toBeUndefined();
    });

    it('publish creates version 1', async () => {
      const output = await create('orders', { publish: true, versionDescription: 'first' });
      expect(output.stateMachineVersionArn).toBe(`${ARN_PREFIX}:stateMachine:orders:1`);
    });

    it('the same name, definition and configuration returns the existing machine', async () => {
      const first = await create('orders');
      const again = await create('orders', { roleArn: `${ROLE}-other` });
      expect(again.stateMachineArn).toBe(first.stateMachineArn);
      expect(again.creationDate).toEqual(first.creationDate);
    });

    it('the same name with another definition is StateMachineAlreadyExists', async () => {
      await create('orders');
      const error = await rejection(create('orders', { definition: passDefinition('other') }));
      expect(error).toBeInstanceOf(StateMachineAlreadyExists);
      expect(error.message).toBe(`State Machine Already Exists: '${ARN_PREFIX}:stateMachine:orders'`);
    });

    it('an invalid definition is InvalidDefinition with AWS wording', async () => {
      const error = await rejection(
        create('bad', { definition: JSON.stringify({ StartAt: 'Nope', States: { P: { Type: 'Pass', End: true } } }) }),
      );
      expect(error).toBeInstanceOf(InvalidDefinition);
      expect(error.message).toMatch(/^Invalid State Machine Definition: 'MISSING_TRANSITION_TARGET: /);
    });

    it('a name with a forbidden character is InvalidName', async () => {
      const error = await rejection(create('a b'));
      expect(error).toBeInstanceOf(InvalidName);
      expect(error.message).toBe("Invalid Name: 'a b'");
    });

    it('a name over 80 characters is a ValidationException', async () => {
      const error = await rejection(create('n'.repeat(81)));
      expect(error).toBeInstanceOf(ValidationException);
    });

    it('a logging level without a destination is InvalidLoggingConfiguration', async () => {
      const error = await rejection(create('logged', { loggingConfiguration: { level: 'ALL' } }));
      expect(error).toBeInstanceOf(InvalidLoggingConfiguration);
      expect(error.message).toBe('Invalid Logging Configuration: Must specify exactly one Log Destination.');
    });

    it('a version description without publish is a ValidationException', async () => {
      const error = await rejection(create('orders', { versionDescription: 'nope' }));
      expect(error).toBeInstanceOf(ValidationException);
      expect(error.message).toBe('Version description can only be set when publish is true');
    });
  });

  describe('DescribeStateMachine', () => {
    it('describes the machine with its configuration', async () => {
      const { stateMachineArn } = await create('orders', { type: 'EXPRESS', tracingConfiguration: { enabled: true } });
      const output = await h.client.send(new DescribeStateMachineCommand({ stateMachineArn }));
      expect(output).toMatchObject({
        stateMachineArn,
        name: 'orders',
        status: 'ACTIVE',
        definition: passDefinition(),
        roleArn: ROLE,
        type: 'EXPRESS',
        loggingConfiguration: { level: 'OFF', includeExecutionData: false },
        tracingConfiguration: { enabled: true },
      });
      expect(output.creationDate).toBeInstanceOf(Date);
    });

    it('a version ARN describes the version', async () => {
      const { stateMachineArn, stateMachineVersionArn } = await create('orders', {
        publish: true,
        versionDescription: 'v1',
      });
      await h.client.send(new UpdateStateMachineCommand({ stateMachineArn, definition: passDefinition('v2') }));
      const output = await h.client.send(new DescribeStateMachineCommand({ stateMachineArn: stateMachineVersionArn }));
      expect(output.stateMachineArn).toBe(stateMachineVersionArn);
      expect(output.definition).toBe(passDefinition());
      expect(output.description).toBe('v1');
    });

    it('an unknown machine is StateMachineDoesNotExist', async () => {
      const arn = `${ARN_PREFIX}:stateMachine:missing`;
      const error = await rejection(h.client.send(new DescribeStateMachineCommand({ stateMachineArn: arn })));
      expect(error).toBeInstanceOf(StateMachineDoesNotExist);
      expect(error.message).toBe(`State Machine Does Not Exist: '${arn}'`);
    });

    it('something that is not an ARN is InvalidArn', async () => {
      const error = await rejection(h.client.send(new DescribeStateMachineCommand({ stateMachineArn: 'not-an-arn' })));
      expect(error).toBeInstanceOf(InvalidArn);
      expect(error.message).toBe("Invalid Arn: 'Invalid ARN prefix: not-an-arn'");
    });

    it('an execution ARN is InvalidArn for its resource type', async () => {
      const error = await rejection(
        h.client.send(new DescribeStateMachineCommand({ stateMachineArn: `${ARN_PREFIX}:execution:orders:run` })),
      );
      expect(error).toBeInstanceOf(InvalidArn);
      expect(error.message).toBe("Invalid Arn: 'Resource type not valid in this context: execution'");
    });
  });

  describe('UpdateStateMachine', () => {
    it('updates the definition, returns a new revision and can publish', async () => {
      const { stateMachineArn } = await create('orders');
      const before = await h.client.send(new DescribeStateMachineCommand({ stateMachineArn }));
      const output = await h.client.send(
        new UpdateStateMachineCommand({ stateMachineArn, definition: passDefinition('v2'), publish: true }),
      );
      expect(output.updateDate).toBeInstanceOf(Date);
      expect(output.revisionId).toBeTruthy();
      expect(output.revisionId).not.toBe(before.revisionId);
      expect(output.stateMachineVersionArn).toBe(`${stateMachineArn}:1`);
      const after = await h.client.send(new DescribeStateMachineCommand({ stateMachineArn }));
      expect(after.definition).toBe(passDefinition('v2'));
    });

    it('nothing to update is MissingRequiredParameter', async () => {
      const { stateMachineArn } = await create('orders');
      const error = await rejection(h.client.send(new UpdateStateMachineCommand({ stateMachineArn })));
      expect(error).toBeInstanceOf(MissingRequiredParameter);
    });

    it('an invalid definition is InvalidDefinition', async () => {
      const { stateMachineArn } = await create('orders');
      const error = await rejection(
        h.client.send(new UpdateStateMachineCommand({ stateMachineArn, definition: '{"StartAt": 1}' })),
      );
      expect(error).toBeInstanceOf(InvalidDefinition);
    });

    it('an unknown machine is StateMachineDoesNotExist', async () => {
      const error = await rejection(
        h.client.send(
          new UpdateStateMachineCommand({ stateMachineArn: `${ARN_PREFIX}:stateMachine:nope`, roleArn: ROLE }),
        ),
      );
      expect(error).toBeInstanceOf(StateMachineDoesNotExist);
    });
  });

  describe('DeleteStateMachine', () => {
    it('deletes the machine, and deleting again succeeds', async () => {
      const { stateMachineArn } = await create('orders');
      await h.client.send(new DeleteStateMachineCommand({ stateMachineArn }));
      await h.client.send(new DeleteStateMachineCommand({ stateMachineArn }));
      const error = await rejection(h.client.send(new DescribeStateMachineCommand({ stateMachineArn })));
      expect(error).toBeInstanceOf(StateMachineDoesNotExist);
    });
  });

  describe('ListStateMachines', () => {
    it('walks every page with maxResults and nextToken', async () => {
      for (let i = 0; i < 7; i++) await create(`machine-${i}`);
      const pages = await allPages((nextToken) =>
        h.client.send(new ListStateMachinesCommand({ maxResults: 3, nextToken })),
      );
      for (const page of pages) expect(page.stateMachines?.[0]).toMatchObject({ type: 'STANDARD' });
      const names = pages.flatMap((page) => page.stateMachines ?? []).map((m) => m.name ?? '');
      expect(pages).toHaveLength(3);
      expect(names.sort()).toEqual([0, 1, 2, 3, 4, 5, 6].map((i) => `machine-${i}`));
    });

    it('a made-up nextToken is InvalidToken', async () => {
      const response = await h.raw(JSON.stringify({ nextToken: 'bogus' }), {
        'x-amz-target': 'AWSStepFunctions.ListStateMachines',
      });
      expect(response.json).toEqual({ __type: 'InvalidToken', message: "Invalid Token: 'Invalid token'" });
    });

    it('maxResults over 1000 is a ValidationException', async () => {
      const error = await rejection(h.client.send(new ListStateMachinesCommand({ maxResults: 1001 })));
      expect(error).toBeInstanceOf(ValidationException);
      expect(error.message).toBe(
        "1 validation error detected: Value '1001' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 1000",
      );
    });
  });

  describe('ValidateStateMachineDefinition', () => {
    it('a valid definition is OK with no diagnostics', async () => {
      const output = await h.client.send(new ValidateStateMachineDefinitionCommand({ definition: passDefinition() }));
      expect(output).toMatchObject({ result: 'OK', diagnostics: [], truncated: false });
    });

    it('an invalid definition is FAIL with located diagnostics', async () => {
      const definition = JSON.stringify({
        StartAt: 'A',
        States: { A: { Type: 'Pass', Next: 'B' }, C: { Type: 'Pass', Next: 'D' } },
      });
      const output = await h.client.send(new ValidateStateMachineDefinitionCommand({ definition }));
      expect(output.result).toBe('FAIL');
      expect(output.diagnostics?.length).toBeGreaterThan(1);
      expect(output.diagnostics?.[0]).toMatchObject({
        severity: 'ERROR',
        code: expect.any(String),
        message: expect.any(String),
      });
    });

    it('maxResults caps the diagnostics and says they were truncated', async () => {
      const definition = JSON.stringify({
        StartAt: 'A',
        States: { A: { Type: 'Pass', Next: 'B' }, C: { Type: 'Pass', Next: 'D' } },
      });
      const output = await h.client.send(new ValidateStateMachineDefinitionCommand({ definition, maxResults: 1 }));
      expect(output.diagnostics).toHaveLength(1);
      expect(output.truncated).toBe(true);
    });

    it('an unknown severity is a ValidationException', async () => {
      const response = await h.raw(JSON.stringify({ definition: '{}', severity: 'INFO' }), {
        'x-amz-target': 'AWSStepFunctions.ValidateStateMachineDefinition',
      });
      expect(response.json).toEqual({
        __type: 'ValidationException',
        message:
          "1 validation error detected: Value 'INFO' at 'severity' failed to satisfy constraint: Member must satisfy enum value set: [ERROR, WARNING]",
      });
    });
  });
});
