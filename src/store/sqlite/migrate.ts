/**
 * Applies the numbered migrations a SQLite database lacks, in one IMMEDIATE transaction (DDL is
 * transactional in SQLite), recording each in schema_migrations. Idempotent: opening an up-to-date
 * database changes nothing. Refuses a database whose recorded migrations differ from this code's
 * (an edited migration, or a newer Stepwise wrote it).
 */
import type { Database } from 'better-sqlite3';
import { migrations as allMigrations, type Migration } from '../migrations/index.js';

interface AppliedRow {
  id: number;
  name: string;
}

export function migrate(db: Database, migrations: readonly Migration[] = allMigrations): number[] {
  const run = db.transaction((): number[] => {
    db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
      id         INTEGER PRIMARY KEY,
      name       TEXT NOT NULL,
      applied_at INTEGER NOT NULL
    )`);
    const applied = db.prepare<[], AppliedRow>('SELECT id, name FROM schema_migrations ORDER BY id').all();
    const known = new Map(migrations.map((m) => [m.id, m]));
    for (const row of applied) {
      const migration = known.get(row.id);
      if (!migration) throw new Error(`Database has migration ${row.id} (${row.name}), unknown to this version of Stepwise`);
      if (migration.name !== row.name) {
        throw new Error(`Migration ${row.id} is '${row.name}' in the database but '${migration.name}' in the code`);
      }
    }
    const done = new Set(applied.map((row) => row.id));
    const record = db.prepare<[number, string, number]>('INSERT INTO schema_migrations (id, name, applied_at) VALUES (?, ?, ?)');
    const newlyApplied: number[] = [];
    for (const migration of [...migrations].sort((a, b) => a.id - b.id)) {
      if (done.has(migration.id)) continue;
      db.exec(migration.sqlite);
      record.run(migration.id, migration.name, Date.now());
      newlyApplied.push(migration.id);
    }
    return newlyApplied;
  });
  return run.immediate();
}
