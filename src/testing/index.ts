/**
 * `stepwise-sfn/testing`: run a state machine in a Vitest or Jest test with mocks and a fake clock,
 * read what happened (the path, every state's input/output/attempts, the task calls), and assert
 * on it with matchers.
 *
 *   import { expect, it } from 'vitest';
 *   import { runWorkflow, fromFile, stepwiseMatchers } from 'stepwise-sfn/testing';
 *   expect.extend(stepwiseMatchers);
 *   it('approves', async () => {
 *     const run = await runWorkflow(fromFile('statemachine.asl.yaml'), { input: {...}, mocks: { Check: { return: { ok: true } } } });
 *     expect(run).toHaveSucceeded();
 *   });
 */
export {
  runWorkflow,
  fromFile,
  readDefinitionFile,
  DefinitionFile,
  WorkflowRun,
  type RunWorkflowOptions,
  type StateView,
} from './run.js';
export { fromTemplate, TemplateStateMachineRef } from './template-source.js';
export type { Mock, MockResponse, MockConfigSelection, MockUsage } from './mocks.js';
export type { ExecutionTrace, StateVisit, TaskAttempt, TaskCall } from './trace.js';
export {
  checkExpectations,
  type Expectations,
  type StateExpectation,
  type CallsExpectation,
  type Failure,
} from './expectations.js';
export type { TextExpectation } from './compare.js';
export { stepwiseMatchers, type StepwiseMatchers } from './matchers.js';
export { loadMockConfig, parseMockConfig, type MockConfig } from '../integrations/mocks/index.js';
export { fakeClock, type FakeClock } from '../engine/clock.js';
export type { Json, JsonObject, TaskHandler, TaskContext } from '../index.js';
export { TaskFailure } from '../index.js';
