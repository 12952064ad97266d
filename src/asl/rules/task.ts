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
    checkHttpConnection(ctx, visit);
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

/**
 * An HTTP Task (`arn:aws:states:::http:invoke`) must name its EventBridge connection: "You must
 * include the connection ARN in any HTTP Task" (developer guide, "Call HTTPS APIs"; `Authentication`
 * and its `ConnectionArn` are listed as required). AWS refuses the definition at CreateStateMachine;
 * its exact message is not documented, so this uses the wording of AWS's other missing-field errors.
 * Only literal Parameters/Arguments objects are judged (an expression may supply the field), and
 * `InvocationConfig.ConnectionArn` is accepted in its place.
 */
function checkHttpConnection(ctx: RuleContext, { state, location, language }: StateVisit): void {
  if (typeof state.Resource !== 'string' || !state.Resource.endsWith(':states:::http:invoke')) return;
  const field = language === 'JSONata' ? 'Arguments' : 'Parameters';
  const parameters = state[field];
  if (!isJsonObject(parameters)) return;
  const dynamic = (key: string) =>
    hasField(parameters, `${key}.$`) || jsonataExpression(parameters[key] ?? null) !== undefined;
  if (dynamic('Authentication') || dynamic('InvocationConfig')) return;
  const auth = parameters.Authentication ?? parameters.InvocationConfig;
  const at = child(location, field);
  if (auth === undefined) return ctx.report(schemaError("The field 'Authentication' is required but was missing", at));
  if (!isJsonObject(auth)) return;
  if (!hasField(auth, 'ConnectionArn') && !hasField(auth, 'ConnectionArn.$')) {
    const which = hasField(parameters, 'Authentication') ? 'Authentication' : 'InvocationConfig';
    ctx.report(schemaError("The field 'ConnectionArn' is required but was missing", child(at, which)));
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
