import { jsonTooDeep, tooDeepMessage } from '../../vocabulary/json-depth.js';
import { runtimeError } from '../../vocabulary/states-errors.js';
import { createHash } from 'node:crypto';
import type jsonata from 'jsonata';
import type { QueryRuntime } from '../scope.js';
import { seededRandom } from './seeded-random.js';

/**
 * The functions Step Functions adds to JSONata ("JSONata functions provided by Step Functions"):
 * $partition, $range, $hash, $random, $uuid, $parse; and `$eval`, which it removes.
 * The pure ones are registered once per compiled expression; the ones that read the clock or
 * randomness are bound per evaluation from `bindings.runtime` so a fake runtime makes them deterministic.
 */

/**
 * An error from one of these functions. jsonata replaces the message of any error whose code it
 * knows by its own template, so only errors that mirror a jsonata error carry a code.
 */
function functionError(message: string, jsonataError?: { code: string; index?: number; token?: string }): Error {
  return Object.assign(new Error(message), jsonataError);
}

/** A sequence in jsonata's sense: a one-element result collapses to its item, as AWS's `$range(1, 9, 9)` gives `1`. */
function sequence<T>(items: T[]): T[] {
  Object.defineProperty(items, 'sequence', { value: true, enumerable: false });
  return items;
}

function partition(array: unknown[], size: number): unknown[][] {
  if (!Number.isInteger(size) || size <= 0) {
    throw functionError(`The second argument of the partition function must be a positive integer. Given ${size}`);
  }
  const chunks: unknown[][] = [];
  for (let i = 0; i < array.length; i += size) chunks.push(array.slice(i, i + size));
  return chunks;
}

const MAX_RANGE_ITEMS = 1000;

function range(start: number, end: number, step = 1): number[] {
  if (![start, end, step].every(Number.isInteger)) {
    throw functionError('The arguments of the range function must be integers');
  }
  if (step === 0) throw functionError('The step of the range function must not be zero');
  const items: number[] = [];
  for (let n = start; step > 0 ? n <= end : n >= end; n += step) {
    if (items.length === MAX_RANGE_ITEMS) {
      throw functionError(`The range function cannot produce more than ${MAX_RANGE_ITEMS} items`);
    }
    items.push(n);
  }
  return sequence(items);
}

export const HASH_ALGORITHMS = {
  MD5: 'md5',
  'SHA-1': 'sha1',
  'SHA-256': 'sha256',
  'SHA-384': 'sha384',
  'SHA-512': 'sha512',
} as const;
export type HashAlgorithm = keyof typeof HASH_ALGORITHMS;

function isHashAlgorithm(name: string): name is HashAlgorithm {
  return Object.prototype.hasOwnProperty.call(HASH_ALGORITHMS, name);
}

function hash(data: string, algorithm: string): string {
  if (!isHashAlgorithm(algorithm)) {
    const supported = Object.keys(HASH_ALGORITHMS).join(', ');
    throw functionError(`The hash algorithm '${algorithm}' is not supported. Supported: ${supported}`);
  }
  return createHash(HASH_ALGORITHMS[algorithm]).update(data, 'utf8').digest('hex');
}

function parse(text: string): unknown {
  if (jsonTooDeep(text)) throw runtimeError(tooDeepMessage('The argument of the parse function'));
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw functionError(`The argument of the parse function is not valid JSON: ${(error as Error).message}`);
  }
}

function evalUnavailable(): never {
  throw functionError('Attempted to invoke a non-function', { code: 'T1006' });
}

/** Registered once on each compiled expression (no per-evaluation state). */
export function registerStepFunctionsExtras(expression: jsonata.Expression): void {
  expression.registerFunction('partition', partition, '<an:a>');
  expression.registerFunction('range', range, '<nnn?:a<n>>');
  expression.registerFunction('hash', hash, '<ss:s>');
  expression.registerFunction('parse', parse, '<s:x>');
  expression.registerFunction('eval', evalUnavailable);
}

/** Names of the functions that need the runtime; bound per evaluation only when the expression mentions them. */
export const RUNTIME_FUNCTIONS = ['now', 'millis', 'random', 'uuid'] as const;
export type RuntimeFunctionName = (typeof RUNTIME_FUNCTIONS)[number];

/**
 * jsonata's own function shape: it calls `implementation` with the focus (environment, input) as
 * `this`, which a plain JS function in the bindings would not get.
 */
export interface JsonataNativeFunction {
  readonly _jsonata_function: true;
  readonly implementation: (this: jsonata.Focus, ...args: never[]) => unknown;
}

function native(implementation: JsonataNativeFunction['implementation']): JsonataNativeFunction {
  return { _jsonata_function: true, implementation };
}

/** jsonata's built-in `$fromMillis`, used to format `$now(picture, timezone)` exactly as jsonata does. */
function fromMillis(focus: jsonata.Focus, millis: number, picture?: string, timezone?: string): unknown {
  const builtin: unknown = focus.environment.lookup('fromMillis');
  if (
    typeof builtin === 'object' &&
    builtin !== null &&
    'implementation' in builtin &&
    typeof builtin.implementation === 'function'
  ) {
    return (builtin.implementation as (...args: unknown[]) => unknown).call(focus, millis, picture, timezone);
  }
  return new Date(millis).toISOString();
}

/** The runtime-backed functions for one evaluation. `$now()` and `$millis()` read the clock once per evaluation, as in jsonata. */
export function runtimeFunctions(runtime: QueryRuntime): Record<RuntimeFunctionName, JsonataNativeFunction> {
  let instant: number | undefined;
  const now = (): number => (instant ??= runtime.now());
  return {
    now: native(function (this: jsonata.Focus, picture?: string, timezone?: string) {
      return fromMillis(this, now(), picture, timezone);
    }),
    millis: native(() => now()),
    random: native((seed?: unknown) => {
      if (seed === undefined) return runtime.random();
      if (typeof seed !== 'number' || !Number.isFinite(seed)) {
        throw functionError('Argument 1 of function "random" does not match function signature', {
          code: 'T0410',
          index: 1,
          token: 'random',
        });
      }
      return seededRandom(seed);
    }),
    uuid: native(() => runtime.uuid()),
  };
}
