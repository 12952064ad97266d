/**
 * Matchers for Vitest and Jest: `expect.extend(stepwiseMatchers)`, then
 * `expect(run).toHaveSucceeded()`, `expect(run).toHavePassedThrough('Approve')`... Each one checks
 * the same expectations as a `.sfn-test.yaml` file and fails with the same report.
 */
import type { Json } from '../json.js';
import type { TextExpectation } from './compare.js';
import { checkExpectations, type CallsExpectation, type Expectations, type StateExpectation } from './expectations.js';
import { WorkflowRun } from './run.js';

/** What `expect.extend` hands a matcher as `this` (the part used here; Vitest and Jest both have it). */
interface MatcherContext {
  isNot?: boolean;
}

interface MatcherResult {
  pass: boolean;
  message: () => string;
}

/** The matchers' types, to merge into Vitest's `Assertion` or Jest's `Matchers` (see the README). */
export interface StepwiseMatchers<R = unknown> {
  /** The execution ended SUCCEEDED. */
  toHaveSucceeded(): R;
  /** The execution ended FAILED (any error). */
  toHaveFailed(): R;
  /** The execution ended FAILED with this error (exact text or RegExp) and, if given, cause. */
  toHaveFailedWith(error: TextExpectation, cause?: TextExpectation): R;
  /** The execution ended with this status. */
  toHaveStatus(status: 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED'): R;
  /** The output contains these values (a subset: other keys may be there too). */
  toHaveOutput(subset: Json): R;
  /** The output is exactly this. */
  toHaveExactOutput(output: Json): R;
  /** The top-level states entered are exactly these, in this order. */
  toHaveFollowedPath(path: readonly string[]): R;
  /** The state (top-level or nested) was entered at least once. */
  toHavePassedThrough(state: string): R;
  /** The state was never entered. */
  toHaveNeverEntered(state: string): R;
  /** Expectations on one state: input/output subsets, attempts, the Catch that fired, times entered. */
  toHaveState(state: string, expected: StateExpectation): R;
  /** The state's task ran this many times (1 + retries). */
  toHaveAttempts(state: string, attempts: number): R;
  /** A Catch of the state fired (for this error, if given). */
  toHaveCaught(state: string, error?: TextExpectation): R;
  /** Task calls of a state or resource: how many, and subsets of their parameters in order. */
  toHaveCalled(stateOrResource: string, expected?: CallsExpectation): R;
}

function check(context: MatcherContext, received: unknown, expect: Expectations, what: string): MatcherResult {
  if (!(received instanceof WorkflowRun))
    return { pass: false, message: () => `expected a WorkflowRun (the result of runWorkflow), got ${typeof received}` };
  const failures = checkExpectations(received, expect);
  // A state the machine does not have fails even under `.not`.
  const missing = failures.find((f) =>
    / does not exist in the state machine$| is neither a state nor a resource /.test(f.message),
  );
  if (missing && context.isNot) return { pass: true, message: () => missing.message };
  const pass = failures.length === 0;
  return {
    pass,
    message: () =>
      pass
        ? `expected the execution not to ${what}, but it did (path: ${received.path.join(' → ') || '(none)'})`
        : failures.map((f) => [f.message, ...f.details.map((d) => `  ${d}`)].join('\n')).join('\n'),
  };
}

type Matchers = {
  [K in keyof StepwiseMatchers]: (
    this: MatcherContext,
    received: unknown,
    ...args: Parameters<StepwiseMatchers[K]>
  ) => MatcherResult;
};

export const stepwiseMatchers: Matchers = {
  toHaveSucceeded(received) {
    return check(this, received, { status: 'SUCCEEDED' }, 'succeed');
  },
  toHaveFailed(received) {
    return check(this, received, { status: 'FAILED' }, 'fail');
  },
  toHaveFailedWith(received, error, cause) {
    return check(
      this,
      received,
      { status: 'FAILED', error, ...(cause !== undefined ? { cause } : {}) },
      'fail with that error',
    );
  },
  toHaveStatus(received, status) {
    return check(this, received, { status }, `end ${status}`);
  },
  toHaveOutput(received, subset) {
    return check(this, received, { outputContains: subset }, 'have that output');
  },
  toHaveExactOutput(received, output) {
    return check(this, received, { output }, 'have exactly that output');
  },
  toHaveFollowedPath(received, path) {
    return check(this, received, { path: [...path] }, 'follow that path');
  },
  toHavePassedThrough(received, state) {
    return check(this, received, { passesThrough: [state] }, `pass through '${state}'`);
  },
  toHaveNeverEntered(received, state) {
    return check(this, received, { neverEnters: [state] }, `never enter '${state}'`);
  },
  toHaveState(received, state, expected) {
    return check(this, received, { states: { [state]: expected } }, `match those expectations of '${state}'`);
  },
  toHaveAttempts(received, state, attempts) {
    return check(this, received, { states: { [state]: { attempts } } }, `run '${state}' ${attempts} time(s)`);
  },
  toHaveCaught(received, state, error) {
    return check(
      this,
      received,
      { states: { [state]: { caught: error !== undefined ? { error } : {} } } },
      `catch an error in '${state}'`,
    );
  },
  toHaveCalled(received, target, expected = {}) {
    if (expected.count !== undefined || expected.parameters !== undefined)
      return check(this, received, { calls: { [target]: expected } }, `call '${target}' that way`);
    // Called at all: the target must exist, then at least one call.
    if (
      !(received instanceof WorkflowRun) ||
      (!received.hasState(target) && !received.definition.resources.has(target))
    )
      return check(this, received, { calls: { [target]: {} } }, '');
    const n = received.callsTo(target).length;
    return {
      pass: n > 0,
      message: () =>
        n > 0 ? `expected no call to '${target}', got ${n}` : `expected a call to '${target}', there was none`,
    };
  },
};
