/**
 * The ExecutionService's verdicts, table by table: redrivable (status, age, count, history),
 * the name rule, target resolution (machine, version, alias by weight), idempotent starts and the
 * description. A fixed clock and random source; the store and the engine are stand-ins.
 */
import { describe, expect, it } from 'vitest';
import type { StartRequest } from '../../src/engine/engine.js';
import {
  ExecutionService,
  MAX_REDRIVES,
  REDRIVE_WINDOW_MS,
  redriveVerdict,
  type ExecutionStarter,
  type RedriveFacts,
  type Resolved,
  type TargetRef,
} from '../../src/engine/executions.js';
import { isValidName } from '../../src/vocabulary/arn.js';
import { HISTORY_EVENT_QUOTA, HISTORY_QUOTA_CAUSE } from '../../src/vocabulary/states-errors.js';
import { newExecution } from '../../src/interpreter/step.js';
import type { ExecutionStatus } from '../../src/interpreter/types.js';
import type {
  AliasRecord,
  ExecutionRecord,
  StateMachineRecord,
  StateMachineVersionRecord,
} from '../../src/store/types.js';
import { ACCOUNT_PREFIX, stateMachine } from './support.js';

const NOW = Date.UTC(2026, 5, 1);
const DAY = 24 * 3600 * 1000;
const REDRIVE_POINT = { stateName: 'Work', stateInput: {}, variables: {} };

function facts(overrides: Partial<RedriveFacts> = {}): RedriveFacts {
  return {
    status: 'FAILED',
    redriveCount: 0,
    stopDate: NOW - DAY,
    historyLength: 10,
    error: 'Boom',
    cause: 'it broke',
    state: { redrivePoint: REDRIVE_POINT },
    ...overrides,
  };
}

describe('redriveVerdict', () => {
  const cases: [string, Partial<RedriveFacts>, string | undefined][] = [
    ['FAILED', {}, undefined],
    ['TIMED_OUT', { status: 'TIMED_OUT' }, undefined],
    ['ABORTED', { status: 'ABORTED' }, undefined],
    ['RUNNING', { status: 'RUNNING', stopDate: undefined }, 'Execution is RUNNING and cannot be redriven'],
    ['SUCCEEDED', { status: 'SUCCEEDED' }, 'Execution is SUCCEEDED and cannot be redriven'],
    ['stopped exactly 14 days ago', { stopDate: NOW - REDRIVE_WINDOW_MS }, undefined],
    [
      'stopped 14 days and 1 ms ago',
      { stopDate: NOW - REDRIVE_WINDOW_MS - 1 },
      'Execution stopped more than 14 days ago and cannot be redriven',
    ],
    ['redriven 999 times', { redriveCount: MAX_REDRIVES - 1 }, undefined],
    [
      'redriven 1000 times',
      { redriveCount: MAX_REDRIVES },
      'Execution has been redriven 1000 times and cannot be redriven again',
    ],
    ['history one short of the quota', { historyLength: HISTORY_EVENT_QUOTA - 1 }, undefined],
    [
      'history at the quota',
      { historyLength: HISTORY_EVENT_QUOTA },
      `Execution has reached the maximum number of history events (${HISTORY_EVENT_QUOTA}) and cannot be redriven`,
    ],
    [
      'failed by the history quota',
      { error: 'States.Runtime', cause: HISTORY_QUOTA_CAUSE },
      `Execution has reached the maximum number of history events (${HISTORY_EVENT_QUOTA}) and cannot be redriven`,
    ],
    ['States.Runtime for another cause', { error: 'States.Runtime', cause: 'something else' }, undefined],
    [
      'never entered a state',
      { state: { redrivePoint: undefined } },
      'Execution cannot be redriven: it did not enter any state',
    ],
    // The status is checked first: a RUNNING execution past every other limit is refused for running.
    [
      'RUNNING and redriven 1000 times',
      { status: 'RUNNING', redriveCount: MAX_REDRIVES },
      'Execution is RUNNING and cannot be redriven',
    ],
  ];

  it.each(cases)('%s', (_name, overrides, reason) => {
    const expected = reason === undefined ? { redrivable: true } : { redrivable: false, reason };
    expect(redriveVerdict(facts(overrides), NOW)).toEqual(expected);
    // The service asks its injected clock.
    expect(new ExecutionService({ store: emptyStore, now: () => NOW }).redriveVerdict(facts(overrides))).toEqual(
      expected,
    );
  });
});

