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
import { ApiThrottle, ThrottleSpecError } from './api/throttle.js';
import { loadRoleProfiles, RoleSettingsError, type RoleMode } from './integrations/aws/roles.js';
import { resolveAwsSettings } from './integrations/aws/index.js';
import { createMapRunData } from './integrations/map-data/port.js';
import { createApiServer } from './api/server.js';
import type { AccessOptions } from './api/auth/access.js';
import { resolveAccess, type AccessSettings } from './api/auth/startup.js';
import { DurableEngine } from './engine/durable/durable-engine.js';
import { ExecutionService } from './engine/executions.js';
import { IntegrationRegistry } from './engine/integration-registry.js';
import { addConfiguredIntegrations, loadMocks } from './integration-wiring.js';
import { ActivityQueue } from './integrations/activities/index.js';
import type { TaskHandler } from './engine/task-invoker.js';
import { SqliteStore } from './store/sqlite/sqlite-store.js';
import { StoreHealth } from './store/faults.js';
import { PostgresStore } from './store/postgres/postgres-store.js';
import { isClusterStore } from './store/cluster.js';
import { DEFAULT_LEASE_MS } from './engine/durable/cluster/cluster-node.js';
import type { ExecutionStore } from './store/types.js';
import { Metrics } from './ops/metrics.js';
import { ExecutionLogs } from './ops/execution-logs.js';
import { StatusEvents } from './ops/status-events.js';
import { StatusWebhooks, type WebhookOptions } from './ops/webhooks.js';
import { DEFAULT_RETENTION_DAYS, Retention, type RetentionOptions } from './ops/retention.js';
import { combineObservers } from './engine/observer.js';
import { boundedClose, DEFAULT_SHUTDOWN_TIMEOUT_MS, parseShutdownTimeout } from './shutdown.js';
import { openVirtualClock, parseClockMode, type ClockMode } from './clock-mode.js';
import { registerClockRoutes } from './api/clock-routes.js';
import { TimeSkipping } from './engine/time-skipping.js';
import type { Clock } from './engine/clock.js';
import { DEFAULT_ACCOUNT_ID, DEFAULT_REGION } from './defaults.js';

export interface ServerOptions extends AccessSettings {
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
   * AWS calls of Tasks run as the Task's `Credentials.RoleArn`, else the state machine's roleArn,
   * through STS AssumeRole (else STEPWISE_ASSUME_ROLE=1). Default: the server's own credentials.
   */
  assumeRole?: boolean;
  /** A JSON or YAML map of role ARN (or `*`) to AWS profile name (else STEPWISE_AWS_ROLE_PROFILES). */
  roleProfiles?: string;
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
   * Multiplies Retry backoff durations alone (default: the wait time scale). Step Functions Local's
   * WAIT_TIME_SCALE scales Wait states only: `stepwise serve` given only that sets this to 1.
   */
  retryTimeScale?: number;
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
  /**
   * API throttling: token buckets per action, `StartExecution=800/150,*=100/20` (else
   * STEPWISE_API_THROTTLE; default none). See src/api/throttle.ts.
   */
  apiThrottle?: string;
  /**
   * Execution logs (as state machines' loggingConfiguration asks) go to one file per log group here
   * (else STEPWISE_EXECUTION_LOGS_DIR); without it, to stdout.
   */
  executionLogsDir?: string;
  /** Where execution log lines go without `executionLogsDir` (default stdout). */
  executionLogsStdout?: (line: string) => void;
  /**
   * Webhooks that get every Standard execution's status change events, POSTed in EventBridge's
   * shape (else STEPWISE_STATUS_WEBHOOKS, comma-separated).
   */
  statusWebhooks?: string[];
  /** Where events given up after the last retry go (default `<dataDir>/status-events.dead-letter.jsonl`). */
  statusWebhookDeadLetter?: string;
  /** Retry settings of the webhooks (attempts, backoff, timeout, poll). */
  statusWebhookRetry?: Pick<WebhookOptions, 'maxAttempts' | 'baseDelayMs' | 'maxDelayMs' | 'timeoutMs' | 'pollMs'>;
  /**
   * Finished executions are deleted this many days after they stopped (else STEPWISE_RETENTION_DAYS;
   * default 90, as AWS; 0 keeps them for ever).
   */
  retentionDays?: number;
  /** How the retention sweeps run (interval, batch size, pause between batches). */
  retentionSweep?: Pick<RetentionOptions, 'intervalMs' | 'batch' | 'pauseMs'> & { firstDelayMs?: number };
  /**
   * 'virtual': time stands still until moved over the API (`/stepwise/clock`, src/api/clock-routes.ts),
   * for tests that skip Waits, backoffs and timeouts (else STEPWISE_CLOCK; default 'real'). SQLite only.
   */
  clock?: ClockMode | string;
  /**
   * How long close() may take, in ms (else STEPWISE_SHUTDOWN_TIMEOUT in seconds; default 30 s). Past
   * it, what still runs is abandoned: connections are cut, the store is closed, and no clean-stop
   * marker is left, so the next start recovers in-flight work as after a crash.
   */
  shutdownTimeoutMs?: number;
}

