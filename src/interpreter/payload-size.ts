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
 * Measures a value in one walk. Too deep wins over too large: a value nested deeper than
 * `depthLimit` must not reach a recursive printer (an event's details, a store) at all, so once the
 * size is over the quota the walk goes on only to look for depth. With `depthLimit` Infinity it
 * stops as soon as the size is over.
 *
 * The walk recurses: it never goes deeper than `depthLimit` (512) frames, and it allocates nothing
 * per value, where a walk with its own stack paid two array pushes per member and an
 * `Object.values` copy per object (a 100-item Map spent 14% of its time there).
 */
export function measurePayload(value: Json, limit = PAYLOAD_LIMIT_BYTES, depthLimit = MAX_JSON_DEPTH): PayloadVerdict {
  // First with an upper bound for fractional numbers (printing each costs more than the rest of the
  // walk); only a value that may be over the quota is measured exactly.
  const bounded = new PayloadWalk(limit, depthLimit, false);
  bounded.visit(value, 0);
  if (bounded.tooDeep) return 'too deep';
  if (bounded.size <= limit) return 'fits';
  const walk = new PayloadWalk(limit, depthLimit, true);
  walk.visit(value, 0);
  return walk.tooDeep ? 'too deep' : walk.size > limit ? 'too large' : 'fits';
}

/** The longest JSON text of a number (e.g. -1.2345678901234567e-308). */
const MAX_NUMBER_LENGTH = 24;

class PayloadWalk {
  size = 0;
  tooDeep = false;

  constructor(
    private readonly limit: number,
    private readonly depthLimit: number,
    /** False: a number that is not a small integer counts as MAX_NUMBER_LENGTH, an upper bound. */
    private readonly exact: boolean,
  ) {}

  /** Adds the value's JSON length to `size`; false once the walk may stop. */
  visit(v: Json, depth: number): boolean {
    if (typeof v === 'string') this.size += utf8Length(v) + 2;
    else if (typeof v === 'number') this.size += numberLength(v, this.exact);
    else if (typeof v === 'boolean') this.size += v ? 4 : 5;
    else if (v === null) this.size += 4;
    else {
      if (depth >= this.depthLimit) {
        this.tooDeep = true;
        return false;
      }
      if (Array.isArray(v)) {
        this.size += v.length > 0 ? v.length + 1 : 2;
        for (let i = 0; i < v.length; i++) if (!this.visit(v[i] as Json, depth + 1)) return false;
      } else {
        let members = 0;
        for (const key in v) {
          members++;
          this.size += utf8Length(key) + 3;
          if (!this.visit(v[key] as Json, depth + 1)) return false;
        }
        this.size += members > 0 ? members + 1 : 2;
      }
    }
    // Over the quota, only a depth verdict is left to find, and with Infinity none is asked for.
    return !(this.size > this.limit && this.depthLimit === Infinity);
  }
}

/** The length of a number's JSON text (small integers without building the string), or a bound if not `exact`. */
function numberLength(n: number, exact: boolean): number {
  if (Number.isInteger(n) && n >= 0 && n < 1e15) {
    let digits = 1;
    for (let rest = n; rest >= 10; rest = Math.floor(rest / 10)) digits++;
    return digits;
  }
  return exact ? String(n).length : MAX_NUMBER_LENGTH;
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
