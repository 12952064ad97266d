/**
 * Local functions for the library's `execute(definition, input, { functionsDir })`: Task resources
 * with a registered handler run it; Lambda resources run the folder's functions. One integration
 * (and worker pool) per folder is kept for the process; its idle workers never keep it alive.
 * Wiring between the engine's in-memory runner and the Lambda integration, like server.ts.
 */
import { resolve } from 'node:path';
import type { InvokeTaskCommand, TaskHandler, TaskInvocation } from './engine/ports.js';
import { invokeTask, outcomeSignal } from './engine/task-invoker.js';
import type { Signal } from './interpreter/types.js';
import { LambdaIntegration } from './integrations/lambda/lambda-integration.js';
import { parseResource } from './vocabulary/resource.js';

const byFolder = new Map<string, LambdaIntegration>();

export interface LocalExecution {
  executionArn: string;
  executionName: string;
  stateMachineArn: string;
}

export function localFunctionsInvoker(
  functionsDir: string,
  handlers: Record<string, TaskHandler>,
  execution: LocalExecution,
): (command: InvokeTaskCommand) => Promise<Signal> {
  const dir = resolve(functionsDir);
  let lambda = byFolder.get(dir);
  if (!lambda) {
    lambda = new LambdaIntegration({ functionsDir: dir });
    byFolder.set(dir, lambda);
  }
  const integration = lambda;
  return async (command) => {
    const invocation: TaskInvocation = {
      ...execution,
      taskId: command.taskId,
      resource: command.resource,
      parameters: command.parameters,
      stateName: command.stateName,
      attempt: command.attempt,
      ...(command.timeoutSeconds !== undefined ? { timeoutSeconds: command.timeoutSeconds } : {}),
      ...(command.taskToken !== undefined ? { taskToken: command.taskToken } : {}),
      parsed: parseResource(command.resource),
      signal: new AbortController().signal,
    };
    if (Object.prototype.hasOwnProperty.call(handlers, command.resource) || !integration.handles(invocation))
      return invokeTask(handlers, command);
    const outcome = await integration.invoke(invocation);
    return outcomeSignal(command.taskId, outcome);
  };
}
