import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { createCommit, event, execution, stateMachine } from './fixtures.js';
import { describeStore } from './store-suite.js';
import { removeDir, tempDir } from '../support/files.js';

const dir = tempDir('stepwise-store-');
let files = 0;
const freshFile = (): string => join(dir, `store-${++files}.db`);

afterAll(() => {
  removeDir(dir);
});

describeStore('sqlite (file)', async () => SqliteStore.open(freshFile()));
describeStore('sqlite (:memory:)', async () => SqliteStore.open(':memory:'));

describe('SqliteStore on disk', () => {
  it('a reopened database file still holds what was committed', async () => {
    const file = freshFile();
    const exec = execution('m', 'e1');
    const first = SqliteStore.open(file);
    await first.createStateMachine(stateMachine('m'));
    await first.commit([createCommit(exec, { events: [event(1, 'ExecutionStarted')] })]);
    await first.close();

    const second = SqliteStore.open(file);
    expect((await second.getStateMachine(stateMachine('m').arn))?.name).toBe('m');
    expect((await second.getExecution(exec.arn))?.state).toEqual(exec.state);
    expect(await second.getHistory(exec.arn, { limit: 10 })).toEqual([event(1, 'ExecutionStarted')]);
    await second.close();
  });

  it('runs in WAL journal mode with synchronous NORMAL and foreign keys on', async () => {
    const store = SqliteStore.open(freshFile());
    expect(store.pragma('journal_mode')).toBe('wal');
    expect(store.pragma('synchronous')).toBe(1);
    expect(store.pragma('foreign_keys')).toBe(1);
    await store.close();
  });

  it("durability 'power' syncs every commit (synchronous FULL)", async () => {
    const store = SqliteStore.open(freshFile(), { durability: 'power' });
    expect(store.pragma('synchronous')).toBe(2);
    await store.close();
  });
});
