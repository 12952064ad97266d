/**
 * ARNs carry the partition of the server's region (`arn:aws-cn:...` in cn-north-1), in the API's
 * answers and in what an execution sees through `$$`, intrinsics and JSONata.
 */
import { CreateActivityCommand, type SFNClient } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execute } from '../../src/index.js';
import { partitionOf } from '../../src/vocabulary/arn.js';
import { startExecution } from '../support/aws.js';
import { startTestServer, type TestServer } from '../support/server.js';

describe('the partition follows the region', () => {
  it.each([
    ['us-east-1', 'aws'],
    ['eu-west-3', 'aws'],
    ['cn-north-1', 'aws-cn'],
    ['cn-northwest-1', 'aws-cn'],
    ['us-gov-west-1', 'aws-us-gov'],
    ['us-gov-east-1', 'aws-us-gov'],
    ['us-iso-east-1', 'aws-iso'],
    ['us-isob-east-1', 'aws-iso-b'],
  ])('%s is in partition %s', (region, partition) => {
    expect(partitionOf(region)).toBe(partition);
  });
});

describe('a server in cn-north-1', () => {
  let t: TestServer;
  let client: SFNClient;
  beforeAll(async () => {
    t = await startTestServer({ region: 'cn-north-1' });
    client = t.client;
  });
  afterAll(async () => {
    await t.close();
  });

  it('names its state machines, executions and activities arn:aws-cn:states:cn-north-1:...', async () => {
    const { activityArn } = await client.send(new CreateActivityCommand({ name: 'cn-activity' }));
    expect(activityArn).toBe('arn:aws-cn:states:cn-north-1:123456789012:activity:cn-activity');
    const machine = await t.createMachine('cn-machine', {
      StartAt: 'P',
      States: {
        P: {
          Type: 'Pass',
          Parameters: {
            'execution.$': '$$.Execution.Id',
            'machine.$': '$$.StateMachine.Id',
            'formatted.$': "States.Format('in {}', $$.Execution.Id)",
          },
          Next: 'J',
        },
        J: {
          Type: 'Pass',
          QueryLanguage: 'JSONata',
          Output: '{% $merge([$states.input, {"jsonata": $states.context.Execution.Id}]) %}',
          End: true,
        },
      },
    });
    expect(machine).toBe('arn:aws-cn:states:cn-north-1:123456789012:stateMachine:cn-machine');
    const executionArn = await startExecution(client, machine, {}, 'run-1');
    expect(executionArn).toBe('arn:aws-cn:states:cn-north-1:123456789012:execution:cn-machine:run-1');
    const done = await t.untilDone(executionArn);
    expect(JSON.parse(done.output ?? '')).toEqual({
      execution: executionArn,
      machine,
      formatted: `in ${executionArn}`,
      jsonata: executionArn,
    });
  });
});

describe('the library', () => {
  it('gives an execution in us-gov-west-1 arn:aws-us-gov ARNs, its default role included', async () => {
    const result = await execute(
      {
        StartAt: 'P',
        States: {
          P: {
            Type: 'Pass',
            Parameters: { 'execution.$': '$$.Execution.Id', 'role.$': '$$.Execution.RoleArn' },
            End: true,
          },
        },
      },
      {},
      { context: { region: 'us-gov-west-1', executionName: 'gov' } },
    );
    expect(result.output).toEqual({
      execution: 'arn:aws-us-gov:states:us-gov-west-1:123456789012:execution:StateMachine:gov',
      role: 'arn:aws-us-gov:iam::123456789012:role/StepwiseExecutionRole',
    });
  });
});
