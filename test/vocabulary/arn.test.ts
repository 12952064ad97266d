/**
 * Step Functions ARNs, table by table: every kind parsed in every partition, the qualifiers that
 * tell a version from an alias, the malformed inputs and why each fails, the formatters as the
 * parser's inverse, and the lenient field readers.
 */
import { describe, expect, it } from 'vitest';
import {
  accountOf,
  formatActivityArn,
  formatExecutionArn,
  formatExpressArn,
  formatMapRunArn,
  formatStateMachineArn,
  homeOf,
  isValidName,
  parseStatesArn,
  regionOf,
  type ArnHome,
  type ArnProblem,
  type StatesArn,
} from '../../src/vocabulary/arn.js';

const homes: ArnHome[] = [
  { partition: 'aws', region: 'us-east-1', account: '123456789012' },
  { partition: 'aws-cn', region: 'cn-north-1', account: '000000000000' },
  { partition: 'aws-us-gov', region: 'us-gov-west-1', account: '999999999999' },
];

/** Every kind, as text and as parsed, beside one home. */
function kinds(home: ArnHome): [string, StatesArn][] {
  const p = `arn:${home.partition}:states:${home.region}:${home.account}`;
  const machine = `${p}:stateMachine:orders`;
  return [
    [machine, { ...home, kind: 'stateMachine', stateMachineArn: machine, name: 'orders' }],
    [`${machine}:1`, { ...home, kind: 'stateMachineVersion', stateMachineArn: machine, name: 'orders', version: 1 }],
    [
      `${machine}:9999999999`,
      { ...home, kind: 'stateMachineVersion', stateMachineArn: machine, name: 'orders', version: 9999999999 },
    ],
    [
      `${machine}:live`,
      { ...home, kind: 'stateMachineAlias', stateMachineArn: machine, name: 'orders', alias: 'live' },
    ],
    [`${machine}:v2`, { ...home, kind: 'stateMachineAlias', stateMachineArn: machine, name: 'orders', alias: 'v2' }],
    [`${machine}:1.0`, { ...home, kind: 'stateMachineAlias', stateMachineArn: machine, name: 'orders', alias: '1.0' }],
    [
      `${p}:execution:orders:run-1`,
      {
        ...home,
        kind: 'execution',
        stateMachineArn: machine,
        stateMachineName: 'orders',
        executionName: 'run-1',
      },
    ],
    [
      `${p}:execution:orders/Fan:abc`,
      {
        ...home,
        kind: 'execution',
        stateMachineArn: machine,
        stateMachineName: 'orders',
        mapLabel: 'Fan',
        executionName: 'abc',
      },
    ],
    [
      `${p}:express:orders:run-1:0b1c`,
      {
        ...home,
        kind: 'express',
        stateMachineArn: machine,
        stateMachineName: 'orders',
        executionName: 'run-1',
        id: '0b1c',
      },
    ],
    [
      `${p}:mapRun:orders/Fan:0b1c`,
      { ...home, kind: 'mapRun', stateMachineArn: machine, stateMachineName: 'orders', mapLabel: 'Fan', id: '0b1c' },
    ],
    [
      `${p}:mapRun:orders:0b1c`,
      { ...home, kind: 'mapRun', stateMachineArn: machine, stateMachineName: 'orders', id: '0b1c' },
    ],
    [`${p}:activity:work`, { ...home, kind: 'activity', name: 'work' }],
  ];
}

