/**
 * The real Stepwise server (startServer) in this process, on a free port, with an SFN client
 * pointed at it; free ports for the tests that need their own.
 */
import { createServer } from 'node:net';
import type { DescribeExecutionCommandOutput, SFNClient } from '@aws-sdk/client-sfn';
import { startServer, type RunningServer, type ServerOptions } from '../../src/server.js';
import { MemoryStore } from '../../src/store/memory/memory-store.js';
import { createMachine, sfnClient, untilDone, type MachineType } from './aws.js';
import { removeDir, tempDir } from './files.js';

/** A port nothing listens on right now (bound on 127.0.0.1, then released). */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolvePort(port));
    });
  });
}

export interface TestServerOptions extends Omit<ServerOptions, 'port' | 'store'> {
  /**
   * 'memory' (the default), or 'sqlite' under `dataDir`: a fresh temp directory unless given (given,
   * it is SQLite whatever this says, so that a restart on the same directory finds its data).
   */
  store?: 'memory' | 'sqlite';
}

export interface TestServer {
  server: RunningServer;
  client: SFNClient;
  url: string;
  /** The SQLite directory (undefined on a memory store). */
  dataDir: string | undefined;
  /** createMachine on this server's client. */
  createMachine(name: string, definition: object | string, type?: MachineType): Promise<string>;
  /** untilDone on this server's client: DescribeExecution once the execution has ended. */
  untilDone(executionArn: string, timeoutMs?: number): Promise<DescribeExecutionCommandOutput>;
  /** Stops the client and the server, then removes `dataDir` unless `keepData` (to restart on it). */
  close(options?: { keepData?: boolean }): Promise<void>;
}

/** Starts the server on 127.0.0.1, a free port, silent, with an SDK client pointed at it. */
export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const { store: kind, ...serverOptions } = options;
  const dataDir = options.dataDir ?? (kind === 'sqlite' ? tempDir('stepwise-server-') : undefined);
  const server = await startServer({
    host: '127.0.0.1',
    ...(options.logger ? {} : { logLevel: 'silent' }),
    ...serverOptions,
    port: 0,
    ...(dataDir ? { dataDir } : { store: new MemoryStore() }),
  });
  const client = sfnClient(server.url);
  return {
    server,
    client,
    url: server.url,
    dataDir,
    createMachine: (name, definition, type) => createMachine(client, name, definition, type),
    untilDone: (executionArn, timeoutMs) => untilDone(client, executionArn, timeoutMs),
    async close({ keepData = false } = {}) {
      client.destroy();
      await server.close();
      if (dataDir && !keepData) removeDir(dataDir);
    },
  };
}
