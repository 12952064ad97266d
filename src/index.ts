/**
 * Stepwise as a library: validate and execute Amazon States Language definitions in memory.
 *
 *   import { execute } from 'stepwise-sfn';
 *   const result = await execute(definition, { hello: 'world' }, { handlers: { 'arn:...': fn } });
 */
import { randomUUID } from 'node:crypto';
import { validateDefinition, type ValidateOptions, type ValidationResult } from './asl/validate.js';
import type { Diagnostic } from './asl/diagnostics.js';
import type { Json } from './json.js';
import { loadDefinition } from './interpreter/load.js';
import { HISTORY_EVENT_QUOTA } from './vocabulary/states-errors.js';
import { EXPRESS_MAX_DURATION_MS } from './vocabulary/limits.js';
import { formatExecutionArn, formatExpressArn, formatStateMachineArn, partitionOf } from './vocabulary/arn.js';
import type { CompiledMachine } from './interpreter/compiled.js';
import type { HistoryEvent } from './vocabulary/history-events.js';
import type { ExecutionInfo, Runtime, StateMachineType, TerminalStatus } from './interpreter/types.js';
import { realClock, type Clock } from './engine/clock.js';
import {
  runInMemoryNow,
  type InMemoryRunOptions,
  type RunResult,
  type TaskHandler,
} from './engine/in-memory-runner.js';
import { libraryInvoker, usesIntegrations, type IntegrationOptions } from './local-functions.js';
import { DEFAULT_ACCOUNT_ID, DEFAULT_REGION } from './defaults.js';

export type { Json, JsonObject } from './json.js';
export type { Diagnostic } from './asl/diagnostics.js';
export type { HistoryEvent, HistoryEventType } from './vocabulary/history-events.js';
export type { Runtime, StateMachineType } from './interpreter/types.js';
export { fakeClock, realClock, type Clock, type FakeClock, type FakeClockOptions } from './engine/clock.js';
export { TaskFailure, type TaskContext, type TaskHandler } from './engine/in-memory-runner.js';
export {
  virtualClock,
  VirtualClockError,
  type VirtualClockClient,
  type ClockMove,
  type AdvanceBy,
  type FiredTimerInfo,
} from './clock-client.js';
export { invalidDefinitionMessage } from './asl/validate.js';
export {
  runActivityWorker,
  type ActivityHandler,
  type ActivityTaskContext,
  type ActivityWorkerOptions,
} from './worker/index.js';
export {
  LambdaIntegration,
  createLambdaIntegration,
  type LambdaIntegrationOptions,
} from './integrations/lambda/index.js';
export {
  ConnectionStore,
  HostAllowList,
  HttpIntegration,
  createHttpIntegration,
  type HttpSettings,
} from './integrations/http/index.js';
export {
  createAwsIntegrations,
  type AwsCredentials,
  type AwsIntegrations,
  type AwsSettings,
} from './integrations/aws/index.js';
export { StatesIntegration, type NestedExecutionHost } from './integrations/states/index.js';
export { ExecutionService, type Executions } from './engine/executions.js';
export {
  MockIntegration,
  loadMockConfig,
  parseMockConfig,
  MockConfigError,
  type MockConfig,
} from './integrations/mocks/index.js';

export {
  loadTemplate,
  loadTemplateText,
  TemplateError,
  type LoadTemplateOptions,
  type LoadedTemplate,
  type TemplateStateMachine,
  type TemplateActivity,
  type TemplateFunction,
} from './templates/load.js';
export type { DeployOptions, DeployResult, DeployedItem } from './templates/deploy.js';

/**
 * Deploys a SAM, CloudFormation or CDK template's state machines, activities and functions through
 * an SFN client (loaded on first use, so that importing the library does not load the AWS SDK).
 */
export async function deployTemplate(
  file: string,
  options: import('./templates/deploy.js').DeployOptions,
): Promise<import('./templates/deploy.js').DeployResult> {
  const { deployTemplate: deploy } = await import('./templates/deploy.js');
  return deploy(file, options);
}

export { DEFAULT_ACCOUNT_ID, DEFAULT_REGION } from './defaults.js';
export {
  startServer,
  StartupError,
  DEFAULT_HOST,
  DEFAULT_PORT,
  type RunningServer,
  type ServerOptions,
} from './server.js';

