/**
 * One Map Run being executed on this node (./coordinator.ts starts it): reads the items as fast as
 * children start, keeps at most MaxConcurrency children running, records each finished child,
 * decides the tolerated failure threshold, and answers the Map's result.
 */
import type { Logger } from 'pino';
import { parsedOrText, type Json } from '../../json.js';
import { mapRunState, type MapRunSpec } from '../../interpreter/map-run.js';
import type { Runtime } from '../../interpreter/types.js';
import type { ExecutionRecord, ExecutionStore, MapRunChildRecord, MapRunRecord } from '../../store/types.js';
import { StatesError, StatesErrors } from '../../vocabulary/states-errors.js';
import type { Clock } from '../clock.js';
import type { CompileCache } from '../compile-cache.js';
import type { Engine, StartRequest } from '../engine.js';
import type { TaskOutcome } from '../ports.js';
import { ExecutionLimitExceededError } from '../quotas.js';
import { PAYLOAD_LIMIT_BYTES } from '../../vocabulary/limits.js';
import { childInputs, childMachine, childName, type ChildInput } from './children.js';
import type { ChildResult, MapItem, MapRunData } from './ports.js';
import { childResult } from './results.js';
import { detailOf, MapRunProgress } from './progress.js';

/** AWS runs up to 10,000 children at once when MaxConcurrency is not set. */
export const DEFAULT_MAP_RUN_CONCURRENCY = 10_000;
/** How often a running run reads its row for UpdateMapRun's changes and writes its progress. */
const SYNC_INTERVAL_MS = 1000;

export type MapRunHost = Pick<
  Engine,
  'startExecution' | 'startSyncExecution' | 'stopExecution' | 'whenEnded' | 'redriveExecution'
>;

export interface MapRunsOptions {
  store: ExecutionStore;
  machines: CompileCache;
  clock: Clock;
  rt: Runtime;
  host: MapRunHost;
  /** S3 item readers and result writers; without them a Map with ItemReader/ResultWriter fails plainly. */
  data?: MapRunData;
  log?: Logger | undefined;
}

export class ActiveRun {
  private readonly running = new Map<number, { arn: string; stop: AbortController }>();
  private readonly progress: MapRunProgress;
  private readonly pendingRows: MapRunChildRecord[] = [];
  /** The write of finished children in progress; children ending meanwhile go in the next one. */
  private writing: Promise<void> | undefined;
  /** Woken when a child ends or the run is aborted. */
  private sleepers: (() => void)[] = [];
  private exceeded = false;
  private lastSync = 0;

  constructor(
    private readonly options: MapRunsOptions,
    private readonly spec: MapRunSpec,
    private readonly parent: ExecutionRecord,
    private record: MapRunRecord,
    private readonly signal: AbortSignal,
  ) {
    this.progress = new MapRunProgress(spec.items?.length);
    signal.addEventListener('abort', () => this.wake(), { once: true });
  }

  async execute(): Promise<TaskOutcome> {
    const finished = await this.finishedChildren();
    const machine = this.options.machines.forDefinition(this.parent.definition);
    const state = mapRunState(machine, this.spec);
    const children = childMachine(this.spec, parentFacts(this.parent), this.record.startDate);
    try {
      for await (const child of childInputs(this.spec, state, this.items(), this.options.rt)) {
        if (this.signal.aborted || this.exceeded) break;
        this.progress.read(child);
        if (finished.has(child.index)) {
          this.progress.started(child);
          continue;
        }
        await this.slot();
        if (this.signal.aborted || this.exceeded) break;
        this.start(children, child);
      }
      this.progress.readerDone();
    } catch (error) {
      // The reader failed (States.ItemReaderFailed), an ItemSelector did, or the run was stopped.
      await this.stopAll();
      if (this.signal.aborted) return this.end('ABORTED');
      if (error instanceof StatesError) return this.end('FAILED', error.error, error.cause);
      throw error;
    }
    // A stopped parent (or a Map state left) stops the children.
    if (this.signal.aborted) await this.stopAll();
    while (this.running.size > 0) await this.nap();
    await this.flushRows();
    if (this.signal.aborted) return this.end('ABORTED');
    if (this.exceeded || !this.progress.withinTolerance(this.record))
      return this.end(
        'FAILED',
        StatesErrors.ExceedToleratedFailureThreshold,
        'The specified tolerated failure threshold was exceeded',
      );
    const result = await this.result();
    await this.end('SUCCEEDED');
    return { kind: 'succeeded', output: { result } };
  }

