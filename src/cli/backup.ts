/**
 * `stepwise backup <file>`: a consistent copy of the SQLite database. With a server running on the
 * data directory the copy is an online backup made by that server (GET /admin/backup, from this
 * machine); with none, it is taken from the data directory's file directly.
 */
import { Option, type Command } from 'commander';
import { join, resolve } from 'node:path';
import { BackupError, backupFile, backupFromServer, type SigningKey } from '../ops/backup.js';
import { DEFAULT_HOST, DEFAULT_PORT } from '../server.js';
import { ExitCode, UsageError, reportError, type CliIO, type CommandContext } from './common.js';

export interface BackupOptions {
  dataDir: string;
  url?: string;
}

/** The access key in the environment (AWS_ACCESS_KEY_ID...), for a server that requires API credentials. */
function keyFromEnv(): SigningKey | undefined {
  const accessKeyId = process.env.AWS_ACCESS_KEY_ID;
  const secretAccessKey = process.env.AWS_SECRET_ACCESS_KEY;
  if (!accessKeyId || !secretAccessKey) return undefined;
  const sessionToken = process.env.AWS_SESSION_TOKEN;
  return { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) };
}

export async function backupCommand(file: string, options: BackupOptions, io: CliIO): Promise<ExitCode> {
  const target = resolve(file);
  const key = keyFromEnv();
  const region = process.env.STEPWISE_REGION ?? process.env.AWS_REGION ?? 'us-east-1';
  try {
    if (options.url !== undefined) await backupFromServer(options.url, target, key, region);
    else {
      const source = join(resolve(options.dataDir), 'stepwise.db');
      try {
        await backupFile(source, target);
      } catch (error) {
        if (!(error instanceof BackupError) || !/in use/.test(error.message)) throw error;
        // The server holds the file: it takes the backup.
        const port = process.env.PORT ?? String(DEFAULT_PORT);
        await backupFromServer(`http://${DEFAULT_HOST}:${port}`, target, key, region).catch((fromServer: unknown) => {
          const why = fromServer instanceof Error ? fromServer.message : String(fromServer);
          throw new BackupError(
            `${error.message} (${source}.owner), and ${why}; pass --url, or remove a stale owner file`,
          );
        });
      }
    }
    io.stdout(`backed up to ${target}\n`);
    return ExitCode.Ok;
  } catch (error) {
    return reportError(io, error instanceof BackupError ? new UsageError(error.message) : error);
  }
}

export function registerBackup(program: Command, context: CommandContext): void {
  program
    .command('backup')
    .description('copy the SQLite database consistently, online while a server runs on it')
    .argument('<file>', 'where the copy goes')
    .addOption(new Option('--data-dir <dir>', 'the data directory').env('STEPWISE_DATA_DIR').default('.stepwise'))
    .addOption(
      new Option('--url <url>', 'the running server to take the backup (default: its data dir, else 127.0.0.1:$PORT)'),
    )
    .action(async (file: string, options: BackupOptions) => {
      context.setExitCode(await backupCommand(file, options, context.io));
    });
}
