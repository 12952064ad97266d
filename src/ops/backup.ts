/**
 * Backups of the SQLite store: a consistent copy taken with SQLite's online backup API while the
 * server runs (it holds the database alone, so the copy is made by the server and downloaded from
 * GET /admin/backup), or from the data directory when no server has it open. The copy is written
 * beside its destination and renamed into place once SQLite's quick_check passes on it.
 */
import type BetterSqlite3 from 'better-sqlite3';
import Database from '../store/sqlite/driver.js';
import { createWriteStream, existsSync } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { ownerFile } from '../store/sqlite/open-database.js';
import { SignatureV4 } from '@smithy/signature-v4';
import { NodeSha256 } from '../api/auth/sigv4.js';

/** A backup could not be taken, for a reason the user can act on. */
export class BackupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BackupError';
  }
}

/** Checks a finished copy, then moves it to `file`. */
async function finish(partial: string, file: string): Promise<void> {
  const copy = new Database(partial, { readonly: true, fileMustExist: true });
  try {
    const result = copy.pragma('quick_check', { simple: true }) as string;
    if (result !== 'ok')
      throw new BackupError(`the backup failed its check (${result}); nothing was written to ${file}`);
  } finally {
    copy.close();
  }
  await rename(partial, file);
}

/** Backs up the database file `source` (no server may hold it) to `file`. */
export async function backupFile(source: string, file: string): Promise<void> {
  if (!existsSync(source)) throw new BackupError(`no database at ${source}`);
  // A server holds it alone (its owner file says so): only that server can copy it.
  if (existsSync(ownerFile(source))) throw new BackupError(`${source} is in use by a running server`);
  const partial = `${file}.partial`;
  let db: BetterSqlite3.Database;
  try {
    db = new Database(source, { readonly: true, fileMustExist: true, timeout: 0 });
  } catch (error) {
    throw new BackupError(`cannot open ${source}: ${error instanceof Error ? error.message : String(error)}`);
  }
  try {
    await db.backup(partial);
  } catch (error) {
    await rm(partial, { force: true });
    const message = error instanceof Error ? error.message : String(error);
    if (/locked|busy/i.test(message)) throw new BackupError(`${source} is in use by a running server`);
    throw new BackupError(`cannot back up ${source}: ${message}`);
  } finally {
    db.close();
  }
  await finish(partial, file);
}

/** An access key to sign the request with (a server with API credentials asks for SigV4). */
export interface SigningKey {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** The request's headers, signed with `key` (SigV4, service `states`) when there is one. */
async function signedHeaders(
  target: URL,
  key: SigningKey | undefined,
  region: string,
): Promise<Record<string, string>> {
  if (!key) return {};
  const signer = new SignatureV4({ credentials: key, region, service: 'states', sha256: NodeSha256 });
  const signed = await signer.sign({
    method: 'GET',
    protocol: target.protocol,
    hostname: target.hostname,
    ...(target.port !== '' ? { port: Number(target.port) } : {}),
    path: target.pathname,
    headers: { host: target.host },
  });
  return signed.headers as Record<string, string>;
}

/**
 * Downloads an online backup from a running server's GET /admin/backup to `file`, signed with
 * `key` when given (a server that requires API credentials).
 */
export async function backupFromServer(
  url: string,
  file: string,
  key?: SigningKey,
  region = 'us-east-1',
): Promise<void> {
  let response: Response;
  const target = new URL('/admin/backup', url);
  try {
    response = await fetch(target, { headers: await signedHeaders(target, key, region), redirect: 'manual' });
  } catch (error) {
    const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : String(error);
    throw new BackupError(`no Stepwise server answers at ${url} (${cause})`);
  }
  if (response.status === 303 || (response.status === 403 && key === undefined))
    throw new BackupError(
      `the server at ${url} requires API credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY to one of its keys`,
    );
  if (!response.ok || !response.body) {
    const text = await response.text().catch(() => '');
    let message = text;
    try {
      message = (JSON.parse(text) as { message?: string }).message ?? text;
    } catch {
      // not JSON: the text as it is
    }
    throw new BackupError(`the server at ${url} refused the backup (HTTP ${response.status}): ${message}`);
  }
  const partial = `${file}.partial`;
  try {
    await pipeline(Readable.fromWeb(response.body as WebReadableStream<Uint8Array>), createWriteStream(partial));
  } catch (error) {
    await rm(partial, { force: true });
    throw new BackupError(`the backup download failed: ${error instanceof Error ? error.message : String(error)}`);
  }
  await finish(partial, file);
}
