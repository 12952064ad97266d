/**
 * Finds the integration for a Task's resource and runs it. `.waitForTaskToken` is handled here for
 * every integration: the request is sent as usual, then the task waits for its callback.
 */
import { StatesErrors } from '../vocabulary/states-errors.js';
import type { Integration, TaskInvocation, TaskOutcome } from './ports.js';

export class IntegrationRegistry {
  private readonly integrations: Integration[];

  constructor(integrations: Integration[] = []) {
    this.integrations = [...integrations];
  }

  /** Adds an integration that is asked before the existing ones (e.g. mocks, test handlers). */
  prepend(integration: Integration): void {
    this.integrations.unshift(integration);
  }

  append(integration: Integration): void {
    this.integrations.push(integration);
  }

  private readonly closers: (() => void | Promise<void>)[] = [];

  /** Something to release at shutdown that is not one integration (e.g. clients several share). */
  onClose(closer: () => void | Promise<void>): void {
    this.closers.push(closer);
  }

  /** Closes every integration that holds resources (at server shutdown, after the engine). */
  async close(): Promise<void> {
    await Promise.all([...this.integrations.map((i) => i.close?.()), ...this.closers.map((c) => c())]);
  }

  /** Tells every integration that keeps per-execution state that the execution has ended. */
  executionEnded(executionArn: string): void {
    for (const integration of this.integrations) integration.executionEnded?.(executionArn);
  }

  async invoke(task: TaskInvocation): Promise<TaskOutcome> {
    const integration = this.integrations.find((i) => i.handles(task));
    if (!integration) {
      return {
        kind: 'failed',
        error: StatesErrors.TaskFailed,
        cause: `No integration can run the resource '${task.resource}'`,
      };
    }
    let outcome: TaskOutcome;
    try {
      outcome = await integration.invoke(task);
    } catch (e) {
      outcome = {
        kind: 'failed',
        error: StatesErrors.TaskFailed,
        cause: `The ${integration.name} integration failed: ${e instanceof Error ? e.message : String(e)}`,
      };
    }
    const waitsForToken =
      (task.parsed.kind === 'service' || task.parsed.kind === 'aws-sdk') && task.parsed.pattern === 'waitForTaskToken';
    if (waitsForToken && outcome.kind === 'succeeded' && integration.settlesTokenTasks !== true) {
      task.submitted?.(outcome.output);
      return { kind: 'pending' };
    }
    return outcome;
  }
}
