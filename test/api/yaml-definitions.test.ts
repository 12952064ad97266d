/**
 * Definitions in YAML through the real SDK: what CreateStateMachine accepts, an execution runs
 * (it used to fail StartExecution with InternalFailure), and the text comes back as it was sent.
 * Text that starts with `{` stays JSON, strictly: malformed JSON is InvalidDefinition as before.
 */
import {
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  DescribeStateMachineCommand,
  InvalidDefinition,
  StartExecutionCommand,
  StartSyncExecutionCommand,
  TestStateCommand,
  UpdateStateMachineCommand,
  ValidateStateMachineDefinitionCommand,
} from '@aws-sdk/client-sfn';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { rejection, ROLE, startHarness, storeKinds, type Harness } from './harness.js';

const greet = `# A greeting, in YAML
Comment: greets
StartAt: Greet
States:
  Greet:
    Type: Pass
    Parameters:
      greeting.$: States.Format('Hello, {}!', $.name)
    End: true
`;

describe.each(storeKinds)('with the %s store', (kind) => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness(kind);
  });
  afterEach(async () => h.close());

  const create = (name: string, definition: string, type?: 'STANDARD' | 'EXPRESS') =>
    h.client.send(new CreateStateMachineCommand({ name, definition, roleArn: ROLE, type }));

  const run = async (stateMachineArn: string, input: string) => {
    const { executionArn } = await h.client.send(new StartExecutionCommand({ stateMachineArn, input }));
    await h.waitForStatus(executionArn ?? '', 'SUCCEEDED');
    return h.client.send(new DescribeExecutionCommand({ executionArn }));
  };

  it('CreateStateMachine with YAML, then StartExecution: the execution succeeds with the output', async () => {
    const { stateMachineArn } = await create('greet', greet);
    const described = await run(stateMachineArn ?? '', '{"name":"Ada"}');
    expect(described.status).toBe('SUCCEEDED');
    expect(described.output).toBe('{"greeting":"Hello, Ada!"}');
  });

  it('DescribeStateMachine returns the YAML text exactly as it was sent', async () => {
    const { stateMachineArn } = await create('greet', greet);
    const described = await h.client.send(new DescribeStateMachineCommand({ stateMachineArn }));
    expect(described.definition).toBe(greet);
  });

  it('UpdateStateMachine with YAML: the next execution runs the new text', async () => {
    const { stateMachineArn } = await create(
      'greet',
      JSON.stringify({ StartAt: 'P', States: { P: { Type: 'Pass', End: true } } }),
    );
    const updated = greet.replace('Hello', 'Goodbye');
    await h.client.send(new UpdateStateMachineCommand({ stateMachineArn, definition: updated }));
    expect((await h.client.send(new DescribeStateMachineCommand({ stateMachineArn }))).definition).toBe(updated);
    const described = await run(stateMachineArn ?? '', '{"name":"Ada"}');
    expect(described.output).toBe('{"greeting":"Goodbye, Ada!"}');
  });

  it('an Express machine in YAML runs through StartSyncExecution', async () => {
    const { stateMachineArn } = await create('greet-express', greet, 'EXPRESS');
    const output = await h.client.send(new StartSyncExecutionCommand({ stateMachineArn, input: '{"name":"Grace"}' }));
    expect(output.status).toBe('SUCCEEDED');
    expect(output.output).toBe('{"greeting":"Hello, Grace!"}');
  });

  it('a YAML definition that breaks a rule is InvalidDefinition with AWS wording', async () => {
    const error = await rejection(create('bad', greet.replace('End: true', 'Next: Nowhere')));
    expect(error).toBeInstanceOf(InvalidDefinition);
    expect(error.message).toBe(
      "Invalid State Machine Definition: 'MISSING_TRANSITION_TARGET: Missing 'Next' target: Nowhere at /States/Greet/Next, " +
        "MISSING_END_STATE: Workflow has no terminal state at null'",
    );
  });

  it('text starting with { is JSON, strictly: a trailing comma is InvalidDefinition, not read as YAML', async () => {
    const text = '{"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}},}';
    const error = await rejection(create('trailing', text));
    expect(error).toBeInstanceOf(InvalidDefinition);
    expect(error.message).toBe(
      "Invalid State Machine Definition: 'INVALID_JSON_DESCRIPTION: Unexpected character ('}'): expected '\"' at /'",
    );
    const validated = await h.client.send(new ValidateStateMachineDefinitionCommand({ definition: text }));
    expect(validated.result).toBe('FAIL');
    expect(validated.diagnostics?.map((d) => d.code)).toEqual(['INVALID_JSON_DESCRIPTION']);
  });

  it('ValidateStateMachineDefinition reads YAML as CreateStateMachine does', async () => {
    const ok = await h.client.send(new ValidateStateMachineDefinitionCommand({ definition: greet }));
    expect(ok.result).toBe('OK');
    expect(ok.diagnostics).toEqual([]);
    const failed = await h.client.send(
      new ValidateStateMachineDefinitionCommand({ definition: greet.replace('End: true', 'Next: Nowhere') }),
    );
    expect(failed.result).toBe('FAIL');
    expect(failed.diagnostics?.map((d) => [d.code, d.location])).toEqual([
      ['MISSING_TRANSITION_TARGET', '/States/Greet/Next'],
      ['MISSING_END_STATE', undefined],
    ]);
  });

  it('TestState takes a YAML definition, whole or a lone state', async () => {
    const whole = await h.client.send(
      new TestStateCommand({ definition: greet, stateName: 'Greet', roleArn: ROLE, input: '{"name":"Ada"}' }),
    );
    expect(whole.status).toBe('SUCCEEDED');
    expect(whole.output).toBe('{"greeting":"Hello, Ada!"}');
    const lone = await h.client.send(
      new TestStateCommand({ definition: 'Type: Pass\nResult: 42\nEnd: true\n', roleArn: ROLE }),
    );
    expect(lone.status).toBe('SUCCEEDED');
    expect(lone.output).toBe('42');
  });
});
