/**
 * What is wrong with the data dir is said at start, by the real server process, in one line that
 * names the file, with exit code 2: a second server on the same data dir, a file that is not a
 * database, a corrupt one. `stepwise check` runs integrity_check on demand.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { cliFromSource, repoRoot } from '../support/repo.js';
import { removeDir, tempDir } from '../support/files.js';
import { freePort } from '../support/server.js';
import { ServerProcess } from './server-process.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function dataDir(): string {
  const dir = tempDir('stepwise-open-');
  cleanups.push(() => removeDir(dir));
  return dir;
}

function cli(...argv: string[]): { status: number | null; out: string } {
  const result = spawnSync(process.execPath, cliFromSource(...argv), {
    cwd: repoRoot,
    encoding: 'utf8',
    env: { ...process.env, STEPWISE_LOG_LEVEL: 'warn' },
    timeout: 20_000,
  });
  return { status: result.status, out: `${result.stdout}${result.stderr}` };
}

/** A database with many rows, one of its table pages then overwritten with garbage. */
function corruptDatabase(dir: string): string {
  const file = join(dir, 'stepwise.db');
  const db = new Database(file);
  db.exec('CREATE TABLE filler (id INTEGER PRIMARY KEY, body TEXT)');
  const insert = db.prepare('INSERT INTO filler (body) VALUES (?)');
  for (let i = 0; i < 2000; i++) insert.run('y'.repeat(200));
  db.close();
  const bytes = readFileSync(file);
  bytes.fill(0x5a, 4096 * 3, 4096 * 6);
  writeFileSync(file, bytes);
  return file;
}

describe('the server names what is wrong with its data dir at start', () => {
  it('refuses a second server on the same data dir, naming the file and the owner', async () => {
    const dir = dataDir();
    const first = new ServerProcess(await freePort(), dir);
    cleanups.push(() => first.kill());
    await first.start();
    const file = join(dir, 'stepwise.db');
    expect(existsSync(`${file}.owner`)).toBe(true);
    const second = cli('serve', '--port', String(await freePort()), '--data-dir', dir);
    expect(second.status).toBe(2);
    expect(second.out).toContain(`${file} is in use by another Stepwise server`);
    expect(second.out).toContain(`pid`);
    expect(first.running).toBe(true);
    // After the first is gone (even killed), the data dir can be opened again.
    await first.kill();
    const third = new ServerProcess(await freePort(), dir);
    cleanups.push(() => third.kill());
    await third.start();
  }, 40_000);

  it('names a file that is not a database', () => {
    const dir = dataDir();
    writeFileSync(join(dir, 'stepwise.db'), 'not a database at all, just text '.repeat(200));
    const started = cli('serve', '--port', '1', '--data-dir', dir);
    expect(started.status).toBe(2);
    expect(started.out).toMatch(new RegExp(`^stepwise: ${join(dir, 'stepwise.db')}: the file is not a database`, 'm'));
  }, 30_000);

  it('names a corrupt database at start (quick_check), before any row is read', () => {
    const dir = dataDir();
    const file = corruptDatabase(dir);
    const started = cli('serve', '--port', '1', '--data-dir', dir);
    expect(started.status).toBe(2);
    expect(started.out).toContain(`${file}: the database is corrupt`);
  }, 30_000);
});

describe('stepwise check', () => {
  it('reports OK on a sound data dir and CORRUPT (exit 1) on a corrupt one', async () => {
    const good = dataDir();
    const server = new ServerProcess(await freePort(), good);
    await server.start();
    await server.kill('SIGTERM');
    const ok = cli('check', '--data-dir', good);
    expect(ok.out).toContain(`${join(good, 'stepwise.db')}: OK`);
    expect(ok.status).toBe(0);

    const bad = dataDir();
    const file = corruptDatabase(bad);
    const corrupt = cli('check', '--data-dir', bad);
    expect(corrupt.out).toContain(`${file}: CORRUPT`);
    expect(corrupt.status).toBe(1);
  }, 40_000);
});
