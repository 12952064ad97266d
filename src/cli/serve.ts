/** `stepwise serve`: the AWS Step Functions API (and, later, the console) on one port. */
import { Command, Option } from 'commander';
import { pino } from 'pino';
import {
  DEFAULT_HOST,
  DEFAULT_PORT,
  parseActivityPollTimeout,
  parseLeaseMs,
  parseCount,
  parseRetentionDays,
  parseWebhooks,
  startServer,
  StartupError,
} from '../server.js';
import {
  DEFAULT_MAX_EVENT_STREAMS,
  DEFAULT_MAX_EXECUTIONS_IN_FLIGHT,
  DEFAULT_MAX_HISTORY_BYTES_IN_MEMORY,
} from '../engine/quotas.js';
import { accessSettings } from '../api/auth/cli.js';
import { DEFAULT_SHUTDOWN_TIMEOUT_MS, parseShutdownTimeout } from '../shutdown.js';
import { ExitCode, UsageError, reportError, type CommandContext } from './common.js';
import { DEFAULT_ACCOUNT_ID, DEFAULT_REGION } from '../defaults.js';
import {
  applyEnvFile,
  checkFilesReadable,
  checkFunctionsDir,
  checkLogLevel,
  readinessLine,
  startupFailure,
  sfnLocalServerOptions,
} from './serve-settings.js';

export interface ServeOptions {
  port: string;
  host: string;
  envFile?: string;
  region?: string;
  accountId?: string;
  dataDir: string;
  logLevel: string;
  connections?: string;
  awsEndpoint?: string;
  mockConfig?: string;
  waitTimeScale?: string;
  clock?: string;
  functionsDir?: string;
  lambdaEndpoint?: string;
  activityPollTimeout?: string;
  databaseUrl?: string;
  databaseSchema?: string;
  nodeId?: string;
  leaseMs?: string;
  maxProcessEndingAttempts?: string;
  maxExecutionsInFlight?: string;
  maxHistoryBytesInMemory?: string;
  maxEventStreams?: string;
  executionLogsDir?: string;
  statusWebhook?: string[];
  statusWebhookDeadLetter?: string;
  retentionDays?: string;
  credentials?: string;
  allowedHostNames?: string;
  allowUnauthenticated?: boolean | string;
  apiThrottle?: string;
  assumeRole?: boolean;
  roleProfiles?: string;
  shutdownTimeout?: string;
}

/** A setting parsed by a function that throws a RangeError: a usage error with its message. */
function parseSetting<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (error instanceof RangeError) throw new UsageError(error.message);
    throw error;
  }
}

function parsePort(text: string): number {
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new UsageError(`invalid port '${text}': expected a number from 0 to 65535`);
  return port;
}

