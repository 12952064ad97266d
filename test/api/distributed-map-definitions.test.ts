import {
  CreateStateMachineCommand,
  InvalidDefinition,
  ValidateStateMachineDefinitionCommand,
} from '@aws-sdk/client-sfn';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { rejection, ROLE, startHarness, type Harness } from './harness.js';

/** A Distributed Map reading a CSV object whose headers are GIVEN but not listed. */
const badReader = JSON.stringify({
  StartAt: 'Rows',
  States: {
    Rows: {
      Type: 'Map',
      ItemReader: {
        Resource: 'arn:aws:states:::s3:getObject',
        ReaderConfig: { InputType: 'CSV', CSVHeaderLocation: 'GIVEN', MaxItems: -1 },
        Parameters: { Bucket: 'data', Key: 'rows.csv' },
      },
      ItemProcessor: {
        ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'EXPRESS' },
        StartAt: 'Row',
        States: { Row: { Type: 'Pass', End: true } },
      },
      End: true,
    },
  },
});

describe('Distributed Map definitions through the SDK', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness('memory');
  });
  afterEach(async () => h.close());

  it('CreateStateMachine answers InvalidDefinition naming the bad ReaderConfig fields', async () => {
    const error = await rejection(
      h.client.send(new CreateStateMachineCommand({ name: 'rows', definition: badReader, roleArn: ROLE })),
    );
    expect(error).toBeInstanceOf(InvalidDefinition);
    expect(error.message).toBe(
      "Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED: These fields are required: [CSVHeaders] at /States/Rows/ItemReader/ReaderConfig, " +
        "SCHEMA_VALIDATION_FAILED: Minimum value is 0 at /States/Rows/ItemReader/ReaderConfig/MaxItems'",
    );
  });

  it('ValidateStateMachineDefinition lists each diagnostic with its field path', async () => {
    const output = await h.client.send(new ValidateStateMachineDefinitionCommand({ definition: badReader }));
    expect(output.result).toBe('FAIL');
    expect(output.diagnostics).toEqual([
      {
        severity: 'ERROR',
        code: 'SCHEMA_VALIDATION_FAILED',
        message: 'These fields are required: [CSVHeaders]',
        location: '/States/Rows/ItemReader/ReaderConfig',
      },
      {
        severity: 'ERROR',
        code: 'SCHEMA_VALIDATION_FAILED',
        message: 'Minimum value is 0',
        location: '/States/Rows/ItemReader/ReaderConfig/MaxItems',
      },
    ]);
  });
});
