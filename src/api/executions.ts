/** What the execution operations share: reading names and inputs, and describing executions. */
import type { Json } from '../json.js';
import type { ExecutionRecord, ExecutionSummary } from '../store/types.js';
import { seconds, type ApiContext } from './context.js';
import { ApiError, invalidName } from './errors.js';
import { isValidName, Limits, type Request } from './request.js';
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

/** The execution name (a UUID when none was given) and the parsed input. */
export function checkStartMembers(ctx: ApiContext, members: StartMembers): { name: string; input: Json } {
  if (members.name !== undefined && !isValidName(members.name)) throw invalidName(members.name);
  return { name: members.name ?? ctx.uuid(), input: parseInput(members.input) };
}

export function parseInput(text: string): Json {
  try {
    return JSON.parse(text) as Json;
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new ApiError('InvalidExecutionInput', `Invalid State Machine Execution Input: '${detail}'`);
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

/** The redrive fields of DescribeExecution, from AWS's documented reasons. */
export function redriveStatus(execution: Pick<ExecutionRecord, 'status'>): {
  redriveStatus: string;
  redriveStatusReason?: string;
} {
  switch (execution.status) {
    case 'RUNNING':
    case 'SUCCEEDED':
      return {
        redriveStatus: 'NOT_REDRIVABLE',
        redriveStatusReason: `Execution is ${execution.status} and cannot be redriven`,
      };
    case 'FAILED':
    case 'TIMED_OUT':
    case 'ABORTED':
      return { redriveStatus: 'REDRIVABLE' };
  }
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
  };
}