export interface RunningServer {
  /** e.g. http://127.0.0.1:8083 */
  url: string;
  port: number;
  store: ExecutionStore;
  engine: DurableEngine;
  /** The execution logs writer (flush() to wait for the lines reported so far). */
  executionLogs: ExecutionLogs;
  /** The status change events' deliverer, when webhooks are configured. */
  statusWebhooks: StatusWebhooks | undefined;
  /** The retention sweeps, unless retention is off. */
  retention: Retention | undefined;
  /** Where GetActivityTask long polls wait (its settings: poll timeout, pollers per activity). */
  activities: ActivityQueue;
  /** The virtual clock's time skipping (undefined with the real clock). */
  timeSkipping: TimeSkipping | undefined;
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

/** Whose credentials sign Tasks' AWS calls (src/integrations/aws/roles.ts); undefined: the server's own. */
function awsRoles(options: ServerOptions): Exclude<RoleMode, { kind: 'server' }> | undefined {
  const profiles = options.roleProfiles ?? (process.env.STEPWISE_AWS_ROLE_PROFILES || undefined);
  const assume = options.assumeRole ?? ['1', 'true'].includes((process.env.STEPWISE_ASSUME_ROLE ?? '').toLowerCase());
  if (profiles !== undefined && assume)
    throw new StartupError(
      '--assume-role and --role-profiles cannot both be given: a role is either assumed through STS or mapped to a profile',
    );
  if (profiles === undefined) return assume ? { kind: 'assume' } : undefined;
  try {
    return loadRoleProfiles(profiles);
  } catch (error) {
    if (error instanceof RoleSettingsError) throw new StartupError(error.message);
    throw error;
  }
}

/** The API's token buckets from a specification; a bad one stops the start with the reason. */
function apiThrottle(spec: string | undefined): ApiThrottle | undefined {
  if (spec === undefined) return undefined;
  try {
    return ApiThrottle.parse(spec);
  } catch (error) {
    if (error instanceof ThrottleSpecError) throw new StartupError(error.message);
    throw error;
  }
}

export class StartupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StartupError';
  }
}

/**
 * The server could not listen: the port is taken (EADDRINUSE), not allowed (EACCES), or the host
 * is no address of this machine (EADDRNOTAVAIL, ENOTFOUND). `code` says which.
 */
export class ListenError extends StartupError {
  readonly code: string;

  constructor(error: unknown, host: string, port: number) {
    const code = (error as NodeJS.ErrnoException | undefined)?.code ?? 'UNKNOWN';
    super(listenMessage(code, host, port, error));
    this.name = 'ListenError';
    this.code = code;
  }
}

