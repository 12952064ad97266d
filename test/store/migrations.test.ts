import type BetterSqlite3 from 'better-sqlite3';
import Database from '../../src/store/sqlite/driver.js';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { migrations, type Migration } from '../../src/store/migrations/index.js';
import { migrate } from '../../src/store/sqlite/migrate.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { removeDir, tempDir } from '../support/files.js';
import { execution, mapRun, mapRunArn, mapRunChild } from './fixtures.js';

const applied = (db: BetterSqlite3.Database) => db.prepare('SELECT id, name FROM schema_migrations ORDER BY id').all();

const dir = tempDir('stepwise-migrations-');
afterAll(() => removeDir(dir));

describe('migrations', () => {
  it('are numbered 1, 2, 3, ... and carry DDL (tables, indexes) for both SQLite and PostgreSQL', () => {
    expect(migrations.map((m) => m.id)).toEqual(migrations.map((_, i) => i + 1));
    for (const m of migrations) {
      expect(m.sqlite).toMatch(/(CREATE|ALTER) (TABLE|INDEX)/);
      expect(m.postgres).toMatch(/(CREATE|ALTER) (TABLE|INDEX)/);
    }
  });

  it('are applied once and recorded; migrating again changes nothing', () => {
    const db = new Database(':memory:');
    expect(migrate(db)).toEqual(migrations.map((m) => m.id));
    expect(applied(db)).toEqual(migrations.map(({ id, name }) => ({ id, name })));
    expect(migrate(db)).toEqual([]);
    expect(applied(db)).toHaveLength(migrations.length);
    db.close();
  });

  it('a later migration is applied on top of an existing schema', () => {
    const db = new Database(':memory:');
    migrate(db);
    const next: Migration = {
      id: migrations.length + 1,
      name: 'extra',
      sqlite: 'CREATE TABLE extra (x INTEGER)',
      postgres: '',
    };
    expect(migrate(db, [...migrations, next])).toEqual([next.id]);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'extra'").get()).toEqual({ name: 'extra' });
    db.close();
  });

  it('a failing migration leaves the database as it was', () => {
    const db = new Database(':memory:');
    migrate(db);
    const broken: Migration = {
      id: migrations.length + 1,
      name: 'broken',
      sqlite: 'CREATE TABLE ok (x); SELECT * FROM nowhere;',
      postgres: '',
    };
    expect(() => migrate(db, [...migrations, broken])).toThrow();
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'ok'").get()).toBeUndefined();
    expect(applied(db)).toHaveLength(migrations.length);
    db.close();
  });

  it('a database migrated by a newer version, or with a renamed migration, is refused', () => {
    const db = new Database(':memory:');
    const future: Migration = { id: migrations.length + 1, name: 'future', sqlite: 'SELECT 1', postgres: '' };
    migrate(db, [...migrations, future]);
    expect(() => migrate(db)).toThrow(/unknown to this version/);
    const renamed = migrations.map((m) => (m.id === 1 ? { ...m, name: 'renamed' } : m));
    expect(() => migrate(db, [...renamed, future])).toThrow(/in the database but/);
    db.close();
  });

  it('migration 9 (Map Runs) applies on a database made at migration 8: its executions read back with no Map Run', async () => {
    const file = join(dir, 'at-8.db');
    const db = new Database(file);
    expect(migrate(db, migrations.slice(0, 8))).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    const old = execution('m', 'before', { status: 'SUCCEEDED', stopDate: 20_000 });
    db.prepare(
      `INSERT INTO executions (arn, state_machine_arn, name, definition, status, start_date, stop_date, input,
         redrive_count, state, version, history_length)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, ?, 1, 0)`,
    ).run(
      old.arn,
      old.stateMachineArn,
      old.name,
      old.definition,
      old.status,
      old.startDate,
      20_000,
      old.input,
      JSON.stringify(old.state),
    );
    db.close();

    const store = SqliteStore.open(file);
    try {
      expect(await store.getExecution(old.arn)).toEqual(old);
      expect((await store.listExecutions({}, { limit: 5 })).items[0]).not.toHaveProperty('mapRunArn');
      expect((await store.listExecutions({ mapRunArn: mapRunArn('m', 'r') }, { limit: 5 })).items).toEqual([]);
      expect(await store.createMapRun(mapRun('m', 'before', 'r'))).toBe('ok');
      await store.putMapRunChildren([mapRunChild(mapRunArn('m', 'r'), 0)]);
      expect(await store.countMapRunChildren(mapRunArn('m', 'r'))).toEqual([
        { status: 'SUCCEEDED', children: 1, items: 1 },
      ]);
    } finally {
      await store.close();
    }
    const reopened = new Database(file, { readonly: true });
    expect(applied(reopened)).toEqual(migrations.map(({ id, name }) => ({ id, name })));
    reopened.close();
  });
});
