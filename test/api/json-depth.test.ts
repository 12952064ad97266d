/** Nesting deeper than MAX_JSON_DEPTH is refused at the edge with AWS's 4xx, and the server goes on. */
import {
  CreateStateMachineCommand,
  StartExecutionCommand,
  TestStateCommand,
  UntagResourceCommand,
  UpdateStateMachineAliasCommand,
  ValidateStateMachineDefinitionCommand,
} from '@aws-sdk/client-sfn';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAX_JSON_DEPTH } from '../../src/vocabulary/limits.js';
import { ARN_PREFIX, passDefinition, ROLE, startHarness, type Harness } from './harness.js';

const deep = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;
const deepDefinition = `{"StartAt":"P","States":{"P":{"Type":"Pass","Result":${deep(20_000)},"End":true}}}`;

async function rejected(promise: Promise<unknown>): Promise<{ name: string; status?: number; message: string }> {
  try {
    await promise;
  } catch (error) {
    const e = error as { name: string; message: string; $metadata?: { httpStatusCode?: number } };
    return { name: e.name, status: e.$metadata?.httpStatusCode, message: e.message };
  }
  throw new Error('expected a rejection');
}

describe('nesting depth at the API edge', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness('memory');
  });
  afterEach(async () => h.close());

  const target = (action: string) => ({ 'x-amz-target': `AWSStepFunctions.${action}` });

  it('a definition 20,000 levels deep is InvalidDefinition on Validate, Create and TestState', async () => {
    for (let i = 0; i < 5; i++) {
      const validated = await h.client.send(new ValidateStateMachineDefinitionCommand({ definition: deepDefinition }));
      expect(validated.result).toBe('FAIL');
      expect(validated.diagnostics?.[0]?.message).toContain(`${MAX_JSON_DEPTH} levels`);
      const created = await rejected(
        h.client.send(new CreateStateMachineCommand({ name: `deep-${i}`, definition: deepDefinition, roleArn: ROLE })),
      );
      expect(created).toMatchObject({ name: 'InvalidDefinition', status: 400 });
      const tested = await rejected(
        h.client.send(new TestStateCommand({ definition: deep(20_000), roleArn: ROLE, input: '{}' })),
      );
      expect(tested.status).toBe(400);
    }
    expect((await fetch(`${h.url}/healthz`)).status).toBe(200);
  });

  it('an input nested deeper than the limit is InvalidExecutionInput on StartExecution and TestState', async () => {
    const { stateMachineArn } = await h.client.send(
      new CreateStateMachineCommand({ name: 'm', definition: passDefinition(), roleArn: ROLE }),
    );
    const started = await rejected(h.client.send(new StartExecutionCommand({ stateMachineArn, input: deep(10_000) })));
    expect(started).toMatchObject({ name: 'InvalidExecutionInput', status: 400 });
    expect(started.message).toContain(`${MAX_JSON_DEPTH} levels`);
    const tested = await rejected(
      h.client.send(
        new TestStateCommand({
          definition: JSON.stringify({ Type: 'Pass', End: true }),
          roleArn: ROLE,
          input: deep(10_000),
        }),
      ),
    );
    expect(tested).toMatchObject({ name: 'InvalidExecutionInput', status: 400 });
    // Within the limit, still fine.
    await h.client.send(new StartExecutionCommand({ stateMachineArn, input: deep(MAX_JSON_DEPTH) }));
  });

  it('deep items in tagKeys and routingConfiguration are a SerializationException', async () => {
    const arn = `${ARN_PREFIX}stateMachine:m`;
    const untag = await h.raw(`{"resourceArn":"${arn}","tagKeys":[${deep(10_000)}]}`, target('UntagResource'));
    expect(untag.status).toBe(400);
    expect(untag.json.__type).toBe('SerializationException');
    const alias = await h.raw(
      `{"stateMachineAliasArn":"${arn}:a","routingConfiguration":[${deep(10_000)}]}`,
      target('UpdateStateMachineAlias'),
    );
    expect(alias.status).toBe(400);
    expect(alias.json.__type).toBe('SerializationException');
    expect(String(alias.json.message)).toContain(`${MAX_JSON_DEPTH} levels`);
    // The SDK path for the same operations still answers.
    await rejected(h.client.send(new UntagResourceCommand({ resourceArn: arn, tagKeys: ['k'] })));
    await rejected(h.client.send(new UpdateStateMachineAliasCommand({ stateMachineAliasArn: `${arn}:a` })));
    expect((await fetch(`${h.url}/healthz`)).status).toBe(200);
  });
});
