/**
 * The integrations of the library's `execute(definition, input, options)`: the server's own
 * integration classes, wired for one in-memory execution. Asked in the server's order: mocks (a
 * test case of a MockConfigFile), then the `handlers`, then local functions or a Lambda endpoint,
 * HTTP Tasks with their connections, and the AWS integrations. The registries of the long-lived
 * ones (worker pools, SDK clients) are kept per set of settings for the process; idle workers and
 * sockets never keep it alive. Wiring between the in-memory runner and the integrations, like
 * server.ts.
 *
 * What needs a server is refused with a plain cause: `.waitForTaskToken` callbacks and activities
 * (nothing could call SendTaskSuccess), nested executions (`states:startExecution`).
 */
import { resolve } from 'node:path';
import { HandlersIntegration } from './engine/handlers-integration.js';
import { IntegrationRegistry } from './engine/integration-registry.js';
import type { InvokeTaskCommand, TaskHandler, TaskInvocation } from './engine/ports.js';
import { outcomeSignal } from './engine/task-invoker.js';
import type { Signal } from './interpreter/types.js';
import { createAwsIntegrations, type AwsCredentials } from './integrations/aws/index.js';
import { createHttpIntegration } from './integrations/http/index.js';
import { LambdaIntegration } from './integrations/lambda/lambda-integration.js';
import { loadMockConfig, MockIntegration, type MockConfig } from './integrations/mocks/index.js';
import { parseResource } from './vocabulary/resource.js';

/** The integrations `execute` can run Task states with, beside `handlers`. */
export interface IntegrationOptions {
  /** Lambda resources without a handler run the local functions in this folder (`<name>.mjs`, `.js`, `.cjs`, `.ts`). */
  functionsDir?: string;
  /** Lambda resources without a handler are forwarded to this Lambda-compatible endpoint. */
  lambdaEndpoint?: string;
  /**
   * HTTP Tasks (`arn:aws:states:::http:invoke`): their EventBridge connections, as a file (JSON or
   * YAML, the server's `--connections`) or the parsed object.
   */
  connections?: string | object;
  /** HTTP Tasks: the hosts they may call (`api.example.com`, `*.example.com`); unset: any host. */
  httpAllowedHosts?: string[];
  /**
   * `aws-sdk:*` and the optimized integrations (S3, SQS, SNS, DynamoDB, EventBridge, ECS): one
   * endpoint for every service and/or per-service endpoints by service name; credentials instead of
   * the SDK's chain.
   */
  aws?: { endpoint?: string; endpoints?: Record<string, string>; credentials?: AwsCredentials };
  /**
   * Step Functions Local's mocks: a MockConfigFile (path, or parsed with `parseMockConfig`) and the
   * test case to run. Its `StateMachines` key is the execution's state machine name
   * (`context.stateMachineName`, default `StateMachine`).
   */
  mocks?: { config: string | MockConfig; testCase: string };
}

export interface LocalExecution {
  executionArn: string;
  executionName: string;
  stateMachineArn: string;
}

export interface LibraryInvoker {
  invoke(command: InvokeTaskCommand): Promise<Signal>;
  /** A task was cancelled (timed out, its branch failed): stop its call. */
  cancel(taskId: string): void;
  /** The execution ended: the mocks forget its counters. */
  ended(): void;
}

/** Whether any integration beyond `handlers` is asked for. */
export function usesIntegrations(options: IntegrationOptions): boolean {
  return (
    options.functionsDir !== undefined ||
    options.lambdaEndpoint !== undefined ||
    options.connections !== undefined ||
    options.httpAllowedHosts !== undefined ||
    options.aws !== undefined ||
    options.mocks !== undefined
  );
}

const registries = new Map<string, IntegrationRegistry>();

/**
 * The long-lived integrations for these settings, made once per process. No STEPWISE_* variable
 * is read: the library is configured by its options alone.
 */
