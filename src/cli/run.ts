/**
 * `stepwise run <file>`: execute a state machine in memory and print its output. Its tasks run as
 * `stepwise serve` runs them (local functions, HTTP Tasks, AWS services, Step Functions Local's
 * mocks); `--trace` prints the execution as a timeline on stderr.
 */
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Command } from 'commander';
import { validate, type Diagnostic } from '../index.js';
import type { RunResult } from '../engine/in-memory-runner.js';
import { nearestName } from '../asl/suggest.js';
import { loadMocks } from '../integration-wiring.js';
import { ConnectionsConfigError } from '../integrations/http/index.js';
import { MockConfigError, type MockIntegration } from '../integrations/mocks/index.js';
import type { Json } from '../json.js';
import { parseWaitTimeScale, StartupError } from '../server.js';
import {
  ExitCode,
  UsageError,
  definitionCommand,
  parseJsonInput,
  printDiagnostics,
  readDefinition,
  readTextFile,
  reportError,
  stateMachineTypeOption,
  type CliIO,
  type CommandContext,
  type StateMachineType,
} from './common.js';
import { prepareExecution, type LocalExecutionOptions } from './local-execution.js';
import { Trace } from './trace.js';

export interface RunOptions {
  /** Execution input as JSON text. */
  input?: string;
  /** Path of a file holding the execution input as JSON. */
  inputFile?: string;
  /** Print the whole result object instead of just the output. */
  json?: boolean;
  type?: StateMachineType;
  /** Local functions for Lambda resources. */
  functionsDir?: string;
  /** Step Functions Local's MockConfigFile.json, with `testCase`. */
  mockConfig?: string;
  testCase?: string;
  /** The state machine's name (in the mock config, in ARNs); default the file's name. */
  name?: string;
  /** HTTP Task connections (JSON or YAML). */
  connections?: string;
  /** Hosts HTTP Tasks may call, comma-separated (as STEPWISE_HTTP_ALLOWED_HOSTS). */
  httpAllowedHosts?: string;
  /** Endpoint for every AWS service integration. */
  awsEndpoint?: string;
  waitTimeScale?: string;
  fakeClock?: boolean;
  /** Print the execution as a timeline on stderr. */
  trace?: boolean;
}

/** AWS's StartExecution defaults the input to an empty object. */
const DEFAULT_INPUT: Json = {};

async function resolveInput(options: RunOptions): Promise<Json> {
  if (options.input !== undefined && options.inputFile !== undefined) {
    throw new UsageError('use either --input or --input-file, not both');
  }
  if (options.input !== undefined) return parseJsonInput(options.input, '--input');
  if (options.inputFile !== undefined) {
    const text = await readTextFile(options.inputFile, 'input file');
    return parseJsonInput(text, `input file ${options.inputFile}`);
  }
  return DEFAULT_INPUT;
}

/** `execute` throws a DefinitionError carrying diagnostics; recognised by shape, not by class. */
function definitionDiagnostics(error: unknown): Diagnostic[] | undefined {
  if (typeof error !== 'object' || error === null || !('diagnostics' in error)) return undefined;
  const { diagnostics } = error;
  return Array.isArray(diagnostics) ? (diagnostics as Diagnostic[]) : undefined;
}

function reportFailure(io: CliIO, result: RunResult): void {
  io.stderr(`stepwise: execution ${result.status}\n`);
  if (result.error !== undefined) io.stderr(`error: ${result.error}\n`);
  if (result.cause !== undefined) io.stderr(`cause: ${result.cause}\n`);
}

/** `order-flow.asl.json` → `order-flow`: the name the mock config knows the machine by. */
export function stateMachineNameOf(file: string): string {
  return basename(file).replace(/(\.asl)?\.(json|ya?ml)$/i, '') || 'StateMachine';
}

async function checkFunctionsDir(dir: string): Promise<void> {
  let isDirectory: boolean;
  try {
    isDirectory = (await stat(dir)).isDirectory();
  } catch {
    throw new UsageError(`the functions dir ${dir} does not exist`);
  }
  if (!isDirectory) throw new UsageError(`the functions dir ${dir} is not a directory`);
}

function quoted(names: readonly string[]): string {
  return names.map((n) => `"${n}"`).join(', ');
}

/**
 * The mocks and the state machine they are for: the one named `name` (by default the file's name)
 * or, when the config does not name that one, the only machine that has the test case.
 */
