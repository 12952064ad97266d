/** DescribeMapRun, ListMapRuns and UpdateMapRun: a Distributed Map's runs, as AWS shows them. */
import { mapRunCounts } from '../../engine/map-runs/describe.js';
import type { MapRunRecord } from '../../store/types.js';
import { seconds, type ApiContext, type Operation } from '../context.js';
import { resourceNotFound, validationError } from '../errors.js';
import { nextToken, pageRequest, readPagination } from '../pagination.js';
import { Limits } from '../request.js';
import { standardExecution } from '../executions.js';

async function mapRun(ctx: ApiContext, arn: string): Promise<MapRunRecord> {
  ctx.arns.expect(arn, ['mapRun']);
  const record = await ctx.store.getMapRun(arn);
  if (!record) throw resourceNotFound(arn);
  return record;
}

export const describeMapRun: Operation = async (request, ctx) => {
  const arn = request.requiredString('mapRunArn', Limits.longArn);
  request.check();
  const record = await mapRun(ctx, arn);
  const counts = mapRunCounts(record, await ctx.store.countMapRunChildren(arn));
  return {
    mapRunArn: record.arn,
    executionArn: record.executionArn,
    status: record.status,
    startDate: seconds(record.startDate),
    stopDate: seconds(record.stopDate),
    maxConcurrency: record.maxConcurrency,
    toleratedFailurePercentage: record.toleratedFailurePercentage,
    toleratedFailureCount: record.toleratedFailureCount,
    itemCounts: counts.itemCounts,
    executionCounts: counts.executionCounts,
    redriveCount: record.redriveCount,
    redriveDate: seconds(record.redriveDate),
  };
};

/** Newest first. */
export const listMapRuns: Operation = async (request, ctx) => {
  const executionArn = request.requiredString('executionArn', Limits.arn);
  const pagination = readPagination(request);
  request.check();
  await standardExecution(ctx, executionArn);
  const listing = `mapRuns:${executionArn}`;
  const page = await ctx.store.listMapRuns(executionArn, pageRequest(pagination, listing));
  return {
    mapRuns: page.items.map((r) => ({
      executionArn: r.executionArn,
      mapRunArn: r.arn,
      stateMachineArn: r.stateMachineArn,
      startDate: seconds(r.startDate),
      stopDate: seconds(r.stopDate),
    })),
    nextToken: nextToken(page.next, listing),
  };
};

/** A running run reads its new limits within a second (engine/map-runs/coordinator.ts). */
export const updateMapRun: Operation = async (request, ctx) => {
  const arn = request.requiredString('mapRunArn', Limits.longArn);
  const maxConcurrency = request.integer('maxConcurrency', { min: 0 });
  const toleratedFailurePercentage = request.float('toleratedFailurePercentage', { min: 0, max: 100 });
  const toleratedFailureCount = request.integer('toleratedFailureCount', { min: 0 });
  request.check();
  if (maxConcurrency === undefined && toleratedFailurePercentage === undefined && toleratedFailureCount === undefined)
    throw validationError([
      'Must provide at least one of maxConcurrency, toleratedFailurePercentage or toleratedFailureCount',
    ]);
  await mapRun(ctx, arn);
  // Only the limits are written: the coordinator writes the run's progress beside them at any time.
  const changed = await ctx.store.updateMapRunLimits(arn, {
    ...(maxConcurrency !== undefined ? { maxConcurrency } : {}),
    ...(toleratedFailurePercentage !== undefined ? { toleratedFailurePercentage } : {}),
    ...(toleratedFailureCount !== undefined ? { toleratedFailureCount } : {}),
  });
  if (!changed) throw resourceNotFound(arn);
  return {};
};