  /** The children already finished (a restart or redrive); a redrive runs the failed ones again. */
  private async finishedChildren(): Promise<Set<number>> {
    const { store, host } = this.options;
    const done = new Set<number>();
    const redriving = detailOf(this.record).redriving === true;
    const rerun: number[] = [];
    for await (const row of this.storedRows()) {
      if (redriving && row.status !== 'SUCCEEDED') {
        rerun.push(row.index);
        // A STANDARD child is redriven in place; an EXPRESS one is started again.
        if (this.spec.executionType === 'STANDARD')
          await host.redriveExecution(row.executionArn).catch(() => undefined);
      } else {
        done.add(row.index);
        this.progress.restored(row);
      }
    }
    if (rerun.length > 0) await store.deleteMapRunChildren(this.record.arn, rerun);
    if (redriving) {
      this.record = { ...this.record, detail: { ...detailOf(this.record), redriving: false } };
      await store.updateMapRun(this.record);
    }
    return done;
  }

  private items(): AsyncIterable<MapItem> | Iterable<MapItem> {
    if (this.spec.reader) {
      const data = this.options.data;
      if (!data) throw new StatesError(StatesErrors.ItemReaderFailed, 'This server has no S3 item reader configured');
      return data.readItems(this.spec.reader, this.dataContext(), { signal: this.signal });
    }
    return (this.spec.items ?? []).map((value) => ({ value }));
  }

  private dataContext(): { executionArn: string; roleArn?: string } {
    return { executionArn: this.parent.arn, ...(roleOf(this.parent) ? { roleArn: roleOf(this.parent) } : {}) };
  }

  /** Resolves when fewer than MaxConcurrency children run. */
  private async slot(): Promise<void> {
    await this.sync();
    while (this.running.size >= this.limit() && !this.signal.aborted && !this.exceeded) await this.nap();
  }