export interface ContextOverrides {
  executionName?: string;
  stateMachineName?: string;
  executionArn?: string;
  stateMachineArn?: string;
  roleArn?: string;
  /** Epoch milliseconds; defaults to the clock's now. */
  startTime?: number;
  /**
   * $$.Execution.RedriveCount. Defaults to 0 for Standard and for an asynchronous Express execution
   * (`expressInvocation: 'async'`); a synchronous one (StartSyncExecution, the default) has none.
   */
  redriveCount?: number;
  region?: string;
  accountId?: string;
}

export type { IntegrationOptions } from './local-functions.js';

/**
 * How to run an execution in memory. Task states run through `handlers` and the integrations of
 * {@link IntegrationOptions} (local functions, a Lambda endpoint, HTTP Tasks with connections, AWS
 * integrations, mocks), as the server runs them. Not here, because they need a server to call back
 * to or to run on: `.waitForTaskToken` callbacks, activities and nested executions
 * (`states:startExecution`); such a task fails with a cause saying so. Use `startServer` for them.
 */
export interface ExecuteOptions extends IntegrationOptions {
  /** Task handlers by resource ARN (asked before the integrations, after the mocks). */
  handlers?: Record<string, TaskHandler>;
  /** Defaults to the real clock; `fakeClock()` makes Waits, backoffs and timeouts instant once no handler is busy. */
  clock?: Clock;
  stateMachineType?: StateMachineType;
  /**
   * How an Express execution is started: 'sync' (the default) as StartSyncExecution, 'async' as
   * StartExecution, whose context object carries `Execution.RedriveCount` (0), as AWS's does.
   */
  expressInvocation?: 'sync' | 'async';
  /** Build the execution history (default true). Off is faster: nothing is recorded. */
  history?: boolean;
  context?: ContextOverrides;
  /** Replace the sources of randomness and ids (e.g. for reproducible States.UUID). */
  runtime?: Partial<Runtime>;
}

export interface ExecuteResult {
  status: TerminalStatus;
  output?: Json;
  error?: string;
  cause?: string;
  history: HistoryEvent[];
}

/** The definition was rejected; `diagnostics` says why and where. */
export class DefinitionError extends Error {
  constructor(readonly diagnostics: Diagnostic[]) {
    super(
      diagnostics.length === 0
        ? 'Invalid State Machine Definition'
        : `Invalid State Machine Definition: ${diagnostics.map((d) => `${d.code}: ${d.message} at ${d.location || 'null'}`).join(', ')}`,
    );
    this.name = 'DefinitionError';
  }
}

/** Validates like AWS's ValidateStateMachineDefinition. */
export function validate(definition: string | Json, options: ValidateOptions = {}): ValidationResult {
  return validateDefinition(definition, options);
}

/** A validated, compiled state machine: compile once, execute many times. */
export class StateMachine {
  readonly compiled: CompiledMachine;
  readonly type: StateMachineType;

  constructor(definition: string | Json, options: { stateMachineType?: StateMachineType } = {}) {
    this.type = options.stateMachineType ?? 'STANDARD';
    const loaded = loadDefinition(definition, { stateMachineType: this.type });
    if (!loaded.ok) throw new DefinitionError(loaded.diagnostics.filter((d) => d.severity === 'ERROR'));
    this.compiled = loaded.machine;
  }

  execute(input: Json = {}, options: Omit<ExecuteOptions, 'stateMachineType'> = {}): Promise<ExecuteResult> {
    try {
      return this.run(input, options);
    } catch (e) {
      return Promise.reject(e as Error);
    }
  }

