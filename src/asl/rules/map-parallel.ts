import { isJsonObject, type Json, type JsonObject } from '../../json.js';
import { child, schemaError } from '../diagnostics.js';
import type { RuleContext, RuleFamily, ScopeVisit, StateVisit } from './context.js';
import { checkPath } from './query-syntax.js';
import { hasField, jsonataExpression, requiredError, typeError } from './values.js';

const SCOPE_FIELDS = ['StartAt', 'States', 'Comment'] as const;
const PROCESSOR_FIELDS = [...SCOPE_FIELDS, 'ProcessorConfig'] as const;

/** Parallel Branches and Map ItemProcessor/Iterator shapes, concurrency and failure tolerance. */
export const mapParallelRules: RuleFamily = {
  name: 'Map and Parallel',
  state(ctx, visit) {
    if (visit.type === 'Parallel') checkBranches(ctx, visit);
    if (visit.type === 'Map') checkMap(ctx, visit);
  },
};

/** The nested state sets of a Parallel or Map that are well-formed enough to walk. */
export function nestedScopes({ state, type, location }: StateVisit): ScopeVisit[] {
  const scopes: ScopeVisit[] = [];
  const add = (value: Json | undefined, at: string) => {
    if (isJsonObject(value) && typeof value.StartAt === 'string' && isJsonObject(value.States)) {
      scopes.push({ location: at, startAt: value.StartAt, states: value.States, topLevel: false });
    }
  };
  if (type === 'Parallel' && Array.isArray(state.Branches)) {
    state.Branches.forEach((branch, i) => add(branch, child(child(location, 'Branches'), i)));
  }
  if (type === 'Map') {
    for (const field of ['ItemProcessor', 'Iterator'] as const) add(state[field], child(location, field));
  }
  return scopes;
}

function checkScopeShape(ctx: RuleContext, value: Json, at: string, fields: readonly string[]): value is JsonObject {
  if (!isJsonObject(value)) {
    ctx.report(typeError(['OBJECT'], at));
    return false;
  }
  for (const field of Object.keys(value)) {
    if (!fields.includes(field)) ctx.report(schemaError(`Field '${field}' is not supported`, at));
  }
  const missing = ['States', 'StartAt'].filter((field) => !hasField(value, field));
  if (missing.length > 0) ctx.report(requiredError(missing, at));
  if (hasField(value, 'StartAt') && typeof value.StartAt !== 'string')
    ctx.report(typeError(['STRING'], child(at, 'StartAt')));
  if (hasField(value, 'States') && !isJsonObject(value.States)) ctx.report(typeError(['OBJECT'], child(at, 'States')));
  return true;
}

function checkBranches(ctx: RuleContext, { state, location }: StateVisit): void {
  const branches = state.Branches;
  if (branches === undefined) return;
  const at = child(location, 'Branches');
  if (!Array.isArray(branches)) return ctx.report(typeError(['ARRAY'], at));
  if (branches.length === 0) return ctx.report(schemaError('Branches must not be empty', at));
  branches.forEach((branch, i) => checkScopeShape(ctx, branch, child(at, i), SCOPE_FIELDS));
}

function checkMap(ctx: RuleContext, visit: StateVisit): void {
  const { state, location } = visit;
  const processors = (['ItemProcessor', 'Iterator'] as const).filter((field) => hasField(state, field));
  if (processors.length === 0) ctx.report(requiredError(['ItemProcessor'], location));
  if (processors.length === 2)
    ctx.report(schemaError('These fields are mutually exclusive: [ItemProcessor, Iterator]', location));
  for (const field of processors) {
    const at = child(location, field);
    const processor = state[field];
    // ProcessorConfig itself is judged with the other Distributed Map fields (distributed-map.ts).
    checkScopeShape(ctx, processor, at, PROCESSOR_FIELDS);
  }
  exclusive(ctx, visit, 'Items', 'ItemsPath');
  checkBound(ctx, visit, 'MaxConcurrency', 'MaxConcurrencyPath', Number.MAX_SAFE_INTEGER, true);
  checkBound(ctx, visit, 'ToleratedFailurePercentage', 'ToleratedFailurePercentagePath', 100, false);
  checkBound(ctx, visit, 'ToleratedFailureCount', 'ToleratedFailureCountPath', Number.MAX_SAFE_INTEGER, true);
  if (hasField(state, 'ItemsPath') && visit.language === 'JSONPath') {
    checkPath(ctx, state.ItemsPath, child(location, 'ItemsPath'), 'ItemsPath');
  }
}

function exclusive(ctx: RuleContext, { state, location }: StateVisit, a: string, b: string): boolean {
  if (!hasField(state, a) || !hasField(state, b)) return false;
  ctx.report(schemaError(`These fields are mutually exclusive: [${a}, ${b}]`, child(location, a)));
  return true;
}

function checkBound(
  ctx: RuleContext,
  visit: StateVisit,
  field: string,
  pathField: string,
  max: number,
  integer: boolean,
): void {
  const { state, location, language } = visit;
  if (exclusive(ctx, visit, field, pathField)) return;
  if (hasField(state, pathField) && language === 'JSONPath') {
    checkPath(ctx, state[pathField], child(location, pathField), pathField);
  }
  if (!hasField(state, field)) return;
  const value = state[field];
  const at = child(location, field);
  if (language === 'JSONata' && jsonataExpression(value) !== undefined) return;
  if (typeof value !== 'number' || (integer && !Number.isInteger(value))) {
    return ctx.report(typeError([integer ? 'INTEGER' : 'NUMBER'], at));
  }
  if (value < 0) ctx.report(schemaError('Minimum value is 0', at));
  else if (value > max) ctx.report(schemaError(`Maximum value is ${max}`, at));
}
