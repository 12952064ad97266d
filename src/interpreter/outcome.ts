/** What running a state leads to, and the helpers every state uses to say so. */
import type { Json, JsonObject } from '../json.js';
import type { CompiledState } from './compiled.js';
import type { Transition } from './types.js';

/** What processing a state (or resuming it) leads to. */
export type Outcome =
  | { kind: 'next'; next: string; output: Json; assigned?: JsonObject }
  | { kind: 'end'; output: Json; assigned?: JsonObject }
  | { kind: 'blocked' }
  | ErrorOutcome;

/** `quiet`: no `<Type>StateFailed` event (States.Runtime failures end the execution without one). */
export type ErrorOutcome = { kind: 'error'; error?: string; cause?: string; quiet?: boolean };

/** JSONPath states finish synchronously; only JSONata evaluation is asynchronous. */
export type MaybePromise<T> = T | Promise<T>;

export interface ProcessOptions {
  /** Re-running the state after a retry backoff: no new Entered event was written. */
  retry?: boolean;
}

export function transition(state: CompiledState, t: Transition): Outcome {
  if (t.next !== undefined) return { kind: 'next', next: t.next, output: t.output, assigned: t.assigned };
  if (state.end || state.type === 'Succeed' || state.next === undefined)
    return { kind: 'end', output: t.output, assigned: t.assigned };
  return { kind: 'next', next: state.next, output: t.output, assigned: t.assigned };
}

/** Applies `f` to a value that may still be on its way. */
export function andThen<T, U>(value: MaybePromise<T>, f: (v: T) => MaybePromise<U>): MaybePromise<U> {
  return value instanceof Promise ? value.then(f) : f(value);
}
