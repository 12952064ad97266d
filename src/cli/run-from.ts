/**
 * `stepwise run-from <executionArn> --state <name>`: a new execution of the same state machine that
 * starts at one of its top-level states, with the input that state had in the recorded run (or
 * `--input`). Step Functions cannot start an execution at a state, so this makes a state machine
 * next to the original (`<name>-from-<State>`): the same definition with `StartAt` set to that state,
 * the states it cannot reach left out, and a `Comment` naming the execution it came from.
 *
 * What the recorded run had and the new one does not: variables assigned before the state
 * (`Assign`), `$$.Execution` (a new ARN, start time, and the state's input as the execution input),
 * and progress inside a Map or Parallel (only top-level states can be started at).
 */
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { ExitCode, UsageError, reportError, type CommandContext } from './common.js';
import { DEFAULT_ENDPOINT } from './mocks.js';
import {
  definitionFrom,
  runFromComment,
  runFromMachineName,
  type RunFromDefinition as Definition,
} from '../asl/graph/run-from.js';

interface RunFromFlags {
  state: string;
  input?: string;
  endpointUrl: string;
  name?: string;
}

const errorMessage = (error: unknown): string => (error instanceof Error ? error.message : String(error));

export function registerRunFrom(program: Command, context: CommandContext): void {
  program
    .command('run-from')
    .description(
      "start a new execution of an execution's state machine at one of its states, with that state's recorded input",
    )
    .argument('<executionArn>', 'the execution to re-run from (on Stepwise)')
    .requiredOption('--state <name>', 'the top-level state to start at')
    .option('--input <file>', "JSON input instead of the state's recorded input")
    .option('--name <name>', 'the new execution name (default: generated)')
    .option('--endpoint-url <url>', 'the Stepwise server', DEFAULT_ENDPOINT)
    .action(async (executionArn: string, flags: RunFromFlags) => {
      try {
        context.setExitCode(await runFrom(executionArn, flags, context));
      } catch (error) {
        context.setExitCode(reportError(context.io, error));
      }
    });
}

async function runFrom(executionArn: string, flags: RunFromFlags, context: CommandContext): Promise<ExitCode> {
  const parts = executionArn.split(':');
  if (parts.length < 8 || parts[0] !== 'arn' || parts[2] !== 'states' || parts[5] !== 'execution')
    throw new UsageError(
      `'${executionArn}' is not a Standard execution ARN (arn:aws:states:<region>:<account>:execution:<machine>:<name>)`,
    );
  const override = flags.input !== undefined ? readInput(flags.input) : undefined;
  const sdk = await import('@aws-sdk/client-sfn');
  const client = new sdk.SFNClient({
    endpoint: flags.endpointUrl,
    region: parts[3],
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    disableHostPrefix: true,
    maxAttempts: 1,
  });
  const call = async <T>(what: string, run: () => Promise<T>): Promise<T> => {
    try {
      return await run();
    } catch (error) {
      const name = (error as { name?: string }).name;
      if (name === 'ExecutionDoesNotExist')
        throw new UsageError(`no execution ${executionArn} at ${flags.endpointUrl}`);
      throw new UsageError(`${what} failed at ${flags.endpointUrl}: ${errorMessage(error)}`);
    }
  };
  try {
    const described = await call('DescribeExecution', () =>
      client.send(new sdk.DescribeExecutionCommand({ executionArn })),
    );
    const machine = await call('DescribeStateMachine', () =>
      client.send(new sdk.DescribeStateMachineCommand({ stateMachineArn: described.stateMachineArn })),
    );
    let definition: Definition;
    try {
      definition = JSON.parse(machine.definition ?? '') as Definition;
    } catch {
      throw new UsageError(
        `the definition of ${machine.stateMachineArn} is not JSON: run-from reads JSON definitions only`,
      );
    }
    const states = definition.States ?? {};
    if (!(flags.state in states))
      throw new UsageError(
        `'${flags.state}' is not a top-level state of ${machine.name} (run-from starts at one of: ${Object.keys(states).join(', ')}; states inside a Map or Parallel cannot be started at)`,
      );
    // The state's recorded input: the last time the run entered it.
    let recorded: string | undefined;
    let entered = 0;
    if (override === undefined) {
      let nextToken: string | undefined;
      do {
        const page = await call('GetExecutionHistory', () =>
          client.send(
            new sdk.GetExecutionHistoryCommand({
              executionArn,
              includeExecutionData: true,
              maxResults: 1000,
              nextToken,
            }),
          ),
        );
        for (const event of page.events ?? []) {
          const details = event.stateEnteredEventDetails;
          if (details?.name === flags.state && event.type?.endsWith('StateEntered')) {
            entered++;
            recorded = details.input;
          }
        }
        nextToken = page.nextToken;
      } while (nextToken);
      if (recorded === undefined)
        throw new UsageError(
          `the execution never entered '${flags.state}', so there is no recorded input: give --input <file>`,
        );
    }
    const input = override ?? recorded ?? '{}';
    const comment = runFromComment(executionArn, flags.state, 'stepwise run-from');
    const generated = JSON.stringify(definitionFrom(definition, flags.state, comment), null, 2);
    const name = runFromMachineName(machine.name ?? '', flags.state);
    const roleArn = machine.roleArn ?? 'arn:aws:iam::123456789012:role/stepwise';
    const type = machine.type === 'EXPRESS' ? 'EXPRESS' : 'STANDARD';
    let stateMachineArn: string;
    try {
      stateMachineArn =
        (await client.send(new sdk.CreateStateMachineCommand({ name, definition: generated, roleArn, type })))
          .stateMachineArn ?? '';
    } catch (error) {
      if ((error as { name?: string }).name !== 'StateMachineAlreadyExists')
        throw new UsageError(`cannot create the state machine ${name}: ${errorMessage(error)}`);
      stateMachineArn = `${machine.stateMachineArn?.split(':').slice(0, 6).join(':')}:${name}`;
      await call('UpdateStateMachine', () =>
        client.send(new sdk.UpdateStateMachineCommand({ stateMachineArn, definition: generated, roleArn })),
      );
    }
    const started = await call('StartExecution', () =>
      client.send(
        new sdk.StartExecutionCommand({
          stateMachineArn,
          input,
          ...(flags.name !== undefined ? { name: flags.name } : {}),
        }),
      ),
    );
    const lines = [
      `Started ${started.executionArn}`,
      `  state machine ${stateMachineArn}: ${machine.name} starting at '${flags.state}'`,
      override !== undefined
        ? `  input from ${flags.input}`
        : `  input: what '${flags.state}' was given${entered > 1 ? ` the last of the ${entered} times it was entered` : ''} in ${executionArn}`,
      `Not carried over: variables assigned before '${flags.state}' (Assign), the original $$.Execution (new ARN and start time; $$.Execution.Input is this input), retry counts.`,
    ];
    if (Object.values(states).some((s) => s.Assign !== undefined))
      lines.push(
        `Note: this state machine assigns variables: states reading ones set before '${flags.state}' will fail.`,
      );
    context.io.stdout(`${lines.join('\n')}\n`);
    return ExitCode.Ok;
  } finally {
    client.destroy();
  }
}

function readInput(file: string): string {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read the input file ${file}: ${errorMessage(error)}`);
  }
  try {
    JSON.parse(text);
  } catch (error) {
    throw new UsageError(`the input file ${file} is not valid JSON: ${errorMessage(error)}`);
  }
  return text;
}
