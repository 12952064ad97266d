import { describe, expect, it } from 'vitest';
import type { Json, JsonObject } from '../../src/json.js';
import { invalidDefinitionMessage, validateDefinition } from '../../src/asl/validate.js';

const machine = (states: JsonObject, extra: JsonObject = {}): Json => ({
  StartAt: Object.keys(states)[0],
  States: states,
  ...extra,
});
const problems = (definition: Json, type?: 'STANDARD' | 'EXPRESS') =>
  validateDefinition(definition, { stateMachineType: type }).diagnostics.map(({ code, message, location }) => ({
    code,
    message,
    location,
  }));

describe('transitions', () => {
  it('a Next that names no state is MISSING_TRANSITION_TARGET', () => {
    expect(problems(machine({ A: { Type: 'Pass', Next: 'Ghost' }, B: { Type: 'Succeed' } }))).toContainEqual({
      code: 'MISSING_TRANSITION_TARGET',
      message: "Missing 'Next' target: Ghost",
      location: '/States/A/Next',
    });
  });

  it('a Catch Next that names no state is located at its catcher', () => {
    const task = {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke',
      End: true,
      Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Nope' }],
    };
    expect(problems(machine({ T: task }))[0].location).toBe('/States/T/Catch[0]/Next');
  });

  it('a state nothing transitions to is not reachable', () => {
    expect(problems(machine({ A: { Type: 'Succeed' }, Lost: { Type: 'Succeed' } }))).toEqual([
      { code: 'MISSING_TRANSITION_TARGET', message: 'State "Lost" is not reachable.', location: '/States/Lost' },
    ]);
  });

  it('a machine that can never end is MISSING_END_STATE, rendered "at null" by CreateStateMachine', () => {
    const result = validateDefinition(machine({ A: { Type: 'Pass', Next: 'B' }, B: { Type: 'Pass', Next: 'A' } }));
    expect(result.diagnostics.map((d) => d.code)).toEqual(['MISSING_END_STATE']);
    expect(invalidDefinitionMessage(result.diagnostics, '')).toBe(
      "Invalid State Machine Definition: 'MISSING_END_STATE: Workflow has no terminal state at null'",
    );
  });

  it('a state with both Next and End is rejected', () => {
    expect(problems(machine({ A: { Type: 'Pass', Next: 'A', End: true } }))[0].code).toBe('SCHEMA_VALIDATION_FAILED');
  });

  it('several problems join with ", " in the CreateStateMachine message', () => {
    const result = validateDefinition(machine({ A: { Type: 'Pass', Next: 'Ghost' }, B: { Type: 'Succeed' } }));
    expect(invalidDefinitionMessage(result.diagnostics, '')).toBe(
      "Invalid State Machine Definition: 'MISSING_TRANSITION_TARGET: Missing 'Next' target: Ghost at /States/A/Next, " +
        'MISSING_TRANSITION_TARGET: State "B" is not reachable. at /States/B\'',
    );
  });
});

describe('state fields', () => {
  it('an unknown field is SCHEMA_VALIDATION_FAILED at the state', () => {
    expect(problems(machine({ A: { Type: 'Pass', End: true, Retry: [] } }))).toEqual([
      { code: 'SCHEMA_VALIDATION_FAILED', message: "Field 'Retry' is not supported", location: '/States/A' },
    ]);
  });

  it('a Task without Resource lists the missing field', () => {
    expect(problems(machine({ T: { Type: 'Task', End: true } }))[0].message).toBe(
      'These fields are required: [Resource]',
    );
  });

  it('a state name longer than 80 characters is rejected', () => {
    expect(problems(machine({ ['x'.repeat(81)]: { Type: 'Succeed' } }))[0].code).toBe('INVALID_STATE_NAME');
  });

  it('Output is only for JSONata states', () => {
    expect(problems(machine({ A: { Type: 'Pass', End: true, Output: 1 } }))[0].message).toBe(
      "The QueryLanguage is set to 'JSONPath', but field 'Output' is only supported for the 'JSONata' QueryLanguage",
    );
  });

  it('InputPath is only for JSONPath states', () => {
    const definition = machine({ A: { Type: 'Pass', End: true, InputPath: '$.a' } }, { QueryLanguage: 'JSONata' });
    expect(problems(definition)[0].message).toContain(
      "field 'InputPath' is only supported for the 'JSONPath' QueryLanguage",
    );
  });

  it('a state may not downgrade a JSONata machine to JSONPath', () => {
    const definition = machine(
      { A: { Type: 'Pass', End: true, QueryLanguage: 'JSONPath' } },
      { QueryLanguage: 'JSONata' },
    );
    expect(problems(definition)).toEqual([
      {
        code: 'SCHEMA_VALIDATION_FAILED',
        message: "'QueryLanguage' can not be 'JSONPath' if set to 'JSONata' for whole state machine",
        location: '/States/A',
      },
    ]);
  });

  it('a JSONata expression that does not parse is INVALID_JSONATA_EXPRESSION', () => {
    const definition = machine({ A: { Type: 'Pass', End: true, Output: '{% 1 + %}' } }, { QueryLanguage: 'JSONata' });
    expect(problems(definition)).toEqual([
      { code: 'INVALID_JSONATA_EXPRESSION', message: 'Unexpected end of expression', location: '/States/A/Output' },
    ]);
  });
});

