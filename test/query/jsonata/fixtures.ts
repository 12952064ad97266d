import type { Json } from '../../../src/json.js';
import type { JsonataBindings } from '../../../src/query/jsonata/index.js';
import type { QueryRuntime } from '../../../src/query/scope.js';

/** A deterministic runtime: a fixed clock, a scripted random sequence, numbered UUIDs. */
export function fakeRuntime(now = Date.UTC(2024, 2, 6, 10, 29, 14, 123)): QueryRuntime & { calls: string[] } {
  const calls: string[] = [];
  let uuids = 0;
  let randoms = 0;
  return {
    calls,
    now: () => {
      calls.push('now');
      return now;
    },
    random: () => {
      calls.push('random');
      return [0.25, 0.5, 0.75][randoms++ % 3];
    },
    uuid: () => {
      calls.push('uuid');
      return `00000000-0000-4000-8000-${String(++uuids).padStart(12, '0')}`;
    },
  };
}

export function bindings(
  input: Json = {},
  variables: Record<string, Json> = {},
  runtime: QueryRuntime = fakeRuntime(),
): JsonataBindings {
  return {
    states: { input, context: { Execution: { Name: 'exec' } } },
    variables: {
      lookup: (name) => (Object.prototype.hasOwnProperty.call(variables, name) ? variables[name] : undefined),
    },
    runtime,
  };
}