function sharedRegistry(options: IntegrationOptions): IntegrationRegistry {
  const settings = {
    functionsDir: options.functionsDir !== undefined ? resolve(options.functionsDir) : undefined,
    lambdaEndpoint: options.lambdaEndpoint,
    connections: typeof options.connections === 'string' ? resolve(options.connections) : options.connections,
    httpAllowedHosts: options.httpAllowedHosts,
    aws: options.aws,
  };
  const key = JSON.stringify(settings);
  let registry = registries.get(key);
  if (registry) return registry;
  registry = new IntegrationRegistry();
  const env = {};
  if (settings.functionsDir !== undefined || settings.lambdaEndpoint !== undefined)
    registry.append(
      new LambdaIntegration({
        env,
        ...(settings.functionsDir !== undefined ? { functionsDir: settings.functionsDir } : {}),
        ...(settings.lambdaEndpoint !== undefined ? { endpoint: settings.lambdaEndpoint } : {}),
      }),
    );
  if (settings.connections !== undefined || settings.httpAllowedHosts !== undefined)
    registry.append(
      createHttpIntegration(
        {
          ...(typeof settings.connections === 'string'
            ? { connectionsFile: settings.connections }
            : settings.connections !== undefined
              ? { connections: settings.connections }
              : {}),
          ...(settings.httpAllowedHosts !== undefined ? { allowedHosts: settings.httpAllowedHosts } : {}),
        },
        env,
      ),
    );
  if (settings.aws !== undefined) {
    const aws = createAwsIntegrations({ ...settings.aws, env });
    for (const integration of aws.integrations) registry.append(integration);
  }
  registries.set(key, registry);
  return registry;
}

export function libraryInvoker(
  options: IntegrationOptions,
  handlers: Record<string, TaskHandler>,
  execution: LocalExecution,
): LibraryInvoker {
  const shared = sharedRegistry(options);
  const mocks =
    options.mocks !== undefined
      ? new MockIntegration(
          typeof options.mocks.config === 'string' ? loadMockConfig(options.mocks.config) : options.mocks.config,
        )
      : undefined;
  const first = [...(mocks ? [mocks] : []), new HandlersIntegration(handlers)];
  const running = new Map<string, AbortController>();
  return {
    async invoke(command) {
      const controller = new AbortController();
      running.set(command.taskId, controller);
      const invocation: TaskInvocation = {
        ...execution,
        taskId: command.taskId,
        resource: command.resource,
        parameters: command.parameters,
        stateName: command.stateName,
        attempt: command.attempt,
        ...(command.timeoutSeconds !== undefined ? { timeoutSeconds: command.timeoutSeconds } : {}),
        ...(command.taskToken !== undefined ? { taskToken: command.taskToken } : {}),
        ...(options.mocks !== undefined ? { testCase: options.mocks.testCase } : {}),
        parsed: parseResource(command.resource),
        signal: controller.signal,
      };
      try {
        const own = first.find((integration) => integration.handles(invocation));
        // A handler or a mock answers as it is, even for a .waitForTaskToken resource (as before).
        const outcome = own ? await own.invoke(invocation) : await shared.invoke(invocation);
        if (outcome.kind === 'pending')
          return {
            kind: 'taskFailed',
            taskId: command.taskId,
            error: 'States.TaskFailed',
            cause: `execute() cannot wait for a callback (${command.resource}): .waitForTaskToken tasks and activities need a server (startServer) to send SendTaskSuccess to`,
          };
        if (outcome.kind === 'failed' && outcome.cause?.startsWith('No integration can run the resource'))
          return {
            kind: 'taskFailed',
            taskId: command.taskId,
            error: 'States.TaskFailed',
            cause: `${outcome.cause}: execute() runs handlers, local functions, a Lambda endpoint, HTTP Tasks, AWS integrations and mocks; activities and nested executions need a server (startServer)`,
          };
        return outcomeSignal(command.taskId, outcome);
      } finally {
        running.delete(command.taskId);
      }
    },
    cancel(taskId) {
      running.get(taskId)?.abort();
      running.delete(taskId);
    },
    ended() {
      mocks?.executionEnded(execution.executionArn);
    },
  };
}
