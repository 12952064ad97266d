/**
 * What the API asks of the engine. The API validates requests and resolves state machines,
 * versions and aliases; the engine runs executions: Standard ones durably through the store,
 * Express ones in memory.
 */
import type { Json } from '../json.js';
import type { HistoryEvent } from '../vocabulary/history-events.js';
import type { TerminalStatus } from '../interpreter/types.js';
import type { ExecutionRecord, StateMachineRecord } from '../store/types.js';
import type { ExpressExecutionRecord } from './express-record.js';
import type { ClusterView, TaskCallbacks } from './ports.js';

export type { ExpressExecutionRecord };

export interface StartRequest {
  /** The state machine as it should run: its current revision, or the version/alias target's. */
  stateMachine: StateMachineRecord;
  stateMachineVersionArn?: string;
  stateMachineAliasArn?: string;
  /** The execution name (AWS defaults it to a UUID; the API has already done so). */
  name: string;
  input: Json;
  /** The input exactly as sent (JSON text), to echo back as AWS does. */
  inputText: string;
  /** The mock configuration's test case to run (StartExecution on `<stateMachineArn>#<TestCase>`). */
  testCase?: string;
  /** A Distributed Map's child: the Map Run it belongs to. */
  mapRunArn?: string;
}

export interface StartResult {
  executionArn: string;
  startDate: number;
}

export interface SyncResult {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  startDate: number;
  stopDate: number;
  status: TerminalStatus;
  input: string;
  output?: string;
  error?: string;
  cause?: string;
  /** Only when the caller asked for it (the engine keeps no Express history). */
  history?: HistoryEvent[];
}

/** One state machine's test cases in the mock configuration (Step Functions Local's MockConfigFile). */
export interface MockTestCases {
  stateMachineName: string;
  testCases: string[];
}

export type StopResult = { stopDate: number } | { notRunning: ExecutionRecord } | { notFound: true };

/**
 * Everything the API and the nested-execution integration use of the engine: starting, stopping and
 * redriving, the task callbacks (SendTask*, GetActivityTask), the cluster view (GET /cluster/nodes),
 * the mock configuration's test cases and the end of an execution. Declared here, so a second
 * engine or a test double that lacks one fails to compile rather than at run time.
 */
export interface Engine extends TaskCallbacks, ClusterView {
  /**
   * Standard: creates the execution durably (idempotent by name: the same name and input while it
   * runs returns the existing one). Express: starts it in memory and returns at once.
   */
  startExecution(request: StartRequest): Promise<StartResult | { alreadyExists: ExecutionRecord }>;
  /** Express only: runs to completion and answers with its result. */
  startSyncExecution(request: StartRequest): Promise<SyncResult>;
  stopExecution(executionArn: string, error?: string, cause?: string): Promise<StopResult>;
  /** Redrives a FAILED/TIMED_OUT/ABORTED Standard execution from the states that did not succeed. */
  redriveExecution(executionArn: string): Promise<{ redriveDate: number } | { notRedrivable: string }>;
  /**
   * The recent Express executions this node ran (newest first; of one state machine when given),
   * from a bounded ring in memory: AWS keeps no record of them, nor does the store.
   */
  recentExpressExecutions(stateMachineArn?: string): ExpressExecutionRecord[];
  /** Whether the mock configuration has this test case for the state machine (Step Functions Local's `#TestCase`). */
  hasTestCase(stateMachineName: string, testCase: string): boolean;
  /** The mock configuration's test cases by state machine name, in its order; undefined without one. */
  mockTestCases(): MockTestCases[] | undefined;
  /** Resolves once the execution is no longer RUNNING (undefined if it does not exist, or `signal` aborts first). */
  whenEnded(executionArn: string, signal?: AbortSignal): Promise<ExecutionRecord | undefined>;
  /** Resumes every RUNNING execution and starts the timer loop. */
  start(): Promise<void>;
  /** Finishes in-flight commits, then stops. */
  close(): Promise<void>;
}