function resolveMocks(
  file: string,
  testCase: string,
  name: string,
  named: boolean,
): { integration: MockIntegration; testCase: string; stateMachineName: string } {
  let integration: MockIntegration | undefined;
  try {
    integration = loadMocks(file);
  } catch (error) {
    if (error instanceof MockConfigError) throw new UsageError(error.message);
    throw error;
  }
  if (!integration) throw new UsageError(`no mock config file given`);
  if (integration.hasTestCase(name, testCase)) return { integration, testCase, stateMachineName: name };
  const known = integration.testCases(name);
  if (named || known.length > 0) {
    const near = nearestName(testCase, known);
    const has = known.length > 0 ? `its test cases are ${quoted(known)}` : 'the file does not name it';
    const hint = near !== undefined ? `: did you mean "${near}"?` : '';
    throw new UsageError(`unknown test case "${testCase}" for state machine "${name}" in ${file} (${has})${hint}`);
  }
  const machines = integration.stateMachineNames().filter((m) => integration.hasTestCase(m, testCase));
  if (machines.length === 1) return { integration, testCase, stateMachineName: machines[0] as string };
  if (machines.length > 1)
    throw new UsageError(
      `the state machines ${quoted(machines)} in ${file} all have the test case "${testCase}": choose one with --name`,
    );
  throw new UsageError(`unknown test case "${testCase}": no state machine in ${file} has it`);
}

function waitTimeScale(text: string | undefined): number {
  try {
    return parseWaitTimeScale(text);
  } catch (error) {
    if (error instanceof StartupError) throw new UsageError(error.message);
    throw error;
  }
}

function awsEndpoint(url: string): string {
  if (!URL.canParse(url))
    throw new UsageError(`invalid --aws-endpoint '${url}': expected a URL like http://localhost:4566`);
  return url;
}

/** Everything but the definition: checked before anything runs, each problem one sentence. */
async function executionOptions(
  file: string,
  options: RunOptions,
  io: CliIO,
): Promise<LocalExecutionOptions & { trace?: Trace }> {
  if (options.fakeClock === true && options.waitTimeScale !== undefined)
    throw new UsageError('use either --fake-clock or --wait-time-scale, not both');
  if ((options.mockConfig === undefined) !== (options.testCase === undefined))
    throw new UsageError(
      options.mockConfig === undefined
        ? '--test-case needs --mock-config <file>'
        : '--mock-config needs --test-case <name>: the test case to run',
    );
  if (options.functionsDir !== undefined) await checkFunctionsDir(options.functionsDir);
  const scale = waitTimeScale(options.waitTimeScale);
  const name = options.name ?? stateMachineNameOf(file);
  const mocks =
    options.mockConfig !== undefined && options.testCase !== undefined
      ? resolveMocks(options.mockConfig, options.testCase, name, options.name !== undefined)
      : undefined;
  const trace = options.trace === true ? new Trace(io.stderr, io.colour === true) : undefined;
  return {
    stateMachineType: options.type ?? 'STANDARD',
    stateMachineName: mocks?.stateMachineName ?? name,
    ...(mocks ? { mocks: { integration: mocks.integration, testCase: mocks.testCase } } : {}),
    integrations: {
      ...(options.functionsDir !== undefined ? { functionsDir: options.functionsDir } : {}),
      ...(options.connections !== undefined ? { connections: options.connections } : {}),
      ...(options.httpAllowedHosts !== undefined
        ? { httpAllowedHosts: options.httpAllowedHosts.split(',').map((host) => host.trim()) }
        : {}),
      ...(options.awsEndpoint !== undefined ? { aws: { endpoint: awsEndpoint(options.awsEndpoint) } } : {}),
      ...(process.env.STEPWISE_REGION ? { region: process.env.STEPWISE_REGION } : {}),
      ...(process.env.STEPWISE_ACCOUNT_ID ? { accountId: process.env.STEPWISE_ACCOUNT_ID } : {}),
    },
    clock: options.fakeClock === true ? 'fake' : 'real',
    waitTimeScale: scale,
    ...(trace ? { trace, onEvent: trace.onEvent } : {}),
  };
}

