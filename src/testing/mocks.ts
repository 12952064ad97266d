/**
 * Task handlers for a test run: inline mocks (by state name or by resource ARN), a Step Functions
 * Local MockConfigFile test case, the caller's own handlers, then the Lambda functions of a local
 * folder. Each handler serves one resource and picks its answer by the state that calls it.
 */
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import type { Json } from '../json.js';
import type { TaskContext, TaskHandler, TaskInvocation } from '../engine/ports.js';
import { TaskFailure } from '../vocabulary/task-failure.js';
import { parseResource } from '../vocabulary/resource.js';
import { LambdaIntegration } from '../integrations/lambda/lambda-integration.js';
import { stepFor, type MockConfig, type MockedResponse } from '../integrations/mocks/config.js';
import type { DefinitionIndex } from './definition.js';

/** One answer of a mocked task. */
export type MockResponse = { return: Json } | { throw: { error: string; cause?: string } };

/**
 * A mock: one answer for every call, a list of answers (call n gets the n-th; past the end the
 * last repeats; retries count as calls), or a function of the task's parameters.
 */
export type Mock = MockResponse | readonly MockResponse[] | TaskHandler;

export interface MockConfigSelection {
  /** A parsed MockConfigFile (`loadMockConfig(file)` / `parseMockConfig(json)`). */
  config: MockConfig;
  /** The key under `StateMachines`. */
  stateMachine: string;
  /** The key under `TestCases`. */
  testCase: string;
}

export interface TaskSources {
  mocks?: Record<string, Mock>;
  mockConfig?: MockConfigSelection;
  handlers?: Record<string, TaskHandler>;
  functionsDir?: string;
}

/** What the sources were used for, once the run is over. */
export interface MockUsage {
  /** Mock keys that name neither a Task state nor a resource of the state machine. */
  unknown: string[];
  /** Mock keys that no task of this run used. */
  unused: string[];
}

const lambdas = new Map<string, LambdaIntegration>();

function lambdaFor(dir: string): LambdaIntegration {
  const folder = resolve(dir);
  let lambda = lambdas.get(folder);
  if (!lambda) lambdas.set(folder, (lambda = new LambdaIntegration({ functionsDir: folder })));
  return lambda;
}

function answer(response: MockResponse): Json {
  if ('throw' in response) throw new TaskFailure(response.throw.error, response.throw.cause);
  return response.return;
}

function mockedStep(response: MockedResponse, invocation: number): Json {
  const step = stepFor(response, invocation);
  if (step.kind === 'throw') throw new TaskFailure(step.error, step.cause);
  return step.output;
}

export function taskHandlers(
  index: DefinitionIndex,
  sources: TaskSources,
): { handlers: Record<string, TaskHandler>; usage: () => MockUsage } {
  const mocks = sources.mocks ?? {};
  const used = new Set<string>();
  /** Calls so far per mock key (lists) and per state (MockConfigFile invocation numbers). */
  const calls = new Map<string, number>();
  const count = (key: string) => {
    const n = calls.get(key) ?? 0;
    calls.set(key, n + 1);
    return n;
  };
  const testCase = sources.mockConfig
    ? sources.mockConfig.config.stateMachines.get(sources.mockConfig.stateMachine)?.get(sources.mockConfig.testCase)
    : undefined;
  if (sources.mockConfig && !testCase)
    throw new Error(
      `The mock configuration has no test case '${sources.mockConfig.testCase}' for the state machine '${sources.mockConfig.stateMachine}'`,
    );

  const useMock = (key: string, mock: Mock, input: Json, context: TaskContext): Json | Promise<Json> => {
    used.add(key);
    const n = count(`mock:${key}`);
    if (typeof mock === 'function') return mock(input, context);
    if (Array.isArray(mock)) {
      const list = mock as readonly MockResponse[];
      if (list.length === 0) return null;
      return answer(list[Math.min(n, list.length - 1)]!);
    }
    return answer(mock as MockResponse);
  };

  const handlerFor =
    (resource: string): TaskHandler =>
    async (input, context) => {
      const own = (key: string) => Object.prototype.hasOwnProperty.call(mocks, key);
      if (own(context.stateName)) return useMock(context.stateName, mocks[context.stateName]!, input, context);
      if (own(resource)) return useMock(resource, mocks[resource]!, input, context);
      const configured = testCase?.get(context.stateName);
      if (configured) return mockedStep(configured, count(`config:${context.stateName}`));
      const handler = sources.handlers?.[resource];
      if (handler) return handler(input, context);
      if (sources.functionsDir !== undefined) {
        const lambda = lambdaFor(sources.functionsDir);
        const invocation: TaskInvocation = {
          executionArn: 'arn:aws:states:us-east-1:123456789012:execution:StateMachine:test',
          executionName: 'test',
          stateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:StateMachine',
          taskId: randomUUID(),
          resource,
          parameters: input,
          stateName: context.stateName,
          attempt: context.attempt,
          parsed: parseResource(resource),
          signal: new AbortController().signal,
        };
        if (lambda.handles(invocation)) {
          const outcome = await lambda.invoke(invocation);
          if (outcome.kind === 'succeeded') return outcome.output;
          if (outcome.kind === 'failed') throw new TaskFailure(outcome.error ?? 'States.TaskFailed', outcome.cause);
          throw new TaskFailure('States.TaskFailed', 'A local function cannot wait for a task token');
        }
      }
      throw new TaskFailure(
        'States.TaskFailed',
        `The state '${context.stateName}' (resource '${resource}') is not mocked and has no handler`,
      );
    };

  const handlers: Record<string, TaskHandler> = {};
  for (const resource of index.resources) handlers[resource] = handlerFor(resource);
  const taskStates = new Set([...index.states.values()].filter((s) => s.type === 'Task').map((s) => s.name));
  return {
    handlers,
    usage: () => {
      const keys = Object.keys(mocks);
      const unknown = keys.filter((k) => !taskStates.has(k) && !index.resources.has(k));
      return { unknown, unused: keys.filter((k) => !used.has(k) && !unknown.includes(k)) };
    },
  };
}
