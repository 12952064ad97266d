/**
 * The trace's timeline on the in-memory runner with a fake clock: nesting, timeouts, failures
 * nothing catches, and the Wait/Retry scaling the CLI's --wait-time-scale uses.
 */
import { describe, expect, it } from 'vitest';
import { Trace } from '../../src/cli/trace.js';
import { fakeClock, StateMachine, TaskFailure } from '../../src/index.js';
import { runInMemory } from '../../src/engine/in-memory-runner.js';
import type { Json } from '../../src/json.js';
import type { ExecutionInfo } from '../../src/interpreter/types.js';

const FN = 'arn:aws:lambda:us-east-1:123456789012:function:';
const START = Date.UTC(2024, 0, 1);
const info: ExecutionInfo = {
  executionArn: 'arn:aws:states:us-east-1:123456789012:execution:M:e',
  executionName: 'e',
  stateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:M',
  stateMachineName: 'M',
  roleArn: 'arn:aws:iam::123456789012:role/R',
  startTime: START,
  redriveCount: 0,
  stateMachineType: 'STANDARD',
};

async function traced(
  definition: Json,
  input: Json,
  handlers: Record<string, (input: Json) => Promise<Json>>,
  waitTimeScale = 1,
): Promise<{ status: string; trace: string[] }> {
  const trace: string[] = [];
  const timeline = new Trace((line) => trace.push(line.replace(/\n$/, '')), false);
  const machine = new StateMachine(definition).compiled;
  const result = await runInMemory(machine, info, input, {
    handlers,
    clock: fakeClock(START),
    history: true,
    onEvent: timeline.onEvent,
    waitTimeScale,
  });
  return { status: result.status, trace };
}

describe('the trace timeline', () => {
  it('indents a Map inside a Parallel branch one level further, labelled by its own index', async () => {
    const { status, trace } = await traced(
      {
        StartAt: 'P',
        States: {
          P: {
            Type: 'Parallel',
            Branches: [
              {
                StartAt: 'M',
                States: {
                  M: {
                    Type: 'Map',
                    ItemProcessor: { StartAt: 'Item', States: { Item: { Type: 'Pass', End: true } } },
                    End: true,
                  },
                },
              },
            ],
            End: true,
          },
        },
      },
      [1, 2],
      {},
    );
    expect(status).toBe('SUCCEEDED');
    expect(trace).toContain('   +0.000s    [P branch 0] ▶ M (Map)  input [1,2]');
    expect(trace).toContain('   +0.000s      [M #1] ▶ Item (Pass)  input 2');
    expect(trace).toContain('   +0.000s      [M #1] ◀ Item  output 2');
  });

  it('shows a task timeout, the failed iteration nothing caught, and the execution failing', async () => {
    const { status, trace } = await traced(
      {
        StartAt: 'M',
        States: {
          M: {
            Type: 'Map',
            ItemProcessor: {
              StartAt: 'Slow',
              States: { Slow: { Type: 'Task', Resource: `${FN}slow`, TimeoutSeconds: 5, End: true } },
            },
            End: true,
          },
        },
      },
      [1],
      { [`${FN}slow`]: () => new Promise<Json>(() => undefined) },
    );
    expect(status).toBe('FAILED');
    expect(trace).toContainEqual(expect.stringMatching(/^ *\+5\.000s {4}\[M #0\] ✗ Slow timed out {2}States\.Timeout/));
    expect(trace).toContain('   +5.000s  ✗ M #0 failed');
    expect(trace).toContainEqual(expect.stringMatching(/^ *\+5\.000s {2}✗ M failed/));
    expect(trace.at(-1)).toMatch(/^ *\+5\.000s {2}✗ execution failed {2}States\.Timeout/);
  });

  it('a retried Map state shows its retry like a task', async () => {
    let calls = 0;
    const { status, trace } = await traced(
      {
        StartAt: 'M',
        States: {
          M: {
            Type: 'Map',
            ItemProcessor: {
              StartAt: 'Flaky',
              States: { Flaky: { Type: 'Task', Resource: `${FN}flaky`, End: true } },
            },
            Retry: [{ ErrorEquals: ['Flaky'], IntervalSeconds: 3 }],
            End: true,
          },
        },
      },
      [1],
      {
        [`${FN}flaky`]: async (input) => {
          calls += 1;
          if (calls === 1) throw new TaskFailure('Flaky', 'first time');
          return input;
        },
      },
    );
    expect(status).toBe('SUCCEEDED');
    expect(trace).toContainEqual(expect.stringMatching(/\[M #0\] ✗ Flaky failed {2}Flaky: first time$/));
    expect(trace).toContain('   +3.000s  ↻ M retry 1 after 3.000s');
  });

  it('Wait and Retry delays are scaled by waitTimeScale, timeouts are not', async () => {
    const { trace } = await traced(
      {
        StartAt: 'W',
        States: {
          W: { Type: 'Wait', Seconds: 100, Next: 'T' },
          T: { Type: 'Task', Resource: `${FN}never`, TimeoutSeconds: 10, End: true },
        },
      },
      {},
      { [`${FN}never`]: () => new Promise<Json>(() => undefined) },
      0.01,
    );
    expect(trace).toContain('   +1.000s  ◀ W  output {}');
    expect(trace).toContainEqual(expect.stringMatching(/^ *\+11\.000s {2}✗ T timed out/));
  });

  it("a caught Map failure names its iteration's error", async () => {
    const map = (extra: Json): Json => ({
      StartAt: 'M',
      States: {
        M: {
          Type: 'Map',
          ItemProcessor: { StartAt: 'Check', States: { Check: { Type: 'Task', Resource: `${FN}check`, End: true } } },
          ...(extra as object),
          Next: 'Done',
        },
        Done: { Type: 'Succeed' },
        Recover: { Type: 'Pass', End: true },
      },
    });
    const handlers = {
      [`${FN}check`]: async (input: Json) => {
        if (input === 2) throw new TaskFailure('BadItem', 'two is bad');
        return input;
      },
    };
    const caught = await traced(map({ Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Recover' }] }), [1, 2], handlers);
    expect(caught.status).toBe('SUCCEEDED');
    expect(caught.trace).toContain('   +0.000s  ↪ M caught BadItem → Recover');

    expect(caught.trace).toContain('   +0.000s  ✗ M #1 failed');
  });
});