describe('Choice', () => {
  const choice = (rule: JsonObject): Json =>
    machine({
      C: { Type: 'Choice', Choices: [{ ...rule, Next: 'Done' }], Default: 'Done' },
      Done: { Type: 'Succeed' },
    });

  it('NumericEquals needs a number', () => {
    expect(problems(choice({ Variable: '$.a', NumericEquals: '1' }))[0]).toMatchObject({
      location: '/States/C/Choices[0]/NumericEquals',
    });
  });

  it('a JSONPath comparison needs a Variable', () => {
    expect(problems(choice({ StringEquals: 'a' }))[0].message).toBe('These fields are required: [Variable]');
  });

  it('TimestampEquals needs an RFC3339 timestamp', () => {
    expect(problems(choice({ Variable: '$.t', TimestampEquals: '2020-01-01' }))[0].message).toBe(
      'String does not match RFC3339 timestamp',
    );
  });

  it('And takes nested rules without Next', () => {
    expect(
      problems(choice({ And: [{ Variable: '$.a', IsPresent: true }, { Not: { Variable: '$.b', IsNull: true } }] })),
    ).toEqual([]);
  });

  it('a JSONata rule needs a Condition', () => {
    const definition = machine(
      { C: { Type: 'Choice', Choices: [{ Next: 'Done' }], Default: 'Done' }, Done: { Type: 'Succeed' } },
      { QueryLanguage: 'JSONata' },
    );
    expect(problems(definition)[0].message).toBe('These fields are required: [Condition]');
  });

  it("a JSONata rule's Condition is a boolean or a {% %} expression, not a plain string", () => {
    const definition = machine(
      {
        C: { Type: 'Choice', Choices: [{ Condition: 'abc', Next: 'Done' }], Default: 'Done' },
        Done: { Type: 'Succeed' },
      },
      { QueryLanguage: 'JSONata' },
    );
    expect(problems(definition)).toEqual([
      expect.objectContaining({
        message: "The value for the field 'Condition' must be a boolean or a JSONata expression",
        location: '/States/C/Choices[0]/Condition',
      }),
    ]);
  });
});

describe('Retry, Catch, Wait, Fail, Map, Task', () => {
  const task = (extra: JsonObject): Json =>
    machine({ T: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', End: true, ...extra } });

  it('States.ALL must be alone and last', () => {
    const retry = [{ ErrorEquals: ['States.ALL', 'X'] }, { ErrorEquals: ['Y'] }];
    expect(problems(task({ Retry: retry })).map((d) => d.location)).toEqual([
      '/States/T/Retry[0]/ErrorEquals',
      '/States/T/Retry[0]/ErrorEquals',
    ]);
  });

  it('a Wait with two durations is rejected', () => {
    expect(problems(machine({ W: { Type: 'Wait', Seconds: 1, SecondsPath: '$.s', End: true } }))).toHaveLength(1);
  });

  it('a Fail with Error and ErrorPath is rejected', () => {
    expect(problems(machine({ F: { Type: 'Fail', Error: 'E', ErrorPath: '$.e' } }))).toHaveLength(1);
  });

  it('MaxConcurrency and MaxConcurrencyPath are exclusive', () => {
    const map = {
      Type: 'Map',
      End: true,
      MaxConcurrency: 1,
      MaxConcurrencyPath: '$.m',
      ItemProcessor: { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } },
    };
    expect(problems(machine({ M: map }))[0].location).toBe('/States/M/MaxConcurrency');
  });

  it('an Express machine may not use .sync', () => {
    const definition = machine({
      T: { Type: 'Task', Resource: 'arn:aws:states:::states:startExecution.sync:2', End: true },
    });
    expect(problems(definition, 'EXPRESS')[0].message).toBe(
      "Express state machine does not support '.sync' service integration",
    );
    expect(problems(definition, 'STANDARD')).toEqual([]);
  });

  it('Lambda function ARNs, activities and aws-sdk integrations are recognised', () => {
    for (const Resource of [
      'arn:aws:lambda:us-east-1:123456789012:function:fn:live',
      'arn:aws:states:eu-west-1:123456789012:activity:work',
      'arn:aws:states:::aws-sdk:dynamodb:query',
      'arn:aws:states:us-east-1:123456789012:aws-sdk:s3:getObject',
    ]) {
      expect(problems(machine({ T: { Type: 'Task', Resource, End: true } }))).toEqual([]);
    }
  });

  it('HeartbeatSeconds may equal TimeoutSeconds (AWS deploys such machines) but not pass it', () => {
    expect(problems(task({ TimeoutSeconds: 5, HeartbeatSeconds: 5 }))).toEqual([]);
    expect(problems(task({ TimeoutSeconds: 5, HeartbeatSeconds: 6 }))[0].location).toBe('/States/T/HeartbeatSeconds');
  });

  it('paths in the forms AWS accepts validate: $.[0], trailing whitespace, unquoted filter words', () => {
    const pass = (fields: Record<string, string>) =>
      problems(machine({ P: { Type: 'Pass', Parameters: fields, End: true } }));
    expect(
      pass({
        'a.$': '$.[0]',
        'b.$': '$.Snapshots.[0].State',
        'c.$': 'States.StringToJson($.[0].body)',
        'd.$': '$$.Execution.Name ',
        'e.$': '$[?(@.TargetLanguageCode==es)]',
      }),
    ).toEqual([]);
  });

  it('an invalid InputPath is rejected', () => {
    expect(problems(machine({ A: { Type: 'Pass', End: true, InputPath: 'a.b' } }))[0].location).toBe(
      '/States/A/InputPath',
    );
  });
});
