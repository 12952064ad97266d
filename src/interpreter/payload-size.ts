/**
 * Payload size limits. Step Functions rejects state inputs and outputs over 256 KiB
 * (States.DataLimitExceeded). Measured as the UTF-8 length of the JSON text, without building it,
 * and stopping as soon as the limit is passed.
 */
import type { Json } from '../json.js';
import { MAX_JSON_DEPTH, PAYLOAD_LIMIT_BYTES } from '../vocabulary/limits.js';
import { StatesErrors } from '../vocabulary/states-errors.js';
import { tooDeepMessage } from '../vocabulary/json-depth.js';
import type { Outcome } from './outcome.js';
import type { Frame } from './types.js';

/** AWS's cause for a state whose result is over the quota. */
export function resultTooLargeCause(stateName: string): string {
  return `The state/task '${stateName}' returned a result with a size exceeding the maximum number of bytes service limit.`;
}

/** What one walk over a value finds: it fits, its JSON text is over the quota, or it nests too deep to print. */
export type PayloadVerdict = 'fits' | 'too large' | 'too deep';

/**
 * Measures a value in one iterative walk. Too deep wins over too large: a value nested deeper than
 * `depthLimit` must not reach a recursive printer (an event's details, a store) at all, so once the
 * size is over the quota the walk goes on only to look for depth. With `depthLimit` Infinity it
 * stops as soon as the size is over.
 */
export function measurePayload(value: Json, limit = PAYLOAD_LIMIT_BYTES, depthLimit = MAX_JSON_DEPTH): PayloadVerdict {
  let size = 0;
  let tooLarge = false;
  const values: Json[] = [value];
  const depths: number[] = [0];
  while (values.length > 0) {
    const v = values.pop() as Json;
    const depth = depths.pop() as number;
    if (typeof v === 'object' && v !== null) {
      if (depth >= depthLimit) return 'too deep';
      const children = Array.isArray(v) ? v : Object.values(v);
      for (const child of children) {
        values.push(child);
        depths.push(depth + 1);
      }
    }
    if (tooLarge) continue;
    size += ownSize(v);
    if (size > limit) {
      if (depthLimit === Infinity) return 'too large';
      tooLarge = true;
    }
  }
  return tooLarge ? 'too large' : 'fits';
}

/** The UTF-8 length a value's JSON text spends on itself: brackets, commas, keys; not its members. */
function ownSize(v: Json): number {
  if (v === null) return 4;
  if (typeof v === 'boolean') return v ? 4 : 5;
  if (typeof v === 'number') return String(v).length;
  if (typeof v === 'string') return utf8Length(v) + 2;
  if (Array.isArray(v)) return 2 + Math.max(0, v.length - 1);
  let size = 2;
  const keys = Object.keys(v);
  size += Math.max(0, keys.length - 1);
  for (const k of keys) size += utf8Length(k) + 3;
  return size;
}

export function exceedsPayloadLimit(value: Json, limit = PAYLOAD_LIMIT_BYTES): boolean {
  return measurePayload(value, limit, Infinity) === 'too large';
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
  if ((outcome.kind !== 'next' && outcome.kind !== 'end') || outcome.output === frame.stateInput) return outcome;
  switch (measurePayload(outcome.output)) {
    case 'fits':
      return outcome;
    case 'too deep':
      // A JSONata result, a task's result: no recursive printer may see it.
      return {
        kind: 'error',
        error: StatesErrors.Runtime,
        cause: tooDeepMessage(`The output of the state '${frame.stateName}'`),
      };
    case 'too large':
      return {
        kind: 'error',
        error: StatesErrors.DataLimitExceeded,
        cause: resultTooLargeCause(frame.stateName),
        quiet: true,
      };
  }
}
