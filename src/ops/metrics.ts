/**
 * Prometheus metrics named after Step Functions' CloudWatch metrics (ExecutionsStarted →
 * stepwise_executions_started_total, ActivityScheduleTime → stepwise_activity_schedule_time_seconds,
 * ...), kept in a registry of their own (several servers in one process do not share counters).
 *
 * Most are read off the history events the engine reports through its observer port
 * (../engine/observer.ts): an execution's start and end, state entries, and the scheduled / started /
 * succeeded / failed / timed out events of activities, Lambda functions and service integrations.
 * Those events do not name the task they settle, so a settle is paired with the oldest open task of
 * its kind in that execution (service integration events carry their resource, and are paired
 * within it): exact for one task at a time, and for activities, which workers take oldest first.
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { EngineObserver, ObservedExecution } from '../engine/observer.js';
import { detailsOf, type HistoryEvent } from '../vocabulary/history-events.js';

/** Seconds: from a few milliseconds to a day (Standard executions run up to a year). */
const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600, 86400];
const FAST_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const BATCH_BUCKETS = [1, 2, 5, 10, 25, 50, 100, 250, 500];
/** Executions whose open tasks are tracked at once; the oldest are forgotten past it. */
const MAX_TRACKED_EXECUTIONS = 10_000;

type Family = 'activity' | 'lambda' | 'service';
type Settle = 'succeeded' | 'failed' | 'timedOut' | 'heartbeatTimedOut';

interface OpenTask {
  resource: string;
  scheduledAt: number;
  startedAt?: number;
}

/** What each event type means for the task metrics, by family. */
const TASK_EVENTS: Partial<Record<HistoryEvent['type'], { family: Family; step: 'scheduled' | 'started' | Settle }>> = {
  ActivityScheduled: { family: 'activity', step: 'scheduled' },
  ActivityStarted: { family: 'activity', step: 'started' },
  ActivitySucceeded: { family: 'activity', step: 'succeeded' },
  ActivityFailed: { family: 'activity', step: 'failed' },
  ActivityScheduleFailed: { family: 'activity', step: 'failed' },
  ActivityTimedOut: { family: 'activity', step: 'timedOut' },
  LambdaFunctionScheduled: { family: 'lambda', step: 'scheduled' },
  LambdaFunctionStarted: { family: 'lambda', step: 'started' },
  LambdaFunctionSucceeded: { family: 'lambda', step: 'succeeded' },
  LambdaFunctionFailed: { family: 'lambda', step: 'failed' },
  LambdaFunctionScheduleFailed: { family: 'lambda', step: 'failed' },
  LambdaFunctionStartFailed: { family: 'lambda', step: 'failed' },
  LambdaFunctionTimedOut: { family: 'lambda', step: 'timedOut' },
  TaskScheduled: { family: 'service', step: 'scheduled' },
  TaskStarted: { family: 'service', step: 'started' },
  TaskSucceeded: { family: 'service', step: 'succeeded' },
  TaskFailed: { family: 'service', step: 'failed' },
  TaskStartFailed: { family: 'service', step: 'failed' },
  TaskSubmitFailed: { family: 'service', step: 'failed' },
  TaskTimedOut: { family: 'service', step: 'timedOut' },
};

/** The metric name stems of each family, as CloudWatch spells them (Activities…, LambdaFunctions…, ServiceIntegrations…). */
const STEMS: Record<Family, { plural: string; singular: string }> = {
  activity: { plural: 'activities', singular: 'activity' },
  lambda: { plural: 'lambda_functions', singular: 'lambda_function' },
  service: { plural: 'service_integrations', singular: 'service_integration' },
};

interface FamilyMetrics {
  scheduled: Counter<'resource_arn'>;
  started: Counter<'resource_arn'>;
  settled: Record<Settle, Counter<'resource_arn'> | undefined>;
  scheduleTime: Histogram<'resource_arn'>;
  runTime: Histogram<'resource_arn'>;
  time: Histogram<'resource_arn'>;
}

