/** `stepwise-sfn/testing` used exactly as a Vitest user would: runWorkflow, the trace, and the matchers. */
import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import {
  fromFile,
  parseMockConfig,
  runWorkflow,
  stepwiseMatchers,
  TaskFailure,
  type StepwiseMatchers,
} from '../../src/testing/index.js';

declare module 'vitest' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type, @typescript-eslint/no-explicit-any
  interface Assertion<T = any> extends StepwiseMatchers<T> {}
}

expect.extend(stepwiseMatchers);

const example = (name: string) => fileURLToPath(new URL(`../../examples/${name}`, import.meta.url));

const order = {
  StartAt: 'Reserve',
  States: {
    Reserve: {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke',
      Parameters: { FunctionName: 'reserve', 'Payload.$': '$' },
      ResultSelector: { 'reservation.$': '$.Payload' },
      Retry: [{ ErrorEquals: ['Busy'], IntervalSeconds: 3600, MaxAttempts: 2 }],
      Catch: [{ ErrorEquals: ['OutOfStock'], ResultPath: '$.error', Next: 'Apologise' }],
      Next: 'Wait a day',
    },
    'Wait a day': { Type: 'Wait', Seconds: 86400, Next: 'Ship' },
    Ship: {
      Type: 'Parallel',
      Branches: [
        { StartAt: 'Label', States: { Label: { Type: 'Pass', Result: 'label', End: true } } },
        {
          StartAt: 'Notify',
          States: { Notify: { Type: 'Task', Resource: 'arn:aws:states:::sns:publish', End: true } },
        },
      ],
      ResultPath: '$.shipped',
      End: true,
    },
    Apologise: { Type: 'Fail', Error: 'OrderFailed', Cause: 'Out of stock' },
  },
};

describe('stepwise-sfn/testing', () => {
  it('runs a definition with mocks on a fake clock and reads the path and every state', async () => {
    const run = await runWorkflow(order, {
      input: { sku: 'A-1' },
      mocks: {
        Reserve: [{ throw: { error: 'Busy', cause: 'try later' } }, { return: { Payload: { id: 'r-1' } } }],
        'arn:aws:states:::sns:publish': { return: { MessageId: 'm-1' } },
      },
    });
    // An hour of backoff and a day of Wait took no real time.
    expect(run).toHaveSucceeded();
    expect(run).toHaveFollowedPath(['Reserve', 'Wait a day', 'Ship']);
    expect(run).toHavePassedThrough('Notify');
    expect(run).toHaveNeverEntered('Apologise');
    expect(run).toHaveAttempts('Reserve', 2);
    expect(run).toHaveOutput({ reservation: { id: 'r-1' }, shipped: ['label', { MessageId: 'm-1' }] });
    expect(run).toHaveState('Reserve', { input: { sku: 'A-1' }, output: { reservation: { id: 'r-1' } } });
    expect(run).toHaveCalled('Reserve', {
      count: 2,
      parameters: [{ FunctionName: 'reserve', Payload: { sku: 'A-1' } }],
    });
    expect(run).not.toHaveCaught('Reserve');
    expect(run.state('Reserve').visits[0]?.retries).toEqual([0]);
    expect(run.entered).toEqual(expect.arrayContaining(['Label', 'Notify']));
  });

  it('sees the Catch that fired and the failure', async () => {
    const run = await runWorkflow(order, { mocks: { Reserve: { throw: { error: 'OutOfStock' } } } });
    expect(run).toHaveFailedWith('OrderFailed', /stock/);
    expect(run).toHaveCaught('Reserve', 'OutOfStock');
    expect(run).toHaveState('Reserve', { caught: { next: 'Apologise', index: 0 } });
    expect(run).toHaveFollowedPath(['Reserve', 'Apologise']);
    expect(run).not.toHaveCalled('arn:aws:states:::sns:publish');
  });

  it('takes function mocks and a MockConfigFile test case', async () => {
    const config = parseMockConfig({
      StateMachines: { Orders: { TestCases: { NoStock: { Reserve: 'OutOfStock' } } } },
      MockedResponses: { OutOfStock: { '0': { Throw: { Error: 'OutOfStock', Cause: 'none left' } } } },
    });
    const run = await runWorkflow(order, { mockConfig: { config, stateMachine: 'Orders', testCase: 'NoStock' } });
    expect(run).toHaveFailedWith('OrderFailed');
    const byFunction = await runWorkflow(order, {
      mocks: {
        Reserve: (input) => {
          if ((input as { Payload: { sku?: string } }).Payload.sku === undefined) throw new TaskFailure('OutOfStock');
          return { ok: true };
        },
        Notify: { return: null },
      },
    });
    expect(byFunction).toHaveCaught('Reserve', 'OutOfStock');
  });

  it('fails a matcher with a report that says what differed', async () => {
    const run = await runWorkflow(order, { mocks: { Reserve: { throw: { error: 'OutOfStock' } } } });
    expect(() => expect(run).toHaveSucceeded()).toThrow(/status: expected SUCCEEDED, got FAILED \(error "OrderFailed"/);
    expect(() => expect(run).toHaveFollowedPath(['Reserve', 'Wait a day'])).toThrow(
      /the path diverged after 'Reserve' \(step 2\): expected 'Wait a day', entered 'Apologise'/,
    );
    expect(() => expect(run).toHavePassedThrough('Nowhere')).toThrow(
      "passesThrough: the state 'Nowhere' does not exist in the state machine",
    );
    expect(() => expect(run).not.toHavePassedThrough('Nowhere')).toThrow(/does not exist in the state machine/);
    expect(run.mockUsage).toEqual({ unknown: [], unused: [] });
  });

  it('runs an example from its file with its local functions', async () => {
    const run = await runWorkflow(fromFile(example('document-validation/statemachine.asl.json')), {
      input: { documentId: 'NF-1', type: 'memo' },
      functionsDir: example('document-validation/functions'),
    });
    expect(run).toHaveFailedWith('DocumentInvalid', 'Documento Inválido');
    expect(run).toHaveFollowedPath(['ValidateDocument', 'IsValid', 'DocumentInvalid']);
    expect(run).toHaveState('ValidateDocument', { output: { valid: false } });
  });

  it('reports mocks that match no task', async () => {
    const run = await runWorkflow(order, {
      mocks: { Reserv: { return: {} }, Reserve: { return: {} }, Notify: { return: 1 } },
    });
    expect(run.mockUsage.unknown).toEqual(['Reserv']);
  });
});