  /** Waits for a child to end (or the run to be aborted), at most a second; then syncs. */
  private async nap(): Promise<void> {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(finish, SYNC_INTERVAL_MS);
      this.sleepers.push(finish);
      function finish(): void {
        clearTimeout(timer);
        resolve();
      }
    });
    await this.sync();
  }

  private wake(): void {
    for (const sleeper of this.sleepers.splice(0)) sleeper();
  }

  private limit(): number {
    return this.record.maxConcurrency > 0 ? this.record.maxConcurrency : DEFAULT_MAP_RUN_CONCURRENCY;
  }

  /** Starts one child and follows it to its end. */
  private start(machine: ReturnType<typeof childMachine>, child: ChildInput): void {
    const stop = new AbortController();
    const name = childName(this.record.arn, child.index);
    const request: StartRequest = {
      stateMachine: machine,
      name,
      input: child.input,
      inputText: JSON.stringify(child.input),
      mapRunArn: this.record.arn,
    };
    this.running.set(child.index, { arn: '', stop });
    this.progress.started(child);
    void this.runChild(request, child, stop.signal).then(
      (result) => this.childEnded(child, result),
      (error: unknown) => {
        this.options.log?.warn(
          { err: error, mapRunArn: this.record.arn, index: child.index },
          'a Map Run child failed to run',
        );
        return this.childEnded(child, {
          executionArn: '',
          name,
          stateMachineArn: machine.arn,
          status: 'FAILED',
          input: request.inputText,
          error: StatesErrors.Runtime,
          cause: error instanceof Error ? error.message : String(error),
          startDate: this.options.clock.now(),
          stopDate: this.options.clock.now(),
        });
      },
    );
  }

  private async runChild(
    request: StartRequest,
    child: ChildInput,
    stop: AbortSignal,
  ): Promise<ChildResult | undefined> {
    const { host, clock } = this.options;
    const bytes = Buffer.byteLength(request.inputText);
    if (bytes > PAYLOAD_LIMIT_BYTES) {
      // Not started: the child fails (and counts against the tolerated failures); the run goes on.
      const now = clock.now();
      return {
        executionArn: '',
        name: request.name,
        stateMachineArn: request.stateMachine.arn,
        status: 'FAILED',
        input: '{}',
        error: StatesErrors.DataLimitExceeded,
        cause: `The child execution's input (item ${child.index}) has ${bytes} bytes, more than the maximum of ${PAYLOAD_LIMIT_BYTES} bytes.`,
        startDate: now,
        stopDate: now,
      };
    }
    if (request.stateMachine.type === 'EXPRESS') return childResult(await host.startSyncExecution(request));
    let arn: string;
    for (;;) {
      try {
        const started = await host.startExecution(request);
        arn = 'alreadyExists' in started ? started.alreadyExists.arn : started.executionArn;
        break;
      } catch (error) {
        // The server runs as many executions as it may: try again once some end.
        if (!(error instanceof ExecutionLimitExceededError) || stop.aborted || this.signal.aborted) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    const entry = this.running.get(child.index);
    if (entry) entry.arn = arn;
    const record = await host.whenEnded(arn, stop);
    return record ? childResult({ ...record, executionArn: record.arn }) : undefined;
  }

  private async childEnded(child: ChildInput, result: ChildResult | undefined): Promise<void> {
    this.running.delete(child.index);
    if (result && !this.signal.aborted) {
      const status = result.status === 'PENDING' ? 'FAILED' : result.status;
      this.pendingRows.push({
        mapRunArn: this.record.arn,
        index: child.index,
        executionArn: result.executionArn,
        status,
        itemCount: child.itemCount,
        result: JSON.stringify(result),
      });
      this.progress.finished(child, status);
      if (status !== 'SUCCEEDED' && this.progress.exceeds(this.record)) {
        this.exceeded = true;
        await this.stopAll();
      }
      // Written at once (an EXPRESS child that ended is not run again after a restart), grouped
      // with the others that end while a write is in flight.
      await this.flushRows().catch((error: unknown) =>
        this.options.log?.warn({ err: error, mapRunArn: this.record.arn }, 'finished Map Run children not written yet'),
      );
    }
    this.wake();
  }

  private async flushRows(): Promise<void> {
    while (this.writing) await this.writing;
    if (this.pendingRows.length === 0) return;
    const rows = this.pendingRows.splice(0);
    const { store } = this.options;
    this.writing = store
      .putMapRunChildren(rows)
      // With the progress as it stands now, so that DescribeMapRun's started count is never behind
      // the finished children it counts (their difference is what it reports as running).
      .then(() => store.updateMapRun((this.record = { ...this.record, detail: this.progress.detail() })))
      .catch((error: unknown) => {
        // Kept for the next write (a store fault passes; the run's end writes what is left).
        this.pendingRows.unshift(...rows);
        throw error;
      })
      .finally(() => (this.writing = undefined));
    await this.writing;
  }

  /** Stops the children still running (the run failed or was aborted). */
  private async stopAll(): Promise<void> {
    const { host } = this.options;
    await Promise.all(
      [...this.running.values()].map(async ({ arn, stop }) => {
        stop.abort();
        if (arn) await host.stopExecution(arn).catch(() => undefined);
      }),
    );
  }

  /** Writes progress, and reads UpdateMapRun's changes, at most once a second. */
  private async sync(): Promise<void> {
    const now = this.options.clock.now();
    if (now - this.lastSync < SYNC_INTERVAL_MS) return;
    this.lastSync = now;
    await this.flushRows();
    // The limits are read, never written here: UpdateMapRun owns them (store.updateMapRunLimits).
    const stored = await this.options.store.getMapRun(this.record.arn);
    const limits = stored ?? this.record;
    this.record = {
      ...this.record,
      maxConcurrency: limits.maxConcurrency,
      toleratedFailureCount: limits.toleratedFailureCount,
      toleratedFailurePercentage: limits.toleratedFailurePercentage,
      detail: this.progress.detail(),
    };
    await this.options.store.updateMapRun(this.record);
  }

  /** The Map's result: the children's outputs in order, or what the ResultWriter answers. */
  async result(): Promise<Json> {
    const writer = this.spec.writer;
    if (writer) {
      const data = this.options.data;
      if (!data)
        throw new StatesError(StatesErrors.ResultWriterFailed, 'This server has no S3 result writer configured');
      return data.writeResults(writer, this.record.arn, this.storedResults(), this.dataContext());
    }
    const outputs: Json[] = [];
    for await (const result of this.storedResults())
      outputs.push(result.status === 'SUCCEEDED' && result.output !== undefined ? parsedOrText(result.output) : null);
    return outputs;
  }

  /** The finished children's results by index. */
  private async *storedResults(): AsyncGenerator<ChildResult> {
    for await (const row of this.storedRows()) yield JSON.parse(row.result) as ChildResult;
  }

  /** The finished children by index, read from the store a page at a time. */
  private async *storedRows(): AsyncGenerator<MapRunChildRecord> {
    for (let after: number | undefined; ;) {
      const page = await this.options.store.mapRunChildren(this.record.arn, {
        ...(after !== undefined ? { afterIndex: after } : {}),
        limit: 1000,
      });
      yield* page;
      if (page.length < 1000) return;
      after = page[page.length - 1]?.index;
    }
  }

  private async end(status: 'SUCCEEDED' | 'FAILED' | 'ABORTED', error?: string, cause?: string): Promise<TaskOutcome> {
    await this.flushRows();
    const detail = {
      ...this.progress.detail(),
      ...(error !== undefined ? { error } : {}),
      ...(cause !== undefined ? { cause } : {}),
    };
    this.record = { ...this.record, status, stopDate: this.options.clock.now(), detail };
    await this.options.store.updateMapRun(this.record);
    if (status === 'SUCCEEDED') return { kind: 'succeeded', output: null };
    return failed(error, cause);
  }
}

export function failed(error?: string, cause?: string): TaskOutcome {
  return { kind: 'failed', ...(error !== undefined ? { error } : {}), ...(cause !== undefined ? { cause } : {}) };
}

export function parentFacts(parent: ExecutionRecord): { roleArn: string; stateMachineName: string } {
  return { roleArn: roleOf(parent) ?? '', stateMachineName: parent.state.info.stateMachineName };
}

function roleOf(parent: ExecutionRecord): string | undefined {
  return parent.state.info.roleArn || undefined;
}
