/**
 * Applies the numbered migrations a PostgreSQL schema lacks, in one transaction holding a
 * transaction-scoped advisory lock, so nodes opening the same database at once migrate it exactly
 * once: the others wait on the lock, then find every migration recorded. DDL is transactional in
 * PostgreSQL, so a failing migration leaves nothing behind. Same numbers and checks as SQLite's.
 */
import type { PoolClient } from 'pg';
import {
  migrations as allMigrations,
  pendingMigrations,
  type AppliedMigration,
  type Migration,
} from '../migrations/index.js';

/** The advisory lock key every Stepwise node takes while migrating ('stepwise' as a number). */
export const MIGRATION_LOCK_KEY = 0x5354_4550_5749_5345n.toString();

/**
 * `schema`, when given, is created first if missing (under the lock: concurrent CREATE SCHEMA IF NOT
 * EXISTS can fail); the caller has checked it is a plain identifier, which cannot be a bound parameter.
 */
export async function migrate(
  client: PoolClient,
  schema?: string,
  migrations: readonly Migration[] = allMigrations,
): Promise<number[]> {
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock($1::bigint)', [MIGRATION_LOCK_KEY]);
    if (schema !== undefined) await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      id         INTEGER PRIMARY KEY,
      name       TEXT NOT NULL,
      applied_at BIGINT NOT NULL
    )`);
    const applied = (await client.query<AppliedMigration>('SELECT id, name FROM schema_migrations ORDER BY id')).rows;
    const newlyApplied: number[] = [];
    for (const migration of pendingMigrations(applied, migrations)) {
      await client.query(migration.postgres);
      await client.query('INSERT INTO schema_migrations (id, name, applied_at) VALUES ($1, $2, $3)', [
        migration.id,
        migration.name,
        Date.now(),
      ]);
      newlyApplied.push(migration.id);
    }
    await client.query('COMMIT');
    return newlyApplied;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}
