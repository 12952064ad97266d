import { describe, expect, it } from 'vitest';
import type { Json } from '../../src/json.js';
import { Driver, INVOKE, type InvokeTask } from './support.js';

/** Settles every task the last step invoked, through `outcome(parameters)`. */
async function settle(
  driver: Driver,
  outcome: (task: InvokeTask) => { output: Json } | { error: string },
): Promise<void> {
  for (;;) {
    const pending = driver.last.commands.filter((c): c is InvokeTask => c.kind === 'invokeTask');
    if (pending.length === 0) return;
    let settled = false;
    for (const task of pending) {
      const result = outcome(task);
      if ('output' in result) await driver.send({ kind: 'taskSucceeded', taskId: task.taskId, output: result.output });
      else await driver.send({ kind: 'taskFailed', taskId: task.taskId, error: result.error, cause: 'boom' });
      settled = true;
      if (driver.state.status !== 'RUNNING') return;
    }
    if (!settled) return;
  }
}

describe('RedriveExecution', () => {
  it('continues from the failed state with the same input, without rerunning the states that succeeded', async () => {
    const driver = await Driver.start(
      {
        StartAt: 'Prepare',
        States: {
          Prepare: { Type: 'Pass', Result: { n: 1 }, Next: 'Work' },
          Work: { Type: 'Task', Resource: INVOKE, End: true },
        },
      },
      {},
    );
    await driver.send({
      kind: 'taskFailed',
      taskId: driver.lastInvocation().taskId,
      error: 'Flaky',
      cause: 'first try',
    });
    expect(driver.state.status).toBe('FAILED');

    const before = driver.events.length;
    await driver.send({ kind: 'redrive' });
    const redriven = driver.events.slice(before).map((e) => e.type);
    expect(redriven.slice(0, 2)).toEqual(['ExecutionRedriven', 'TaskStateEntered']);
    expect(redriven).not.toContain('PassStateEntered');
    expect(driver.lastInvocation().parameters).toEqual({ n: 1 });

    await driver.send({ kind: 'taskSucceeded', taskId: driver.lastInvocation().taskId, output: 'done' });
    expect(driver.state.status).toBe('SUCCEEDED');
    expect(driver.state.output).toBe('done');
    expect(driver.events.find((e) => e.type === 'ExecutionRedriven')?.executionRedrivenEventDetails).toEqual({
      redriveCount: 1,
    });
  });

  it('reruns only the Map iterations that failed or were aborted, keeping the results of the others', async () => {
    const driver = await Driver.start(
      {
        StartAt: 'Each',
        States: {
          Each: {
            Type: 'Map',
            ItemProcessor: { StartAt: 'Work', States: { Work: { Type: 'Task', Resource: INVOKE, End: true } } },
            End: true,
          },
        },
      },
      [1, 2, 3],
    );
    await settle(driver, (t) => (t.parameters === 2 ? { error: 'Flaky' } : { output: (t.parameters as number) * 10 }));
    expect(driver.state.status).toBe('FAILED');

    // Item 1 succeeded; item 2 failed; item 3 was still running and was aborted.
    const firstRun = driver.invocations().length;
    await driver.send({ kind: 'redrive' });
    const rerun = driver
      .invocations()
      .slice(firstRun)
      .map((t) => t.parameters);
    expect(rerun).toEqual([2, 3]);
    await settle(driver, (t) => ({ output: (t.parameters as number) * 10 }));
    expect(driver.state.status).toBe('SUCCEEDED');
    expect(driver.state.output).toEqual([10, 20, 30]);
  });

  it('reruns only the Parallel branches that did not succeed', async () => {
    const branch = (name: string) => ({
      StartAt: name,
      States: { [name]: { Type: 'Task', Resource: INVOKE, Parameters: { branch: name }, End: true } },
    });
    const driver = await Driver.start({
      StartAt: 'Both',
      States: { Both: { Type: 'Parallel', Branches: [branch('A'), branch('B')], End: true } },
    });
    await settle(driver, (t) =>
      (t.parameters as { branch: string }).branch === 'B' ? { error: 'Flaky' } : { output: 'a' },
    );
    expect(driver.state.status).toBe('FAILED');

    const firstRun = driver.invocations().length;
    await driver.send({ kind: 'redrive' });
    expect(
      driver
        .invocations()
        .slice(firstRun)
        .map((t) => t.parameters),
    ).toEqual([{ branch: 'B' }]);
    await settle(driver, () => ({ output: 'b' }));
    expect(driver.state.output).toEqual(['a', 'b']);
  });

  it('is ignored for an execution that succeeded', async () => {
    const driver = await Driver.start({ StartAt: 'P', States: { P: { Type: 'Pass', End: true } } });
    const result = await driver.send({ kind: 'redrive' });
    expect(result.events).toEqual([]);
    expect(driver.state.status).toBe('SUCCEEDED');
  });
});
