import type { Json } from '../json.js';

/** The nondeterministic inputs an evaluation may need; injected so evaluation stays pure. */
export interface QueryRuntime {
  /** Epoch milliseconds. */
  now(): number;
  /** Uniform in [0, 1). */
  random(): number;
  /** A random (v4-shaped) UUID. */
  uuid(): string;
}

/** Workflow variables visible to a state: its own scope chained to the enclosing ones. */
export interface Variables {
  lookup(name: string): Json | undefined;
}

export const NO_VARIABLES: Variables = { lookup: () => undefined };

/** Everything a JSONPath-mode expression (path, payload template, intrinsic) can read. */
export interface EvalScope {
  /** `$`: the document the path applies to (the state input, the effective input, the result...). */
  input: Json;
  /** `$$`: the context object. */
  context: Json;
  /** `$name`: workflow variables. */
  variables: Variables;
  runtime: QueryRuntime;
}
