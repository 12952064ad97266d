// SQLite's own single-row transaction rate on this machine: the ceiling bench/server.mjs and
// bench/cluster.mjs compare the engine with.
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

/** better-sqlite3, WAL, synchronous=NORMAL (as the store opens it): one-row INSERT transactions for `seconds`. */
export async function sqliteCeiling(dir, seconds) {
  const { default: Database } = await import('better-sqlite3');
  const db = new Database(join(dir, 'ceiling.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)');
  const insert = db.prepare('INSERT INTO t (v) VALUES (?)');
  const tx = db.transaction((v) => insert.run(v));
  for (let i = 0; i < 2000; i++) tx.immediate('warm up');
  let n = 0;
  const start = performance.now();
  const end = start + seconds * 1000;
  while (performance.now() < end) {
    for (let i = 0; i < 100; i++) tx.immediate('{"hello":"world"}');
    n += 100;
  }
  const ms = performance.now() - start;
  db.close();
  return { transactions: n, ms, perSecond: (n / ms) * 1000 };
}
