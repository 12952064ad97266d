/** AWS's Amazon States Language vocabulary, spelled exactly as AWS spells it. */

export const StateTypes = ['Pass', 'Task', 'Choice', 'Wait', 'Succeed', 'Fail', 'Parallel', 'Map'] as const;
export type StateType = (typeof StateTypes)[number];

export const QueryLanguages = ['JSONPath', 'JSONata'] as const;
export type QueryLanguage = (typeof QueryLanguages)[number];

export const TopLevelFields = ['Comment', 'StartAt', 'States', 'Version', 'TimeoutSeconds', 'QueryLanguage'] as const;
/** AWS lists missing required fields in this order ("[States, StartAt]"). */
export const TopLevelRequired = ['States', 'StartAt'] as const;

const COMMON = ['Type', 'Comment', 'QueryLanguage'] as const;
const TRANSITION = ['Next', 'End'] as const;
const IO = ['InputPath', 'OutputPath', 'Output'] as const;

/** Every field each state type accepts, in either query language. */
export const StateFields: Record<StateType, readonly string[]> = {
  Pass: [...COMMON, ...TRANSITION, ...IO, 'ResultPath', 'Parameters', 'Result', 'Assign'],
  Task: [
    ...COMMON,
    ...TRANSITION,
    ...IO,
    'Resource',
    'Credentials',
    'ResultPath',
    'Parameters',
    'ResultSelector',
    'Arguments',
    'Assign',
    'Retry',
    'Catch',
    'TimeoutSeconds',
    'TimeoutSecondsPath',
    'HeartbeatSeconds',
    'HeartbeatSecondsPath',
  ],
  Choice: [...COMMON, ...IO, 'Choices', 'Default', 'Assign'],
  Wait: [...COMMON, ...TRANSITION, ...IO, 'Seconds', 'SecondsPath', 'Timestamp', 'TimestampPath', 'Assign'],
  Succeed: [...COMMON, ...IO],
  Fail: [...COMMON, 'Error', 'ErrorPath', 'Cause', 'CausePath'],
  Parallel: [
    ...COMMON,
    ...TRANSITION,
    ...IO,
    'Branches',
    'ResultPath',
    'Parameters',
    'ResultSelector',
    'Arguments',
    'Assign',
    'Retry',
    'Catch',
  ],
  Map: [
    ...COMMON,
    ...TRANSITION,
    ...IO,
    'ItemProcessor',
    'Iterator',
    'ItemsPath',
    'Items',
    'ItemSelector',
    'Parameters',
    'ItemReader',
    'ItemBatcher',
    'ResultWriter',
    'ResultPath',
    'ResultSelector',
    'MaxConcurrency',
    'MaxConcurrencyPath',
    'ToleratedFailurePercentage',
    'ToleratedFailurePercentagePath',
    'ToleratedFailureCount',
    'ToleratedFailureCountPath',
    'Label',
    'Assign',
    'Retry',
    'Catch',
  ],
};

export const StateRequired: Partial<Record<StateType, readonly string[]>> = {
  Task: ['Resource'],
  Choice: ['Choices'],
  Parallel: ['Branches'],
};

/** States that end or move on through Next/End; Choice, Succeed and Fail do not. */
export const TransitionStates: readonly StateType[] = ['Pass', 'Task', 'Wait', 'Parallel', 'Map'];

/** Fields that exist only in JSONPath states, and only in JSONata states (AWS's order). */
export const JsonPathOnlyFields = [
  'InputPath',
  'OutputPath',
  'ResultPath',
  'Parameters',
  'ResultSelector',
  'Result',
  'ItemsPath',
  'SecondsPath',
  'TimestampPath',
  'TimeoutSecondsPath',
  'HeartbeatSecondsPath',
  'MaxConcurrencyPath',
  'ToleratedFailurePercentagePath',
  'ToleratedFailureCountPath',
  'ErrorPath',
  'CausePath',
] as const;
export const JsonataOnlyFields = ['Output', 'Arguments', 'Items'] as const;

/** Choice comparison operators and the JSON type of their literal operand. */
export const ComparisonOperators = {
  StringEquals: 'string',
  StringLessThan: 'string',
  StringGreaterThan: 'string',
  StringLessThanEquals: 'string',
  StringGreaterThanEquals: 'string',
  StringMatches: 'string',
  NumericEquals: 'number',
  NumericLessThan: 'number',
  NumericGreaterThan: 'number',
  NumericLessThanEquals: 'number',
  NumericGreaterThanEquals: 'number',
  BooleanEquals: 'boolean',
  TimestampEquals: 'timestamp',
  TimestampLessThan: 'timestamp',
  TimestampGreaterThan: 'timestamp',
  TimestampLessThanEquals: 'timestamp',
  TimestampGreaterThanEquals: 'timestamp',
  IsNull: 'boolean',
  IsPresent: 'boolean',
  IsNumeric: 'boolean',
  IsString: 'boolean',
  IsBoolean: 'boolean',
  IsTimestamp: 'boolean',
  StringEqualsPath: 'path',
  StringLessThanPath: 'path',
  StringGreaterThanPath: 'path',
  StringLessThanEqualsPath: 'path',
  StringGreaterThanEqualsPath: 'path',
  NumericEqualsPath: 'path',
  NumericLessThanPath: 'path',
  NumericGreaterThanPath: 'path',
  NumericLessThanEqualsPath: 'path',
  NumericGreaterThanEqualsPath: 'path',
  BooleanEqualsPath: 'path',
  TimestampEqualsPath: 'path',
  TimestampLessThanPath: 'path',
  TimestampGreaterThanPath: 'path',
  TimestampLessThanEqualsPath: 'path',
  TimestampGreaterThanEqualsPath: 'path',
} as const;
export type ComparisonOperator = keyof typeof ComparisonOperators;
export const BooleanOperators = ['And', 'Or', 'Not'] as const;

export const ProcessorModes = ['INLINE', 'DISTRIBUTED'] as const;
export const ExecutionTypes = ['STANDARD', 'EXPRESS'] as const;

/** Distributed Map sub-fields (developer guide: "ItemReader (Map)", "ItemBatcher (Map)", "ResultWriter (Map)"). */
export const ItemReaderResources = ['s3:getObject', 's3:listObjectsV2'] as const;
export const ResultWriterResources = ['s3:putObject'] as const;
export const ReaderInputTypes = ['CSV', 'JSON', 'JSONL', 'PARQUET', 'MANIFEST'] as const;
export const CsvHeaderLocations = ['FIRST_ROW', 'GIVEN'] as const;
export const CsvDelimiters = ['COMMA', 'PIPE', 'SEMICOLON', 'SPACE', 'TAB'] as const;
export const ManifestTypes = ['ATHENA_DATA', 'S3_INVENTORY'] as const;
export const WriterOutputTypes = ['JSON', 'JSONL'] as const;
export const WriterTransformations = ['NONE', 'COMPACT', 'FLATTEN'] as const;
export type StateMachineType = (typeof ExecutionTypes)[number];
export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';
export type TerminalStatus = Exclude<ExecutionStatus, 'RUNNING'>;

export { MAX_LABEL_LENGTH, MAX_STATE_NAME_LENGTH } from './limits.js';
export const ERROR_ALL = 'States.ALL';
