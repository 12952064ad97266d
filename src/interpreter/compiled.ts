/**
 * A definition compiled once: every path, payload template, intrinsic call and JSONata expression
 * parsed ahead of time, so executing a state never parses anything.
 */
import type { Json, JsonObject } from '../json.js';
import type { CompiledPath, CompiledReferencePath } from '../query/jsonpath/index.js';
import type { CompiledTemplate } from '../query/payload-template.js';
import type { CompiledJsonata, CompiledJsonataTemplate } from '../query/jsonata/index.js';
import type { CompiledChoiceRule } from './choice-rules.js';

export type QueryLanguage = 'JSONPath' | 'JSONata';

export const StateTypes = ['Task', 'Pass', 'Choice', 'Wait', 'Succeed', 'Fail', 'Parallel', 'Map'] as const;
export type StateType = (typeof StateTypes)[number];

/** A field that may be a literal, a JSONPath `...Path` variant, or a JSONata expression. */
export type Dynamic<T> =
  | { kind: 'literal'; value: T }
  /** A `...Path` field: a JSONPath, or (Fail's ErrorPath/CausePath) an intrinsic function call. */
  | { kind: 'path'; path: Pick<CompiledPath, 'source' | 'evaluate'>; field: string }
  | { kind: 'jsonata'; expr: CompiledJsonata; field: string };

/** Assign, in whichever query language the state uses. */
export type CompiledAssign =
  { kind: 'jsonpath'; template: CompiledTemplate } | { kind: 'jsonata'; template: CompiledJsonataTemplate };

export interface Retrier {
  errorEquals: string[];
  intervalSeconds: number;
  maxAttempts: number;
  backoffRate: number;
  maxDelaySeconds?: number;
  jitter: 'FULL' | 'NONE';
}

export interface Catcher {
  errorEquals: string[];
  next: string;
  /** JSONPath: where the error output goes in the state input (default "$"); null discards it. */
  resultPath?: CompiledReferencePath | null;
  output?: CompiledJsonataTemplate;
  assign?: CompiledAssign;
}

export interface StateBase {
  name: string;
  /** Unique address of the state in the machine, e.g. "Map1/processor/Inner". */
  address: string;
  queryLanguage: QueryLanguage;
  next?: string;
  end: boolean;
  /** JSONPath pipeline; undefined = default "$", null = the field was null. */
  inputPath?: CompiledPath | null;
  outputPath?: CompiledPath | null;
  resultPath?: CompiledReferencePath | null;
  parameters?: CompiledTemplate;
  resultSelector?: CompiledTemplate;
  /** JSONata pipeline. */
  arguments?: CompiledJsonataTemplate;
  output?: CompiledJsonataTemplate;
  assign?: CompiledAssign;
  retry: Retrier[];
  catch: Catcher[];
}

export interface PassState extends StateBase {
  type: 'Pass';
  result?: Json;
}

export interface TaskState extends StateBase {
  type: 'Task';
  resource: string;
  timeoutSeconds?: Dynamic<number>;
  heartbeatSeconds?: Dynamic<number>;
  credentials?: Json;
  waitForTaskToken: boolean;
}

export interface ChoiceBranch {
  rule:
    | { kind: 'jsonpath'; rule: CompiledChoiceRule }
    | { kind: 'jsonata'; condition: CompiledJsonata }
    /** A JSONata Condition written as a plain boolean. */
    | { kind: 'constant'; value: boolean };
  next: string;
  assign?: CompiledAssign;
  output?: CompiledJsonataTemplate;
}

export interface ChoiceState extends StateBase {
  type: 'Choice';
  choices: ChoiceBranch[];
  default?: string;
}

export interface WaitState extends StateBase {
  type: 'Wait';
  seconds?: Dynamic<number>;
  timestamp?: Dynamic<string>;
}

export interface SucceedState extends StateBase {
  type: 'Succeed';
}

export interface FailState extends StateBase {
  type: 'Fail';
  error?: Dynamic<string>;
  cause?: Dynamic<string>;
}

export interface StateList {
  startAt: string;
  states: Map<string, CompiledState>;
}

export interface ParallelState extends StateBase {
  type: 'Parallel';
  branches: StateList[];
}

export interface MapState extends StateBase {
  type: 'Map';
  processor: StateList;
  /** The processor's key in CompiledMachine.lists (its iterations' Frame.list): one string, shared by every iteration. */
  processorList: string;
  /** The processor runs in child executions: no outer variables, events in the Map Run. */
  distributed: boolean;
  itemsPath?: CompiledPath;
  /** JSONata: a literal array (its elements may hold expressions) or an expression. */
  items?: { template: CompiledJsonataTemplate; source: string };
  /** ItemSelector (or legacy Parameters) in JSONPath; ItemSelector in JSONata. */
  itemSelector?: CompiledAssign;
  maxConcurrency?: Dynamic<number>;
  toleratedFailureCount?: Dynamic<number>;
  toleratedFailurePercentage?: Dynamic<number>;
  itemBatcher?: {
    maxItemsPerBatch?: Dynamic<number>;
    maxInputBytesPerBatch?: Dynamic<number>;
    /** As written (inline runs pass it as it is). */
    batchInput?: Json;
    /** BatchInput as a payload template (JSONPath) or JSONata template (a Map Run evaluates it). */
    batchInputTemplate?: CompiledAssign;
  };
  /** Where a Distributed Map reads its items (S3); TestState, its mocked data. */
  itemReader?: MapDataStep & {
    /** ReaderConfig as written, without MaxItems / MaxItemsPath. */
    readerConfig: JsonObject;
    maxItems?: Dynamic<number>;
  };
  /** Where a Distributed Map writes its results (S3); TestState expects its mock to be the writer's result. */
  resultWriter?: MapDataStep & { writerConfig?: JsonObject };
  /** ProcessorConfig.ExecutionType of a distributed Map (STANDARD unless EXPRESS). */
  executionType: 'STANDARD' | 'EXPRESS';
  /** The processor as a definition of its own (StartAt, States, QueryLanguage): a Map Run's children run it. */
  processorDefinition: JsonObject;
  label?: string;
}

/** An ItemReader or ResultWriter: its resource and its Parameters (JSONPath) or Arguments (JSONata). */
export interface MapDataStep {
  resource?: string;
  arguments?: CompiledAssign;
}

export type CompiledState =
  PassState | TaskState | ChoiceState | WaitState | SucceedState | FailState | ParallelState | MapState;

export interface CompiledMachine {
  definition: Json;
  queryLanguage: QueryLanguage;
  timeoutSeconds?: number;
  root: StateList;
  /** Every state list by address ('' is the top level). */
  lists: Map<string, StateList>;
}