  /** An execution that ends without awaiting anything (JSONPath states only) costs one promise: the one returned. */
  private run(input: Json, options: Omit<ExecuteOptions, 'stateMachineType'>): Promise<ExecuteResult> {
    const clock = options.clock ?? realClock;
    const info = executionInfo(
      this.type,
      options.context ?? {},
      clock.now(),
      options.runtime?.uuid ?? randomUUID,
      options.expressInvocation ?? 'sync',
    );
    const integrations = usesIntegrations(options) ? libraryInvoker(options, options.handlers ?? {}, info) : undefined;
    // Built by assignment, not spread (a spread's copy costs a hidden class of its own).
    const run: InMemoryRunOptions = {
      handlers: options.handlers ?? {},
      clock,
      history: options.history ?? true,
      runtime: options.runtime,
    };
    if (integrations) {
      run.invoke = integrations.invoke;
      run.cancel = integrations.cancel;
    }
    // AWS's limits: 25,000 history events for Standard, five minutes for Express.
    if (this.type === 'STANDARD') run.historyLimit = HISTORY_EVENT_QUOTA;
    else run.deadline = info.startTime + EXPRESS_MAX_DURATION_MS;
    const finish = (result: RunResult): ExecuteResult => {
      integrations?.ended();
      const out: ExecuteResult = { status: result.status, history: result.history };
      if (result.output !== undefined) out.output = result.output;
      if (result.error !== undefined) out.error = result.error;
      if (result.cause !== undefined) out.cause = result.cause;
      return out;
    };
    const result = runInMemoryNow(this.compiled, info, input, run);
    return result instanceof Promise ? result.then(finish) : Promise.resolve(finish(result));
  }
}

/**
 * Compiled machines of recent `execute` calls: by object identity for definition objects (which
 * callers must not mutate afterwards), by text for JSON/YAML strings.
 */
const byObject = { STANDARD: new WeakMap<object, StateMachine>(), EXPRESS: new WeakMap<object, StateMachine>() };
const byText = { STANDARD: new Map<string, StateMachine>(), EXPRESS: new Map<string, StateMachine>() };
const TEXT_CACHE_SIZE = 100;

function cachedMachine(definition: string | Json, type: StateMachineType): StateMachine {
  if (typeof definition === 'string') {
    const cache = byText[type];
    let machine = cache.get(definition);
    if (!machine) {
      machine = new StateMachine(definition, { stateMachineType: type });
      if (cache.size >= TEXT_CACHE_SIZE) cache.delete(cache.keys().next().value as string);
      cache.set(definition, machine);
    }
    return machine;
  }
  if (definition === null || typeof definition !== 'object')
    return new StateMachine(definition, { stateMachineType: type });
  const cache = byObject[type];
  let machine = cache.get(definition);
  if (!machine) {
    machine = new StateMachine(definition, { stateMachineType: type });
    cache.set(definition, machine);
  }
  return machine;
}

/** Validates, compiles and runs a definition (object, or JSON/YAML text) to completion in memory. */
export function execute(
  definition: string | Json,
  input: Json = {},
  options: ExecuteOptions = {},
): Promise<ExecuteResult> {
  let machine: StateMachine;
  try {
    machine = cachedMachine(definition, options.stateMachineType ?? 'STANDARD');
  } catch (e) {
    // An invalid definition rejects, as every failure of execute() does.
    return Promise.reject(e as Error);
  }
  return machine.execute(input, options);
}

function executionInfo(
  type: StateMachineType,
  o: ContextOverrides,
  now: number,
  uuid: () => string,
  invocation: 'sync' | 'async',
): ExecutionInfo {
  const region = o.region ?? DEFAULT_REGION;
  const account = o.accountId ?? DEFAULT_ACCOUNT_ID;
  const stateMachineName = o.stateMachineName ?? 'StateMachine';
  const executionName = o.executionName ?? uuid();
  const home = { partition: partitionOf(region), region, account };
  const stateMachineArn = o.stateMachineArn ?? formatStateMachineArn(home, stateMachineName);
  const executionArn =
    o.executionArn ??
    (type === 'EXPRESS'
      ? formatExpressArn(home, stateMachineName, executionName, uuid())
      : formatExecutionArn(home, stateMachineName, executionName));
  return {
    executionArn,
    executionName,
    stateMachineArn,
    stateMachineName,
    roleArn: o.roleArn ?? `arn:${home.partition}:iam::${account}:role/StepwiseExecutionRole`,
    startTime: o.startTime ?? now,
    redriveCount: o.redriveCount ?? (type === 'STANDARD' || invocation === 'async' ? 0 : undefined),
    stateMachineType: type,
  };
}
