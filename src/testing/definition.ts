/**
 * What the testing tools need to know about a definition: every state by name (ASL state names
 * are unique across the whole machine, nested ones included), its type, the Parallel/Map state
 * whose branch holds it, and the Task resources used.
 */
import { isJsonObject, type Json, type JsonObject } from '../json.js';

export interface StateInfo {
  name: string;
  type: string;
  definition: JsonObject;
  /** The Parallel or Map state whose branch or item processor holds it; undefined at the top level. */
  scope?: string;
  /** For a state inside a Parallel: the branch index. */
  branch?: number;
}

export interface DefinitionIndex {
  startAt?: string;
  states: Map<string, StateInfo>;
  /** Top-level state names, in definition order. */
  topLevel: string[];
  /** Every Task's Resource. */
  resources: Set<string>;
}

export function indexDefinition(definition: Json): DefinitionIndex {
  const index: DefinitionIndex = { states: new Map(), topLevel: [], resources: new Set() };
  if (!isJsonObject(definition)) return index;
  if (typeof definition.StartAt === 'string') index.startAt = definition.StartAt;
  walk(definition, undefined, undefined, index);
  return index;
}

function walk(
  scopeDefinition: JsonObject,
  scope: string | undefined,
  branch: number | undefined,
  index: DefinitionIndex,
) {
  const states = isJsonObject(scopeDefinition.States) ? scopeDefinition.States : {};
  for (const [name, state] of Object.entries(states)) {
    if (!isJsonObject(state)) continue;
    const type = typeof state.Type === 'string' ? state.Type : 'Pass';
    index.states.set(name, {
      name,
      type,
      definition: state,
      ...(scope !== undefined ? { scope } : {}),
      ...(branch !== undefined ? { branch } : {}),
    });
    if (scope === undefined) index.topLevel.push(name);
    if (type === 'Task' && typeof state.Resource === 'string') index.resources.add(state.Resource);
    if (type === 'Parallel' && Array.isArray(state.Branches)) {
      state.Branches.forEach((b, i) => {
        if (isJsonObject(b)) walk(b, name, i, index);
      });
    }
    if (type === 'Map') {
      const processor = state.ItemProcessor ?? state.Iterator;
      if (isJsonObject(processor)) walk(processor, name, undefined, index);
    }
  }
}

/** The ErrorEquals of a Retry or Catch rule matches `error` (States.ALL; States.TaskFailed but not for States.Timeout). */
export function errorMatches(errorEquals: Json | undefined, error: string | undefined): boolean {
  if (!Array.isArray(errorEquals)) return false;
  return errorEquals.some(
    (name) =>
      name === 'States.ALL' ||
      (error !== undefined && name === error) ||
      (name === 'States.TaskFailed' &&
        error !== undefined &&
        error !== 'States.Timeout' &&
        !error.startsWith('States.Runtime')),
  );
}

/** A state's Retry or Catch rules (objects only). */
export function rules(state: JsonObject, field: 'Retry' | 'Catch'): JsonObject[] {
  const value = state[field];
  return Array.isArray(value) ? value.filter(isJsonObject) : [];
}
