/**
 * One execution of `stepwise run`, in memory, with its tasks run the way `stepwise serve` runs them:
 * Step Functions Local's mocks first (for a test case), then the server's integrations (local
 * functions, HTTP Tasks with their connections, the AWS services), wired by integration-wiring.ts.
 */
import { randomUUID } from 'node:crypto';
import { DEFAULT_ACCOUNT_ID, DEFAULT_REGION, StateMachine, type Json } from '../index.js';
import { fakeClock, realClock, type Clock } from '../engine/clock.js';
import { runInMemory, type RunResult } from '../engine/in-memory-runner.js';
import { IntegrationRegistry } from '../engine/integration-registry.js';
import type { InvokeTaskCommand } from '../engine/task-invoker.js';
import { TaskRunner } from '../engine/task-runner.js';
import { addConfiguredIntegrations, type IntegrationSettings } from '../integration-wiring.js';
import type { MockIntegration } from '../integrations/mocks/index.js';
import type { ExecutionInfo, RunOptions, Signal, StateMachineType } from '../interpreter/types.js';
import { formatExecutionArn, formatExpressArn, formatStateMachineArn, partitionOf } from '../vocabulary/arn.js';
import { EXPRESS_MAX_DURATION_MS, HISTORY_EVENT_QUOTA } from '../vocabulary/limits.js';
import { StatesErrors } from '../vocabulary/states-errors.js';

/**
 * Real milliseconds a running task holds the fake clock (see FakeClockOptions.handlerGraceMs): long
 * enough for a local function's first, cold invocation, so it is not timed out in fake time.
 */
const FAKE_CLOCK_TASK_GRACE_MS = 5000;

export interface LocalExecutionOptions {
  stateMachineType: StateMachineType;
  /** Names the state machine in its ARN and in the mock config. */
  stateMachineName: string;
  /** The mocks and the test case to run (both or neither). */
  mocks?: { integration: MockIntegration; testCase: string };
  integrations: IntegrationSettings;
  /** 'fake': Waits, backoffs and timeouts take no real time. */
  clock: 'real' | 'fake';
  /** Multiplies Wait and Retry backoff delays (as `serve --wait-time-scale`). */
  waitTimeScale: number;
  /** Sees each history event as it is recorded (the trace). */
  onEvent?: RunOptions['onEvent'];
}

/** A prepared run: the integrations are up (a bad connections file has thrown); `close` releases them. */
export interface LocalExecution {
  /** The names of the definition's Task states, at any depth. */
  taskStates: string[];
  run(input: Json): Promise<RunResult>;
  close(): Promise<void>;
}

/**
 * Compiles the definition (throws DefinitionError) and builds the integrations (throws
 * ConnectionsConfigError for a bad connections file) without running anything yet.
 */
export function prepareExecution(definition: string, options: LocalExecutionOptions): LocalExecution {
  const machine = new StateMachine(definition, { stateMachineType: options.stateMachineType }).compiled;
  const registry = new IntegrationRegistry();
  if (options.mocks) registry.prepend(options.mocks.integration);
  addConfiguredIntegrations(registry, options.integrations);
  // Nothing here can deliver a `.sync` or callback task's later result: the invoker fails those.
  const tasks = new TaskRunner(registry, () => undefined);
  const testCase = options.mocks?.testCase;
  const taskStates = [...machine.lists.values()].flatMap((list) =>
    [...list.states.entries()].filter(([, state]) => state.type === 'Task').map(([name]) => name),
  );
  return {
    taskStates,
    run: async (input) => {
      const clock: Clock =
        options.clock === 'fake' ? fakeClock(Date.now(), { handlerGraceMs: FAKE_CLOCK_TASK_GRACE_MS }) : realClock;
      const info = executionInfo(options, clock.now());
      const execution = {
        arn: info.executionArn,
        name: info.executionName,
        stateMachineArn: info.stateMachineArn,
        roleArn: info.roleArn,
        testCase,
      };
      const invoke = async (command: InvokeTaskCommand): Promise<Signal> =>
        (await tasks.run(execution, command)) ?? {
          kind: 'taskFailed',
          taskId: command.taskId,
          error: StatesErrors.TaskFailed,
          cause: 'stepwise run cannot wait for a task token or a .sync job: mock the state, or use stepwise serve',
        };
      try {
        return await runInMemory(machine, info, input, {
          invoke,
          cancel: (taskId) => tasks.cancel(info.executionArn, taskId),
          clock,
          history: true,
          waitTimeScale: options.waitTimeScale,
          ...(options.onEvent ? { onEvent: options.onEvent } : {}),
          // AWS's limits: 25,000 history events for Standard, five minutes for Express.
          ...(options.stateMachineType === 'STANDARD'
            ? { historyLimit: HISTORY_EVENT_QUOTA }
            : { deadline: info.startTime + EXPRESS_MAX_DURATION_MS }),
        });
      } finally {
        registry.executionEnded(info.executionArn);
      }
    },
    close: () => registry.close(),
  };
}

function executionInfo(options: LocalExecutionOptions, now: number): ExecutionInfo {
  const region = options.integrations.region ?? DEFAULT_REGION;
  const account = options.integrations.accountId ?? DEFAULT_ACCOUNT_ID;
  const home = { partition: partitionOf(region), region, account };
  const name = randomUUID();
  const machine = options.stateMachineName;
  const express = options.stateMachineType === 'EXPRESS';
  return {
    executionArn: express
      ? formatExpressArn(home, machine, name, randomUUID())
      : formatExecutionArn(home, machine, name),
    executionName: name,
    stateMachineArn: formatStateMachineArn(home, machine),
    stateMachineName: machine,
    roleArn: `arn:${home.partition}:iam::${account}:role/StepwiseExecutionRole`,
    startTime: now,
    // As StartExecution (Standard) and StartSyncExecution (Express) give it.
    ...(express ? {} : { redriveCount: 0 }),
    stateMachineType: options.stateMachineType,
  };
}
