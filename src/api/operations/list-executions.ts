import type { ExecutionFilter } from '../../store/types.js';
import type { ApiContext, Operation } from '../context.js';
import { resourceNotFound, stateMachineDoesNotExist, typeNotSupported, validationError } from '../errors.js';
import { executionListItem } from '../executions.js';
import { nextToken, pageRequest, readPagination, type Pagination } from '../pagination.js';
import { Limits } from '../request.js';

const StatusFilters = ['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED', 'PENDING_REDRIVE'] as const;
const RedriveFilters = ['REDRIVEN', 'NOT_REDRIVEN'] as const;

/** A Map Run's STANDARD children (EXPRESS children are not recorded, as on AWS). */
async function listMapRunChildren(
  ctx: ApiContext,
  mapRunArn: string,
  pagination: Pagination,
  status: (typeof StatusFilters)[number] | undefined,
  redriveFilter: (typeof RedriveFilters)[number] | undefined,
) {
  ctx.arns.expect(mapRunArn, ['mapRun']);
  const run = await ctx.store.getMapRun(mapRunArn);
  if (!run) throw resourceNotFound(mapRunArn);
  const filter: ExecutionFilter = {
    mapRunArn,
    ...(status !== undefined && status !== 'PENDING_REDRIVE' ? { status } : {}),
    ...(redriveFilter !== undefined ? { redriveFilter } : {}),
  };
  if (status === 'PENDING_REDRIVE') return { executions: [] };
  const listing = `executions:${JSON.stringify(filter)}`;
  const page = await ctx.store.listExecutions(filter, pageRequest(pagination, listing));
  return { executions: page.items.map(executionListItem), nextToken: nextToken(page.next, listing) };
}

/**
 * By state machine (a version or alias ARN lists the executions started through it) or by Map Run.
 * Express machines' executions are not recorded: StateMachineTypeNotSupported.
 */
export const listExecutions: Operation = async (request, ctx) => {
  const stateMachineArn = request.string('stateMachineArn', Limits.arn);
  const mapRunArn = request.string('mapRunArn', Limits.longArn);
  const status = request.enumValue('statusFilter', StatusFilters);
  const redriveFilter = request.enumValue('redriveFilter', RedriveFilters);
  const pagination = readPagination(request);
  request.check();

  if ((stateMachineArn === undefined) === (mapRunArn === undefined)) {
    throw validationError(['Must provide a StateMachine ARN or MapRun ARN']);
  }
  if (mapRunArn !== undefined) return listMapRunChildren(ctx, mapRunArn, pagination, status, redriveFilter);
  const text = stateMachineArn ?? '';
  const arn = ctx.arns.expect(text, ['stateMachine', 'stateMachineVersion', 'stateMachineAlias']);
  const machine = await ctx.store.getStateMachine(arn.stateMachineArn);
  if (!machine) throw stateMachineDoesNotExist(text);
  if (arn.kind === 'stateMachineVersion' && !(await ctx.store.getVersion(text))) throw stateMachineDoesNotExist(text);
  if (arn.kind === 'stateMachineAlias' && !(await ctx.store.getAlias(text))) throw stateMachineDoesNotExist(text);
  if (machine.type === 'EXPRESS') throw typeNotSupported();

  const filter: ExecutionFilter = {
    stateMachineArn: arn.stateMachineArn,
    ...(arn.kind === 'stateMachineVersion' ? { stateMachineVersionArn: text } : {}),
    ...(arn.kind === 'stateMachineAlias' ? { stateMachineAliasArn: text } : {}),
    ...(status !== undefined && status !== 'PENDING_REDRIVE' ? { status } : {}),
    ...(redriveFilter !== undefined ? { redriveFilter } : {}),
  };
  const listing = `executions:${JSON.stringify(filter)}`;
  // Stepwise redrives at once: nothing is ever PENDING_REDRIVE.
  if (status === 'PENDING_REDRIVE') return { executions: [] };
  const page = await ctx.store.listExecutions(filter, pageRequest(pagination, listing));
  return { executions: page.items.map(executionListItem), nextToken: nextToken(page.next, listing) };
};
