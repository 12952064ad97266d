/**
 * GET /admin/backup: an online backup of the SQLite store, streamed as the database file. Only
 * clients on this machine (the loopback addresses) may take one: the copy holds every execution's
 * input and output. `stepwise backup` is its client.
 */
import { createReadStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';

export interface BackupEndpoint {
  /** Writes a consistent copy of the database to `file`. */
  backup(file: string): Promise<void>;
  /** Where the copy is made before it is sent (the data directory). */
  dir: string;
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|::ffff:127\.\d+\.\d+\.\d+)$/;

export function registerBackup(app: FastifyInstance, endpoint: BackupEndpoint): void {
  let count = 0;
  app.get('/admin/backup', async (request, reply) => {
    const sendError = (status: number, type: string, message: string) =>
      reply
        .code(status)
        .header('x-amzn-errortype', type)
        .header('content-type', 'application/x-amz-json-1.0')
        .send(JSON.stringify({ __type: type, message }));
    if (!LOOPBACK.test(request.socket.remoteAddress ?? ''))
      return sendError(403, 'AccessDeniedException', 'Backups are taken from this machine only (a loopback address)');
    const file = join(endpoint.dir, `backup-${process.pid}-${++count}.db.partial`);
    try {
      await endpoint.backup(file);
    } catch (error) {
      await rm(file, { force: true });
      request.log.error({ err: error }, 'backup failed');
      return sendError(
        500,
        'InternalFailure',
        `The backup failed: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    const stream = createReadStream(file);
    // The copy is removed once it is sent, or the client went away.
    reply.raw.once('close', () => void rm(file, { force: true }));
    return reply
      .code(200)
      .header('content-type', 'application/vnd.sqlite3')
      .header('content-disposition', 'attachment; filename="stepwise.db"')
      .send(stream);
  });
}
