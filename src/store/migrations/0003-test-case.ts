import type { Migration } from './migration.js';

/**
 * Step Functions Local's mocked test cases: StartExecution on `<stateMachineArn>#<TestCase>` runs
 * that test case of the mock configuration file, and the execution remembers which one (its tasks
 * are re-invoked after a restart, and must get the same mocks).
 */
export const testCase: Migration = {
  id: 3,
  name: 'execution-test-case',
  sqlite: `ALTER TABLE executions ADD COLUMN test_case TEXT;`,
  postgres: `ALTER TABLE executions ADD COLUMN test_case TEXT;`,
};
