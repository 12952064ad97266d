/**
 * StartExecution and DescribeExecution semantics, in one place for the API and for nested
 * executions (`states:startExecution`): what a target ARN resolves to (the machine, a version, or an
 * alias routing by weight), AWS's name rule, input parsing, idempotent starts, the description of an
 * execution, and whether it can be redriven. It answers with values; each caller maps them to its
 * own errors (ApiError for the API, `StepFunctions.*Exception` for nested executions).
 */
import { randomUUID } from 'node:crypto';
import { jsonEquals, parsedOrText, type Json } from '../json.js';
import { HISTORY_EVENT_QUOTA, HISTORY_QUOTA_CAUSE, StatesErrors } from '../vocabulary/states-errors.js';
import type { ExecutionState } from '../interpreter/types.js';
import type {
  AliasRecord,
  ExecutionRecord,
  ExecutionStore,
  StateMachineRecord,
  StateMachineVersionRecord,
} from '../store/types.js';
import { isValidName, parseStatesArn } from '../vocabulary/arn.js';
import { MAX_REDRIVES, PAYLOAD_LIMIT_BYTES, REDRIVE_WINDOW_MS } from '../vocabulary/limits.js';
import type { Engine, StartRequest } from './engine.js';

/** StartExecution's `input`: at most 256 KiB of UTF-8. */
export const MAX_INPUT_BYTES = PAYLOAD_LIMIT_BYTES;
export { MAX_REDRIVES, REDRIVE_WINDOW_MS };

// ---- input --------------------------------------------------------------------------------------

export type ParsedInput = { ok: true; input: Json } | { ok: false; message: string };

/** The execution input as JSON, or AWS's InvalidExecutionInput message. */
export function parseInput(text: string): ParsedInput {
  try {
    return { ok: true, input: JSON.parse(text) as Json };
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    return { ok: false, message: `Invalid State Machine Execution Input: '${detail}'` };
  }
}

// ---- targets ------------------------------------------------------------------------------------

/** What StartExecution's `stateMachineArn` names, already told apart by the caller's ARN parser. */
export interface TargetRef {
  kind: 'stateMachine' | 'stateMachineVersion' | 'stateMachineAlias';
  /** The ARN as given. */
  arn: string;
  /** The unqualified state machine ARN. */
  stateMachineArn: string;
}

/** The machine as the execution should run it, and which version or alias it came through. */
export type Target = Pick<StartRequest, 'stateMachine' | 'stateMachineVersionArn' | 'stateMachineAliasArn'>;

/** `notFound` names the ARN that did not resolve (an alias's missing version names that version). */
export type Resolved = { kind: 'target'; target: Target } | { kind: 'notFound'; arn: string };

/**
 * A state machine ARN, optionally qualified by a version or an alias; undefined when it is not
 * one. Nothing that fails to parse can be stored, so undefined means not found.
 */
export function parseTargetArn(arn: string): TargetRef | undefined {
  const parsed = parseStatesArn(arn);
  if (!parsed.ok) return undefined;
  const target = parsed.arn;
  if (target.kind !== 'stateMachine' && target.kind !== 'stateMachineVersion' && target.kind !== 'stateMachineAlias')
    return undefined;
  return { kind: target.kind, arn, stateMachineArn: target.stateMachineArn };
}

/** A state machine as a version froze it (its ARN stays the unqualified one). */
export function asOfVersion(machine: StateMachineRecord, version: StateMachineVersionRecord): StateMachineRecord {
  return {
    ...machine,
    definition: version.definition,
    roleArn: version.roleArn,
    loggingConfiguration: version.loggingConfiguration,
    tracingConfiguration: version.tracingConfiguration,
    ...(version.encryptionConfiguration !== undefined
      ? { encryptionConfiguration: version.encryptionConfiguration }
      : { encryptionConfiguration: undefined }),
    revisionId: version.revisionId,
  };
}

/** Picks a route with probability weight/100; `random` is in [0, 1). Undefined without routes. */
export function pickByWeight(routes: AliasRecord['routingConfiguration'], random: number): string | undefined {
  let threshold = random * 100;
  for (const route of routes) {
    if (threshold < route.weight) return route.stateMachineVersionArn;
    threshold -= route.weight;
  }
  const last = routes.filter((r) => r.weight > 0).at(-1) ?? routes.at(-1);
  return last?.stateMachineVersionArn;
}