export interface MetricsOptions {
  /** This node's id on PostgreSQL: every series gets a `node` label. */
  node?: string;
}

/** What the scrape reads at that moment (set once the engine exists). */
export interface MetricsGauges {
  openExecutions(): number;
  pendingTimers?(): Promise<number | undefined>;
}

export class Metrics implements EngineObserver {
  readonly registry = new Registry();
  private readonly executions: Record<
    'started' | 'succeeded' | 'failed' | 'timedOut' | 'aborted' | 'redriven' | 'throttled',
    Counter<'state_machine_arn'>
  >;
  private readonly executionTime: Histogram<'state_machine_arn' | 'status'>;
  private readonly transitions: Counter<'state_machine_arn'>;
  private readonly families: Record<Family, FamilyMetrics>;
  private readonly commitSize: Histogram;
  private readonly commitTime: Histogram<'outcome'>;
  private readonly timerLag: Histogram;
  private readonly httpRequests: Counter<'operation' | 'status'>;
  private readonly httpTime: Histogram<'operation'>;
  private gauges: MetricsGauges | undefined;
  /** Open tasks of each execution by family, oldest first. */
  private readonly open = new Map<string, Record<Family, OpenTask[]>>();

  constructor(options: MetricsOptions = {}) {
    const registers = [this.registry];
    if (options.node !== undefined) this.registry.setDefaultLabels({ node: options.node });
    const counter = <L extends string>(name: string, help: string, labelNames: L[]) =>
      new Counter<L>({ name, help, labelNames, registers });
    const histogram = <L extends string>(name: string, help: string, labelNames: L[], buckets: number[]) =>
      new Histogram<L>({ name, help, labelNames, buckets, registers });
    const sm: 'state_machine_arn'[] = ['state_machine_arn'];
    this.executions = {
      started: counter('stepwise_executions_started_total', 'Executions started (ExecutionsStarted)', sm),
      succeeded: counter('stepwise_executions_succeeded_total', 'Executions succeeded (ExecutionsSucceeded)', sm),
      failed: counter('stepwise_executions_failed_total', 'Executions failed (ExecutionsFailed)', sm),
      timedOut: counter('stepwise_executions_timed_out_total', 'Executions timed out (ExecutionsTimedOut)', sm),
      aborted: counter('stepwise_executions_aborted_total', 'Executions aborted (ExecutionsAborted)', sm),
      redriven: counter('stepwise_executions_redriven_total', 'Executions redriven (ExecutionsRedriven)', sm),
      throttled: counter(
        'stepwise_executions_throttled_total',
        'StartExecution refused with ExecutionLimitExceeded (ExecutionThrottled)',
        sm,
      ),
    };
    this.executionTime = histogram(
      'stepwise_execution_time_seconds',
      'From the start of an execution to its end (ExecutionTime)',
      ['state_machine_arn', 'status'],
      DURATION_BUCKETS,
    );
    this.transitions = counter('stepwise_state_transitions_total', 'States entered (StateTransition)', sm);
    const family = (f: Family): FamilyMetrics => {
      const { plural, singular } = STEMS[f];
      const r: 'resource_arn'[] = ['resource_arn'];
      return {
        scheduled: counter(`stepwise_${plural}_scheduled_total`, `${plural} scheduled`, r),
        started: counter(`stepwise_${plural}_started_total`, `${plural} started`, r),
        settled: {
          succeeded: counter(`stepwise_${plural}_succeeded_total`, `${plural} succeeded`, r),
          failed: counter(`stepwise_${plural}_failed_total`, `${plural} failed`, r),
          timedOut: counter(`stepwise_${plural}_timed_out_total`, `${plural} timed out`, r),
          heartbeatTimedOut:
            f === 'activity'
              ? counter(`stepwise_${plural}_heartbeat_timed_out_total`, `${plural} whose heartbeat timed out`, r)
              : undefined,
        },
        scheduleTime: histogram(
          `stepwise_${singular}_schedule_time_seconds`,
          `From scheduled to started (${singular} schedule time)`,
          r,
          DURATION_BUCKETS,
        ),
        runTime: histogram(
          `stepwise_${singular}_run_time_seconds`,
          `From started to settled (${singular} run time)`,
          r,
          DURATION_BUCKETS,
        ),
        time: histogram(
          `stepwise_${singular}_time_seconds`,
          `From scheduled to settled (${singular} time)`,
          r,
          DURATION_BUCKETS,
        ),
      };
    };
    this.families = { activity: family('activity'), lambda: family('lambda'), service: family('service') };
    this.commitSize = histogram(
      'stepwise_commit_batch_size',
      'Execution steps committed per store transaction (group commit)',
      [],
      BATCH_BUCKETS,
    );
    this.commitTime = histogram(
      'stepwise_commit_duration_seconds',
      'How long one group commit took in the store',
      ['outcome'],
      FAST_BUCKETS,
    );
    this.timerLag = histogram(
      'stepwise_timer_lag_seconds',
      'How late a due timer (Wait, Retry, timeout) was delivered',
      [],
      FAST_BUCKETS,
    );
    this.httpRequests = counter('stepwise_http_requests_total', 'HTTP requests by operation and status', [
      'operation',
      'status',
    ]);
    this.httpTime = histogram(
      'stepwise_http_request_duration_seconds',
      'HTTP request time by operation',
      ['operation'],
      FAST_BUCKETS,
    );
    const gauges = () => this.gauges;
    new Gauge({
      name: 'stepwise_open_executions',
      help: 'Executions running on this node now (Standard ones RUNNING, on a node of several those it holds; Express ones in memory)',
      registers,
      collect() {
        const g = gauges();
        if (g) this.set(g.openExecutions());
      },
    });
    new Gauge({
      name: 'stepwise_pending_timers',
      help: 'Timers (Wait, Retry, timeouts) stored and not yet fired, in the whole store',
      registers,
      async collect() {
        const count = await gauges()?.pendingTimers?.();
        if (count !== undefined) this.set(count);
      },
    });
  }

