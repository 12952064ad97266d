/**
 * A numbered schema change. Migrations are append-only: never edit or renumber a shipped one, add
 * the next number. Both dialects share the numbers so every adapter's schema_migrations agree.
 */
export interface Migration {
  id: number;
  name: string;
  sqlite: string;
  postgres: string;
}

/** A row of schema_migrations. */
export interface AppliedMigration {
  id: number;
  name: string;
}

/**
 * The migrations a database still lacks, oldest first, after checking that what it has applied is
 * what this code ships: throws on a migration unknown here (a newer Stepwise wrote the database)
 * or renamed (an edited migration).
 */
export function pendingMigrations(applied: readonly AppliedMigration[], migrations: readonly Migration[]): Migration[] {
  const known = new Map(migrations.map((m) => [m.id, m]));
  for (const row of applied) {
    const migration = known.get(row.id);
    if (!migration)
      throw new Error(`Database has migration ${row.id} (${row.name}), unknown to this version of Stepwise`);
    if (migration.name !== row.name) {
      throw new Error(`Migration ${row.id} is '${row.name}' in the database but '${migration.name}' in the code`);
    }
  }
  const done = new Set(applied.map((row) => row.id));
  return [...migrations].sort((a, b) => a.id - b.id).filter((m) => !done.has(m.id));
}
