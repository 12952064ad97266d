/**
 * Opening the SQLite file so that what is wrong with it is said at once, with its path:
 * not a database, corrupt, read-only, no permission, or already held by another server.
 * Every such failure is a StoreOpenError: one line naming the file and the fault.
 */
import { hostname } from 'node:os';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import type BetterSqlite3 from 'better-sqlite3';
import Database from './driver.js';
import { classifyStoreFault, describeFault } from '../faults.js';

export class StoreOpenError extends Error {
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(message);
  }
}

export interface OpenDatabaseOptions {
  busyTimeoutMs?: number;
  /**
   * Hold the file for this process alone (locking_mode=EXCLUSIVE, plus an owner file naming the
   * pid and host): a second server on the same data dir is refused instead of sharing it.
   */
  exclusive?: boolean;
  /** Run PRAGMA quick_check at open, so corrupt pages are found at start, not when a row is read. */
  quickCheck?: boolean;
  /** Cap on the database's size in pages (PRAGMA max_page_count); past it writes fail with SQLITE_FULL. */
  maxPageCount?: number;
}

/** `<file>.owner`: who holds an exclusively opened database. */
export function ownerFile(file: string): string {
  return `${file}.owner`;
}

/** The opened connection, or a StoreOpenError that names the file and what is wrong. */
export function openDatabase(file: string, options: OpenDatabaseOptions): BetterSqlite3.Database {
  let db: BetterSqlite3.Database;
  try {
    db = new Database(file, { timeout: options.busyTimeoutMs ?? 5000 });
  } catch (error) {
    throw openError(file, error);
  }
  try {
    if (options.exclusive) lockExclusively(db, file);
    if (options.maxPageCount !== undefined) db.pragma(`max_page_count = ${Math.floor(options.maxPageCount)}`);
    if (options.quickCheck) {
      const problems = integrityProblems(db, 'quick_check', 5);
      if (problems.length > 0)
        throw new StoreOpenError(file, `${file}: the database is corrupt (quick_check: ${problems.join('; ')})`);
    }
    return db;
  } catch (error) {
    db.close();
    throw openError(file, error);
  }
}

/** The problems `PRAGMA integrity_check` (or quick_check) finds; empty when the file is sound. */
export function integrityProblems(
  db: BetterSqlite3.Database,
  pragma: 'integrity_check' | 'quick_check',
  limit = 100,
): string[] {
  const rows = db.pragma(`${pragma}(${limit})`, { simple: false }) as Record<string, string>[];
  const messages = rows.map((row) => String(Object.values(row)[0]));
  return messages.length === 1 && messages[0] === 'ok' ? [] : messages;
}

function lockExclusively(db: BetterSqlite3.Database, file: string): void {
  if (file === ':memory:') return;
  db.pragma('locking_mode = EXCLUSIVE');
  const timeout = db.pragma('busy_timeout', { simple: true }) as number;
  db.pragma('busy_timeout = 0');
  try {
    // The lock is taken by the first write and held until the connection closes.
    db.exec('BEGIN IMMEDIATE; COMMIT');
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED')
      throw new StoreOpenError(
        file,
        `${file} is in use by another Stepwise server (${owner(file)}); stop it or use another --data-dir`,
      );
    throw error;
  } finally {
    db.pragma(`busy_timeout = ${timeout}`);
  }
  writeFileSync(
    ownerFile(file),
    `${JSON.stringify({ pid: process.pid, host: hostname(), since: new Date().toISOString() })}\n`,
  );
}

/** Releases what lockExclusively took (the lock goes with the connection). */
export function releaseOwnerFile(file: string): void {
  rmSync(ownerFile(file), { force: true });
}

function owner(file: string): string {
  try {
    const { pid, host, since } = JSON.parse(readFileSync(ownerFile(file), 'utf8')) as Record<string, unknown>;
    return `${ownerFile(file)} names pid ${String(pid)} on ${String(host)} since ${String(since)}`;
  } catch {
    return `no owner file at ${ownerFile(file)}`;
  }
}

function openError(file: string, error: unknown): StoreOpenError {
  if (error instanceof StoreOpenError) return error;
  const code = (error as { code?: unknown }).code;
  const message = error instanceof Error ? error.message : String(error);
  const fault = classifyStoreFault(error);
  if (fault) return new StoreOpenError(file, `${file}: ${describeFault(fault)}: ${message}`);
  if (code === 'SQLITE_PERM' || code === 'SQLITE_AUTH' || /EACCES|permission/i.test(message))
    return new StoreOpenError(file, `${file}: permission denied (${String(code ?? 'EACCES')}): ${message}`);
  return new StoreOpenError(file, `${file}: cannot open the database: ${message}`);
}
