/**
 * Applies the numbered migrations a SQLite database lacks, in one IMMEDIATE transaction (DDL is
 * transactional in SQLite), recording each in schema_migrations. Idempotent: opening an up-to-date
 * database changes nothing. Refuses a database whose recorded migrations differ from this code's
 * (an edited migration, or a newer Stepwise wrote it).
 */
import type { Database } from 'better-sqlite3';
import {
  migrations as allMigrations,
  pendingMigrations,
  type AppliedMigration,
  type Migration,
} from '../migrations/index.js';

export function migrate(db: Database, migrations: readonly Migration[] = allMigrations): number[] {
  const run = db.transaction((): number[] => {
    db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
      id         INTEGER PRIMARY KEY,
      name       TEXT NOT NULL,
      applied_at INTEGER NOT NULL
    )`);
    const applied = db.prepare<[], AppliedMigration>('SELECT id, name FROM schema_migrations ORDER BY id').all();
    const record = db.prepare<[number, string, number]>(
      'INSERT INTO schema_migrations (id, name, applied_at) VALUES (?, ?, ?)',
    );
    const newlyApplied: number[] = [];
    for (const migration of pendingMigrations(applied, migrations)) {
      db.exec(migration.sqlite);
      record.run(migration.id, migration.name, Date.now());
      newlyApplied.push(migration.id);
    }
    return newlyApplied;
  });
  return run.immediate();
}
