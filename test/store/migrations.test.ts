import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrations, type Migration } from '../../src/store/migrations/index.js';
import { migrate } from '../../src/store/sqlite/migrate.js';

const applied = (db: Database.Database) => db.prepare('SELECT id, name FROM schema_migrations ORDER BY id').all();

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
});
