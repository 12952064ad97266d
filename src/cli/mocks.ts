/**
 * `stepwise mocks capture`: an execution's history, from Stepwise by ARN or from an AWS
 * GetExecutionHistory export, written as a MockConfigFile test case that replays its Task results
 * (src/integrations/mocks/capture.ts).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { Command } from 'commander';
import { parse as parseYaml } from 'yaml';
import { replayTestFile } from '../testing/replay-file.js';
import {
  captureMocks,
  CaptureError,
  historyEvents,
  mergeMockConfig,
  stateMachineNameIn,
  type CapturedEvent,
} from '../integrations/mocks/capture.js';
import { isJsonObject, type Json, type JsonObject } from '../json.js';
import { ExitCode, UsageError, reportError, type CommandContext } from './common.js';

const errorMessage = (error: unknown): string => (error instanceof Error ? error.message : String(error));

export const DEFAULT_ENDPOINT = 'http://127.0.0.1:8083';

interface CaptureFlags {
  endpointUrl: string;
  historyFile?: string;
  output: string;
  testCase?: string;
  stateMachine?: string;
  testFile?: string;
  definition?: string;
}

export function registerMocks(program: Command, context: CommandContext): void {
  const mocks = program.command('mocks').description("Step Functions Local's mock configuration (MockConfigFile.json)");
  mocks
    .command('capture')
    .description("write an execution's Task results as a mock test case that replays them")
    .argument('[executionArn]', 'an execution on Stepwise (read with GetExecutionHistory)')
    .option('--endpoint-url <url>', 'the Stepwise server to read the execution from', DEFAULT_ENDPOINT)
    .option(
      '--history-file <file>',
      "instead of an ARN: 'aws stepfunctions get-execution-history --include-execution-data' output",
    )
    .option(
      '--output <file>',
      'the mock configuration file to write (an existing one is added to)',
      'MockConfigFile.json',
    )
    .option('--test-case <name>', 'the test case name (default: the execution name, else Captured)')
    .option('--state-machine <name>', "the state machine's name (default: from the execution)")
    .option(
      '--test-file <file>',
      'also write a *.sfn-test.yaml that replays the run with the mocks and expects its path, status and output',
    )
    .option(
      '--definition <file>',
      "the state machine's definition file for --test-file (default: read from the server and written beside the test file)",
    )
    .action(async (executionArn: string | undefined, flags: CaptureFlags) => {
      try {
        context.setExitCode(await capture(executionArn, flags, context));
      } catch (error) {
        context.setExitCode(
          reportError(context.io, error instanceof CaptureError ? new UsageError(error.message) : error),
        );
      }
    });
}

async function capture(
  executionArn: string | undefined,
  flags: CaptureFlags,
  context: CommandContext,
): Promise<ExitCode> {
  if (executionArn === undefined && flags.historyFile === undefined)
    throw new UsageError('give an execution ARN or --history-file <file>');
  if (executionArn !== undefined && flags.historyFile !== undefined)
    throw new UsageError('give an execution ARN or --history-file <file>, not both');
  let events: CapturedEvent[];
  let machineName = flags.stateMachine;
  let executionName: string | undefined;
  let source: string;
  let stateMachineArn: string | undefined;
  let serverDefinition: string | undefined;
  if (flags.testFile !== undefined && flags.historyFile !== undefined && flags.definition === undefined)
    throw new UsageError(
      '--test-file with --history-file needs --definition <file>: an export holds no definition to test',
    );
  if (flags.historyFile !== undefined) {
    source = flags.historyFile;
    events = historyEvents(readJson(flags.historyFile), flags.historyFile);
    machineName ??= stateMachineNameIn(events);
    if (machineName === undefined)
      throw new UsageError(
        `${flags.historyFile} does not name its state machine: give --state-machine <name> (the name the test case is for)`,
      );
  } else {
    const arn = executionArn as string;
    const parts = arn.split(':');
    if (parts.length < 8 || parts[0] !== 'arn' || parts[2] !== 'states' || parts[5] !== 'execution')
      throw new UsageError(
        `'${arn}' is not an execution ARN (arn:aws:states:<region>:<account>:execution:<machine>:<name>)`,
      );
    source = arn;
    const fetched = await fromServer(arn, parts[3], flags.endpointUrl);
    events = historyEvents(fetched, `the history of ${arn}`);
    stateMachineArn = fetched.stateMachineArn;
    serverDefinition = fetched.definition;
    machineName ??= stateMachineArn?.split(':')[6] ?? parts[6];
    executionName = parts[7];
  }
  const testCase = flags.testCase ?? executionName ?? 'Captured';
  if (testCase.includes('#') || testCase.trim() === '') throw new UsageError(`invalid test case name '${testCase}'`);
  const result = captureMocks(events, { stateMachineName: machineName, testCase });
  let config = result.config;
  if (existsSync(flags.output)) {
    const existing = readJson(flags.output);
    if (!isJsonObject(existing as Json))
      throw new UsageError(`${flags.output} exists and is not a mock configuration (a JSON object): not overwritten`);
    config = mergeMockConfig(existing as JsonObject, config);
  }
  try {
    writeFileSync(flags.output, `${JSON.stringify(config, null, 2)}\n`);
  } catch (error) {
    throw new UsageError(`cannot write ${flags.output}: ${errorMessage(error)}`);
  }
  const written =
    flags.testFile !== undefined ? writeReplayTest(flags, events, serverDefinition, machineName, testCase, source) : [];
  const count = result.states.reduce((n, s) => n + s.responses.length, 0);
  const lines = [
    `Captured ${count} Task result(s) of ${result.states.length} state(s) from ${source}`,
    `into ${flags.output} as test case '${testCase}' of state machine '${machineName}':`,
    ...result.states.map(
      (s) =>
        `  ${s.state}: ${s.responses.map((r, i) => `${i} ${'Return' in r ? 'Return' : `Throw ${r.Throw.Error}`}`).join(', ')}`,
    ),
    ...result.notes.map((note) => `Note: ${note}`),
    ...written,
    `Replay: stepwise serve --mock-config ${flags.output}, then StartExecution on ${stateMachineArn ?? `<the ${machineName} state machine ARN>`}#${testCase}`,
  ];
  context.io.stdout(`${lines.join('\n')}\n`);
  return ExitCode.Ok;
}

/** Writes the replay test file (and the definition beside it when it came from the server); the lines to print. */
function writeReplayTest(
  flags: CaptureFlags,
  events: CapturedEvent[],
  serverDefinition: string | undefined,
  machineName: string,
  testCase: string,
  source: string,
): string[] {
  const testFile = resolve(flags.testFile as string);
  const dir = dirname(testFile);
  const lines: string[] = [];
  let definitionFile: string;
  let definition: Json;
  if (flags.definition !== undefined) {
    definitionFile = resolve(flags.definition);
    const text = readText(definitionFile);
    try {
      definition = (text.trimStart().startsWith('{') ? JSON.parse(text) : parseYaml(text)) as Json;
    } catch (error) {
      throw new UsageError(`${flags.definition} is not a JSON or YAML definition: ${errorMessage(error)}`);
    }
  } else {
    if (serverDefinition === undefined)
      throw new UsageError('the server did not give the definition: pass --definition <file>');
    definitionFile = join(dir, `${machineName}.asl.json`);
    definition = JSON.parse(serverDefinition) as Json;
    writeText(definitionFile, `${JSON.stringify(definition, null, 2)}\n`);
    lines.push(`Wrote the definition to ${definitionFile}`);
  }
  const text = replayTestFile({
    events,
    definition,
    stateMachineFile: relative(dir, definitionFile) || definitionFile,
    mockConfigFile: relative(dir, resolve(flags.output)),
    stateMachineName: machineName,
    testCase,
    type: 'STANDARD',
    source,
  });
  writeText(testFile, text);
  lines.push(`Wrote ${testFile}: stepwise test ${flags.testFile} replays the run and expects its path`);
  return lines;
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read ${file}: ${errorMessage(error)}`);
  }
}

function writeText(file: string, text: string): void {
  try {
    writeFileSync(file, text);
  } catch (error) {
    throw new UsageError(`cannot write ${file}: ${errorMessage(error)}`);
  }
}

function readJson(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read ${file}: ${errorMessage(error)}`);
  }
  try {
    return JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new UsageError(`${file} is not JSON: ${errorMessage(error)}`);
  }
}