// ---- redrive ------------------------------------------------------------------------------------

/** What the verdict reads of an execution. */
export type RedriveFacts = Pick<
  ExecutionRecord,
  'status' | 'redriveCount' | 'stopDate' | 'historyLength' | 'error' | 'cause'
> & { state: Pick<ExecutionState, 'redrivePoint'> };

export type RedriveVerdict = { redrivable: true } | { redrivable: false; reason: string };

/**
 * Whether RedriveExecution would take the execution, with AWS's reason when not. DescribeExecution
 * reports the same verdict, so it never says REDRIVABLE where RedriveExecution refuses.
 */
export function redriveVerdict(record: RedriveFacts, now: number): RedriveVerdict {
  const refuse = (reason: string): RedriveVerdict => ({ redrivable: false, reason });
  if (record.status === 'RUNNING' || record.status === 'SUCCEEDED')
    return refuse(`Execution is ${record.status} and cannot be redriven`);
  if (record.redriveCount >= MAX_REDRIVES)
    return refuse(`Execution has been redriven ${MAX_REDRIVES} times and cannot be redriven again`);
  if (record.stopDate !== undefined && now - record.stopDate > REDRIVE_WINDOW_MS)
    return refuse('Execution stopped more than 14 days ago and cannot be redriven');
  if (record.historyLength >= HISTORY_EVENT_QUOTA || isQuotaFailure(record))
    return refuse(
      `Execution has reached the maximum number of history events (${HISTORY_EVENT_QUOTA}) and cannot be redriven`,
    );
  if (!record.state.redrivePoint) return refuse('Execution cannot be redriven: it did not enter any state');
  return { redrivable: true };
}

/** An execution the interpreter failed at the history quota: know it by its error. */
function isQuotaFailure(record: RedriveFacts): boolean {
  return record.status === 'FAILED' && record.error === StatesErrors.Runtime && record.cause === HISTORY_QUOTA_CAUSE;
}

// ---- the service --------------------------------------------------------------------------------

export type Prepared =
  | { kind: 'ready'; request: StartRequest }
  | { kind: 'invalidName'; name: string; message: string }
  | { kind: 'invalidInput'; message: string };

export type StartOutcome =
  | { kind: 'started'; executionArn: string; startDate: number }
  /** AWS's idempotent StartExecution: same name and input, still running, Standard. */
  | { kind: 'idempotent'; existing: ExecutionRecord }
  | { kind: 'alreadyExists'; existing: ExecutionRecord; sameInput: boolean; message: string };

/** DescribeExecution's fields (epoch milliseconds); each caller spells and filters them its way. */
export interface ExecutionDescription {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  status: ExecutionRecord['status'];
  startDate: number;
  stopDate?: number;
  input: string;
  output?: string;
  error?: string;
  cause?: string;
  stateMachineVersionArn?: string;
  stateMachineAliasArn?: string;
  redriveCount: number;
  redriveDate?: number;
  redriveStatus: 'REDRIVABLE' | 'NOT_REDRIVABLE';
  redriveStatusReason?: string;
  /** A Distributed Map's child: its Map Run. */
  mapRunArn?: string;
}

/** What starts a prepared execution: the engine, or whatever stands in for it. */
export type ExecutionStarter = Pick<Engine, 'startExecution'>;

/** The service as its callers see it (the API and the nested-execution integration). */
export interface Executions {
  resolveTarget(ref: TargetRef): Promise<Resolved>;
  /** The same from ARN text, parsed by `parseTargetArn`: not a state machine ARN is not found. */
  resolveArn(arn: string): Promise<Resolved>;
  /** Checks the name (a UUID when absent) and parses the input, in AWS's order. */
  prepareStart(target: Target, start: { name?: string; inputText: string; testCase?: string }): Prepared;
  start(request: StartRequest, via: ExecutionStarter): Promise<StartOutcome>;
  describe(record: ExecutionRecord): ExecutionDescription;
  redriveVerdict(record: RedriveFacts): RedriveVerdict;
}

export interface ExecutionServiceOptions {
  store: Pick<ExecutionStore, 'getStateMachine' | 'getVersion' | 'getAlias'>;
  /** Epoch milliseconds, the engine's clock (the redrive window is measured with it). */
  now?: () => number;
  /** [0, 1): picks an alias's version by weight. */
  random?: () => number;
  /** Names executions started without one. */
  uuid?: () => string;
}

