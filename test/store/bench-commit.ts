/**
 * The store's physical ceiling, for the benchmark reports (not a test): SQLite single-row
 * transactions/s, and SqliteStore.commit() commits/s in batches of 1, 10 and 100 small commits
 * (each: version bump, 2 history events, 1 timer replaced). Run: node --import tsx test/store/bench-commit.ts
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { MemoryStore } from '../../src/store/memory/memory-store.js';
import type { Commit, ExecutionRecord, ExecutionStore } from '../../src/store/types.js';
import { createCommit, event, execution, nextCommit, timer } from './fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'stepwise-bench-'));
const SECONDS = 2;

function rawInserts(sync: 'NORMAL' | 'FULL'): number {
  const db = new Database(join(dir, `raw-${sync}.db`));
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${sync}`);
  db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)');
  const insert = db.prepare('INSERT INTO t (v) VALUES (?)');
  const tx = db.transaction((v: string) => insert.run(v));
  let n = 0;
  const end = performance.now() + SECONDS * 1000;
  while (performance.now() < end) {
    tx.immediate('hello world');
    n++;
  }
  db.close();
  return n / SECONDS;
}

async function commits(store: ExecutionStore, batch: number): Promise<number> {
  // `batch` executions, each then committed repeatedly: version bump, 2 events, 1 timer replaced.
  const creates: Commit[] = [];
  for (let i = 0; i < batch; i++)
    creates.push(createCommit(execution('m', `b${batch}-${i}`), { events: [event(1, 'ExecutionStarted')] }));
  await store.commit(creates);
  let current: ExecutionRecord[] = creates.map((c) => c.execution);
  let n = 0;
  let round = 0;
  const end = performance.now() + SECONDS * 1000;
  while (performance.now() < end) {
    round++;
    const batchCommits = current.map((exec) => {
      const id = exec.historyLength;
      return nextCommit(
        exec,
        {},
        {
          events: [event(id + 1), event(id + 2)],
          timersRemoved: [`t${round - 1}`],
          timersAdded: [timer(exec.arn, `t${round}`, 1_000_000 + round)],
        },
      );
    });
    const results = await store.commit(batchCommits);
    if (results.some((r) => r !== 'ok')) throw new Error('unexpected conflict');
    current = batchCommits.map((c) => c.execution);
    n += batch;
  }
  return n / SECONDS;
}

const fmt = (x: number) => Math.round(x).toLocaleString('en-US');
console.log(`SQLite raw single-row INSERT transactions/s (WAL, synchronous=NORMAL): ${fmt(rawInserts('NORMAL'))}`);
console.log(`SQLite raw single-row INSERT transactions/s (WAL, synchronous=FULL):   ${fmt(rawInserts('FULL'))}`);
for (const durability of ['process', 'power'] as const) {
  for (const batch of [1, 10, 100]) {
    const store = SqliteStore.open(join(dir, `store-${durability}-${batch}.db`), { durability });
    const rate = await commits(store, batch);
    await store.close();
    console.log(
      `SqliteStore.commit (${durability}), batches of ${batch}: ${fmt(rate)} commits/s (${fmt(rate / batch)} transactions/s)`,
    );
  }
}
for (const batch of [1, 100])
  console.log(`MemoryStore.commit, batches of ${batch}: ${fmt(await commits(new MemoryStore(), batch))} commits/s`);
rmSync(dir, { recursive: true, force: true });