/** The whole history (with data) and the state machine's ARN, through the SDK. */
async function fromServer(
  executionArn: string,
  region: string,
  endpoint: string,
): Promise<{ events: CapturedEvent[]; stateMachineArn?: string; definition?: string }> {
  const sdk = await import('@aws-sdk/client-sfn');
  const client = new sdk.SFNClient({
    endpoint,
    region,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    disableHostPrefix: true,
    maxAttempts: 1,
  });
  try {
    const described = await client.send(new sdk.DescribeExecutionCommand({ executionArn }));
    const events: CapturedEvent[] = [];
    let nextToken: string | undefined;
    do {
      const page = await client.send(
        new sdk.GetExecutionHistoryCommand({ executionArn, includeExecutionData: true, maxResults: 1000, nextToken }),
      );
      events.push(...((page.events ?? []) as unknown as CapturedEvent[]));
      nextToken = page.nextToken;
    } while (nextToken);
    const machine = await client.send(new sdk.DescribeStateMachineForExecutionCommand({ executionArn }));
    return {
      events,
      ...(described.stateMachineArn ? { stateMachineArn: described.stateMachineArn } : {}),
      ...(machine.definition ? { definition: machine.definition } : {}),
    };
  } catch (error) {
    const name = (error as { name?: string }).name;
    if (name === 'ExecutionDoesNotExist') throw new UsageError(`no execution ${executionArn} at ${endpoint}`);
    if (name === 'InvalidArn') throw new UsageError(`'${executionArn}' is not a valid execution ARN`);
    throw new UsageError(`cannot read ${executionArn} from ${endpoint}: ${errorMessage(error)}`);
  } finally {
    client.destroy();
  }
}
