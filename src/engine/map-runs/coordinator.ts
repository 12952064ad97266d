/**
 * Runs Map Runs: a Distributed Map's task (MAP_RUN_RESOURCE) becomes a run of child executions.
 *
 * - Items come from the spec (ItemsPath/Items) or stream from the ItemReader; each becomes a child
 *   input through ItemSelector and ItemBatcher (./children.ts), read only as fast as children start.
 * - At most MaxConcurrency children run at once (AWS's 10,000 when unset). STANDARD children are
 *   durable executions of their own (history, DescribeExecution, ListExecutions by map run);
 *   EXPRESS children run in memory through the Express runner.
 * - Every finished child is a row (MapRunChildRecord): counts, results and redrive read those.
 * - Failures past ToleratedFailureCount / ToleratedFailurePercentage stop the running children and
 *   fail the Map with States.ExceedToleratedFailureThreshold.
 * - Restarts: the task is invoked again after a crash (the outbox). The run continues from its
 *   rows: finished children are skipped, STANDARD children already started are found by their
 *   derived names and followed, EXPRESS children that had not finished run again.
 * - UpdateMapRun changes the run's row; a running run reads its limits from the row as it goes.
 */
import { isJsonObject } from '../../json.js';
import { MAP_RUN_RESOURCE, type MapRunSpec } from '../../interpreter/map-run.js';
import type { ExecutionRecord, MapRunRecord } from '../../store/types.js';
import { StatesError, StatesErrors } from '../../vocabulary/states-errors.js';
import type { Integration, TaskInvocation, TaskOutcome } from '../ports.js';
import { ActiveRun, failed, parentFacts, type MapRunsOptions } from './active-run.js';
import { childMachine } from './children.js';
import { detailOf } from './progress.js';

export { DEFAULT_MAP_RUN_CONCURRENCY, type MapRunHost, type MapRunsOptions } from './active-run.js';

export class MapRuns implements Integration {
  readonly name = 'map-run';

  constructor(private readonly options: MapRunsOptions) {}

  handles(task: TaskInvocation): boolean {
    return task.resource === MAP_RUN_RESOURCE;
  }

  async invoke(task: TaskInvocation): Promise<TaskOutcome> {
    const spec = task.parameters as unknown as MapRunSpec;
    try {
      const parent = await this.options.store.getExecution(task.executionArn);
      if (!parent) return failed(StatesErrors.Runtime, `The execution ${task.executionArn} does not exist`);
      const record = await this.openRun(spec, parent);
      const run = new ActiveRun(this.options, spec, parent, record, task.signal);
      // A run that ended before a restart (its answer not yet committed to the parent) answers again.
      if (record.status === 'SUCCEEDED') return { kind: 'succeeded', output: { result: await run.result() } };
      if (record.status !== 'RUNNING') return endedOutcome(record);
      return await run.execute();
    } catch (error) {
      if (error instanceof StatesError) return failed(error.error, error.cause);
      throw error;
    }
  }

  /** The run's row: created on first entry, reopened by a redrive of the parent, or as a restart finds it. */
  private async openRun(spec: MapRunSpec, parent: ExecutionRecord): Promise<MapRunRecord> {
    const { store, clock } = this.options;
    const existing = await store.getMapRun(spec.mapRunArn);
    if (existing) {
      if (!spec.redrive || existing.status === 'RUNNING' || existing.status === 'SUCCEEDED') return existing;
      const reopened: MapRunRecord = {
        ...existing,
        status: 'RUNNING',
        stopDate: undefined,
        redriveCount: existing.redriveCount + 1,
        redriveDate: clock.now(),
        detail: { ...(isJsonObject(existing.detail) ? existing.detail : {}), redriving: true },
      };
      await store.updateMapRun(reopened);
      return reopened;
    }
    const startDate = clock.now();
    const record: MapRunRecord = {
      arn: spec.mapRunArn,
      executionArn: parent.arn,
      stateMachineArn: childMachine(spec, parentFacts(parent), startDate).arn,
      status: 'RUNNING',
      startDate,
      maxConcurrency: spec.maxConcurrency,
      toleratedFailurePercentage: spec.toleratedFailurePercentage ?? 0,
      toleratedFailureCount: spec.toleratedFailureCount ?? 0,
      redriveCount: 0,
      detail: {},
    };
    if ((await store.createMapRun(record)) === 'exists') return (await store.getMapRun(spec.mapRunArn)) ?? record;
    return record;
  }
}

/** A run that failed or was aborted before a restart answers as it ended. */
function endedOutcome(record: MapRunRecord): TaskOutcome {
  const { error, cause } = detailOf(record);
  return failed(error ?? StatesErrors.ExceedToleratedFailureThreshold, cause);
}
