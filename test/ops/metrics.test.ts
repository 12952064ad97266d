/**
 * GET /metrics through a real server: executions run through the SDK, the exposition scraped over
 * HTTP and read with a parser of the text format, the counts checked against what ran.
 */
import {
  CreateActivityCommand,
  GetActivityTaskCommand,
  SendTaskSuccessCommand,
  StartExecutionCommand,
  StartSyncExecutionCommand,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import { afterEach, describe, expect, it } from 'vitest';
import type { Json } from '../../src/json.js';
import { TaskFailure } from '../../src/engine/task-invoker.js';
import { startExecution } from '../support/aws.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { eventually } from '../support/async.js';
import { scrape } from './prometheus.js';

const OK = 'arn:aws:lambda:us-east-1:123456789012:function:ok';
const BAD = 'arn:aws:lambda:us-east-1:123456789012:function:bad';
const HANG = 'arn:aws:lambda:us-east-1:123456789012:function:hang';
const handlers = {
  [OK]: (input: Json) => input,
  [BAD]: () => {
    throw new TaskFailure('Boom', 'it broke');
  },
  [HANG]: () => new Promise<Json>(() => {}),
};

const servers: TestServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});

async function server(options: Parameters<typeof startTestServer>[0] = {}): Promise<TestServer> {
  const s = await startTestServer({ store: 'sqlite', handlers, consoleDir: false, ...options });
  servers.push(s);
  return s;
}

const task = (resource: string, extra: object = {}) => ({
  StartAt: 'T',
  States: { T: { Type: 'Task', Resource: resource, End: true, ...extra } },
});

describe('GET /metrics', () => {
  it('counts executions by state machine and outcome, in the Prometheus text format', async () => {
    const s = await server();
    const good = await s.createMachine('good', task(OK));
    const bad = await s.createMachine('bad', task(BAD));
    const hang = await s.createMachine('hang', task(HANG));
    const express = await s.createMachine('fast', task(OK), 'EXPRESS');
    for (let i = 0; i < 3; i++) await s.untilDone(await startExecution(s.client, good, { i }));
    await s.untilDone(await startExecution(s.client, bad));
    const stopped = await startExecution(s.client, hang);
    await s.client.send(new StopExecutionCommand({ executionArn: stopped }));
    await s.untilDone(stopped);
    for (let i = 0; i < 2; i++) await s.client.send(new StartSyncExecutionCommand({ stateMachineArn: express }));

    const m = await scrape(s.url);
    expect(m.types.get('stepwise_executions_started_total')).toBe('counter');
    expect(m.types.get('stepwise_execution_time_seconds')).toBe('histogram');
    const of = (arn: string) => ({ state_machine_arn: arn });
    expect(m.value('stepwise_executions_started_total', of(good))).toBe(3);
    expect(m.value('stepwise_executions_succeeded_total', of(good))).toBe(3);
    expect(m.value('stepwise_executions_failed_total', of(bad))).toBe(1);
    expect(m.value('stepwise_executions_aborted_total', of(hang))).toBe(1);
    expect(m.value('stepwise_executions_started_total', of(express))).toBe(2);
    expect(m.value('stepwise_executions_succeeded_total', of(express))).toBe(2);
    expect(m.value('stepwise_executions_succeeded_total')).toBe(5);
    expect(m.value('stepwise_execution_time_seconds_count', { ...of(good), status: 'SUCCEEDED' })).toBe(3);
    expect(m.value('stepwise_execution_time_seconds_count', { ...of(bad), status: 'FAILED' })).toBe(1);
    // Each execution entered its one Task state.
    expect(m.value('stepwise_state_transitions_total', of(good))).toBe(3);
    // The Lambda function resource: scheduled, started, settled, per function ARN.
    expect(m.value('stepwise_lambda_functions_scheduled_total', { resource_arn: OK })).toBe(5);
    expect(m.value('stepwise_lambda_functions_succeeded_total', { resource_arn: OK })).toBe(5);
    expect(m.value('stepwise_lambda_functions_failed_total', { resource_arn: BAD })).toBe(1);
    expect(m.value('stepwise_lambda_function_time_seconds_count', { resource_arn: OK })).toBe(5);
    // The API's own requests, by operation and status.
    expect(m.value('stepwise_http_requests_total', { operation: 'StartExecution', status: '200' })).toBe(5);
    expect(m.value('stepwise_http_requests_total', { operation: 'StartSyncExecution', status: '200' })).toBe(2);
    // Group commits, and what is open now.
    expect(m.value('stepwise_commit_batch_size_count')).toBeGreaterThan(0);
    expect(m.value('stepwise_commit_duration_seconds_count', { outcome: 'ok' })).toBeGreaterThan(0);
    expect(m.value('stepwise_open_executions')).toBe(0);
    expect(m.value('stepwise_pending_timers')).toBe(0);
  });

  it('counts activities scheduled and started, and their schedule-to-start time', async () => {
    const s = await server();
    const { activityArn } = await s.client.send(new CreateActivityCommand({ name: 'work' }));
    const machine = await s.createMachine('act', task(activityArn!));
    const arn = await startExecution(s.client, machine, { n: 1 });
    const polled = await s.client.send(new GetActivityTaskCommand({ activityArn, workerName: 'w1' }));
    await s.client.send(new SendTaskSuccessCommand({ taskToken: polled.taskToken, output: '{"done":true}' }));
    await s.untilDone(arn);
    const m = await scrape(s.url);
    const of = { resource_arn: activityArn! };
    expect(m.value('stepwise_activities_scheduled_total', of)).toBe(1);
    expect(m.value('stepwise_activities_started_total', of)).toBe(1);
    expect(m.value('stepwise_activities_succeeded_total', of)).toBe(1);
    expect(m.value('stepwise_activity_schedule_time_seconds_count', of)).toBe(1);
    expect(m.value('stepwise_activity_run_time_seconds_count', of)).toBe(1);
  });

  it('counts the starts refused for the executions in flight, and shows open executions and timers', async () => {
    const s = await server({ maxExecutionsInFlight: 1 });
    const waiting = await s.createMachine('waits', {
      StartAt: 'W',
      States: { W: { Type: 'Wait', Seconds: 3600, End: true } },
    });
    await startExecution(s.client, waiting);
    await expect(
      s.client.send(new StartExecutionCommand({ stateMachineArn: waiting, input: '{}' })),
    ).rejects.toMatchObject({ name: 'ExecutionLimitExceeded' });
    const m = await eventually(async () => {
      const scraped = await scrape(s.url);
      return scraped.value('stepwise_pending_timers') === 1 ? scraped : undefined;
    }, 'the Wait timer stored');
    expect(m.value('stepwise_executions_throttled_total', { state_machine_arn: waiting })).toBe(1);
    expect(m.value('stepwise_open_executions')).toBe(1);
    expect(m.value('stepwise_http_requests_total', { operation: 'StartExecution', status: '400' })).toBe(1);
  });

  it('keeps each server its own registry: two servers in one process count apart', async () => {
    const a = await server();
    const b = await server();
    const machine = await a.createMachine('one', task(OK));
    await a.untilDone(await startExecution(a.client, machine));
    expect((await scrape(a.url)).value('stepwise_executions_started_total')).toBe(1);
    expect((await scrape(b.url)).value('stepwise_executions_started_total')).toBe(0);
  });
});
