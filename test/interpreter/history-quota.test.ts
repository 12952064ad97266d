import { describe, expect, it } from 'vitest';
import { execute } from '../../src/index.js';

/** A loop that never takes its way out: Choice always goes back to the Pass. */
const forever = {
  StartAt: 'P',
  States: {
    P: { Type: 'Pass', Next: 'C' },
    C: { Type: 'Choice', Choices: [{ Variable: '$.stop', IsPresent: true, Next: 'Done' }], Default: 'P' },
    Done: { Type: 'Succeed' },
  },
};

describe('the history quota', () => {
  it('fails a Standard execution that loops forever when its history reaches 25,000 events', async () => {
    const result = await execute(forever, {});
    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('States.Runtime');
    expect(result.cause).toBe('The execution has reached the maximum number of history events (25000).');
    expect(result.history).toHaveLength(25_000);
    expect(result.history.at(-1)?.type).toBe('ExecutionFailed');
  });

  it('counts events even when no history is recorded', async () => {
    const result = await execute(forever, {}, { history: false });
    expect(result.status).toBe('FAILED');
    expect(result.cause).toBe('The execution has reached the maximum number of history events (25000).');
    expect(result.history).toEqual([]);
  });

  it('ends with ExecutionFailed as event 25,000, without abort events of the iterations still running', async () => {
    const map = { StartAt: 'M', States: { M: { Type: 'Map', ItemProcessor: forever, End: true } } };
    const result = await execute(
      map,
      Array.from({ length: 40 }, () => ({})),
    );
    expect(result.cause).toBe('The execution has reached the maximum number of history events (25000).');
    expect(result.history).toHaveLength(25_000);
    expect(result.history.at(-1)?.type).toBe('ExecutionFailed');
    expect(result.history.filter((event) => event.type === 'MapIterationAborted')).toEqual([]);
  });
});