  /** This node's id among several: every series gets a `node` label. */
  setNode(node: string): void {
    this.registry.setDefaultLabels({ node });
  }

  /** What the scrape reads of the engine and store. */
  setGauges(gauges: MetricsGauges): void {
    this.gauges = gauges;
  }

  /** The text exposition format, and its content type. */
  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }

  httpRequest(operation: string, status: number, seconds: number): void {
    this.httpRequests.inc({ operation, status: String(status) });
    this.httpTime.observe({ operation }, seconds);
  }

  // ---- EngineObserver ---------------------------------------------------------------------------

  executionThrottled(stateMachineArn: string): void {
    this.executions.throttled.inc({ state_machine_arn: stateMachineArn });
  }

  commitBatch(size: number, ms: number, ok: boolean): void {
    this.commitSize.observe(size);
    this.commitTime.observe({ outcome: ok ? 'ok' : 'error' }, ms / 1000);
  }

  timerFired(lagMs: number): void {
    this.timerLag.observe(lagMs / 1000);
  }

  executionEvents(execution: ObservedExecution, events: readonly HistoryEvent[]): void {
    const sm = { state_machine_arn: execution.stateMachineArn };
    for (const event of events) {
      const type = event.type;
      if (type.endsWith('StateEntered')) this.transitions.inc(sm);
      if (type === 'ExecutionStarted') this.executions.started.inc(sm);
      else if (type === 'ExecutionRedriven') this.executions.redriven.inc(sm);
      else if (isEnding(type)) {
        const status = ENDINGS[type];
        this.executions[status].inc(sm);
        const ms = event.timestamp - execution.startDate;
        this.executionTime.observe({ ...sm, status: STATUS_LABEL[status] }, seconds(ms));
        this.open.delete(execution.executionArn);
      }
      const task = TASK_EVENTS[type];
      if (task) this.taskEvent(execution.executionArn, task.family, task.step, event);
    }
  }

  private taskEvent(arn: string, family: Family, step: 'scheduled' | 'started' | Settle, event: HistoryEvent): void {
    const metrics = this.families[family];
    const open = this.openTasks(arn)[family];
    const named = family === 'service' ? serviceResource(event) : undefined;
    if (step === 'scheduled') {
      const resource = named ?? scheduledResource(event) ?? 'unknown';
      open.push({ resource, scheduledAt: event.timestamp });
      metrics.scheduled.inc({ resource_arn: resource });
      return;
    }
    const match = (t: OpenTask) => named === undefined || t.resource === named;
    if (step === 'started') {
      const task = open.find((t) => t.startedAt === undefined && match(t));
      const resource = task?.resource ?? named ?? 'unknown';
      metrics.started.inc({ resource_arn: resource });
      if (!task) return;
      task.startedAt = event.timestamp;
      metrics.scheduleTime.observe({ resource_arn: resource }, seconds(event.timestamp - task.scheduledAt));
      return;
    }
    // The oldest started one, else the oldest (a task can fail before it starts).
    const found = open.findIndex((t) => t.startedAt !== undefined && match(t));
    const at = found >= 0 ? found : open.findIndex(match);
    const task = at >= 0 ? open.splice(at, 1)[0] : undefined;
    const resource = task?.resource ?? named ?? 'unknown';
    const settled = step === 'heartbeatTimedOut' || isHeartbeatTimeout(event) ? 'heartbeatTimedOut' : step;
    (metrics.settled[settled] ?? metrics.settled.timedOut)?.inc({ resource_arn: resource });
    if (!task) return;
    metrics.time.observe({ resource_arn: resource }, seconds(event.timestamp - task.scheduledAt));
    if (task.startedAt !== undefined)
      metrics.runTime.observe({ resource_arn: resource }, seconds(event.timestamp - task.startedAt));
  }

  private openTasks(arn: string): Record<Family, OpenTask[]> {
    let tasks = this.open.get(arn);
    if (!tasks) {
      tasks = { activity: [], lambda: [], service: [] };
      this.open.set(arn, tasks);
      if (this.open.size > MAX_TRACKED_EXECUTIONS) this.open.delete(this.open.keys().next().value!);
    }
    return tasks;
  }
}

