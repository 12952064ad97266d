/**
 * The interpreter's commands and signals as the store keeps them: an outbox row's `command`
 * (TaskRecord, ClaimedTask) and an inbox row's `signal` (InboxSignal) are JSON. Encoding builds
 * that JSON field by field; decoding checks the shape and gives the typed value back, or says
 * what is wrong, so a row written by another version or damaged by hand is reported, not trusted.
 *
 * Rows written before these codecs are the same JSON (the command or signal object itself), so
 * they decode unchanged. A new optional field must decode as absent from older rows.
 */
import { isJsonObject, type Json, type JsonObject } from '../json.js';
import type { Command, Signal } from '../interpreter/types.js';
import { assertNever } from '../vocabulary/states-errors.js';

export type InvokeTaskCommand = Extract<Command, { kind: 'invokeTask' }>;

export type Decoded<T> = { ok: true; value: T } | { ok: false; problem: string };

export function encodeInvokeTask(command: InvokeTaskCommand): JsonObject {
  const json: JsonObject = {
    kind: command.kind,
    taskId: command.taskId,
    resource: command.resource,
    parameters: command.parameters,
    stateName: command.stateName,
    attempt: command.attempt,
  };
  if (command.timeoutSeconds !== undefined) json.timeoutSeconds = command.timeoutSeconds;
  if (command.heartbeatSeconds !== undefined) json.heartbeatSeconds = command.heartbeatSeconds;
  if (command.taskToken !== undefined) json.taskToken = command.taskToken;
  if (command.credentials !== undefined) json.credentials = command.credentials;
  return json;
}

export function decodeInvokeTask(json: Json): Decoded<InvokeTaskCommand> {
  return decode('outbox command', json, (r) => {
    r.kind('invokeTask');
    const command: InvokeTaskCommand = {
      kind: 'invokeTask',
      taskId: r.string('taskId'),
      resource: r.string('resource'),
      parameters: r.json('parameters'),
      stateName: r.string('stateName'),
      attempt: r.number('attempt'),
    };
    const timeoutSeconds = r.optionalNumber('timeoutSeconds');
    const heartbeatSeconds = r.optionalNumber('heartbeatSeconds');
    const taskToken = r.optionalString('taskToken');
    const credentials = r.optionalJson('credentials');
    if (timeoutSeconds !== undefined) command.timeoutSeconds = timeoutSeconds;
    if (heartbeatSeconds !== undefined) command.heartbeatSeconds = heartbeatSeconds;
    if (taskToken !== undefined) command.taskToken = taskToken;
    if (credentials !== undefined) command.credentials = credentials;
    return command;
  });
}

export function encodeSignal(signal: Signal): JsonObject {
  switch (signal.kind) {
    case 'start':
      return { kind: signal.kind, input: signal.input };
    case 'taskStarted':
      return withOptional({ kind: signal.kind, taskId: signal.taskId }, { workerName: signal.workerName });
    case 'taskSucceeded':
    case 'taskSubmitted':
      return { kind: signal.kind, taskId: signal.taskId, output: signal.output };
    case 'taskFailed':
      return withOptional({ kind: signal.kind, taskId: signal.taskId }, { error: signal.error, cause: signal.cause });
    case 'taskHeartbeat':
      return { kind: signal.kind, taskId: signal.taskId };
    case 'timerFired':
      return { kind: signal.kind, timerId: signal.timerId };
    case 'stop':
      return withOptional({ kind: signal.kind }, { error: signal.error, cause: signal.cause });
    case 'redrive':
      return { kind: signal.kind };
    case 'fail':
      return { kind: signal.kind, error: signal.error, cause: signal.cause };
    default:
      return assertNever(signal, 'signal');
  }
}

/** The object with the optional string fields that are set. */
function withOptional(json: JsonObject, optional: Record<string, string | undefined>): JsonObject {
  for (const [key, value] of Object.entries(optional)) if (value !== undefined) json[key] = value;
  return json;
}

export function decodeSignal(json: Json): Decoded<Signal> {
  return decode('inbox signal', json, (r): Signal => {
    const kind = r.string('kind');
    switch (kind) {
      case 'start':
        return { kind, input: r.json('input') };
      case 'taskStarted': {
        const workerName = r.optionalString('workerName');
        return { kind, taskId: r.string('taskId'), ...(workerName !== undefined ? { workerName } : {}) };
      }
      case 'taskSucceeded':
      case 'taskSubmitted':
        return { kind, taskId: r.string('taskId'), output: r.json('output') };
      case 'taskFailed':
        return { kind, taskId: r.string('taskId'), ...r.errorAndCause() };
      case 'taskHeartbeat':
        return { kind, taskId: r.string('taskId') };
      case 'timerFired':
        return { kind, timerId: r.string('timerId') };
      case 'stop':
        return { kind, ...r.errorAndCause() };
      case 'redrive':
        return { kind };
      case 'fail':
        return { kind, error: r.string('error'), cause: r.string('cause') };
      default:
        throw new Malformed(`unknown kind ${JSON.stringify(kind)}`);
    }
  });
}

class Malformed extends Error {}

/** Reads the fields of one JSON object, throwing Malformed at the first that is missing or of the wrong type. */
class FieldReader {
  constructor(private readonly object: JsonObject) {}

  kind(expected: string): void {
    const kind = this.object.kind;
    if (kind !== expected) throw new Malformed(`kind is ${JSON.stringify(kind)}, not ${JSON.stringify(expected)}`);
  }

  string(key: string): string {
    const value = this.optionalString(key);
    if (value === undefined) throw new Malformed(`${key} is missing`);
    return value;
  }

  optionalString(key: string): string | undefined {
    const value = this.object[key];
    if (value === undefined || typeof value === 'string') return value;
    throw new Malformed(`${key} is not a string`);
  }

  number(key: string): number {
    const value = this.optionalNumber(key);
    if (value === undefined) throw new Malformed(`${key} is missing`);
    return value;
  }

  optionalNumber(key: string): number | undefined {
    const value = this.object[key];
    if (value === undefined || typeof value === 'number') return value;
    throw new Malformed(`${key} is not a number`);
  }

  json(key: string): Json {
    const value = this.object[key];
    if (value === undefined) throw new Malformed(`${key} is missing`);
    return value;
  }

  optionalJson(key: string): Json | undefined {
    return this.object[key];
  }

  errorAndCause(): { error?: string; cause?: string } {
    const error = this.optionalString('error');
    const cause = this.optionalString('cause');
    return { ...(error !== undefined ? { error } : {}), ...(cause !== undefined ? { cause } : {}) };
  }
}

function decode<T>(what: string, json: Json, read: (reader: FieldReader) => T): Decoded<T> {
  if (!isJsonObject(json)) return { ok: false, problem: `The ${what} is not a JSON object: ${preview(json)}` };
  try {
    return { ok: true, value: read(new FieldReader(json)) };
  } catch (e) {
    if (e instanceof Malformed)
      return { ok: false, problem: `The ${what} is malformed (${e.message}): ${preview(json)}` };
    throw e;
  }
}

function preview(json: Json): string {
  const text = JSON.stringify(json);
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}