/** Every `serve` option, each also settable by an environment variable: flags, help, variable, default. */
const SERVE_OPTIONS: readonly (readonly [string, string, string, string?])[] = [
  ['--port <port>', 'port to listen on', 'PORT', String(DEFAULT_PORT)],
  ['--host <host>', 'address to listen on', 'HOST', DEFAULT_HOST],
  [
    '--env-file <file>',
    "read variables from this file first (Docker's --env-file format: aws-stepfunctions-local-credentials.txt)",
    'STEPWISE_ENV_FILE',
  ],
  ['--region <region>', 'the region in ARNs (default us-east-1; else AWS_DEFAULT_REGION)', 'STEPWISE_REGION'],
  ['--account-id <id>', 'the account in ARNs (default 123456789012; else AWS_ACCOUNT_ID)', 'STEPWISE_ACCOUNT_ID'],
  ['--data-dir <dir>', 'where the SQLite database is kept', 'STEPWISE_DATA_DIR', '.stepwise'],
  ['--log-level <level>', 'trace, debug, info, warn, error or silent', 'STEPWISE_LOG_LEVEL', 'info'],
  ['--connections <file>', 'HTTP Task connections (JSON or YAML)', 'STEPWISE_CONNECTIONS'],
  [
    '--aws-endpoint <url>',
    'endpoint for every AWS service integration (per service: STEPWISE_ENDPOINT_<SERVICE>)',
    'STEPWISE_AWS_ENDPOINT',
  ],
  [
    '--mock-config <file>',
    "Step Functions Local's MockConfigFile.json (StartExecution on <arn>#<TestCase>)",
    'SFN_MOCK_CONFIG',
  ],
  [
    '--wait-time-scale <number>',
    'multiplies Wait and Retry backoff durations; 0 makes them instant (WAIT_TIME_SCALE: Wait states only)',
    'STEPWISE_WAIT_TIME_SCALE',
  ],
  ['--clock <mode>', 'real, or virtual: time moves only through POST /stepwise/clock/advance', 'STEPWISE_CLOCK'],
  [
    '--activity-poll-timeout <seconds>',
    'how long GetActivityTask waits for a task (AWS: 60)',
    'STEPWISE_ACTIVITY_POLL_TIMEOUT',
  ],
  [
    '--functions-dir <dir>',
    'local functions for Lambda resources (<name>.mjs, .js or .ts)',
    'STEPWISE_FUNCTIONS_DIR',
    'functions',
  ],
  [
    '--lambda-endpoint <url>',
    'forward Lambda invocations to this Lambda-compatible endpoint',
    'STEPWISE_LAMBDA_ENDPOINT',
  ],
  [
    '--database-url <url>',
    'PostgreSQL (postgres://...) instead of SQLite: run as one node of several sharing it',
    'STEPWISE_DATABASE_URL',
  ],
  ['--database-schema <name>', 'the PostgreSQL schema to use (created if missing)', 'STEPWISE_DATABASE_SCHEMA'],
  ['--node-id <id>', "this node's id among several (default <hostname>-<pid>-<random>)", 'STEPWISE_NODE_ID'],
  ['--lease-ms <ms>', 'how long an execution lease lasts without renewal (default 10000)', 'STEPWISE_LEASE_MS'],
  [
    '--max-process-ending-attempts <n>',
    'process endings in a row with an execution in flight before it is failed (States.Runtime)',
    'STEPWISE_MAX_PROCESS_ENDING_ATTEMPTS',
    '3',
  ],
  [
    '--max-executions-in-flight <n>',
    'executions running at once on this server; StartExecution beyond answers ExecutionLimitExceeded',
    'STEPWISE_MAX_EXECUTIONS_IN_FLIGHT',
    String(DEFAULT_MAX_EXECUTIONS_IN_FLIGHT),
  ],
  [
    '--max-history-bytes-in-memory <bytes>',
    'history one in-memory (Express) run may hold; beyond it the execution fails with States.Runtime',
    'STEPWISE_MAX_HISTORY_BYTES_IN_MEMORY',
    String(DEFAULT_MAX_HISTORY_BYTES_IN_MEMORY),
  ],
  [
    '--role-profiles <file>',
    'AWS calls sign as the profile this JSON/YAML file maps the Task\'s role to ("<role ARN>": <profile>, "*": <profile>)',
    'STEPWISE_AWS_ROLE_PROFILES',
  ],
  [
    '--api-throttle <spec>',
    'token buckets per API action, e.g. StartExecution=800/150,*=100/20 (default: no throttling)',
    'STEPWISE_API_THROTTLE',
  ],
  [
    '--max-event-streams <n>',
    "the console's live event streams open at once; one more answers 429",
    'STEPWISE_MAX_EVENT_STREAMS',
    String(DEFAULT_MAX_EVENT_STREAMS),
  ],
  [
    '--execution-logs-dir <dir>',
    "execution logs (state machines' loggingConfiguration) as one file per log group here; default stdout",
    'STEPWISE_EXECUTION_LOGS_DIR',
  ],
  [
    '--status-webhook-dead-letter <file>',
    'where status change events given up after the last retry go (default <data-dir>/status-events.dead-letter.jsonl)',
    'STEPWISE_STATUS_WEBHOOK_DEAD_LETTER',
  ],
  [
    '--retention-days <days>',
    'delete finished executions this long after they stopped (AWS: 90); 0 keeps them for ever',
    'STEPWISE_RETENTION_DAYS',
    '90',
  ],
  ['--credentials <file>', 'access keys requests must be signed with (JSON or YAML list)', 'STEPWISE_CREDENTIALS'],
  ['--allowed-host-names <names>', 'more host names to answer for (comma-separated)', 'STEPWISE_ALLOWED_HOST_NAMES'],
  ['--allow-unauthenticated [boolean]', 'listen beyond loopback with no credentials', 'STEPWISE_ALLOW_UNAUTHENTICATED'],
  [
    '--shutdown-timeout <seconds>',
    'SIGTERM/SIGINT: how long the stop may take; what still runs then is recovered at the next start',
    'STEPWISE_SHUTDOWN_TIMEOUT',
    String(DEFAULT_SHUTDOWN_TIMEOUT_MS / 1000),
  ],
];

/** The whole-number settings, each parsed by parseCount with its default. */
const COUNT_OPTIONS = [
  ['maxProcessEndingAttempts', 3, 'max process-ending attempts'],
  ['maxExecutionsInFlight', DEFAULT_MAX_EXECUTIONS_IN_FLIGHT, 'max executions in flight'],
  ['maxHistoryBytesInMemory', DEFAULT_MAX_HISTORY_BYTES_IN_MEMORY, 'max history bytes in memory'],
  ['maxEventStreams', DEFAULT_MAX_EVENT_STREAMS, 'max event streams'],
] as const;

function countOptions(options: ServeOptions): Partial<Record<(typeof COUNT_OPTIONS)[number][0], number>> {
  const counts: Partial<Record<(typeof COUNT_OPTIONS)[number][0], number>> = {};
  for (const [key, fallback, what] of COUNT_OPTIONS) {
    const text = options[key];
    if (text !== undefined) counts[key] = parseCount(text, fallback, what);
  }
  return counts;
}