const ENDINGS = {
  ExecutionSucceeded: 'succeeded',
  ExecutionFailed: 'failed',
  ExecutionTimedOut: 'timedOut',
  ExecutionAborted: 'aborted',
} as const;

function isEnding(type: string): type is keyof typeof ENDINGS {
  return type in ENDINGS;
}

const STATUS_LABEL = {
  succeeded: 'SUCCEEDED',
  failed: 'FAILED',
  timedOut: 'TIMED_OUT',
  aborted: 'ABORTED',
} as const;

function seconds(ms: number): number {
  return Math.max(0, ms) / 1000;
}

/** A service integration event's resource, as the ARN the Task state named (`arn:aws:states:::lambda:invoke`). */
function serviceResource(event: HistoryEvent): string | undefined {
  const details = detailsOf(event) as { resource?: string; resourceType?: string } | undefined;
  if (details?.resource === undefined) return undefined;
  return details.resourceType !== undefined
    ? `arn:aws:states:::${details.resourceType}:${details.resource}`
    : details.resource;
}

/** An activity's or Lambda function's ARN, from its Scheduled event. */
function scheduledResource(event: HistoryEvent): string | undefined {
  const details = detailsOf(event) as { resource?: string } | undefined;
  return details?.resource;
}

/** An activity or task timed out for want of a heartbeat (States.HeartbeatTimeout). */
function isHeartbeatTimeout(event: HistoryEvent): boolean {
  if (!event.type.endsWith('TimedOut')) return false;
  const details = detailsOf(event) as { error?: string } | undefined;
  return details?.error === 'States.HeartbeatTimeout';
}
