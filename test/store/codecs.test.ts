/**
 * The outbox and inbox codecs: typed commands and signals in, JSON out, and back; rows written
 * before the codecs (the command or signal object itself) read the same; anything else is reported.
 */
import { describe, expect, it } from 'vitest';
import type { Json } from '../../src/json.js';
import type { Signal } from '../../src/interpreter/types.js';
import {
  decodeInvokeTask,
  decodeSignal,
  encodeInvokeTask,
  encodeSignal,
  type InvokeTaskCommand,
} from '../../src/store/codecs.js';

const full: InvokeTaskCommand = {
  kind: 'invokeTask',
  taskId: 'task-3',
  resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
  parameters: { FunctionName: 'f', Payload: { n: [1, null] } },
  stateName: 'T',
  attempt: 2,
  timeoutSeconds: 60,
  heartbeatSeconds: 10,
  taskToken: 'token',
  credentials: { RoleArn: 'arn:aws:iam::123456789012:role/r' },
};
const bare: InvokeTaskCommand = {
  kind: 'invokeTask',
  taskId: 'task-1',
  resource: 'arn:aws:lambda:us-east-1:123456789012:function:f',
  parameters: null,
  stateName: 'T',
  attempt: 0,
};

const signals: Signal[] = [
  { kind: 'start', input: { a: 1 } },
  { kind: 'taskStarted', taskId: 'task-1' },
  { kind: 'taskStarted', taskId: 'task-1', workerName: 'w' },
  { kind: 'taskSucceeded', taskId: 'task-1', output: [1, 'two'] },
  { kind: 'taskFailed', taskId: 'task-1' },
  { kind: 'taskFailed', taskId: 'task-1', error: 'E', cause: 'C' },
  { kind: 'taskHeartbeat', taskId: 'task-1' },
  { kind: 'taskSubmitted', taskId: 'task-1', output: null },
  { kind: 'timerFired', timerId: 'timer-2' },
  { kind: 'stop' },
  { kind: 'stop', error: 'E', cause: 'C' },
  { kind: 'redrive' },
  { kind: 'fail', error: 'States.Runtime', cause: 'C' },
];

/** What the versions before the codecs stored: the object itself, through JSON. */
const asStoredBefore = (value: InvokeTaskCommand | Signal): Json => JSON.parse(JSON.stringify(value)) as Json;

describe('outbox command codec', () => {
  it.each([full, bare])('round-trips an invokeTask command, and reads the form stored before it', (command) => {
    expect(decodeInvokeTask(JSON.parse(JSON.stringify(encodeInvokeTask(command))) as Json)).toEqual({
      ok: true,
      value: command,
    });
    expect(decodeInvokeTask(asStoredBefore(command))).toEqual({ ok: true, value: command });
  });

  it.each<[string, Json, string]>([
    ['not an object', 'oops', 'The outbox command is not a JSON object: "oops"'],
    ['another kind', { ...bare, kind: 'startTimer' }, 'kind is "startTimer", not "invokeTask"'],
    ['a missing field', { kind: 'invokeTask', taskId: 't', parameters: {} }, 'resource is missing'],
    ['a field of the wrong type', { ...bare, attempt: '1' }, 'attempt is not a number'],
    ['a wrong optional field', { ...bare, taskToken: 7 }, 'taskToken is not a string'],
    [
      'no parameters',
      { kind: 'invokeTask', taskId: 't', resource: 'r', stateName: 'T', attempt: 0 },
      'parameters is missing',
    ],
  ])('reports %s, plainly', (_, json, problem) => {
    const decoded = decodeInvokeTask(json);
    expect(decoded.ok).toBe(false);
    if (!decoded.ok) expect(decoded.problem).toContain(problem);
  });
});

describe('inbox signal codec', () => {
  it.each(signals)('round-trips %o, and reads the form stored before it', (signal) => {
    expect(decodeSignal(JSON.parse(JSON.stringify(encodeSignal(signal))) as Json)).toEqual({ ok: true, value: signal });
    expect(decodeSignal(asStoredBefore(signal))).toEqual({ ok: true, value: signal });
  });

  it.each<[string, Json, string]>([
    ['not an object', [1], 'The inbox signal is not a JSON object: [1]'],
    ['an unknown kind', { kind: 'explode', error: 'E', cause: 'C' }, 'unknown kind "explode"'],
    ['a missing field', { kind: 'timerFired' }, 'timerId is missing'],
    ['a field of the wrong type', { kind: 'stop', error: 1 }, 'error is not a string'],
  ])('reports %s, plainly', (_, json, problem) => {
    const decoded = decodeSignal(json);
    expect(decoded.ok).toBe(false);
    if (!decoded.ok) expect(decoded.problem).toContain(problem);
  });
});
