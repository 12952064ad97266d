/**
 * The ports the engine defines and others implement or call. Integrations (local functions, HTTP,
 * activities, nested executions, AWS SDK calls, mocks) implement `Integration`; the API reaches the
 * engine's callbacks and cluster view through `TaskCallbacks` and `ClusterView`. Nothing here
 * imports an integration or the API: the dependency points at the engine.
 */
import type { Json } from '../json.js';
import type { Command } from '../interpreter/types.js';
import type { NodeRecord } from '../store/cluster.js';
import type { ParsedResource } from '../vocabulary/resource.js';
import { TaskFailure } from '../vocabulary/task-failure.js';

export type InvokeTaskCommand = Extract<Command, { kind: 'invokeTask' }>;

export interface TaskContext {
  resource: string;
  stateName: string;
  /** 0 for the first attempt, then the retry number. */
  attempt: number;
  /** For `.waitForTaskToken` resources: the token a callback would present. */
  taskToken?: string;
}

/** A plain async function standing in for a Task's resource. Throw (a `TaskFailure`) to fail the task. */
export type TaskHandler = (input: Json, context: TaskContext) => Json | Promise<Json>;

/** The interpreter's `invokeTask` command, with where it comes from and how to cancel it. */
export interface TaskInvocation extends Omit<InvokeTaskCommand, 'kind'> {
  executionArn: string;
  executionName: string;
  stateMachineArn: string;
  parsed: ParsedResource;
  /** The mock configuration's test case the execution runs (`<stateMachineArn>#<TestCase>`). */
  testCase?: string;
  /** The execution's role (its state machine's roleArn); a Task's own `Credentials.RoleArn` is in `credentials`. */
  roleArn?: string;
  /** Aborted when the task is cancelled (its state timed out, the execution stopped). */
  signal: AbortSignal;
  /**
   * A `.sync` integration reports that its request was accepted (AWS records TaskSubmitted with
   * this response) before it waits for the job; `.waitForTaskToken` is reported by the registry.
   */
  submitted?(output: Json): void;
}

export type TaskOutcome =
  | { kind: 'succeeded'; output: Json }
  | { kind: 'failed'; error?: string; cause?: string }
  /** The result comes later through SendTaskSuccess/SendTaskFailure (callbacks, activities). */
  | { kind: 'pending' };

export interface Integration {
  /** For logs and errors, e.g. 'lambda', 'http', 'activity'. */
  readonly name: string;
  /** Whether this integration runs the task. The registry asks integrations in order. */
  handles(task: TaskInvocation): boolean;
  invoke(task: TaskInvocation): Promise<TaskOutcome>;
  /**
   * Its outcome is the task's result even for a `.waitForTaskToken` resource (mocks answer at once,
   * as Step Functions Local's do); for other integrations such a task then waits for its callback.
   */
  readonly settlesTokenTasks?: boolean;
  /** An execution has ended: forget what was kept for it (e.g. a mock's invocation counters). */
  executionEnded?(executionArn: string): void;
  /** Releases what the integration holds (worker threads, SDK clients); called once at shutdown. */
  close?(): Promise<void>;
}

/**
 * Runs a plain handler as a task: its return value is the output; a `TaskFailure` fails the task
 * with its exact error and cause, any other error with its name and message.
 */
export async function runTaskHandler(handler: TaskHandler, input: Json, context: TaskContext): Promise<TaskOutcome> {
  try {
    const output = await handler(input, context);
    return { kind: 'succeeded', output: output === undefined ? null : output };
  } catch (e) {
    if (e instanceof TaskFailure)
      return { kind: 'failed', error: e.error, ...(e.cause !== undefined ? { cause: e.cause } : {}) };
    if (e instanceof Error) return { kind: 'failed', error: e.name, cause: e.message };
    return { kind: 'failed', error: 'Error', cause: String(e) };
  }
}

/** Mocked test cases (Step Functions Local's MockConfigFile): the integration that answers them. */
export interface TestCaseIntegration extends Integration {
  hasTestCase(stateMachineName: string, testCase: string): boolean;
  /** The state machines the configuration names, in its order. */
  stateMachineNames(): string[];
  /** A state machine's test cases, in the configuration's order (none for one it does not name). */
  testCases(stateMachineName: string): string[];
}

export type CallbackResult = 'ok' | 'invalidToken' | 'taskDoesNotExist';

/** What the activity and callback operations (SendTask*, GetActivityTask) need of the engine. */
export interface TaskCallbacks {
  sendTaskSuccess(token: string, output: Json): Promise<CallbackResult>;
  sendTaskFailure(token: string, error?: string, cause?: string): Promise<CallbackResult>;
  sendTaskHeartbeat(token: string): Promise<CallbackResult>;
  taskStarted(token: string, workerName?: string): Promise<CallbackResult>;
}

/** What GET /cluster/nodes shows of the engine. */
export interface ClusterView {
  /** This node in a cluster; undefined for a node running alone. */
  readonly node: { id: string; stats: Record<string, number> } | undefined;
  /** Executions active in this process now. */
  readonly activeExecutions: number;
  /** The nodes sharing the database, or undefined without a cluster. */
  clusterNodes(): Promise<NodeRecord[] | undefined>;
}

/** Nested executions (`states:startExecution`) start and describe through these contracts. */
export type { Engine, StartRequest } from './engine.js';
export type { ExecutionDescription, Executions, StartOutcome } from './executions.js';
/** A start refused for the executions this server already runs (AWS's ExecutionLimitExceeded). */
export { ExecutionLimitExceededError } from './quotas.js';
/** Distributed Map's S3 reads and writes (integrations/map-data implements it). */
export type { ChildResult, MapDataContext, MapItem, MapRunData } from './map-runs/ports.js';
/** The registry integrations are added to (by the server, which wires them). */
export type { IntegrationRegistry } from './integration-registry.js';
