/**
 * What `stepwise serve` works out before it starts the server: the env file's variables, Step
 * Functions Local's settings beside Stepwise's (./sfn-local-env.ts), and the start-up mistakes
 * said in one sentence (a bad log level, a missing functions folder, a taken port).
 */
import { statSync } from 'node:fs';
import type { Command } from 'commander';
import type { Logger } from 'pino';
import { ListenError, StartupError, type ServerOptions } from '../server.js';
import { ConnectionsConfigError } from '../integrations/http/index.js';
import { MockConfigError } from '../integrations/mocks/index.js';
import { ExitCode, UsageError, readTextFile } from './common.js';
import {
  endpointService,
  parseAccountId,
  parseEndpoint,
  parseRegion,
  parseScale,
  readEnvFile,
  resolveSfnLocalSettings,
  type GivenValue,
} from './sfn-local-env.js';

type Env = Record<string, string | undefined>;

/** The `serve` options this module reads (a part of ServeOptions). */
export interface SettingsOptions {
  region?: string;
  accountId?: string;
  waitTimeScale?: string;
  lambdaEndpoint?: string;
  awsEndpoint?: string;
  mockConfig?: string;
  connections?: string;
}

/** Whether the user gave an option (a flag or its variable), not its default. */
function given(command: Command, key: string): boolean {
  const source = command.getOptionValueSource(key);
  return source === 'cli' || source === 'env';
}

/** An option's value with where it came from: its flag, or its variable. */
function givenValue(command: Command, key: string, flag: string, variable: string): GivenValue | undefined {
  const value = command.getOptionValue(key) as string | undefined;
  // An empty variable is no setting (`STEPWISE_REGION=` unsets it, as for the other names).
  if (value === undefined || value.trim() === '' || !given(command, key)) return undefined;
  return { value, from: command.getOptionValueSource(key) === 'cli' ? flag : variable };
}

/**
 * `--env-file`: its variables join the environment (those already set, and not empty, keep their
 * value, as `docker run -e` beats `--env-file`), and options not given by flag or variable take theirs.
 */
export async function applyEnvFile(
  command: Command,
  file: string,
  variables: ReadonlyMap<string, string>,
  env: NodeJS.ProcessEnv,
): Promise<void> {
  const fromFile = await readEnvFile(file, env);
  for (const [name, value] of Object.entries(fromFile))
    if (env[name] === undefined || env[name] === '') env[name] = value;
  for (const [key, variable] of variables) {
    const value = env[variable];
    if (!given(command, key) && value !== undefined && value !== '')
      command.setOptionValueWithSource(key, value, 'env');
  }
}

const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'];

export function checkLogLevel(level: string): void {
  if (!LOG_LEVELS.includes(level))
    throw new UsageError(`invalid log level '${level}': expected ${LOG_LEVELS.slice(0, -1).join(', ')} or silent`);
}

/**
 * The functions folder: the default (./functions) may be missing, a folder the user named may not.
 * Returns the folder to pass on, or undefined for the default.
 */
export function checkFunctionsDir(command: Command, dir: string | undefined): string | undefined {
  if (dir === undefined || !given(command, 'functionsDir')) return dir;
  let isDir: boolean;
  try {
    isDir = statSync(dir).isDirectory();
  } catch {
    throw new UsageError(`the functions folder ${dir} does not exist (--functions-dir or STEPWISE_FUNCTIONS_DIR)`);
  }
  if (!isDir) throw new UsageError(`the functions folder ${dir} is a file, not a folder (--functions-dir)`);
  return dir;
}

/** The mock configuration and connections files can be read (what is in them, the server checks). */
export async function checkFilesReadable(options: SettingsOptions): Promise<void> {
  if (options.mockConfig !== undefined) await readTextFile(options.mockConfig, 'mock configuration file');
  if (options.connections !== undefined) await readTextFile(options.connections, 'connections file');
}

export type SfnLocalServerOptions = Pick<
  ServerOptions,
  'region' | 'accountId' | 'waitTimeScale' | 'retryTimeScale' | 'lambdaEndpoint' | 'aws'
>;

/**
 * Region, account, wait time scale and endpoints, each from Stepwise's setting or else Step
 * Functions Local's variable; both set and different is logged, and Stepwise's is used.
 */
