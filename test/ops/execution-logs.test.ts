/**
 * Execution logs through the SDK: state machines created with a loggingConfiguration, executions
 * run (Standard, Express, synchronous Express), and the lines read back from the log group's file
 * (or stdout) in CloudWatch Logs' event shape, filtered by the level.
 */
import {
  CreateStateMachineCommand,
  GetExecutionHistoryCommand,
  StartSyncExecutionCommand,
  type LogLevel,
  type SFNClient,
} from '@aws-sdk/client-sfn';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Json } from '../../src/json.js';
import { TaskFailure } from '../../src/engine/task-invoker.js';
import { ROLE, startExecution } from '../support/aws.js';
import { eventually } from '../support/async.js';
import { removeDir, tempDir } from '../support/files.js';
import { startTestServer, type TestServer } from '../support/server.js';

const OK = 'arn:aws:lambda:us-east-1:123456789012:function:ok';
const BAD = 'arn:aws:lambda:us-east-1:123456789012:function:bad';
const handlers = {
  [OK]: (input: Json) => input,
  [BAD]: () => {
    throw new TaskFailure('Boom', 'it broke');
  },
};
const group = (name: string) => `arn:aws:logs:us-east-1:123456789012:log-group:${name}:*`;

const servers: TestServer[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
  for (const d of dirs.splice(0)) removeDir(d);
});

async function server(options: Parameters<typeof startTestServer>[0] = {}): Promise<TestServer & { logs: string }> {
  const logs = tempDir('stepwise-logs-');
  dirs.push(logs);
  const s = await startTestServer({ store: 'sqlite', handlers, consoleDir: false, executionLogsDir: logs, ...options });
  servers.push(s);
  return { ...s, logs };
}

async function machine(
  client: SFNClient,
  name: string,
  resource: string,
  logging: { level: LogLevel; includeExecutionData: boolean; group?: string },
  type: 'STANDARD' | 'EXPRESS' = 'STANDARD',
): Promise<string> {
  const { stateMachineArn } = await client.send(
    new CreateStateMachineCommand({
      name,
      roleArn: ROLE,
      type,
      definition: JSON.stringify({ StartAt: 'T', States: { T: { Type: 'Task', Resource: resource, End: true } } }),
      loggingConfiguration: {
        level: logging.level,
        includeExecutionData: logging.includeExecutionData,
        ...(logging.group !== undefined
          ? { destinations: [{ cloudWatchLogsLogGroup: { logGroupArn: group(logging.group) } }] }
          : {}),
      },
    }),
  );
  return stateMachineArn!;
}

type Line = Record<string, unknown> & { details: Record<string, unknown> };

function lines(path: string): Line[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Line);
}

