import { isJsonObject, type Json } from '../../json.js';
import { child, schemaError } from '../diagnostics.js';
import { parseResourceArn } from '../../vocabulary/resource.js';
import type { RuleContext, RuleFamily, StateVisit } from './context.js';
import { checkPath } from './query-syntax.js';
import { hasField, jsonataExpression, typeError } from './values.js';

/** Task: Resource ARN forms, Express restrictions, Credentials, timeouts and heartbeats. */
export const taskRules: RuleFamily = {
  name: 'Task',
  state(ctx, visit) {
    if (visit.type !== 'Task') return;
    checkResource(ctx, visit);
    checkCredentials(ctx, visit);
    const timeout = checkSeconds(ctx, visit, 'TimeoutSeconds', 'TimeoutSecondsPath');
    const heartbeat = checkSeconds(ctx, visit, 'HeartbeatSeconds', 'HeartbeatSecondsPath');
    if (timeout !== undefined && heartbeat !== undefined && heartbeat > timeout) {
      ctx.report(
        schemaError(
          'HeartbeatSeconds must not be greater than TimeoutSeconds',
          child(visit.location, 'HeartbeatSeconds'),
        ),
      );
    }
  },
};

function checkResource(ctx: RuleContext, { state, location }: StateVisit): void {
  const resource = state.Resource;
  if (resource === undefined) return;
  const at = child(location, 'Resource');
  if (typeof resource !== 'string') return ctx.report(typeError(['STRING'], at));
  const arn = parseResourceArn(resource);
  if (arn === undefined) {
    return ctx.report(
      schemaError(
        `The resource provided ${resource} is not recognized. The value is not a valid resource ARN, or the resource is not available in this region.`,
        at,
      ),
    );
  }
  if (ctx.stateMachineType !== 'EXPRESS' || (arn.kind !== 'integration' && arn.kind !== 'aws-sdk')) return;
  if (arn.pattern === 'sync' || arn.pattern === 'sync:2') {
    ctx.report(schemaError("Express state machine does not support '.sync' service integration", at));
  } else if (arn.pattern === 'waitForTaskToken') {
    // AWS's text really ends with a space.
    ctx.report(schemaError("Express state machine does not support '.waitForTaskToken' service integration ", at));
  }
}

function checkCredentials(ctx: RuleContext, { state, location }: StateVisit): void {
  if (!hasField(state, 'Credentials')) return;
  const at = child(location, 'Credentials');
  const credentials = state.Credentials;
  if (!isJsonObject(credentials)) return ctx.report(typeError(['OBJECT'], at));
  if (!hasField(credentials, 'RoleArn') && !hasField(credentials, 'RoleArn.$')) {
    ctx.report(schemaError("The field 'RoleArn' is required but was missing", at));
  }
}

/** Returns the literal value when it is a valid one, for the heartbeat/timeout comparison. */
function checkSeconds(ctx: RuleContext, visit: StateVisit, field: string, pathField: string): number | undefined {
  const { state, location, language } = visit;
  if (hasField(state, field) && hasField(state, pathField)) {
    ctx.report(schemaError(`These fields are mutually exclusive: [${field}, ${pathField}]`, location));
  }
  if (hasField(state, pathField) && language === 'JSONPath')
    checkPath(ctx, state[pathField], child(location, pathField), pathField);
  if (!hasField(state, field)) return undefined;
  const value: Json = state[field];
  if (language === 'JSONata' && jsonataExpression(value) !== undefined) return undefined;
  const at = child(location, field);
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    ctx.report(typeError(['INTEGER'], at));
    return undefined;
  }
  if (value < 1) {
    ctx.report(schemaError('Minimum value is 1', at));
    return undefined;
  }
  return value;
}
