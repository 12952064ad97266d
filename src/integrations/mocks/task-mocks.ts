/**
 * Mocked Task results for executions started on `<stateMachineArn>#<TestCase>`, as Step Functions
 * Local runs them: a Task state the test case names gets its mocked response for its invocation
 * number (counted per state within the execution, retries included; "1-2" ranges); Tasks the test
 * case does not name run their real integration.
 *
 * The engine asks this before the integration registry, and only for executions with a test case:
 * the registry picks an integration by resource alone, and a mocked state must win over every
 * integration (the test handlers too), whatever its resource. A mocked `.waitForTaskToken` task
 * returns its mocked response at once, as Step Functions Local does.
 */
import { parseStatesArn } from '../../vocabulary/arn.js';
import type { TaskInvocation, TaskOutcome } from '../../engine/ports.js';
import { stepFor, type MockConfig } from './config.js';

export class TaskMocks {
  /** executionArn → stateName → invocations so far. */
  private readonly counts = new Map<string, Map<string, number>>();
  /** executionArn → taskId → its invocation number (a task re-invoked after a restart keeps it). */
  private readonly numbered = new Map<string, Map<string, number>>();

  constructor(private readonly config: MockConfig) {}

  hasTestCase(stateMachineName: string, testCase: string): boolean {
    return this.config.stateMachines.get(stateMachineName)?.has(testCase) ?? false;
  }

  /** The mocked outcome of the task, or undefined when its state is not mocked in the test case. */
  outcome(testCase: string, task: TaskInvocation): TaskOutcome | undefined {
    const response = this.config.stateMachines
      .get(stateMachineName(task.stateMachineArn))
      ?.get(testCase)
      ?.get(task.stateName);
    if (!response) return undefined;
    const step = stepFor(response, this.invocationNumber(task));
    return step.kind === 'return'
      ? { kind: 'succeeded', output: step.output }
      : { kind: 'failed', error: step.error, ...(step.cause !== undefined ? { cause: step.cause } : {}) };
  }

  /** Forgets an execution's counters once it has ended. */
  executionEnded(executionArn: string): void {
    this.counts.delete(executionArn);
    this.numbered.delete(executionArn);
  }

  private invocationNumber(task: TaskInvocation): number {
    let byTask = this.numbered.get(task.executionArn);
    if (!byTask) this.numbered.set(task.executionArn, (byTask = new Map()));
    const known = byTask.get(task.taskId);
    if (known !== undefined) return known;
    let byState = this.counts.get(task.executionArn);
    if (!byState) this.counts.set(task.executionArn, (byState = new Map()));
    const n = byState.get(task.stateName) ?? 0;
    byState.set(task.stateName, n + 1);
    byTask.set(task.taskId, n);
    return n;
  }
}

/** `arn:aws:states:<region>:<account>:stateMachine:<name>[:<version or alias>]` → name. */
export function stateMachineName(arn: string): string {
  const parsed = parseStatesArn(arn);
  if (!parsed.ok) return arn;
  const machine = parsed.arn;
  return machine.kind === 'stateMachine' ||
    machine.kind === 'stateMachineVersion' ||
    machine.kind === 'stateMachineAlias'
    ? machine.name
    : arn;
}

/** `<stateMachineArn>#<TestCase>` → its parts (no test case when there is no '#'). */
export function splitTestCase(arn: string): { stateMachineArn: string; testCase?: string } {
  const at = arn.lastIndexOf('#');
  return at < 0 ? { stateMachineArn: arn } : { stateMachineArn: arn.slice(0, at), testCase: arn.slice(at + 1) };
}
