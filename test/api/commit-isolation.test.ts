/**
 * One bad StartExecution never fails the well-formed starts of the same burst: an input nested
 * 10,000 deep gets its own InvalidExecutionInput (the edge refuses it before it reaches a commit
 * batch; test/engine covers a batch member the store cannot write), every other start commits and
 * answers 200. Through the SDK, on every store.
 */
import { CreateStateMachineCommand, DescribeExecutionCommand, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { passDefinition, ROLE, startHarness, storeKinds, type Harness } from './harness.js';

/** JSON nested `levels` deep: JSON.parse reads it, JSON.stringify of the execution state does not. */
const deepInput = (levels: number): string => '['.repeat(levels) + '"bottom"' + ']'.repeat(levels);

describe.each(storeKinds)('with the %s store', (kind) => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness(kind);
  });
  afterEach(() => h.close());

  it('200 concurrent starts, one of them poisonous: the 199 others commit, the bad one alone is refused', async () => {
    const { stateMachineArn } = await h.client.send(
      new CreateStateMachineCommand({ name: 'burst', definition: passDefinition(), roleArn: ROLE }),
    );
    const POISONED = 100;
    const answers = await Promise.allSettled(
      Array.from({ length: 200 }, (_, i) =>
        h.client.send(
          new StartExecutionCommand({
            stateMachineArn,
            name: `start-${i}`,
            input: i === POISONED ? deepInput(10_000) : JSON.stringify({ i }),
          }),
        ),
      ),
    );
    const failed = answers.flatMap((a, i) => (a.status === 'rejected' ? [{ i, error: a.reason as Error }] : []));
    expect(failed.map((f) => [f.i, f.error.name])).toEqual([[POISONED, 'InvalidExecutionInput']]);
    expect(failed[0]?.error.message).toBe(
      "The JSON text at 'input' nests arrays and objects more than 512 levels deep",
    );
    for (const answer of answers) {
      if (answer.status !== 'fulfilled') continue;
      const described = await h.client.send(new DescribeExecutionCommand({ executionArn: answer.value.executionArn }));
      expect(described.status).toBe('SUCCEEDED');
    }
  });
});
