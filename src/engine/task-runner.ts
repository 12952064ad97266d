/**
 * Runs a task through the integrations (mocks first, when the engine has them) and turns the outcome into the interpreter's
 * signal. Shared by the durable engine and Express; it keeps each running call's abort controller
 * so a cancelled task (its state timed out, the execution stopped) stops its integration call.
 */
import { parseStatesArn } from '../vocabulary/arn.js';
import { parseResource } from '../vocabulary/resource.js';
import type { IntegrationRegistry } from './integration-registry.js';
import type { TaskInvocation } from './ports.js';
import type { Signal } from '../interpreter/types.js';
import type { InvokeTaskCommand } from './task-invoker.js';

/** The execution a task belongs to, as its integration sees it. */
export interface TaskExecution {
  arn: string;
  name?: string | undefined;
  stateMachineArn?: string | undefined;
  /** The execution's role (the state machine's roleArn). */
  roleArn?: string | undefined;
  /** The mock configuration's test case (`<stateMachineArn>#<TestCase>`). */
  testCase?: string | undefined;
}

export class TaskRunner {
  /** Tasks being run now, to abort when they are cancelled; by execution ARN and task id (task ids repeat across executions). */
  private readonly running = new Map<string, AbortController>();

  constructor(
    private readonly integrations: IntegrationRegistry,
    /** Delivers a `taskSubmitted` signal (a task that reports it was submitted before it ends). */
    private readonly submitted: (executionArn: string, signal: Signal) => void,
  ) {}

  /** The integration's outcome as the interpreter's signal; undefined when cancelled or pending a callback. */
  async run(execution: TaskExecution, command: InvokeTaskCommand): Promise<Signal | undefined> {
    const { arn, name: executionName, stateMachineArn, roleArn, testCase } = execution;
    const controller = new AbortController();
    this.running.set(runningKey(arn, command.taskId), controller);
    const { kind: _kind, ...task } = command;
    const invocation: TaskInvocation = {
      ...task,
      executionArn: arn,
      executionName: executionName ?? executionNameOf(arn),
      stateMachineArn: stateMachineArn ?? '',
      parsed: parseResource(command.resource),
      ...(testCase !== undefined ? { testCase } : {}),
      ...(roleArn !== undefined ? { roleArn } : {}),
      signal: controller.signal,
      submitted: (output) => {
        if (!controller.signal.aborted) this.submitted(arn, { kind: 'taskSubmitted', taskId: command.taskId, output });
      },
    };
    const outcome = await this.integrations.invoke(invocation);
    if (this.running.get(runningKey(arn, command.taskId)) === controller)
      this.running.delete(runningKey(arn, command.taskId));
    if (controller.signal.aborted) return undefined;
    switch (outcome.kind) {
      case 'succeeded':
        return { kind: 'taskSucceeded', taskId: command.taskId, output: outcome.output };
      case 'failed':
        return {
          kind: 'taskFailed',
          taskId: command.taskId,
          ...(outcome.error !== undefined ? { error: outcome.error } : {}),
          ...(outcome.cause !== undefined ? { cause: outcome.cause } : {}),
        };
      case 'pending':
        return undefined;
    }
  }

  /** Aborts a task's integration call (its state timed out, or the execution stopped). */
  cancel(executionArn: string, taskId: string): void {
    this.running.get(runningKey(executionArn, taskId))?.abort();
    this.running.delete(runningKey(executionArn, taskId));
  }

  /** Aborts every call of an execution (this node lost it: another node runs its tasks now). */
  abortAll(executionArn: string): void {
    for (const key of [...this.running.keys()]) if (key.startsWith(`${executionArn}\n`)) this.running.get(key)?.abort();
  }
}

/** A Standard execution ARN's name segment. */
function executionNameOf(arn: string): string {
  const parsed = parseStatesArn(arn);
  return parsed.ok && parsed.arn.kind === 'execution' ? parsed.arn.executionName : '';
}

function runningKey(executionArn: string, taskId: string): string {
  return `${executionArn}\n${taskId}`;
}
