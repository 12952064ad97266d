/**
 * A group-commit batch isolates its members: one commit the store cannot write (here a state
 * nested too deep to serialise) fails alone, and every other commit of its batch is written.
 * On the real stores, since whether a failed batch leaves a trace is each adapter's doing.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { CommitQueue, UnstorableCommitError } from '../../src/engine/commit-queue.js';
import type { Json } from '../../src/json.js';
import { StoreUnavailableError } from '../../src/store/faults.js';
import { MemoryStore } from '../../src/store/memory/memory-store.js';
import { PostgresStore } from '../../src/store/postgres/postgres-store.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import type { Commit, ExecutionStore } from '../../src/store/types.js';
import { removeDir, tempDir } from '../support/files.js';
import { createCommit, event, execution } from '../store/fixtures.js';
import { databaseUrl, freshSchema, postgresWanted } from '../store/postgres-helper.js';

/** A value nested deeper than JSON.stringify (or structuredClone) can walk. */
function tooDeep(levels = 200_000): Json {
  let value: Json = 'bottom';
  for (let i = 0; i < levels; i++) value = [value];
  return value;
}

function startCommit(name: string, input: Json = { n: name }): Commit {
  const record = execution('m', name);
  return createCommit({ ...record, state: { ...record.state, input } }, { events: [event(1, 'ExecutionStarted')] });
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const stores: [string, () => Promise<ExecutionStore>][] = [
  ['memory', async () => new MemoryStore()],
  [
    'sqlite',
    async () => {
      const dir = tempDir('stepwise-commit-queue-');
      cleanups.push(() => removeDir(dir));
      return SqliteStore.open(`${dir}/stepwise.db`);
    },
  ],
];
if (await postgresWanted('the commit-queue isolation test'))
  stores.push(['postgres', () => PostgresStore.open(databaseUrl, { schema: freshSchema() })]);

describe.each(stores)('a commit batch on the %s store', (_kind, open) => {
  it('fails only the member the store cannot write; the others of its batch are committed', async () => {
    const store = await open();
    cleanups.push(() => store.close());
    const queue = new CommitQueue(store);
    const names = Array.from({ length: 20 }, (_, i) => `good-${i}`);
    // Submitted in one turn of the event loop: one batch.
    const good = names.map((name) => queue.submit(startCommit(name)));
    const bad = queue.submit(startCommit('poisoned', tooDeep()));
    expect(await Promise.all(good)).toEqual(names.map(() => 'ok'));
    await expect(bad).rejects.toBeInstanceOf(UnstorableCommitError);
    for (const name of names) expect((await store.getExecution(execution('m', name).arn))?.status).toBe('RUNNING');
    expect(await store.getExecution(execution('m', 'poisoned').arn)).toBeUndefined();
    expect(queue.isolatedBatches).toBe(1);
  });

  it('keeps answering after a failed batch: the next commits go through', async () => {
    const store = await open();
    cleanups.push(() => store.close());
    const queue = new CommitQueue(store);
    await expect(queue.submit(startCommit('poisoned', tooDeep()))).rejects.toThrow();
    expect(await queue.submit(startCommit('after'))).toBe('ok');
  });
});

describe('a commit queue on a faulted store', () => {
  /** A store whose disk is full: every commit fails with SQLITE_FULL. */
  function fullStore(): ExecutionStore & { attempts: number } {
    const store = new MemoryStore() as MemoryStore & { attempts: number };
    store.attempts = 0;
    store.commit = () => {
      store.attempts++;
      return Promise.reject(Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' }));
    };
    return store;
  }

  it("holds a running execution's step, and gives it up when the engine stops, so the stop ends", async () => {
    const store = fullStore();
    let sleeps = 0;
    // A probe wait that never ends by itself, as a full disk would keep it: only giving up ends it.
    const queue = new CommitQueue(store, 500, undefined, () => (sleeps++, new Promise<void>(() => {})));
    const step = { ...startCommit('held'), expectedVersion: 3 };
    const held = queue.submit(step);
    const outcome = held.then(
      () => 'committed',
      (error: unknown) => (error instanceof StoreUnavailableError ? 'refused: the store is unavailable' : error),
    );
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(store.attempts).toBe(1);
    expect(sleeps).toBe(1);
    queue.giveUpHeld();
    await queue.drain();
    expect(await outcome).toBe('refused: the store is unavailable');
    expect(store.attempts).toBe(2);
  });
});
