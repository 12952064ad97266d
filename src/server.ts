/**
 * The one place that wires Stepwise together: the store (SQLite, or PostgreSQL shared by several
 * nodes), the durable engine and the API server, with clean shutdown (in-flight requests and
 * commits finish, nothing half-written).
 */
import {
  DEFAULT_MAX_EVENT_STREAMS,
  DEFAULT_MAX_EXECUTIONS_IN_FLIGHT,
  DEFAULT_MAX_HISTORY_BYTES_IN_MEMORY,
} from './engine/quotas.js';
import { existsSync, mkdirSync } from 'node:fs';
import { leaveCleanStopMarker, takeCleanStopMarker } from './clean-stop.js';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino, type Logger } from 'pino';
import { createApiServer } from './api/server.js';
import { DurableEngine } from './engine/durable/durable-engine.js';
import { ExecutionService } from './engine/executions.js';
import { IntegrationRegistry } from './engine/integration-registry.js';
import { addIntegrations } from './integrations/index.js';
import { ActivityQueue } from './integrations/activities/index.js';
import { loadMockConfig, MockIntegration } from './integrations/mocks/index.js';
import type { TaskHandler } from './engine/task-invoker.js';
import { SqliteStore } from './store/sqlite/sqlite-store.js';
import { StoreHealth } from './store/faults.js';
import { PostgresStore } from './store/postgres/postgres-store.js';
import { isClusterStore } from './store/cluster.js';
import { DEFAULT_LEASE_MS } from './engine/durable/cluster/cluster-node.js';
import type { ExecutionStore } from './store/types.js';
import { DEFAULT_ACCOUNT_ID, DEFAULT_REGION } from './defaults.js';

export interface ServerOptions {
  port?: number;
  host?: string;
  /** Where the SQLite database lives (default ./.stepwise). */
  dataDir?: string;
  region?: string;
  accountId?: string;
  logLevel?: string;
  logger?: Logger;
  /** Task handlers by resource ARN (integrations come in a later release). */
  handlers?: Record<string, TaskHandler>;
  /** Use this store instead of opening SQLite under dataDir. */
  store?: ExecutionStore;
  /** The built console to serve at `/` (default: dist/console next to this module); false serves none. */
  consoleDir?: string | false;
  /** How long GetActivityTask waits for a task, in ms (else STEPWISE_ACTIVITY_POLL_TIMEOUT in seconds; default 60 s as on AWS). */
  activityPollTimeoutMs?: number;
  /** HTTP Tasks: the connections file (JSON or YAML; else STEPWISE_CONNECTIONS). */
  connections?: string;
  /** HTTP Tasks: hosts they may call (`api.example.com`, `*.example.com`; else STEPWISE_HTTP_ALLOWED_HOSTS). */
  httpAllowedHosts?: string[];
  /**
   * AWS integrations (aws-sdk:*, sqs, sns, dynamodb, events, ecs): one endpoint for every service
   * (else STEPWISE_AWS_ENDPOINT), per-service endpoints by service name (else STEPWISE_ENDPOINT_<SERVICE>).
   */
  aws?: { endpoint?: string; endpoints?: Record<string, string>; ecsPollIntervalMs?: number };
  /**
   * Step Functions Local's MockConfigFile.json (else SFN_MOCK_CONFIG): StartExecution on
   * `<stateMachineArn>#<TestCase>` runs that test case with its mocked Task responses.
   */
  mockConfig?: string;
  /** Local functions for Lambda resources (else STEPWISE_FUNCTIONS_DIR; default ./functions). */
  functionsDir?: string;
  /** Forward Lambda invocations to this Lambda-compatible endpoint (else STEPWISE_LAMBDA_ENDPOINT). */
  lambdaEndpoint?: string;
  /** Multiplies Wait and Retry backoff durations, 0 makes them instant (else STEPWISE_WAIT_TIME_SCALE; default 1). */
  waitTimeScale?: number;
  /**
   * PostgreSQL instead of SQLite (`postgres://...`): this server becomes one node of as many as
   * share the database. Else STEPWISE_DATABASE_URL.
   */
  databaseUrl?: string;
  /** The PostgreSQL schema (created if missing; else STEPWISE_DATABASE_SCHEMA; default the search_path's). */
  databaseSchema?: string;
  /** This node's id among several (else STEPWISE_NODE_ID; default `<hostname>-<pid>-<random>`). */
  nodeId?: string;
  /** How long an execution lease lasts without renewal, in ms (else STEPWISE_LEASE_MS; default 10000). */
  leaseMs?: number;
  /**
   * Process endings in a row with an execution's work in flight after which recovery fails it with
   * States.Runtime (else STEPWISE_MAX_PROCESS_ENDING_ATTEMPTS; default 3).
   */
  maxProcessEndingAttempts?: number;
  /** Executions running at once on this server (else STEPWISE_MAX_EXECUTIONS_IN_FLIGHT; default 100,000). */
  maxExecutionsInFlight?: number;
  /** Bytes of history one in-memory run holds (else STEPWISE_MAX_HISTORY_BYTES_IN_MEMORY; default 64 MiB). */
  maxHistoryBytesInMemory?: number;
  /** The console's live event streams open at once (else STEPWISE_MAX_EVENT_STREAMS; default 100). */
  maxEventStreams?: number;
}

