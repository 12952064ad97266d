import { MAX_JSON_DEPTH } from '../../vocabulary/limits.js';
import type { Json, JsonObject } from '../../json.js';

/** Thrown when a result holds something JSON cannot carry (a function, a non-finite number). */
export class UnsupportedResultError extends Error {
  constructor() {
    super('unsupported result type');
    this.name = 'UnsupportedResultError';
  }
}

/** Thrown when a result nests deeper than MAX_JSON_DEPTH; its message names the limit. */
export class TooDeepResultError extends Error {
  constructor() {
    super(`the maximum result nesting depth of ${MAX_JSON_DEPTH}`);
    this.name = 'TooDeepResultError';
  }
}

function isFunctionLike(value: object): boolean {
  const record = value as Record<string, unknown>;
  return record._jsonata_lambda === true || record._jsonata_function === true;
}

/** jsonata marks its arrays (`sequence`, `keepSingleton`, `outerWrapper`, ...); a clean result has none of them. */
function hasExtraArrayProperties(array: unknown[]): boolean {
  return Object.keys(array).length !== array.length;
}

/**
 * Turn a jsonata result into plain JSON. Copy-on-write: values that are already plain JSON
 * (typically sub-trees of the input) are returned as they are, so nothing is cloned needlessly.
 * `undefined` members disappear as JSON.stringify would drop them.
 */
export function toJson(value: unknown, depth = 0): Json | undefined {
  switch (typeof value) {
    case 'undefined':
      return undefined;
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      if (!Number.isFinite(value)) throw new UnsupportedResultError();
      return Object.is(value, -0) ? 0 : value;
    case 'object':
      if (value === null) return null;
      if (depth >= MAX_JSON_DEPTH) throw new TooDeepResultError();
      if (Array.isArray(value)) return arrayToJson(value, depth + 1);
      if (isFunctionLike(value)) throw new UnsupportedResultError();
      return objectToJson(value as Record<string, unknown>, depth + 1);
    case 'bigint':
    case 'function':
    case 'symbol':
      throw new UnsupportedResultError();
  }
}

function arrayToJson(array: unknown[], depth: number): Json[] {
  let copy: Json[] | undefined = hasExtraArrayProperties(array) ? [] : undefined;
  for (let i = 0; i < array.length; i++) {
    const item = toJson(array[i], depth);
    if (copy === undefined && (item !== array[i] || item === undefined)) copy = array.slice(0, i) as Json[];
    if (copy !== undefined && item !== undefined) copy.push(item);
  }
  return copy ?? (array as Json[]);
}

function objectToJson(object: Record<string, unknown>, depth: number): JsonObject {
  let copy: JsonObject | undefined;
  const keys = Object.keys(object);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i];
    const member = toJson(object[key], depth);
    if (copy === undefined && (member !== object[key] || member === undefined)) {
      copy = {};
      for (let j = 0; j < i; j++) copy[keys[j]] = object[keys[j]] as Json;
    }
    if (copy !== undefined && member !== undefined) copy[key] = member;
  }
  return copy ?? (object as JsonObject);
}