describe('the name rule', () => {
  const valid = ['a', 'order-42_retry.1', 'x'.repeat(80), 'émoji-😀', 'Ünïcödé'];
  const invalid = [
    '',
    'x'.repeat(81),
    'a b',
    'a\tb',
    'a\u00a0b',
    ...[...'<>{}[]?*"#%\\^|~`$&,;:/'].map((c) => `a${c}b`),
    'a\u0000b',
    'a\u001fb',
    'a\u007fb',
    'a\u009fb',
    'a\ufffeb',
    'a\uffffb',
    'a\ud800b',
    'a\udfffb',
  ];
  it.each(valid)('%j is valid', (name) => expect(isValidName(name)).toBe(true));
  it.each(invalid)('%j is invalid', (name) => expect(isValidName(name)).toBe(false));

  it('prepareStart refuses an invalid name before it looks at the input', () => {
    const service = new ExecutionService({ store: emptyStore });
    expect(service.prepareStart({ stateMachine: machine }, { name: 'a b', inputText: '{' })).toEqual({
      kind: 'invalidName',
      name: 'a b',
      message: "Invalid Name: 'a b'",
    });
  });

  it('prepareStart names an unnamed execution with the injected UUID and parses the input', () => {
    const service = new ExecutionService({ store: emptyStore, uuid: () => 'the-uuid' });
    expect(service.prepareStart({ stateMachine: machine }, { inputText: '{"a": 1}', testCase: 'Happy' })).toEqual({
      kind: 'ready',
      request: { stateMachine: machine, name: 'the-uuid', input: { a: 1 }, inputText: '{"a": 1}', testCase: 'Happy' },
    });
  });

  it('prepareStart refuses input that is not JSON with the parser message', () => {
    const service = new ExecutionService({ store: emptyStore });
    const prepared = service.prepareStart({ stateMachine: machine }, { name: 'ok', inputText: '{' });
    expect(prepared.kind).toBe('invalidInput');
    if (prepared.kind === 'invalidInput') expect(prepared.message).toMatch(/^Invalid State Machine Execution Input: '/);
  });
});

// ---- target resolution ------------------------------------------------------------------------

const machine = stateMachine('orders', { StartAt: 'A', States: { A: { Type: 'Succeed' } } });
const version = (n: number, revisionId: string): StateMachineVersionRecord => ({
  arn: `${machine.arn}:${n}`,
  stateMachineArn: machine.arn,
  version: n,
  definition: `{"StartAt":"V${n}","States":{"V${n}":{"Type":"Succeed"}}}`,
  roleArn: `${machine.roleArn}-v${n}`,
  loggingConfiguration: { level: 'ALL', includeExecutionData: true },
  tracingConfiguration: { enabled: true },
  revisionId,
  creationDate: 1,
});
const v1 = version(1, 'rev-1');
const v2 = version(2, 'rev-2');
const alias = (name: string, routes: AliasRecord['routingConfiguration']): AliasRecord => ({
  arn: `${machine.arn}:${name}`,
  stateMachineArn: machine.arn,
  name,
  routingConfiguration: routes,
  creationDate: 1,
});
const aliases = [
  alias('live', [
    { stateMachineVersionArn: v1.arn, weight: 30 },
    { stateMachineVersionArn: v2.arn, weight: 70 },
  ]),
  alias('broken', [{ stateMachineVersionArn: `${machine.arn}:9`, weight: 100 }]),
  alias('empty', []),
];

function store(machines: StateMachineRecord[], versions: StateMachineVersionRecord[], aliasRecords: AliasRecord[]) {
  return {
    getStateMachine: (arn: string) => Promise.resolve(machines.find((m) => m.arn === arn)),
    getVersion: (arn: string) => Promise.resolve(versions.find((v) => v.arn === arn)),
    getAlias: (arn: string) => Promise.resolve(aliasRecords.find((a) => a.arn === arn)),
  };
}
const emptyStore = store([], [], []);
const catalog = store([machine], [v1, v2], aliases);

const asOf = (v: StateMachineVersionRecord): StateMachineRecord => ({
  ...machine,
  definition: v.definition,
  roleArn: v.roleArn,
  loggingConfiguration: v.loggingConfiguration,
  tracingConfiguration: v.tracingConfiguration,
  revisionId: v.revisionId,
});

describe('resolveTarget', () => {
  const ref = (kind: TargetRef['kind'], arn: string): TargetRef => ({ kind, arn, stateMachineArn: machine.arn });
  const missing = `${ACCOUNT_PREFIX}:stateMachine:missing`;
  const cases: [string, TargetRef, number, Resolved][] = [
    ['the machine', ref('stateMachine', machine.arn), 0, { kind: 'target', target: { stateMachine: machine } }],
    [
      'a version',
      ref('stateMachineVersion', v2.arn),
      0,
      { kind: 'target', target: { stateMachine: asOf(v2), stateMachineVersionArn: v2.arn } },
    ],
    [
      'an alias, below the first weight',
      ref('stateMachineAlias', `${machine.arn}:live`),
      0.29,
      {
        kind: 'target',
        target: { stateMachine: asOf(v1), stateMachineVersionArn: v1.arn, stateMachineAliasArn: `${machine.arn}:live` },
      },
    ],
    [
      'an alias, at the first weight',
      ref('stateMachineAlias', `${machine.arn}:live`),
      0.3,
      {
        kind: 'target',
        target: { stateMachine: asOf(v2), stateMachineVersionArn: v2.arn, stateMachineAliasArn: `${machine.arn}:live` },
      },
    ],
    [
      'a missing machine',
      { kind: 'stateMachine', arn: missing, stateMachineArn: missing },
      0,
      { kind: 'notFound', arn: missing },
    ],
    [
      'a missing version',
      ref('stateMachineVersion', `${machine.arn}:7`),
      0,
      { kind: 'notFound', arn: `${machine.arn}:7` },
    ],
    [
      'a missing alias',
      ref('stateMachineAlias', `${machine.arn}:nope`),
      0,
      { kind: 'notFound', arn: `${machine.arn}:nope` },
    ],
    // The picked version is the one reported missing.
    [
      'an alias routing to a deleted version',
      ref('stateMachineAlias', `${machine.arn}:broken`),
      0,
      { kind: 'notFound', arn: `${machine.arn}:9` },
    ],
    [
      'an alias without routes',
      ref('stateMachineAlias', `${machine.arn}:empty`),
      0,
      { kind: 'notFound', arn: `${machine.arn}:empty` },
    ],
  ];

  it.each(cases)('%s', async (_name, target, random, expected) => {
    const service = new ExecutionService({ store: catalog, random: () => random });
    expect(await service.resolveTarget(target)).toEqual(expected);
  });

  const arnCases: [string, Resolved['kind'], string | undefined][] = [
    [machine.arn, 'target', undefined],
    [v1.arn, 'target', v1.arn],
    [`${machine.arn}:live`, 'target', v1.arn],
    ['not an arn', 'notFound', undefined],
    [`${ACCOUNT_PREFIX}:activity:orders`, 'notFound', undefined],
    [`${machine.arn}:1:extra`, 'notFound', undefined],
  ];
  it.each(arnCases)('resolveArn(%j) is %s', async (arn, kind, versionArn) => {
    const resolved = await new ExecutionService({ store: catalog, random: () => 0 }).resolveArn(arn);
    expect(resolved.kind).toBe(kind);
    if (resolved.kind === 'target') expect(resolved.target.stateMachineVersionArn).toBe(versionArn);
    else expect(resolved.arn).toBe(arn);
  });
});

// ---- idempotency and describe --------------------------------------------------------------------

function execution(status: ExecutionStatus, input: string, overrides: Partial<ExecutionRecord> = {}): ExecutionRecord {
  const arn = `${ACCOUNT_PREFIX}:execution:orders:run`;
  const info = {
    executionArn: arn,
    executionName: 'run',
    stateMachineArn: machine.arn,
    stateMachineName: machine.name,
    roleArn: machine.roleArn,
    startTime: NOW - 2 * DAY,
    redriveCount: 0,
    stateMachineType: 'STANDARD' as const,
  };
  return {
    arn,
    stateMachineArn: machine.arn,
    name: 'run',
    definition: machine.definition,
    status,
    startDate: NOW - 2 * DAY,
    ...(status === 'RUNNING' ? {} : { stopDate: NOW - DAY }),
    input,
    redriveCount: 0,
    state: { ...newExecution(info, JSON.parse(input)), status, redrivePoint: REDRIVE_POINT },
    version: 3,
    historyLength: 5,
    ...overrides,
  };
}

describe('start', () => {
  const request = (input: string, type: 'STANDARD' | 'EXPRESS' = 'STANDARD'): StartRequest => ({
    stateMachine: { ...machine, type },
    name: 'run',
    input: JSON.parse(input),
    inputText: input,
  });
  const conflict = (existing: ExecutionRecord): ExecutionStarter => ({
    startExecution: () => Promise.resolve({ alreadyExists: existing }),
  });

  it('answers a fresh start with the engine result', async () => {
    const service = new ExecutionService({ store: emptyStore });
    const via: ExecutionStarter = {
      startExecution: () => Promise.resolve({ executionArn: 'arn:new', startDate: 5 }),
    };
    expect(await service.start(request('{}'), via)).toEqual({ kind: 'started', executionArn: 'arn:new', startDate: 5 });
  });

  const cases: [string, ExecutionRecord, StartRequest, 'idempotent' | 'alreadyExists', boolean][] = [
    [
      'same input, running, Standard',
      execution('RUNNING', '{"a":1,"b":2}'),
      request('{"b": 2, "a": 1}'),
      'idempotent',
      true,
    ],
    ['different input, running', execution('RUNNING', '{"a":1}'), request('{"a":2}'), 'alreadyExists', false],
    ['same input, ended', execution('SUCCEEDED', '{"a":1}'), request('{"a":1}'), 'alreadyExists', true],
    ['same input, failed', execution('FAILED', '{"a":1}'), request('{"a":1}'), 'alreadyExists', true],
    [
      'same input, running, Express',
      execution('RUNNING', '{"a":1}'),
      request('{"a":1}', 'EXPRESS'),
      'alreadyExists',
      true,
    ],
    [
      'recorded input that is not JSON',
      execution('RUNNING', '{}', { input: 'text' }),
      request('"text"'),
      'idempotent',
      true,
    ],
  ];
  it.each(cases)('%s', async (_name, existing, start, kind, sameInput) => {
    const outcome = await new ExecutionService({ store: emptyStore }).start(start, conflict(existing));
    expect(outcome.kind).toBe(kind);
    expect(outcome).toMatchObject({ existing });
    if (outcome.kind === 'alreadyExists') {
      expect(outcome.sameInput).toBe(sameInput);
      expect(outcome.message).toBe(`Execution Already Exists: '${existing.arn}'`);
    }
  });
});

describe('describe', () => {
  const service = new ExecutionService({ store: emptyStore, now: () => NOW });

  it('maps the record and reports the redrive verdict', () => {
    const record = execution('FAILED', '{"a":1}', {
      error: 'Boom',
      cause: 'it broke',
      stateMachineVersionArn: v1.arn,
      redriveCount: 2,
      redriveDate: NOW - 3 * DAY,
    });
    expect(service.describe(record)).toEqual({
      executionArn: record.arn,
      stateMachineArn: machine.arn,
      name: 'run',
      status: 'FAILED',
      startDate: NOW - 2 * DAY,
      stopDate: NOW - DAY,
      input: '{"a":1}',
      output: undefined,
      error: 'Boom',
      cause: 'it broke',
      stateMachineVersionArn: v1.arn,
      stateMachineAliasArn: undefined,
      redriveCount: 2,
      redriveDate: NOW - 3 * DAY,
      redriveStatus: 'REDRIVABLE',
    });
  });

  it('says NOT_REDRIVABLE, with the reason RedriveExecution gives, past the window', () => {
    const record = execution('FAILED', '{}', { stopDate: NOW - REDRIVE_WINDOW_MS - 1 });
    expect(service.describe(record)).toMatchObject({
      redriveStatus: 'NOT_REDRIVABLE',
      redriveStatusReason: 'Execution stopped more than 14 days ago and cannot be redriven',
    });
  });
});
