/**
 * PostgreSQL for the store tests: the server at STEPWISE_DATABASE_URL (default the local trust-auth
 * `test` database), and a fresh schema per store so no test sees another's rows or another run's.
 * Every schema made here is dropped by `dropSchemas()`.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { describe, it } from 'vitest';

export const databaseUrl = process.env.STEPWISE_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const postgresRequired = process.env.STEPWISE_REQUIRE_POSTGRES === '1';

/** Undefined when the server answers, else why it does not. */
export async function unreachableReason(): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 3_000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    await client.end().catch(() => undefined);
  }
}

const run = `stepwise_test_${process.pid}_${randomBytes(4).toString('hex')}`;
let count = 0;
const made: string[] = [];

/**
 * A new, empty schema's name (created by the caller, or by PostgresStore.open); padded with `x` to
 * `length` characters when given (at most 63, PostgreSQL's limit).
 */
export function freshSchema(length?: number): string {
  const base = `${run}_${++count}_`;
  const name = length === undefined ? base.slice(0, -1) : base.padEnd(length, 'x');
  made.push(name);
  return name;
}

/**
 * Whether the PostgreSQL tests run. When the server is unreachable this registers a skipped suite
 * (or, with STEPWISE_REQUIRE_POSTGRES=1, a failing test) in their place and answers false. `what`
 * names the tests in the warning and in the suite put in their place.
 */
export async function postgresReachable(what = 'PostgresStore'): Promise<boolean> {
  const unreachable = await unreachableReason();
  if (unreachable === undefined) return true;
  if (!postgresRequired) {
    console.warn(
      `PostgreSQL tests skipped (${what}): no PostgreSQL at ${databaseUrl} (${unreachable}). Set STEPWISE_DATABASE_URL, or STEPWISE_REQUIRE_POSTGRES=1 to fail instead.`,
    );
    describe.skip('PostgreSQL tests skipped (no PostgreSQL reachable)', () => {
      it(what, () => undefined);
    });
  } else {
    describe(what, () => {
      it('needs a reachable PostgreSQL (STEPWISE_REQUIRE_POSTGRES=1)', () => {
        throw new Error(`No PostgreSQL at ${databaseUrl}: ${unreachable}`);
      });
    });
  }
  return false;
}

/**
 * Whether to add PostgreSQL to the stores a suite runs on: when it answers, or when it is required
 * (the suite then fails on it). Else false, with a warning that `what` runs without it if named.
 */
export async function postgresWanted(what?: string): Promise<boolean> {
  const unreachable = await unreachableReason();
  if (unreachable === undefined || postgresRequired) return true;
  if (what) console.warn(`${what} skipped on PostgreSQL: no PostgreSQL at ${databaseUrl} (${unreachable}).`);
  return false;
}

/** Runs one query on a connection of its own (outside any store). */
export async function query<R extends pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<R[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return (await client.query<R>(text, values)).rows;
  } finally {
    await client.end();
  }
}

/** Creates a schema now (empty, no migrations). */
export async function createSchema(name: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(`CREATE SCHEMA ${name}`);
  } finally {
    await client.end();
  }
}

/** Drops every schema this run made. */
export async function dropSchemas(): Promise<void> {
  if (made.length === 0) return;
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    for (const name of made.splice(0)) await client.query(`DROP SCHEMA IF EXISTS ${name} CASCADE`);
  } finally {
    await client.end();
  }
}