export function sfnLocalServerOptions(
  command: Command,
  options: SettingsOptions,
  env: Env,
  log: Logger,
): SfnLocalServerOptions {
  const resolution = resolveSfnLocalSettings(env, {
    STEPWISE_REGION: givenValue(command, 'region', '--region', 'STEPWISE_REGION'),
    STEPWISE_ACCOUNT_ID: givenValue(command, 'accountId', '--account-id', 'STEPWISE_ACCOUNT_ID'),
    STEPWISE_WAIT_TIME_SCALE: givenValue(command, 'waitTimeScale', '--wait-time-scale', 'STEPWISE_WAIT_TIME_SCALE'),
    STEPWISE_LAMBDA_ENDPOINT: givenValue(command, 'lambdaEndpoint', '--lambda-endpoint', 'STEPWISE_LAMBDA_ENDPOINT'),
  });
  for (const { stepwise, sfnLocal } of resolution.conflicts)
    log.warn(
      { stepwise: stepwise.from, sfnLocal: sfnLocal.from },
      `${stepwise.from}=${stepwise.value} and Step Functions Local's ${sfnLocal.from}=${sfnLocal.value} are both set: Stepwise's ${stepwise.from} wins`,
    );
  const adopted = [...resolution.adopted].map((name) => resolution.values.get(name)?.from);
  if (adopted.length > 0) log.info({ variables: adopted }, "using Step Functions Local's settings");

  const value = (name: string) => resolution.values.get(name);
  const region = value('STEPWISE_REGION');
  const account = value('STEPWISE_ACCOUNT_ID');
  const scale = value('STEPWISE_WAIT_TIME_SCALE');
  const lambda = value('STEPWISE_LAMBDA_ENDPOINT');
  // Endpoints the integrations read from STEPWISE_ENDPOINT_<SERVICE> themselves are checked here;
  // those from Step Functions Local's names are handed over.
  const endpoints: Record<string, string> = {};
  for (const [name, given] of resolution.values) {
    const service = endpointService(name);
    if (service === undefined) continue;
    const url = parseEndpoint(given);
    if (resolution.adopted.has(name)) endpoints[service] = url;
  }
  for (const [name, text] of Object.entries(env))
    if (endpointService(name) !== undefined && text !== undefined && text !== '')
      parseEndpoint({ value: text, from: name });
  const awsEndpoint =
    givenValue(command, 'awsEndpoint', '--aws-endpoint', 'STEPWISE_AWS_ENDPOINT') ??
    (env.STEPWISE_AWS_ENDPOINT ? { value: env.STEPWISE_AWS_ENDPOINT, from: 'STEPWISE_AWS_ENDPOINT' } : undefined);
  const aws = {
    ...(awsEndpoint !== undefined ? { endpoint: parseEndpoint(awsEndpoint) } : {}),
    ...(Object.keys(endpoints).length > 0 ? { endpoints } : {}),
  };
  return {
    ...(region !== undefined ? { region: parseRegion(region) } : {}),
    ...(account !== undefined ? { accountId: parseAccountId(account) } : {}),
    ...(scale !== undefined ? { waitTimeScale: parseScale(scale) } : {}),
    // Step Functions Local's WAIT_TIME_SCALE scales Wait states only; Stepwise's scales Retry backoffs too.
    ...(scale !== undefined && resolution.adopted.has('STEPWISE_WAIT_TIME_SCALE') ? { retryTimeScale: 1 } : {}),
    ...(lambda !== undefined ? { lambdaEndpoint: parseEndpoint(lambda) } : {}),
    ...(Object.keys(aws).length > 0 ? { aws } : {}),
  };
}

/** `2019-01-29 15:38:06.326`, the time format of Step Functions Local's log lines (UTC here). */
function sfnLocalTime(date: Date): string {
  return date.toISOString().replace('T', ' ').replace('Z', '');
}

/**
 * The line Step Functions Local prints once it listens, which harnesses wait for (testcontainers'
 * `Wait.forLogMessage(/.*Starting server on port 8083.*\/)`).
 */
export function readinessLine(port: number, accountId: string, region: string, now = new Date()): string {
  return `${sfnLocalTime(now)}: Starting server on port ${port} with account ${accountId}, region ${region}\n`;
}

/**
 * A start-up failure that is the user's to fix, with its exit code: 1 when the port is taken or
 * not allowed (nothing is wrong with the settings; the machine is busy), 2 for a bad setting or
 * file. Undefined for anything else (a Stepwise bug).
 */
export function startupFailure(error: unknown): { message: string; exitCode: ExitCode } | undefined {
  if (error instanceof ListenError)
    return {
      message: error.message,
      exitCode: error.code === 'EADDRINUSE' || error.code === 'EACCES' ? ExitCode.Failure : ExitCode.Usage,
    };
  if (
    error instanceof StartupError ||
    error instanceof UsageError ||
    error instanceof MockConfigError ||
    error instanceof ConnectionsConfigError
  )
    return { message: error.message.replace(/\s+/g, ' ').trim(), exitCode: ExitCode.Usage };
  return undefined;
}
