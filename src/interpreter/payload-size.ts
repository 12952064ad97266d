/**
 * Payload size limits. Step Functions rejects state inputs and outputs over 256 KiB
 * (States.DataLimitExceeded). Measured as the UTF-8 length of the JSON text, without building it,
 * and stopping as soon as the limit is passed.
 */
import type { Json } from '../json.js';
import { PAYLOAD_LIMIT_BYTES } from '../vocabulary/limits.js';
import { StatesErrors } from '../vocabulary/states-errors.js';
import { tooDeepMessage, valueTooDeep } from '../vocabulary/json-depth.js';
import type { Outcome } from './outcome.js';
import type { Frame } from './types.js';

/** AWS's cause for a state whose result is over the quota. */
export function resultTooLargeCause(stateName: string): string {
  return `The state/task '${stateName}' returned a result with a size exceeding the maximum number of bytes service limit.`;
}

export function exceedsPayloadLimit(value: Json, limit = PAYLOAD_LIMIT_BYTES): boolean {
  let size = 0;
  const stack: Json[] = [value];
  while (stack.length > 0) {
    const v = stack.pop() as Json;
    if (v === null) size += 4;
    else if (typeof v === 'boolean') size += v ? 4 : 5;
    else if (typeof v === 'number') size += String(v).length;
    else if (typeof v === 'string') size += utf8Length(v) + 2;
    else if (Array.isArray(v)) {
      size += 2 + Math.max(0, v.length - 1);
      for (const item of v) stack.push(item);
    } else {
      const keys = Object.keys(v);
      size += 2 + Math.max(0, keys.length - 1);
      for (const k of keys) {
        size += utf8Length(k) + 3;
        stack.push(v[k] as Json);
      }
    }
    if (size > limit) return true;
  }
  return false;
}

function utf8Length(s: string): number {
  // Fast path for ASCII, exact for the rest (escapes are ignored: a close lower bound is enough here).
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x80) n += c >= 0x800 && (c < 0xd800 || c > 0xdfff) ? 2 : 1;
  }
  return n;
}

/**
 * An output over the payload quota fails the state with States.DataLimitExceeded. An output that
 * is the state's input unchanged was already measured when it was produced.
 */
export function checkOutput(frame: Frame, outcome: Outcome): Outcome {
  // Deeper than MAX_JSON_DEPTH (a JSONata result, a task's result): no recursive printer may see it.
  if (
    (outcome.kind === 'next' || outcome.kind === 'end') &&
    outcome.output !== frame.stateInput &&
    valueTooDeep(outcome.output)
  ) {
    return {
      kind: 'error',
      error: StatesErrors.Runtime,
      cause: tooDeepMessage(`The output of the state '${frame.stateName}'`),
    };
  }
  if (
    (outcome.kind === 'next' || outcome.kind === 'end') &&
    outcome.output !== frame.stateInput &&
    exceedsPayloadLimit(outcome.output)
  ) {
    return {
      kind: 'error',
      error: StatesErrors.DataLimitExceeded,
      cause: resultTooLargeCause(frame.stateName),
      quiet: true,
    };
  }
  return outcome;
}
