/**
 * The port the engine calls to run a Task's resource. Integrations (local functions, HTTP,
 * activities, nested executions, AWS SDK calls, mocks) implement it; the engine knows none of them.
 */
import type { Json } from '../json.js';
import type { ParsedResource } from '../vocabulary/resource.js';
import type { InvokeTaskCommand } from '../engine/task-invoker.js';

/** The interpreter's `invokeTask` command, with where it comes from and how to cancel it. */
export interface TaskInvocation extends Omit<InvokeTaskCommand, 'kind'> {
  executionArn: string;
  executionName: string;
  stateMachineArn: string;
  parsed: ParsedResource;
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
  /** Whether this integration runs the resource. The registry asks integrations in order. */
  handles(resource: string, parsed: ParsedResource): boolean;
  invoke(task: TaskInvocation): Promise<TaskOutcome>;
  /** Releases what the integration holds (worker threads, SDK clients); called once at shutdown. */
  close?(): Promise<void>;
}