export function registerServe(program: Command, context: CommandContext): void {
  const command = program
    .command('serve')
    .description('run the Step Functions API server (data in SQLite, or PostgreSQL shared by several nodes)');
  command.addOption(
    new Option(
      '--assume-role',
      "AWS calls run as the Task's Credentials.RoleArn, else the state machine's roleArn, assumed through STS",
    ).env('STEPWISE_ASSUME_ROLE'),
  );
  const variables = new Map<string, string>();
  for (const [flags, help, variable, fallback] of SERVE_OPTIONS) {
    const option = new Option(flags, help).env(variable);
    variables.set(option.attributeName(), variable);
    command.addOption(fallback === undefined ? option : option.default(fallback));
  }
  command.addOption(
    new Option(
      '--status-webhook <url>',
      "POST every Standard execution's status change events (EventBridge's shape) here; repeatable",
    )
      .env('STEPWISE_STATUS_WEBHOOKS')
      .argParser((value: string, previous: string[] | undefined) => [...(previous ?? []), value]),
  );
  command.action(async (options: ServeOptions) => {
    try {
      // The env file's variables come first: every setting below may be in it.
      if (options.envFile !== undefined) await applyEnvFile(command, options.envFile, variables, process.env);
      checkLogLevel(options.logLevel);
      await checkFilesReadable(options);
      const logger = pino({ level: options.logLevel });
      const sfnLocal = sfnLocalServerOptions(command, options, process.env, logger);
      const functionsDir = checkFunctionsDir(command, options.functionsDir);
      const server = await startServer({
        port: parsePort(options.port),
        host: options.host,
        dataDir: options.dataDir,
        logLevel: options.logLevel,
        logger,
        ...(options.connections !== undefined ? { connections: options.connections } : {}),
        ...(options.mockConfig !== undefined ? { mockConfig: options.mockConfig } : {}),
        ...(options.clock !== undefined ? { clock: options.clock } : {}),
        ...(options.activityPollTimeout !== undefined
          ? { activityPollTimeoutMs: parseActivityPollTimeout(options.activityPollTimeout) }
          : {}),
        ...(functionsDir !== undefined ? { functionsDir } : {}),
        ...(options.databaseUrl !== undefined ? { databaseUrl: options.databaseUrl } : {}),
        ...(options.databaseSchema !== undefined ? { databaseSchema: options.databaseSchema } : {}),
        ...(options.nodeId !== undefined ? { nodeId: options.nodeId } : {}),
        ...(options.leaseMs !== undefined ? { leaseMs: parseLeaseMs(options.leaseMs) } : {}),
        ...countOptions(options),
        ...(options.executionLogsDir !== undefined ? { executionLogsDir: options.executionLogsDir } : {}),
        ...(options.retentionDays !== undefined ? { retentionDays: parseRetentionDays(options.retentionDays) } : {}),
        ...(options.statusWebhook !== undefined ? { statusWebhooks: parseWebhooks(options.statusWebhook) } : {}),
        ...(options.statusWebhookDeadLetter !== undefined
          ? { statusWebhookDeadLetter: options.statusWebhookDeadLetter }
          : {}),
        ...accessSettings(options),
        ...(options.apiThrottle !== undefined ? { apiThrottle: options.apiThrottle } : {}),
        ...(options.assumeRole ? { assumeRole: true } : {}),
        ...(options.roleProfiles !== undefined ? { roleProfiles: options.roleProfiles } : {}),
        ...(options.shutdownTimeout !== undefined
          ? { shutdownTimeoutMs: parseSetting(() => parseShutdownTimeout(options.shutdownTimeout)) }
          : {}),
        // Region, account, wait time scale, Lambda and AWS endpoints: Stepwise's or Step Functions Local's.
        ...sfnLocal,
      });
      // Step Functions Local's readiness line, which test harnesses wait for, once requests are accepted.
      context.io.stdout(
        readinessLine(server.port, sfnLocal.accountId ?? DEFAULT_ACCOUNT_ID, sfnLocal.region ?? DEFAULT_REGION),
      );
      await new Promise<void>((resolve) => {
        const stop = () => {
          process.off('SIGTERM', stop);
          process.off('SIGINT', stop);
          void server.close().then(() => {
            // Past the shutdown timeout an abandoned task handler may still hold the event loop: go anyway.
            setTimeout(() => process.exit(), 1_000).unref();
            resolve();
          });
        };
        process.on('SIGTERM', stop);
        process.on('SIGINT', stop);
      });
      context.setExitCode(ExitCode.Ok);
    } catch (error) {
      // A bad setting, a taken port or an unreachable database is said in one line, not as a Stepwise bug.
      const failure = startupFailure(error);
      if (failure !== undefined) {
        context.io.stderr(`stepwise: ${failure.message}\n`);
        context.setExitCode(failure.exitCode);
        return;
      }
      context.setExitCode(
        reportError(context.io, error instanceof StartupError ? new UsageError(error.message) : error),
      );
    }
  });
}
