/**
 * The test file that replays a captured run (`stepwise mocks capture --test-file`): the captured
 * MockConfigFile test case answers every Task as the run's did, and the test expects what the run
 * did: its top-level path, its end status and its output (or error and cause).
 */
import { stringify as toYaml } from 'yaml';
import { isJsonObject, type Json } from '../json.js';

/** The history events the file is built from (GetExecutionHistory's, with execution data). */
export interface ReplayEvent {
  type: string;
  [details: string]: unknown;
}

export interface ReplaySource {
  events: readonly ReplayEvent[];
  /** The state machine's definition: its top-level states make the path. */
  definition: Json;
  /** Paths as the test file writes them (relative to the test file). */
  stateMachineFile: string;
  mockConfigFile: string;
  /** The MockConfigFile's state machine key and test case. */
  stateMachineName: string;
  testCase: string;
  type: 'STANDARD' | 'EXPRESS';
  /** Where the run came from, for the file's comment. */
  source: string;
}

const detailsOf = (event: ReplayEvent, key: string): Record<string, unknown> => {
  const details = event[key];
  return typeof details === 'object' && details !== null ? (details as Record<string, unknown>) : {};
};

const parsed = (text: unknown): Json | undefined => {
  if (typeof text !== 'string') return undefined;
  try {
    return JSON.parse(text) as Json;
  } catch {
    return text;
  }
};

const lowerFirst = (type: string) => type.charAt(0).toLowerCase() + type.slice(1);

/** The YAML text of a `*.sfn-test.yaml` that replays the run and expects what it did. */
export function replayTestFile(source: ReplaySource): string {
  const { events, definition } = source;
  const topLevel = new Set(
    isJsonObject(definition) && isJsonObject(definition.States) ? Object.keys(definition.States) : [],
  );
  const path: string[] = [];
  for (const event of events) {
    if (!event.type.endsWith('StateEntered')) continue;
    const name = detailsOf(event, 'stateEnteredEventDetails').name;
    if (typeof name === 'string' && topLevel.has(name)) path.push(name);
  }
  const started = events.find((e) => e.type === 'ExecutionStarted');
  const input = started ? parsed(detailsOf(started, 'executionStartedEventDetails').input) : undefined;
  const last = events.at(-1);
  const expect: Record<string, Json> = {};
  const ending: Record<string, string> = {
    ExecutionSucceeded: 'SUCCEEDED',
    ExecutionFailed: 'FAILED',
    ExecutionTimedOut: 'TIMED_OUT',
    ExecutionAborted: 'ABORTED',
  };
  if (last && ending[last.type]) {
    expect.status = ending[last.type] as string;
    const details = detailsOf(last, `${lowerFirst(last.type)}EventDetails`);
    const output = parsed(details.output);
    if (output !== undefined) expect.output = output;
    if (typeof details.error === 'string') expect.error = details.error;
    if (typeof details.cause === 'string') expect.cause = details.cause;
  }
  expect.path = path;
  const file = {
    stateMachine: source.stateMachineFile,
    type: source.type,
    mockConfig: { file: source.mockConfigFile, stateMachine: source.stateMachineName },
    tests: [
      {
        name: `replays ${source.testCase}`,
        testCase: source.testCase,
        ...(input !== undefined ? { input } : {}),
        expect,
      },
    ],
  };
  return `# Captured from ${source.source}: the mock test case '${source.testCase}' answers each Task as that run's did.\n${toYaml(file)}`;
}