export interface RunningServer {
  /** e.g. http://127.0.0.1:8083 */
  url: string;
  port: number;
  store: ExecutionStore;
  engine: DurableEngine;
  /** Where GetActivityTask long polls wait (its settings: poll timeout, pollers per activity). */
  activities: ActivityQueue;
  /** Stops accepting requests, lets in-flight requests and commits finish, closes the store. */
  close(): Promise<void>;
}

/** The server cannot start with this setting or resource: a message for the user, not a bug. */
/**
 * The data dir's database, held by this server alone, checked (quick_check) before anything runs.
 * What is wrong with it (corrupt, not a database, read-only, no permission, in use) is one line
 * naming the file. STEPWISE_SQLITE_MAX_PAGE_COUNT caps its size in pages (past it: disk full).
 */
function openSqlite(dataDir: string, file: string): SqliteStore {
  try {
    mkdirSync(dataDir, { recursive: true });
  } catch (error) {
    throw new StartupError(
      `cannot create the data dir ${dataDir}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  const maxPages = process.env.STEPWISE_SQLITE_MAX_PAGE_COUNT;
  try {
    return SqliteStore.open(file, {
      exclusive: true,
      quickCheck: true,
      ...(maxPages ? { maxPageCount: Number(maxPages) } : {}),
    });
  } catch (error) {
    throw new StartupError(error instanceof Error ? error.message : String(error));
  }
}

export class StartupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StartupError';
  }
}

export const DEFAULT_PORT = 8083;
export const DEFAULT_HOST = '127.0.0.1';

export async function startServer(options: ServerOptions = {}): Promise<RunningServer> {
  const log = options.logger ?? pino({ level: options.logLevel ?? 'info' });
  const dataDir = resolve(options.dataDir ?? '.stepwise');
  // Settings are checked before anything is opened: a bad mock file fails the start with its reason.
  const mockConfigFile = options.mockConfig ?? (process.env.SFN_MOCK_CONFIG || undefined);
  const mocks = mockConfigFile !== undefined ? new MockIntegration(loadMockConfig(mockConfigFile)) : undefined;
  const waitTimeScale = options.waitTimeScale ?? parseWaitTimeScale(process.env.STEPWISE_WAIT_TIME_SCALE);
  const databaseUrl = options.databaseUrl ?? (process.env.STEPWISE_DATABASE_URL || undefined);
  const leaseMs = options.leaseMs ?? parseLeaseMs(process.env.STEPWISE_LEASE_MS);
  const maxProcessEndingAttempts =
    options.maxProcessEndingAttempts ??
    parseCount(process.env.STEPWISE_MAX_PROCESS_ENDING_ATTEMPTS, 3, 'max process-ending attempts');
  const maxExecutionsInFlight =
    options.maxExecutionsInFlight ??
    parseCount(
      process.env.STEPWISE_MAX_EXECUTIONS_IN_FLIGHT,
      DEFAULT_MAX_EXECUTIONS_IN_FLIGHT,
      'max executions in flight',
    );
  const maxHistoryBytesInMemory =
    options.maxHistoryBytesInMemory ??
    parseCount(
      process.env.STEPWISE_MAX_HISTORY_BYTES_IN_MEMORY,
      DEFAULT_MAX_HISTORY_BYTES_IN_MEMORY,
      'max history bytes in memory',
    );
  const maxEventStreams =
    options.maxEventStreams ??
    parseCount(process.env.STEPWISE_MAX_EVENT_STREAMS, DEFAULT_MAX_EVENT_STREAMS, 'max event streams');
  let store = options.store;
  /** The SQLite data directory, where a clean stop leaves its marker (./clean-stop.ts). */
  let markerDir: string | undefined;
  if (!store && databaseUrl !== undefined) {
    const schema = options.databaseSchema ?? (process.env.STEPWISE_DATABASE_SCHEMA || undefined);
    try {
      store = await PostgresStore.open(databaseUrl, schema !== undefined ? { schema } : {});
    } catch (error) {
      throw new StartupError(
        `cannot open the PostgreSQL database at ${redactedUrl(databaseUrl)}: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
  let storeFile: string | undefined;
  if (!store) {
    storeFile = join(dataDir, 'stepwise.db');
    store = openSqlite(dataDir, storeFile);
    markerDir = dataDir;
  }
  const storeHealth = new StoreHealth(
    storeFile ??
      (store instanceof SqliteStore ? store.file : undefined) ??
      (databaseUrl !== undefined ? redactedUrl(databaseUrl) : undefined),
    log,
  );
  const clusterStore =
    isClusterStore(store) && (databaseUrl !== undefined || options.nodeId !== undefined) ? store : undefined;
  const activities = new ActivityQueue({
    pollTimeoutMs:
      options.activityPollTimeoutMs ?? parseActivityPollTimeout(process.env.STEPWISE_ACTIVITY_POLL_TIMEOUT),
    // Other nodes schedule activity tasks in the same store.
    sharedStore: clusterStore !== undefined,
  });
  // One set of StartExecution rules for the API and nested executions.
  const executions = new ExecutionService({ store });
  const integrations = new IntegrationRegistry();
  const nodeId = options.nodeId ?? (process.env.STEPWISE_NODE_ID || undefined);
  const engine = new DurableEngine({
    store,
    storeHealth,
    logger: log,
    handlers: options.handlers,
    integrations,
    mocks,
    waitTimeScale,
    maxProcessEndingAttempts,
    stoppedCleanly: markerDir !== undefined && takeCleanStopMarker(markerDir),
    maxExecutionsInFlight,
    maxHistoryBytesInMemory,
    ...(clusterStore
      ? {
          cluster: {
            store: clusterStore,
            leaseMs,
            ...(nodeId !== undefined ? { nodeId } : {}),
            // An activity task scheduled on any node wakes the GetActivityTask long polls here.
            onEvent: (event) => {
              if (event.kind === 'activity') activities.notify(event.activityArn);
            },
          },
        }
      : {}),
  });
  addIntegrations(integrations, {
    logger: log,
    http: {
      ...(options.connections !== undefined ? { connectionsFile: options.connections } : {}),
      ...(options.httpAllowedHosts !== undefined ? { allowedHosts: options.httpAllowedHosts } : {}),
      region: options.region ?? DEFAULT_REGION,
    },
    ...(options.aws !== undefined ? { aws: options.aws } : {}),
    executions: { service: executions, engine },
    lambda: {
      ...(options.functionsDir !== undefined ? { functionsDir: options.functionsDir } : {}),
      ...(options.lambdaEndpoint !== undefined ? { endpoint: options.lambdaEndpoint } : {}),
      region: options.region ?? DEFAULT_REGION,
      accountId: options.accountId ?? DEFAULT_ACCOUNT_ID,
    },
    activities,
  });
  const app = createApiServer({
    store,
    engine,
    activities,
    executions,
    region: options.region ?? DEFAULT_REGION,
    accountId: options.accountId ?? DEFAULT_ACCOUNT_ID,
    logger: log,
    storeHealth,
    consoleDir: options.consoleDir === false ? undefined : (options.consoleDir ?? defaultConsoleDir()),
    maxEventStreams,
  });
  // Readiness never waits on user code: recovery stores what it must, the server listens, and only
  // then do the recovered executions run (a poison one cannot keep /healthz from answering).
  await engine.load();
  const address = await app.listen({ port: options.port ?? DEFAULT_PORT, host: options.host ?? DEFAULT_HOST });
  const port = Number(new URL(address).port);
  engine.advertise(address);
  engine.resume().catch((err: unknown) => log.error({ err }, 'resuming the recovered executions failed'));
  log.info(
    clusterStore
      ? { url: address, node: engine.node?.id, leaseMs }
      : { url: address, dataDir: options.store ? undefined : dataDir },
    clusterStore ? 'stepwise node is listening' : 'stepwise is listening',
  );
  let closing: Promise<void> | undefined;
  const openStore = store;
  return {
    url: address,
    port,
    store,
    engine,
    activities,
    close: () =>
      (closing ??= (async () => {
        // Long-polling GetActivityTask calls answer "no task" now rather than hold the shutdown.
        activities.close();
        await app.close();
        await engine.close();
        await integrations.close();
        await openStore.close();
        if (markerDir !== undefined) leaveCleanStopMarker(markerDir);
        log.info('stepwise stopped');
      })()),
  };
}

/** STEPWISE_WAIT_TIME_SCALE: a number from 0 up; absent means 1. */
export function parseWaitTimeScale(text: string | undefined): number {
  if (text === undefined || text.trim() === '') return 1;
  const scale = Number(text);
  if (!Number.isFinite(scale) || scale < 0)
    throw new StartupError(`invalid wait time scale '${text}': expected a number from 0 up`);
  return scale;
}

/** A whole-number setting from 1 up (a count or a size); absent means `fallback`. */
export function parseCount(text: string | undefined, fallback: number, what: string): number {
  if (text === undefined || text.trim() === '') return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1)
    throw new StartupError(`invalid ${what} '${text}': expected a whole number from 1`);
  return value;
}

/** The database URL without its password, for messages and logs. */
function redactedUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'the given URL';
  }
}

