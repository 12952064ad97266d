/**
 * `stepwise backup <file>`: online from a running server (which holds its database alone, so the
 * copy is its), and from the data directory when no server runs; the copy opens as a store with
 * the executions in it, and the server keeps serving meanwhile.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { startExecution } from '../support/aws.js';
import { removeDir, tempDir } from '../support/files.js';
import { startTestServer } from '../support/server.js';
import { cli } from '../cli/helpers.js';

const pass = { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } };
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function executionsIn(file: string): Promise<number> {
  const store = SqliteStore.open(file);
  try {
    return (await store.listExecutions({}, { limit: 100 })).items.length;
  } finally {
    await store.close();
  }
}

it('takes an online backup from the running server, which keeps serving', async () => {
  const out = tempDir('stepwise-backup-');
  cleanups.push(() => removeDir(out));
  const s = await startTestServer({ store: 'sqlite', consoleDir: false });
  cleanups.push(() => s.close());
  const machine = await s.createMachine('m', pass);
  for (let i = 0; i < 3; i++) await s.untilDone(await startExecution(s.client, machine, { i }));

  // The data directory's file is held by the server: the backup falls back to it when no --url is given.
  const viaDataDir = await cli('backup', join(out, 'a.db'), '--data-dir', s.dataDir!, '--url', s.url);
  expect(viaDataDir).toMatchObject({ code: 0, stderr: '' });
  expect(await executionsIn(join(out, 'a.db'))).toBe(3);
  expect(existsSync(join(out, 'a.db.partial'))).toBe(false);

  await s.untilDone(await startExecution(s.client, machine, { i: 3 }));
  // Without --url the CLI finds the file in use and asks the server on 127.0.0.1:$PORT.
  const port = process.env.PORT;
  process.env.PORT = String(s.server.port);
  const held = await cli('backup', join(out, 'held.db'), '--data-dir', s.dataDir!).finally(() => {
    if (port === undefined) delete process.env.PORT;
    else process.env.PORT = port;
  });
  expect(held).toMatchObject({ code: 0, stderr: '' });
  expect(await executionsIn(join(out, 'held.db'))).toBe(4);
  expect((await cli('backup', join(out, 'b.db'), '--url', s.url)).code).toBe(0);
  expect(await executionsIn(join(out, 'b.db'))).toBe(4);
});

it('backs up the data directory when no server runs, and says so in one line when there is none', async () => {
  const out = tempDir('stepwise-backup-');
  cleanups.push(() => removeDir(out));
  const s = await startTestServer({ store: 'sqlite', consoleDir: false });
  const dataDir = s.dataDir!;
  cleanups.push(() => removeDir(dataDir));
  const machine = await s.createMachine('m', pass);
  await s.untilDone(await startExecution(s.client, machine));
  await s.close({ keepData: true });

  const offline = await cli('backup', join(out, 'c.db'), '--data-dir', dataDir);
  expect(offline).toMatchObject({ code: 0 });
  expect(await executionsIn(join(out, 'c.db'))).toBe(1);

  const none = await cli('backup', join(out, 'd.db'), '--data-dir', join(out, 'nothing-here'));
  expect(none.code).toBe(2);
  expect(none.stderr).toMatch(/^stepwise: no database at .*stepwise\.db\n$/);
});

it('signs the online backup with the access key in the environment when the server requires credentials', async () => {
  const out = tempDir('stepwise-backup-');
  cleanups.push(() => removeDir(out));
  const key = { accessKeyId: 'AKIDBACKUP', secretAccessKey: 'backup-secret-key' };
  const s = await startTestServer({ store: 'sqlite', consoleDir: false, accessKeys: [key] });
  cleanups.push(() => s.close());
  const saved = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY };
  const restore = () => {
    for (const [name, value] of [
      ['AWS_ACCESS_KEY_ID', saved.id],
      ['AWS_SECRET_ACCESS_KEY', saved.secret],
    ] as const) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
  try {
    delete process.env.AWS_ACCESS_KEY_ID;
    delete process.env.AWS_SECRET_ACCESS_KEY;
    const unsigned = await cli('backup', join(out, 'no.db'), '--url', s.url);
    expect(unsigned.code).toBe(2);
    expect(unsigned.stderr).toMatch(/requires API credentials/);
    process.env.AWS_ACCESS_KEY_ID = key.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = key.secretAccessKey;
    const signed = await cli('backup', join(out, 'yes.db'), '--url', s.url);
    expect(signed).toMatchObject({ code: 0, stderr: '' });
    expect(await executionsIn(join(out, 'yes.db'))).toBe(0);
  } finally {
    restore();
  }
  // Prometheus cannot sign: /metrics answers without credentials, as /healthz does.
  const metrics = await fetch(`${s.url}/metrics`, { redirect: 'manual' });
  expect(metrics.status).toBe(200);
  expect(await metrics.text()).toContain('stepwise_executions_started_total');
});