function listenMessage(code: string, host: string, port: number, error: unknown): string {
  switch (code) {
    case 'EADDRINUSE':
      return `port ${port} on ${host} is already in use (another Stepwise or Step Functions Local?): stop it, or choose another port with --port or PORT`;
    case 'EACCES':
      return `not allowed to listen on port ${port} on ${host} (ports below 1024 need privileges): choose another port with --port or PORT`;
    case 'EADDRNOTAVAIL':
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `cannot listen on ${host}: it is not an address of this machine (--host or HOST)`;
    default:
      return `cannot listen on ${host}:${port}: ${error instanceof Error ? error.message : String(error)}`;
  }
}

/** Runs a start-up step; if it throws, `close` undoes what the start opened before the error goes on. */
async function closeOnFailure<T>(close: () => Promise<void>, step: () => T): Promise<T> {
  try {
    return step();
  } catch (error) {
    await close();
    throw error;
  }
}

export const DEFAULT_PORT = 8083;
export const DEFAULT_HOST = '127.0.0.1';

export async function startServer(options: ServerOptions = {}): Promise<RunningServer> {
  const log = options.logger ?? pino({ level: options.logLevel ?? 'info' });
  const region = options.region ?? DEFAULT_REGION;
  const accountId = options.accountId ?? DEFAULT_ACCOUNT_ID;
  const dataDir = resolve(options.dataDir ?? '.stepwise');
  // Settings are checked before anything is opened: a bad mock file fails the start with its reason.
  const mockConfigFile = options.mockConfig ?? (process.env.SFN_MOCK_CONFIG || undefined);
  const mocks = loadMocks(mockConfigFile);
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
  const webhookTargets = parseWebhooks(options.statusWebhooks ?? process.env.STEPWISE_STATUS_WEBHOOKS);
  const retentionDays = options.retentionDays ?? parseRetentionDays(process.env.STEPWISE_RETENTION_DAYS);
  const shutdownTimeoutMs =
    options.shutdownTimeoutMs ??
    parseSetting(() => parseShutdownTimeout(process.env.STEPWISE_SHUTDOWN_TIMEOUT)) ??
    DEFAULT_SHUTDOWN_TIMEOUT_MS;
  let access: AccessOptions;
  try {
    access = resolveAccess(options, options.host ?? DEFAULT_HOST, log);
  } catch (error) {
    throw new StartupError(error instanceof Error ? error.message : String(error));
  }
  const roles = awsRoles(options);
  log.info(
    roles === undefined
      ? "AWS integrations sign with the server's own credentials, whatever a state machine's roleArn says (--assume-role or --role-profiles to honour it)"
      : roles.kind === 'assume'
        ? "AWS integrations assume each Task's role (Credentials.RoleArn, else the state machine's roleArn) through STS"
        : `AWS integrations sign as the profile ${roles.source} maps each role to`,
  );
  let clockMode: ClockMode;
  try {
    clockMode = parseClockMode(options.clock ?? process.env.STEPWISE_CLOCK);
  } catch (error) {
    throw new StartupError((error as Error).message);
  }
  if (clockMode === 'virtual' && (databaseUrl !== undefined || options.nodeId !== undefined))
    throw new StartupError(
      'the virtual clock runs on one node alone (SQLite): nodes sharing PostgreSQL measure their leases with the real clock',
    );
  const throttle = apiThrottle(options.apiThrottle ?? (process.env.STEPWISE_API_THROTTLE || undefined));
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
  const openStore = store;
  /** A start that fails after the store is open closes it again; nothing ran, so the stop was clean. */
  const abandon = async (): Promise<void> => {
    await engine.close();
    await integrations.close();
    await openStore.close();
    if (markerDir !== undefined) leaveCleanStopMarker(markerDir);
  };
  const storeHealth = new StoreHealth(
    storeFile ??
      (store instanceof SqliteStore ? store.file : undefined) ??
      (databaseUrl !== undefined ? redactedUrl(databaseUrl) : undefined),
    log,
  );
  let virtualClock: ReturnType<typeof openVirtualClock> | undefined;
  if (clockMode === 'virtual') {
    try {
      virtualClock = openVirtualClock(markerDir);
    } catch (error) {
      await store.close();
      throw new StartupError((error as Error).message);
    }
  }
  const clock: Clock | undefined = virtualClock?.clock;
  const clusterStore =
    isClusterStore(store) && (databaseUrl !== undefined || options.nodeId !== undefined) ? store : undefined;
  const activities = new ActivityQueue({
    pollTimeoutMs:
      options.activityPollTimeoutMs ?? parseActivityPollTimeout(process.env.STEPWISE_ACTIVITY_POLL_TIMEOUT),
    // Other nodes schedule activity tasks in the same store.
    sharedStore: clusterStore !== undefined,
  });
  // One set of StartExecution rules for the API and nested executions.
  const executions = new ExecutionService({ store, ...(clock ? { now: () => clock.now() } : {}) });
  const integrations = new IntegrationRegistry();
  const nodeId = options.nodeId ?? (process.env.STEPWISE_NODE_ID || undefined);
  const metrics = new Metrics();
  const executionLogsDir = options.executionLogsDir ?? (process.env.STEPWISE_EXECUTION_LOGS_DIR || undefined);
  const executionLogs = new ExecutionLogs({
    store,
    log,
    ...(executionLogsDir !== undefined ? { dir: executionLogsDir } : {}),
    ...(options.executionLogsStdout ? { stdout: options.executionLogsStdout } : {}),
  });
  const webhookStore = store;
  const webhooks =
    webhookTargets.length > 0
      ? new StatusWebhooks({
          store: webhookStore,
          log,
          deadLetterFile: options.statusWebhookDeadLetter ?? join(dataDir, 'status-events.dead-letter.jsonl'),
          ...options.statusWebhookRetry,
        })
      : undefined;
  const retention =
    retentionDays > 0
      ? new Retention({ store: webhookStore, days: retentionDays, log, ...options.retentionSweep })
      : undefined;
  const statusEvents = webhooks ? new StatusEvents(webhookTargets, () => webhooks.wake()) : undefined;
  const observer = combineObservers([metrics, executionLogs], (err) => log.warn({ err }, 'an engine observer failed'));
  // Distributed Map's ItemReader and ResultWriter read and write S3 as aws-sdk:* Tasks call it.
  const mapRunData = createMapRunData(
    resolveAwsSettings({ ...options.aws, ...(roles !== undefined ? { roles } : {}) }),
  );
  integrations.onClose(() => mapRunData.close());
  const engine = new DurableEngine({
    mapRunData,
    observer,
    ...(statusEvents ? { outbox: statusEvents } : {}),
    store,
    storeHealth,
    logger: log,
    ...(clock ? { clock } : {}),
    handlers: options.handlers,
    integrations,
    mocks,
    waitTimeScale,
    ...(options.retryTimeScale !== undefined ? { retryTimeScale: options.retryTimeScale } : {}),
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
  if (engine.node) metrics.setNode(engine.node.id);
  const metricsStore = store;
  metrics.setGauges({
    openExecutions: () => engine.executionsInFlight,
    pendingTimers: () => metricsStore.countTimers(),
  });
  // A connections file that does not load stops the start, and closes what is open.
  await closeOnFailure(abandon, () =>
    addConfiguredIntegrations(
      integrations,
      {
        ...options,
        logger: log,
        ...(options.aws !== undefined || roles !== undefined
          ? { aws: { ...options.aws, ...(roles !== undefined ? { roles } : {}) } }
          : {}),
        // With API credentials, a connection's secrets go only to the endpoints it lists.
        requireConnectionEndpoints: (access.keys?.length ?? 0) > 0,
      },
      { executions: { service: executions, engine }, activities },
    ),
  );
  const sqlite = store instanceof SqliteStore ? store : undefined;
  const app = createApiServer({
    store,
    engine,
    activities,
    executions,
    region,
    accountId,
    logger: log,
    storeHealth,
    consoleDir: options.consoleDir === false ? undefined : (options.consoleDir ?? defaultConsoleDir()),
    maxEventStreams,
    metrics,
    ...(sqlite ? { backup: { backup: (file: string) => sqlite.backup(file), dir: dirname(sqlite.file) } } : {}),
    access,
    ...(throttle ? { throttle } : {}),
    ...(clock ? { now: () => clock.now(), realNow: Date.now } : {}),
  });
  const timeSkipping = virtualClock ? new TimeSkipping(virtualClock.clock, engine, store) : undefined;
  registerClockRoutes(app, timeSkipping);
  if (virtualClock)
    log.info(
      { now: new Date(virtualClock.clock.now()).toISOString(), resumed: virtualClock.resumed },
      'the clock is virtual: it moves only through POST /stepwise/clock/advance and /stepwise/clock/next',
    );
  // Readiness never waits on user code: recovery stores what it must, the server listens, and only
  // then do the recovered executions run (a poison one cannot keep /healthz from answering).
  await engine.load();
  const host = options.host ?? DEFAULT_HOST;
  let address: string;
  try {
    address = await app.listen({ port: options.port ?? DEFAULT_PORT, host });
  } catch (error) {
    // Nothing ran yet: close what was opened, so the data dir is free for the next start.
    await app.close().catch(() => undefined);
    await abandon();
    throw new ListenError(error, host, options.port ?? DEFAULT_PORT);
  }
  const port = Number(new URL(address).port);
  engine.advertise(address);
  webhooks?.start();
  retention?.start(options.retentionSweep?.firstDelayMs);
  engine.resume().catch((err: unknown) => log.error({ err }, 'resuming the recovered executions failed'));
  log.info(
    clusterStore
      ? { url: address, node: engine.node?.id, leaseMs, region, accountId }
      : { url: address, dataDir: options.store ? undefined : dataDir, region, accountId },
    clusterStore ? 'stepwise node is listening' : 'stepwise is listening',
  );
  let closing: Promise<void> | undefined;
  return {
    url: address,
    port,
    store,
    engine,
    executionLogs,
    statusWebhooks: webhooks,
    retention,
    activities,
    timeSkipping,
    close: () =>
      (closing ??= boundedClose({
        timeoutMs: shutdownTimeoutMs,
        logger: log,
        graceful: async () => {
          // Long-polling GetActivityTask calls answer "no task" now rather than hold the shutdown.
          activities.close();
          await retention?.close();
          await app.close();
          await engine.close();
          await webhooks?.close();
          await executionLogs.close();
          await integrations.close();
          await openStore.close();
          if (markerDir !== undefined) leaveCleanStopMarker(markerDir);
          log.info('stepwise stopped');
        },
        // Past the bound: cut what holds the stop; no marker, so the next start recovers as after a crash.
        abandon: async () => {
          app.server.closeAllConnections();
          await integrations.close().catch(() => undefined);
          await openStore.close().catch(() => undefined);
        },
      }).then(() => undefined)),
  };
}

/** A setting parsed by a function that throws a RangeError: a StartupError with its message. */
function parseSetting<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (error instanceof RangeError) throw new StartupError(error.message);
    throw error;
  }
}

/** STEPWISE_RETENTION_DAYS: days (fractions allowed) from 0 (keep for ever) up; absent means AWS's 90. */
export function parseRetentionDays(text: string | undefined): number {
  if (text === undefined || text.trim() === '') return DEFAULT_RETENTION_DAYS;
  const days = Number(text);
  if (!Number.isFinite(days) || days < 0)
    throw new StartupError(`invalid retention '${text}': expected a number of days, 0 to keep executions for ever`);
  return days;
}

/** Webhook URLs (STEPWISE_STATUS_WEBHOOKS, comma-separated): each an http(s) URL. */
export function parseWebhooks(text: string | string[] | undefined): string[] {
  const items = (Array.isArray(text) ? text : [text ?? ''])
    .flatMap((t) => t.split(','))
    .map((t) => t.trim())
    .filter((t) => t !== '');
  for (const item of items) {
    let url: URL | undefined;
    try {
      url = new URL(item);
    } catch {
      url = undefined;
    }
    if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:'))
      throw new StartupError(`invalid status webhook '${item}': expected an http:// or https:// URL`);
  }
  return items;
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
