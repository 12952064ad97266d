/**
 * Mocked Task results for executions started on `<stateMachineArn>#<TestCase>`, as Step Functions
 * Local runs them: a Task state the test case names gets its mocked response for its invocation
 * number (counted per state within the execution, retries included; "1-2" ranges); Tasks the test
 * case does not name run their real integration.
 *
 * The engine puts it first in its integration registry (before the test handlers too): a mocked
 * state wins over every integration, whatever its resource, and only executions with a test case
 * are mocked. A mocked `.waitForTaskToken` task returns its mocked response at once, as Step
 * Functions Local does.
 */
import { parseStatesArn } from '../../vocabulary/arn.js';
import type { TaskInvocation, TaskOutcome, TestCaseIntegration } from '../../engine/ports.js';
import { stepFor, type MockConfig, type MockedResponse } from './config.js';

export class MockIntegration implements TestCaseIntegration {
  readonly name = 'mocks';
  readonly settlesTokenTasks = true;

  /** executionArn → stateName → invocations so far. */
  private readonly counts = new Map<string, Map<string, number>>();
  /** executionArn → taskId → its invocation number (a task re-invoked after a restart keeps it). */
  private readonly numbered = new Map<string, Map<string, number>>();

  constructor(private readonly config: MockConfig) {}

  hasTestCase(stateMachineName: string, testCase: string): boolean {
    return this.config.stateMachines.get(stateMachineName)?.has(testCase) ?? false;
  }

  /** The names of a state machine's test cases, in the file's order (none for a machine it does not name). */
  testCases(stateMachineName: string): string[] {
    return [...(this.config.stateMachines.get(stateMachineName)?.keys() ?? [])];
  }

  /** The states a test case mocks, in the file's order. */
  mockedStates(stateMachineName: string, testCase: string): string[] {
    return [...(this.config.stateMachines.get(stateMachineName)?.get(testCase)?.keys() ?? [])];
  }

  /** The state machines the file names, in its order. */
  stateMachineNames(): string[] {
    return [...this.config.stateMachines.keys()];
  }

  /** Whether the task's state is mocked in the test case its execution runs. */
  handles(task: TaskInvocation): boolean {
    return this.responseFor(task) !== undefined;
  }

  async invoke(task: TaskInvocation): Promise<TaskOutcome> {
    const response = this.responseFor(task);
    if (!response)
      return { kind: 'failed', error: 'States.TaskFailed', cause: `State '${task.stateName}' is not mocked` };
    const step = stepFor(response, this.invocationNumber(task));
    return step.kind === 'return'
      ? { kind: 'succeeded', output: step.output }
      : { kind: 'failed', error: step.error, ...(step.cause !== undefined ? { cause: step.cause } : {}) };
  }

  private responseFor(task: TaskInvocation): MockedResponse | undefined {
    if (task.testCase === undefined) return undefined;
    return this.config.stateMachines
      .get(stateMachineName(task.stateMachineArn))
      ?.get(task.testCase)
      ?.get(task.stateName);
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