describe('execution logs', () => {
  it('ALL with execution data logs every history event of a Standard execution, in CloudWatch Logs shape', async () => {
    const s = await server();
    const arn = await machine(s.client, 'std', OK, {
      level: 'ALL',
      includeExecutionData: true,
      group: '/aws/vendedlogs/states/std',
    });
    const executionArn = await startExecution(s.client, arn, { hello: 'world' });
    await s.untilDone(executionArn);
    const history = await s.client.send(new GetExecutionHistoryCommand({ executionArn }));
    const file = join(s.logs, 'aws/vendedlogs/states/std.log');
    const logged = await eventually(async () => {
      await s.server.executionLogs.flush();
      const found = lines(file);
      return found.length === history.events!.length ? found : undefined;
    }, 'every event logged');
    expect(logged.map((l) => l.type)).toEqual(history.events!.map((e) => e.type));
    const first = logged[0]!;
    expect(Object.keys(first).sort()).toEqual(
      ['details', 'event_timestamp', 'execution_arn', 'id', 'previous_event_id', 'redrive_count', 'type'].sort(),
    );
    expect(first).toMatchObject({
      id: '1',
      type: 'ExecutionStarted',
      previous_event_id: '0',
      execution_arn: executionArn,
      redrive_count: '0',
    });
    expect(first.event_timestamp).toBe(String(history.events![0]!.timestamp!.getTime()));
    expect(JSON.parse(first.details.input as string)).toEqual({ hello: 'world' });
    const end = logged.at(-1)!;
    expect(end.type).toBe('ExecutionSucceeded');
    expect(JSON.parse(end.details.output as string)).toEqual({ hello: 'world' });
  });

  it('ERROR logs only failures, without execution data when includeExecutionData is false', async () => {
    const s = await server();
    const arn = await machine(s.client, 'errs', BAD, { level: 'ERROR', includeExecutionData: false, group: 'errors' });
    const ok = await machine(s.client, 'fine', OK, { level: 'ERROR', includeExecutionData: false, group: 'errors' });
    await s.untilDone(await startExecution(s.client, ok));
    const executionArn = await startExecution(s.client, arn, { secret: 1 });
    await s.untilDone(executionArn);
    const file = join(s.logs, 'errors.log');
    const logged = await eventually(async () => {
      await s.server.executionLogs.flush();
      const found = lines(file);
      return found.length >= 2 ? found : undefined;
    }, 'the failure logged');
    expect(logged.map((l) => [l.type, l.execution_arn])).toEqual([
      ['LambdaFunctionFailed', executionArn],
      ['ExecutionFailed', executionArn],
    ]);
    expect(logged[1]!.details).toEqual({ error: 'Boom', cause: 'it broke' });
  });

  it('logs Express executions, asynchronous (FATAL) and synchronous (ALL, no data), and nothing when OFF', async () => {
    const s = await server();
    const fatal = await machine(
      s.client,
      'xfatal',
      BAD,
      { level: 'FATAL', includeExecutionData: true, group: 'express' },
      'EXPRESS',
    );
    const sync = await machine(
      s.client,
      'xsync',
      OK,
      { level: 'ALL', includeExecutionData: false, group: 'sync' },
      'EXPRESS',
    );
    const off = await machine(s.client, 'xoff', OK, { level: 'OFF', includeExecutionData: true }, 'EXPRESS');
    const asyncArn = await startExecution(s.client, fatal, {});
    const answer = await s.client.send(new StartSyncExecutionCommand({ stateMachineArn: sync, input: '{"x":1}' }));
    await s.client.send(new StartSyncExecutionCommand({ stateMachineArn: off, input: '{}' }));
    const fatalLines = await eventually(async () => {
      await s.server.executionLogs.flush();
      const found = lines(join(s.logs, 'express.log'));
      return found.length > 0 ? found : undefined;
    }, 'the Express failure logged');
    expect(fatalLines.map((l) => [l.type, l.execution_arn])).toEqual([['ExecutionFailed', asyncArn]]);
    await s.server.executionLogs.flush();
    const syncLines = lines(join(s.logs, 'sync.log'));
    expect(syncLines.map((l) => l.type)).toEqual([
      'ExecutionStarted',
      'TaskStateEntered',
      'LambdaFunctionScheduled',
      'LambdaFunctionStarted',
      'LambdaFunctionSucceeded',
      'TaskStateExited',
      'ExecutionSucceeded',
    ]);
    expect(syncLines.every((l) => l.execution_arn === answer.executionArn)).toBe(true);
    expect(syncLines[0]!.details.input).toBeUndefined();
    expect(syncLines.at(-1)!.details.output).toBeUndefined();
  });

  it('writes to stdout without a logs directory', async () => {
    const out: string[] = [];
    const s = await startTestServer({ handlers, consoleDir: false, executionLogsStdout: (line) => out.push(line) });
    servers.push(s);
    const arn = await machine(s.client, 'out', OK, { level: 'FATAL', includeExecutionData: false, group: 'g' });
    const bad = await machine(s.client, 'outbad', BAD, { level: 'FATAL', includeExecutionData: false, group: 'g' });
    await s.untilDone(await startExecution(s.client, arn));
    const failed = await startExecution(s.client, bad);
    await s.untilDone(failed);
    await eventually(async () => {
      await s.server.executionLogs.flush();
      return out.length > 0 ? true : undefined;
    }, 'a line on stdout');
    const parsed = out
      .join('')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Line);
    expect(parsed.map((l) => [l.type, l.execution_arn])).toEqual([['ExecutionFailed', failed]]);
  });
});