/** STEPWISE_LEASE_MS: milliseconds, at least 300 (the heartbeat runs every third of it); absent means 10 s. */
export function parseLeaseMs(text: string | undefined): number {
  if (text === undefined || text.trim() === '') return DEFAULT_LEASE_MS;
  const ms = Number(text);
  if (!Number.isInteger(ms) || ms < 300)
    throw new StartupError(`invalid lease time '${text}': expected a whole number of milliseconds, at least 300`);
  return ms;
}

/** STEPWISE_ACTIVITY_POLL_TIMEOUT: seconds (fractions allowed), greater than 0; absent means AWS's 60. */
export function parseActivityPollTimeout(text: string | undefined): number | undefined {
  if (text === undefined || text.trim() === '') return undefined;
  const secondsValue = Number(text);
  if (!Number.isFinite(secondsValue) || secondsValue <= 0)
    throw new StartupError(`invalid activity poll timeout '${text}': expected a number of seconds greater than 0`);
  return Math.round(secondsValue * 1000);
}

/** dist/console: beside this module once built (dist/server.js), or under ../dist from src/server.ts. */
function defaultConsoleDir(): string | undefined {
  const here = dirname(fileURLToPath(import.meta.url));
  return [join(here, 'console'), join(here, '..', 'dist', 'console')].find((dir) =>
    existsSync(join(dir, 'index.html')),
  );
}