/** The connections file is read as the integrations are built: its problems are the user's. */
function prepare(definition: string, settings: LocalExecutionOptions, connections: string | undefined) {
  try {
    return prepareExecution(definition, settings);
  } catch (error) {
    if (error instanceof ConnectionsConfigError)
      throw new UsageError(
        error.message.startsWith('cannot read')
          ? error.message
          : `bad connections file ${connections}: ${error.message}`,
      );
    throw error;
  }
}

/**
 * A test case that mocks a state the definition has no Task state by is most likely misspelt: the
 * state would quietly run its real integration. Said, with the nearest name, but not refused.
 */
function warnUnknownMockedStates(
  io: CliIO,
  file: string,
  settings: LocalExecutionOptions,
  taskStates: readonly string[],
): void {
  if (!settings.mocks) return;
  const { integration, testCase } = settings.mocks;
  for (const state of integration.mockedStates(settings.stateMachineName, testCase)) {
    if (taskStates.includes(state)) continue;
    const near = nearestName(state, taskStates);
    const hint = near !== undefined ? ` (did you mean "${near}"?)` : '';
    io.stderr(
      `stepwise: warning: test case "${testCase}" mocks "${state}", which is not a Task state of ${file}${hint}\n`,
    );
  }
}

/** Runs the command; resolves to the exit code and never throws. */
export async function runCommand(file: string, options: RunOptions, io: CliIO): Promise<ExitCode> {
  try {
    const input = await resolveInput(options);
    const definition = await readDefinition(file);
    const stateMachineType = options.type ?? 'STANDARD';

    const checked = validate(definition, { stateMachineType });
    if (checked.result === 'FAIL') {
      printDiagnostics(io.stderr, file, checked.diagnostics);
      return ExitCode.Usage;
    }
    const settings = await executionOptions(file, options, io);

    let execution: ReturnType<typeof prepareExecution>;
    try {
      execution = prepare(definition, settings, options.connections);
    } catch (error) {
      const diagnostics = definitionDiagnostics(error);
      if (diagnostics === undefined) throw error;
      printDiagnostics(io.stderr, file, diagnostics);
      return ExitCode.Usage;
    }
    if (settings.mocks) warnUnknownMockedStates(io, file, settings, execution.taskStates);
    let result: RunResult;
    try {
      result = await execution.run(input);
    } finally {
      await execution.close();
    }

    if (options.json === true) {
      // The short fields first, the (long) history last.
      const { status, output, error, cause, history } = result;
      io.stdout(`${JSON.stringify({ status, output, error, cause, history }, null, 2)}\n`);
    } else if (result.status === 'SUCCEEDED') {
      io.stdout(`${JSON.stringify(result.output ?? null)}\n`);
    }
    if (result.status === 'SUCCEEDED') return ExitCode.Ok;
    reportFailure(io, result);
    return ExitCode.Failure;
  } catch (error) {
    return reportError(io, error);
  }
}

export function registerRun(program: Command, context: CommandContext): void {
  definitionCommand(program, 'run', 'run a state machine in memory and print its output')
    .option('--input <json>', 'execution input as JSON text (default: {})')
    .option('--input-file <file>', 'read the execution input (JSON) from a file')
    .option('--json', 'print the whole result (status, output, error, cause, history) as JSON')
    .addOption(stateMachineTypeOption())
    .option('--trace', 'print each state entered, its input and output, retries and Catches on stderr')
    .option('--functions-dir <dir>', 'local functions for Lambda resources (<name>.mjs, .js or .ts)')
    .option('--mock-config <file>', "Step Functions Local's MockConfigFile.json (with --test-case)")
    .option('--test-case <name>', 'the test case of the mock config to run')
    .option('--name <name>', "the state machine's name, as the mock config knows it (default: the file's name)")
    .option('--connections <file>', 'HTTP Task connections (JSON or YAML), as `serve --connections` takes them')
    .option(
      '--http-allowed-hosts <hosts>',
      'hosts HTTP Tasks may call, comma-separated; loopback and private ones only if named (e.g. 127.0.0.1,10.0.0.0/8)',
    )
    .option('--aws-endpoint <url>', 'endpoint for every AWS service integration (e.g. LocalStack)')
    .option('--wait-time-scale <number>', 'multiplies Wait and Retry backoff durations; 0 makes them instant')
    .option('--fake-clock', 'Waits, Retry backoffs and timeouts take no real time')
    .action(async (file: string, options: RunOptions) => {
      context.setExitCode(await runCommand(file, options, context.io));
    });
}