export class ExecutionService implements Executions {
  private readonly now: () => number;
  private readonly random: () => number;
  private readonly uuid: () => string;

  constructor(private readonly options: ExecutionServiceOptions) {
    this.now = options.now ?? Date.now;
    this.random = options.random ?? Math.random;
    this.uuid = options.uuid ?? randomUUID;
  }

  async resolveTarget(ref: TargetRef): Promise<Resolved> {
    const store = this.options.store;
    const notFound = (arn: string): Resolved => ({ kind: 'notFound', arn });
    const machine = await store.getStateMachine(ref.stateMachineArn);
    if (!machine) return notFound(ref.arn);
    switch (ref.kind) {
      case 'stateMachine':
        return { kind: 'target', target: { stateMachine: machine } };
      case 'stateMachineVersion': {
        const version = await store.getVersion(ref.arn);
        if (!version) return notFound(ref.arn);
        return {
          kind: 'target',
          target: { stateMachine: asOfVersion(machine, version), stateMachineVersionArn: version.arn },
        };
      }
      case 'stateMachineAlias': {
        const alias = await store.getAlias(ref.arn);
        if (!alias) return notFound(ref.arn);
        const versionArn = pickByWeight(alias.routingConfiguration, this.random());
        if (versionArn === undefined) return notFound(ref.arn);
        const version = await store.getVersion(versionArn);
        if (!version) return notFound(versionArn);
        return {
          kind: 'target',
          target: {
            stateMachine: asOfVersion(machine, version),
            stateMachineVersionArn: version.arn,
            stateMachineAliasArn: alias.arn,
          },
        };
      }
    }
  }

  async resolveArn(arn: string): Promise<Resolved> {
    const ref = parseTargetArn(arn);
    return ref ? this.resolveTarget(ref) : { kind: 'notFound', arn };
  }

  prepareStart(target: Target, start: { name?: string; inputText: string; testCase?: string }): Prepared {
    if (start.name !== undefined && !isValidName(start.name))
      return { kind: 'invalidName', name: start.name, message: `Invalid Name: '${start.name}'` };
    const parsed = parseInput(start.inputText);
    if (!parsed.ok) return { kind: 'invalidInput', message: parsed.message };
    return {
      kind: 'ready',
      request: {
        ...target,
        name: start.name ?? this.uuid(),
        input: parsed.input,
        inputText: start.inputText,
        ...(start.testCase !== undefined ? { testCase: start.testCase } : {}),
      },
    };
  }

  async start(request: StartRequest, via: ExecutionStarter): Promise<StartOutcome> {
    const result = await via.startExecution(request);
    if (!('alreadyExists' in result)) return { kind: 'started', ...result };
    const existing = result.alreadyExists;
    const sameInput = jsonEquals(parsedOrText(existing.input), request.input);
    if (existing.status === 'RUNNING' && sameInput && request.stateMachine.type === 'STANDARD')
      return { kind: 'idempotent', existing };
    return { kind: 'alreadyExists', existing, sameInput, message: `Execution Already Exists: '${existing.arn}'` };
  }

  describe(record: ExecutionRecord): ExecutionDescription {
    const verdict = this.redriveVerdict(record);
    return {
      executionArn: record.arn,
      stateMachineArn: record.stateMachineArn,
      name: record.name,
      status: record.status,
      startDate: record.startDate,
      stopDate: record.stopDate,
      input: record.input,
      output: record.output,
      error: record.error,
      cause: record.cause,
      stateMachineVersionArn: record.stateMachineVersionArn,
      stateMachineAliasArn: record.stateMachineAliasArn,
      redriveCount: record.redriveCount,
      redriveDate: record.redriveDate,
      ...(record.mapRunArn !== undefined ? { mapRunArn: record.mapRunArn } : {}),
      ...(verdict.redrivable
        ? { redriveStatus: 'REDRIVABLE' }
        : { redriveStatus: 'NOT_REDRIVABLE', redriveStatusReason: verdict.reason }),
    };
  }

  redriveVerdict(record: RedriveFacts): RedriveVerdict {
    return redriveVerdict(record, this.now());
  }
}
