/**
 * Nesting depth is bounded at the edge: text nested deeper than MAX_JSON_DEPTH is refused with a
 * 4xx in AWS's shape before any recursive parser sees it, and the server keeps answering.
 */
import {
  CreateStateMachineCommand,
  StartExecutionCommand,
  TestStateCommand,
  ValidateStateMachineDefinitionCommand,
} from '@aws-sdk/client-sfn';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAX_JSON_DEPTH } from '../../src/vocabulary/limits.js';
import { rejection, ROLE, startHarness, storeKinds, type Harness } from './harness.js';

const nested = (levels: number) => '['.repeat(levels) + ']'.repeat(levels);
const deepObject = (levels: number) => '{"a":'.repeat(levels) + '1' + '}'.repeat(levels);
const deepDefinition = (levels: number) =>
  `{"StartAt":"P","States":{"P":{"Type":"Pass","Result":${deepObject(levels)},"End":true}}}`;
const pass = JSON.stringify({ StartAt: 'P', States: { P: { Type: 'Pass', End: true } } });
const passState = JSON.stringify({ Type: 'Pass', End: true });
const target = (action: string) => ({ 'x-amz-target': `AWSStepFunctions.${action}` });

describe.each(storeKinds)('with the %s store', (kind) => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness(kind);
  });
  afterEach(async () => h.close());

  async function stillAnswers() {
    const health = await fetch(`${h.url}/healthz`);
    expect(health.status).toBe(200);
  }

  it('a definition nested 20,000 deep is InvalidDefinition naming the limit, every time', async () => {
    for (let i = 0; i < 5; i++) {
      const validated = await h.client.send(
        new ValidateStateMachineDefinitionCommand({ definition: deepDefinition(20_000) }),
      );
      expect(validated.result).toBe('FAIL');
      expect(validated.diagnostics?.[0]?.message).toContain(`${MAX_JSON_DEPTH} levels`);
      const created = await rejection(
        h.client.send(
          new CreateStateMachineCommand({ name: `deep${i}`, roleArn: ROLE, definition: deepDefinition(20_000) }),
        ),
      );
      expect(created.name).toBe('InvalidDefinition');
      expect(created.message).toContain(`${MAX_JSON_DEPTH} levels`);
      const tested = await rejection(h.client.send(new TestStateCommand({ definition: deepDefinition(20_000) })));
      expect(tested.$metadata?.httpStatusCode).toBe(400);
    }
    await stillAnswers();
  });

  it('a YAML definition nested 20,000 deep is InvalidDefinition', async () => {
    const yaml = `StartAt: P\nStates:\n  P:\n    Type: Pass\n    Result: ${nested(20_000)}\n    End: true\n`;
    const created = await rejection(
      h.client.send(new CreateStateMachineCommand({ name: 'deepyaml', roleArn: ROLE, definition: yaml })),
    );
    expect(created.name).toBe('InvalidDefinition');
    await stillAnswers();
  });

  it('a definition nested within the limit still creates', async () => {
    const made = await h.client.send(
      new CreateStateMachineCommand({ name: 'fine', roleArn: ROLE, definition: deepDefinition(100) }),
    );
    expect(made.stateMachineArn).toBeTruthy();
  });

  it('an execution input or TestState input nested 10,000 deep is InvalidExecutionInput', async () => {
    const { stateMachineArn } = await h.client.send(
      new CreateStateMachineCommand({ name: 'p', roleArn: ROLE, definition: pass }),
    );
    const started = await rejection(
      h.client.send(new StartExecutionCommand({ stateMachineArn, input: nested(10_000) })),
    );
    expect(started.name).toBe('InvalidExecutionInput');
    expect(started.message).toContain(`${MAX_JSON_DEPTH} levels`);
    const tested = await rejection(
      h.client.send(new TestStateCommand({ definition: passState, input: nested(10_000) })),
    );
    expect(tested.name).toBe('InvalidExecutionInput');
    await stillAnswers();
  });

  it('deep items in UntagResource.tagKeys and UpdateStateMachineAlias.routingConfiguration are a SerializationException', async () => {
    const untag = await h.raw(
      `{"resourceArn":"arn:aws:states:us-east-1:123456789012:stateMachine:x","tagKeys":[${nested(10_000)}]}`,
      target('UntagResource'),
    );
    expect(untag.status).toBe(400);
    expect(untag.json.__type).toBe('SerializationException');
    expect(String(untag.json.message)).toContain(`${MAX_JSON_DEPTH} levels`);
    const alias = await h.raw(
      `{"stateMachineAliasArn":"arn:aws:states:us-east-1:123456789012:stateMachine:x:a","routingConfiguration":[${nested(10_000)}]}`,
      target('UpdateStateMachineAlias'),
    );
    expect(alias.status).toBe(400);
    expect(alias.json.__type).toBe('SerializationException');
    await stillAnswers();
  });
});
