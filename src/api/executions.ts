/** What the execution operations share: reading names and inputs, and describing executions. */
import type { StartRequest } from '../engine/engine.js';
import type { ExecutionDescription, Target } from '../engine/executions.js';
import type { ExecutionRecord, ExecutionSummary } from '../store/types.js';
import { seconds, type ApiContext } from './context.js';
import { ApiError, invalidName, stateMachineDoesNotExist } from './errors.js';
import { Limits, type Request } from './request.js';
import { getExecution } from './resolve.js';

export interface StartMembers {
  stateMachineArn: string;
  name?: string;
  input: string;
}

export function readStartMembers(request: Request): StartMembers {
  return {
    stateMachineArn: request.requiredString('stateMachineArn', Limits.arn),
    name: request.string('name', Limits.name),
    input: request.string('input', Limits.input) ?? '{}',
  };
}

/** StartExecution's `stateMachineArn`: the machine itself, one of its versions, or an alias. */
export async function resolveTarget(ctx: ApiContext, text: string): Promise<Target> {
  const arn = ctx.arns.expect(text, ['stateMachine', 'stateMachineVersion', 'stateMachineAlias']);
  const resolved = await ctx.executions.resolveTarget({
    kind: arn.kind,
    arn: text,
    stateMachineArn: arn.stateMachineArn,
  });
  if (resolved.kind === 'notFound') throw stateMachineDoesNotExist(resolved.arn);
  return resolved.target;
}

/** The start request: the execution name (a UUID when none was given) and the parsed input. */
export function prepareStart(ctx: ApiContext, target: Target, members: StartMembers, testCase?: string): StartRequest {
  const prepared = ctx.executions.prepareStart(target, {
    name: members.name,
    inputText: members.input,
    ...(testCase !== undefined ? { testCase } : {}),
  });
  switch (prepared.kind) {
    case 'invalidName':
      throw invalidName(prepared.name);
    case 'invalidInput':
      throw new ApiError('InvalidExecutionInput', prepared.message);
    case 'ready':
      return prepared.request;
  }
}

/**
 * A Standard execution, by ARN. Express executions are not recorded: their ARNs (`:express:`) are
 * refused as AWS refuses them, "Resource type not valid in this context: express".
 */
export async function standardExecution(ctx: ApiContext, text: string): Promise<ExecutionRecord> {
  ctx.arns.expect(text, ['execution']);
  return getExecution(ctx, text);
}

/** DescribeExecution's answer; without data, the input and output are left out. */
export function describeOutput(d: ExecutionDescription, withData: boolean) {
  return {
    executionArn: d.executionArn,
    stateMachineArn: d.stateMachineArn,
    name: d.name,
    status: d.status,
    startDate: seconds(d.startDate),
    stopDate: seconds(d.stopDate),
    input: withData ? d.input : undefined,
    inputDetails: { included: withData },
    output: withData ? d.output : undefined,
    outputDetails: d.output === undefined ? undefined : { included: withData },
    error: d.error,
    cause: d.cause,
    stateMachineVersionArn: d.stateMachineVersionArn,
    stateMachineAliasArn: d.stateMachineAliasArn,
    redriveCount: d.redriveCount,
    redriveDate: seconds(d.redriveDate),
    redriveStatus: d.redriveStatus,
    redriveStatusReason: d.redriveStatusReason,
    mapRunArn: d.mapRunArn,
  };
}

export function executionListItem(e: ExecutionSummary) {
  return {
    executionArn: e.arn,
    stateMachineArn: e.stateMachineArn,
    name: e.name,
    status: e.status,
    startDate: seconds(e.startDate),
    stopDate: seconds(e.stopDate),
    stateMachineVersionArn: e.stateMachineVersionArn,
    stateMachineAliasArn: e.stateMachineAliasArn,
    redriveCount: e.redriveCount,
    redriveDate: seconds(e.redriveDate),
    mapRunArn: e.mapRunArn,
  };
}