describe('parseStatesArn', () => {
  for (const home of homes) {
    describe(home.partition, () => {
      it.each(kinds(home))('%s', (text, expected) => {
        expect(parseStatesArn(text)).toEqual({ ok: true, arn: expected });
      });
    });
  }

  const p = 'arn:aws:states:us-east-1:123456789012';
  const failures: [string, ArnProblem][] = [
    ['', { problem: 'prefix' }],
    ['not an arn', { problem: 'prefix' }],
    ['arn:aws:states:us-east-1:123456789012', { problem: 'prefix' }],
    ['arn::states:us-east-1:123456789012:stateMachine:x', { problem: 'prefix' }],
    ['arn:aws:lambda:us-east-1:123456789012:function:x', { problem: 'prefix' }],
    ['ARN:aws:states:us-east-1:123456789012:stateMachine:x', { problem: 'prefix' }],
    ['arn:aws:states:US-EAST-1:123456789012:stateMachine:x', { problem: 'malformed' }],
    ['arn:aws:states::123456789012:stateMachine:x', { problem: 'malformed' }],
    ['arn:aws:states:us-east-1:12345:stateMachine:x', { problem: 'malformed' }],
    ['arn:aws:states:us-east-1::activity:x', { problem: 'malformed' }],
    [`${p}:stateMachine`, { problem: 'malformed' }],
    [`${p}:stateMachine:`, { problem: 'malformed' }],
    [`${p}:stateMachine:bad name`, { problem: 'malformed' }],
    [`${p}:stateMachine:${'x'.repeat(81)}`, { problem: 'malformed' }],
    [`${p}:stateMachine:orders:0`, { problem: 'malformed' }],
    [`${p}:stateMachine:orders:01`, { problem: 'malformed' }],
    [`${p}:stateMachine:orders:12345678901`, { problem: 'malformed' }],
    [`${p}:stateMachine:orders:`, { problem: 'malformed' }],
    [`${p}:stateMachine:orders:bad!`, { problem: 'malformed' }],
    [`${p}:stateMachine:orders:1:extra`, { problem: 'malformed' }],
    [`${p}:execution:orders`, { problem: 'malformed' }],
    [`${p}:execution:orders:run:extra`, { problem: 'malformed' }],
    [`${p}:execution:/Fan:run`, { problem: 'malformed' }],
    [`${p}:express:orders:run`, { problem: 'malformed' }],
    [`${p}:express:orders:run:`, { problem: 'malformed' }],
    [`${p}:mapRun:orders/Fan`, { problem: 'malformed' }],
    [`${p}:activity`, { problem: 'malformed' }],
    [`${p}:activity:a:b`, { problem: 'malformed' }],
    [`${p}:function:x`, { problem: 'resourceType', resourceType: 'function' }],
    [`${p}:`, { problem: 'resourceType', resourceType: '' }],
  ];
  it.each(failures)('%j fails: %j', (text, problem) => {
    expect(parseStatesArn(text)).toEqual({ ok: false, ...problem });
  });
});

describe('formatters', () => {
  for (const home of homes) {
    it(`invert the parser in ${home.partition}`, () => {
      const [machine, version, , alias, , , execution, , express, mapRun, , activity] = kinds(home).map(
        ([text]) => text,
      );
      expect(formatStateMachineArn(home, 'orders')).toBe(machine);
      expect(formatStateMachineArn(home, 'orders', 1)).toBe(version);
      expect(formatStateMachineArn(home, 'orders', 'live')).toBe(alias);
      expect(formatExecutionArn(home, 'orders', 'run-1')).toBe(execution);
      expect(formatExpressArn(home, 'orders', 'run-1', '0b1c')).toBe(express);
      expect(formatMapRunArn(home, 'orders', 'Fan', '0b1c')).toBe(mapRun);
      expect(formatActivityArn(home, 'work')).toBe(activity);
    });
  }

  it('leaves an Express id out when there is none (TestState), and keeps an empty one', () => {
    const home = homes[0]!;
    expect(formatExpressArn(home, 'm', 'e')).toBe('arn:aws:states:us-east-1:123456789012:express:m:e');
    expect(formatExpressArn(home, 'm', 'e', '')).toBe('arn:aws:states:us-east-1:123456789012:express:m:e:');
  });
});

describe('lenient field readers', () => {
  const cases: [string, string | undefined, string | undefined, ArnHome][] = [
    [
      'arn:aws:states:us-east-1:123456789012:execution:m:e',
      'us-east-1',
      '123456789012',
      { partition: 'aws', region: 'us-east-1', account: '123456789012' },
    ],
    [
      'arn:aws-cn:lambda:cn-north-1:000000000000:function:f',
      'cn-north-1',
      '000000000000',
      { partition: 'aws-cn', region: 'cn-north-1', account: '000000000000' },
    ],
    ['arn:aws:states:::lambda:invoke', undefined, undefined, { partition: 'aws', region: '', account: '' }],
    [
      'arn:aws:iam::123456789012:role/R',
      undefined,
      '123456789012',
      { partition: 'aws', region: '', account: '123456789012' },
    ],
    ['', undefined, undefined, { partition: '', region: '', account: '' }],
  ];
  it.each(cases)('%j', (arn, region, account, home) => {
    expect(regionOf(arn)).toBe(region);
    expect(accountOf(arn)).toBe(account);
    expect(homeOf(arn)).toEqual(home);
  });
});

describe('isValidName', () => {
  it.each(['a', 'orders-2024_v1.0', 'x'.repeat(80), 'naïve', '日本'])('%j is valid', (name) =>
    expect(isValidName(name)).toBe(true),
  );
  it.each(['', 'x'.repeat(81), 'a b', 'a:b', 'a/b', 'a\u0007', '\ud800'])('%j is invalid', (name) =>
    expect(isValidName(name)).toBe(false),
  );
});
