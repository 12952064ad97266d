/** Runs the tests of one test file: each test on its own fake clock, its expectations checked. */
import { dirname, resolve } from 'node:path';
import type { Json } from '../json.js';
import { StateMachine } from '../index.js';
import { loadMockConfig, type MockConfig } from '../integrations/mocks/index.js';
import { checkExpectations, type Failure } from './expectations.js';
import { readDefinitionFile, runWorkflow, type WorkflowRun } from './run.js';
import { indexDefinition } from './definition.js';
import { readTestFile, TestFileError, type TestFileSpec } from './test-file.js';
import { templateStateMachine, TemplateStateMachineRef } from './template-source.js';

export interface TestResult {
  name: string;
  /** 1-based line of the test in its file. */
  line: number;
  passed: boolean;
  failures: Failure[];
  durationMs: number;
  run?: WorkflowRun;
}

export interface FileResult {
  file: string;
  /** Absolute path of the state machine it tests. */
  stateMachine?: string;
  definition?: Json;
  tests: TestResult[];
  /** Not failures: mocks that match no task or that no test used. */
  warnings: string[];
  /** Other files the tests read (the functions folder, the MockConfigFile), for --watch. */
  reads: string[];
  /** The file could not be run at all (malformed, state machine unreadable). */
  error?: string;
}

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

export async function runTestFile(file: string): Promise<FileResult> {
  const result: FileResult = { file, tests: [], warnings: [], reads: [] };
  let spec: TestFileSpec;
  try {
    spec = await readTestFile(file);
  } catch (e) {
    result.error = e instanceof TestFileError ? e.message : `${file}: ${message(e)}`;
    return result;
  }
  const base = dirname(resolve(file));
  const template = spec.template;
  const machineFile = template ? resolve(base, template.file) : resolve(base, spec.stateMachine ?? '');
  // A template's state machines are told apart by logical id (coverage, messages).
  result.stateMachine = template ? `${machineFile}#${template.logicalId}` : machineFile;
  const source = template ? `template ${template.file}#${template.logicalId}` : `stateMachine ${spec.stateMachine}`;
  if (template) result.reads.push(machineFile);
  if (spec.functions !== undefined) result.reads.push(resolve(base, spec.functions));
  if (spec.mockConfig) result.reads.push(resolve(base, spec.mockConfig.file));
  let definition: Json;
  let templateType: 'STANDARD' | 'EXPRESS' | undefined;
  try {
    if (template) {
      const loaded = await templateStateMachine(
        new TemplateStateMachineRef(machineFile, template.logicalId, template.parameters ?? {}),
      );
      definition = loaded.definition;
      templateType = loaded.type;
    } else {
      definition = await readDefinitionFile(machineFile);
    }
  } catch (e) {
    result.error = `${file}: ${source}: ${message(e)}`;
    return result;
  }
  result.definition = definition;
  try {
    new StateMachine(definition);
  } catch (e) {
    result.error = `${file}: ${source}: ${message(e)}`;
    return result;
  }
  let mockConfig: MockConfig | undefined;
  if (spec.mockConfig) {
    try {
      mockConfig = loadMockConfig(resolve(base, spec.mockConfig.file));
    } catch (e) {
      result.error = `${file}: mockConfig: ${message(e)}`;
      return result;
    }
  }

  const index = indexDefinition(definition);
  const taskStates = new Set([...index.states.values()].filter((s) => s.type === 'Task').map((s) => s.name));
  const matchesNothing = (key: string) => !taskStates.has(key) && !index.resources.has(key);
  for (const key of Object.keys(spec.mocks ?? {}))
    if (matchesNothing(key))
      result.warnings.push(
        `mock '${key}' matches no Task state or resource of ${spec.stateMachine ?? template?.logicalId} (unused)`,
      );
  /** File-level mocks some test used. */
  const used = new Set<string>();

  for (const test of spec.tests) {
    const started = performance.now();
    const outcome: TestResult = { name: test.name, line: test.line, passed: false, failures: [], durationMs: 0 };
    for (const key of Object.keys(test.mocks ?? {}))
      if (matchesNothing(key))
        result.warnings.push(
          `test '${test.name}': mock '${key}' matches no Task state or resource of ${spec.stateMachine ?? template?.logicalId} (unused)`,
        );
    try {
      if (test.testCase !== undefined && !mockConfig)
        throw new Error(`testCase '${test.testCase}' needs a mockConfig in the file`);
      const run = await runWorkflow(definition, {
        input: test.input ?? {},
        type: test.type ?? spec.type ?? templateType ?? 'STANDARD',
        mocks: { ...spec.mocks, ...test.mocks },
        ...(mockConfig && spec.mockConfig && test.testCase !== undefined
          ? { mockConfig: { config: mockConfig, stateMachine: spec.mockConfig.stateMachine, testCase: test.testCase } }
          : {}),
        ...(spec.functions !== undefined ? { functionsDir: resolve(base, spec.functions) } : {}),
      });
      outcome.run = run;
      outcome.failures = checkExpectations(run, test.expect ?? {});
      const unusedHere = new Set(run.mockUsage.unused);
      for (const key of Object.keys(spec.mocks ?? {})) if (!unusedHere.has(key)) used.add(key);
    } catch (e) {
      outcome.failures = [{ message: message(e), details: [] }];
    }
    outcome.passed = outcome.failures.length === 0;
    outcome.durationMs = performance.now() - started;
    result.tests.push(outcome);
  }
  for (const key of Object.keys(spec.mocks ?? {}))
    if (!used.has(key) && !matchesNothing(key)) result.warnings.push(`mock '${key}' was not used by any test (unused)`);
  return result;
}
