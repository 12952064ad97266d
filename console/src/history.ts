/**
 * What an execution's history says about each state: its runs (one per entry), their status,
 * input and output, attempts (retries with the backoff between them), errors, and the Map
 * iterations they belong to. Fed incrementally, one page of GetExecutionHistory at a time, so a
 * long history colours the graph as it loads. Pure: no DOM, no fetch.
 */
import type { HistoryEvent } from './api.js';

export const StateStatuses = ['IN_PROGRESS', 'SUCCEEDED', 'FAILED', 'CAUGHT_ERROR', 'ABORTED', 'NOT_REACHED'] as const;
export type StateStatus = (typeof StateStatuses)[number];

export const StatusLabels: Record<StateStatus, string> = {
  IN_PROGRESS: 'In progress',
  SUCCEEDED: 'Succeeded',
  FAILED: 'Failed',
  CAUGHT_ERROR: 'Caught error',
  ABORTED: 'Aborted',
  NOT_REACHED: 'Not reached',
};

export interface Attempt {
  /** Epoch seconds. */
  scheduledAt: number;
  endedAt?: number;
  outcome: 'RUNNING' | 'SUCCEEDED' | 'FAILED';
  error?: string;
  cause?: string;
  /** Seconds between the previous attempt's failure and this attempt (the retry backoff). */
  backoffSeconds?: number;
}

export interface Iteration {
  /** e.g. "Fan[3]" or "Outer[1]/Inner[0]". */
  id: string;
  mapName: string;
  index: number;
  parent?: Iteration;
  status: 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'ABORTED';
}

export interface StateRun {
  /** Unique per entry: the id of its StateEntered event. */
  enteredEventId: number;
  name: string;
  /** Task, Pass, Choice, Wait, Succeed, Fail, Parallel, Map. */
  stateType: string;
  iteration?: Iteration;
  /** The enclosing Parallel or Map run. */
  parent?: StateRun;
  enteredAt: number;
  exitedAt?: number;
  input?: string;
  output?: string;
  status: StateStatus;
  attempts: Attempt[];
  error?: string;
  cause?: string;
  eventIds: number[];
  open: boolean;
}

export interface ExecutionSummary {
  status: 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';
  startedAt?: number;
  endedAt?: number;
  input?: string;
  output?: string;
  error?: string;
  cause?: string;
  /** StateEntered events: AWS's "state transitions" as the console shows them. */
  transitions: number;
  /** Child executions started by this one (StartExecution tasks), from task outputs. */
  childExecutionArns: string[];
}

const failureSuffixes = ['Failed', 'TimedOut', 'StartFailed', 'SubmitFailed', 'ScheduleFailed'];
const severity: Record<StateStatus, number> = {
  FAILED: 5,
  IN_PROGRESS: 4,
  CAUGHT_ERROR: 3,
  ABORTED: 2,
  SUCCEEDED: 1,
  NOT_REACHED: 0,
};

function details(event: HistoryEvent): Record<string, unknown> | undefined {
  for (const [key, value] of Object.entries(event)) {
    if (key.endsWith('EventDetails') && value && typeof value === 'object') return value as Record<string, unknown>;
  }
  return undefined;
}

export function eventDetails(event: HistoryEvent): Record<string, unknown> | undefined {
  return details(event);
}

/** "TaskStateEntered" → "Task"; "LambdaFunctionFailed" → "LambdaFunction". */
function prefixOf(type: string, suffix: string): string {
  return type.slice(0, type.length - suffix.length);
}

/**
 * A thread of the execution: the top level, a Parallel branch or a Map iteration. Each event
 * follows (previousEventId) the one before it in its own thread, as AWS links them, so the
 * thread of an event is the thread of the event it follows; a branch or an iteration starts one.
 */
interface Thread {
  kind: 'thread';
  /** The Parallel or Map run it runs inside (none at the top level). */
  container?: StateRun;
  iteration?: Iteration;
  /** The state it entered last. */
  current?: StateRun;
}

/** After ParallelStateStarted: each state entered right after it starts a branch of its own. */
interface Fork {
  kind: 'fork';
  container: StateRun;
  branches: Thread[];
}

export class ExecutionHistory {
  readonly runs: StateRun[] = [];
  readonly iterations: Iteration[] = [];
  readonly events: HistoryEvent[] = [];
  readonly summary: ExecutionSummary = { status: 'RUNNING', transitions: 0, childExecutionArns: [] };
  private readonly root: Thread = { kind: 'thread' };
  /** Per event id: the run it belongs to (none for execution events). */
  private readonly runOfEvent = new Map<number, StateRun>();
  /** Per event id: where an event that follows it runs. */
  private readonly after = new Map<number, Thread | Fork>();
  private readonly threadOfRun = new Map<StateRun, Thread>();
  private readonly iterationsById = new Map<string, Iteration>();
  private readonly seen = new Set<number>();
  /** Bumped on every change, for React to notice. */
  version = 0;

  get lastEventId(): number {
    return this.events.at(-1)?.id ?? 0;
  }

  /** Adds events in id order; ids already seen are ignored (a live stream may overlap a page). */
  add(events: readonly HistoryEvent[]): void {
    for (const event of events) {
      if (this.seen.has(event.id)) continue;
      this.seen.add(event.id);
      this.events.push(event);
      this.apply(event);
    }
    this.version++;
  }

  private apply(event: HistoryEvent): void {
    const d = details(event);
    const type = event.type;
    const prev = event.previousEventId ?? 0;
    switch (type) {
      case 'ExecutionStarted':
        this.summary.startedAt = event.timestamp;
        this.summary.input = d?.input as string | undefined;
        this.after.set(event.id, this.root);
        return;
      case 'ExecutionRedriven':
        this.summary.status = 'RUNNING';
        this.summary.endedAt = undefined;
        for (const run of this.runs)
          if (run.status === 'FAILED' || run.status === 'ABORTED') run.status = run.open ? 'IN_PROGRESS' : run.status;
        this.after.set(event.id, this.root);
        return;
      case 'ExecutionSucceeded':
      case 'ExecutionFailed':
      case 'ExecutionAborted':
      case 'ExecutionTimedOut': {
        const status = {
          ExecutionSucceeded: 'SUCCEEDED',
          ExecutionFailed: 'FAILED',
          ExecutionAborted: 'ABORTED',
          ExecutionTimedOut: 'TIMED_OUT',
        } as const;
        this.summary.status = status[type];
        this.summary.endedAt = event.timestamp;
        this.summary.output = d?.output as string | undefined;
        this.summary.error = d?.error as string | undefined;
        this.summary.cause = d?.cause as string | undefined;
        for (const run of this.runs) {
          if (!run.open) continue;
          run.open = false;
          if (run.status === 'IN_PROGRESS') run.status = 'ABORTED';
        }
        for (const iteration of this.iterations) if (iteration.status === 'RUNNING') iteration.status = 'ABORTED';
        return;
      }
    }

    if (type.endsWith('StateEntered')) {
      const name = String(d?.name ?? '');
      const stateType = prefixOf(type, 'StateEntered');
      const thread = this.enteredThread(prev);
      const run: StateRun = {
        enteredEventId: event.id,
        name,
        stateType,
        iteration: thread.iteration,
        parent: thread.container,
        enteredAt: event.timestamp,
        input: d?.input as string | undefined,
        status: stateType === 'Fail' ? 'FAILED' : 'IN_PROGRESS',
        attempts: [],
        eventIds: [],
        open: stateType !== 'Fail',
      };
      if (stateType === 'Fail') run.exitedAt = event.timestamp;
      thread.current = run;
      this.threadOfRun.set(run, thread);
      this.runs.push(run);
      this.summary.transitions++;
      this.bind(event, run);
      return;
    }
    if (type.endsWith('StateExited')) {
      const name = String(d?.name ?? '');
      const run = this.owner(prev, (r) => r.name === name);
      if (!run) return;
      run.open = false;
      run.exitedAt = event.timestamp;
      run.output = d?.output as string | undefined;
      const lastAttempt = run.attempts.at(-1);
      run.status =
        run.error !== undefined && (lastAttempt === undefined || lastAttempt.outcome === 'FAILED')
          ? 'CAUGHT_ERROR'
          : 'SUCCEEDED';
      this.bind(event, run);
      this.noteChild(run.output);
      return;
    }

    // Map iterations: MapIterationStarted starts the iteration's thread; the others follow its last event.
    if (type.startsWith('MapIteration')) {
      const name = String(d?.name ?? '');
      const index = Number(d?.index ?? 0);
      const mapRun = this.owner(prev, (r) => r.stateType === 'Map' && r.name === name);
      if (!mapRun) return;
      const parentIteration = mapRun.iteration;
      const id = `${parentIteration ? `${parentIteration.id}/` : ''}${name}[${index}]`;
      let iteration = this.iterationsById.get(id);
      if (type === 'MapIterationStarted') {
        if (!iteration) {
          iteration = { id, mapName: name, index, parent: parentIteration, status: 'RUNNING' };
          this.iterationsById.set(id, iteration);
          this.iterations.push(iteration);
        } else iteration.status = 'RUNNING';
        this.bind(event, mapRun, { kind: 'thread', container: mapRun, iteration });
        return;
      }
      if (iteration)
        iteration.status =
          type === 'MapIterationSucceeded' ? 'SUCCEEDED' : type === 'MapIterationFailed' ? 'FAILED' : 'ABORTED';
      this.bind(event, mapRun);
      return;
    }

    // Container events (ParallelStateStarted/Succeeded/Failed, MapStateStarted..., MapRun*).
    const container = type.startsWith('ParallelState')
      ? 'Parallel'
      : type.startsWith('MapState') || type.startsWith('MapRun')
        ? 'Map'
        : undefined;
    const run = container
      ? this.owner(prev, (r) => r.stateType === container)
      : this.threadAfter(prev, type === 'EvaluationFailed' ? String(d?.state ?? '') : undefined).current;
    if (!run) return;
    this.bind(event, run, type === 'ParallelStateStarted' ? { kind: 'fork', container: run, branches: [] } : undefined);
    if (type.endsWith('Scheduled')) {
      const previous = run.attempts.at(-1);
      run.status = 'IN_PROGRESS';
      run.attempts.push({
        scheduledAt: event.timestamp,
        outcome: 'RUNNING',
        backoffSeconds: previous?.endedAt !== undefined ? Math.max(0, event.timestamp - previous.endedAt) : undefined,
      });
      return;
    }
    if (type.endsWith('Succeeded') && !container) {
      const attempt = run.attempts.at(-1);
      if (attempt) {
        attempt.outcome = 'SUCCEEDED';
        attempt.endedAt = event.timestamp;
      }
      this.noteChild(d?.output as string | undefined);
      return;
    }
    if (type.endsWith('Aborted')) {
      run.status = 'ABORTED';
      return;
    }
    if (failureSuffixes.some((suffix) => type.endsWith(suffix)) || type === 'EvaluationFailed') {
      run.error = (d?.error as string | undefined) ?? 'States.Failed';
      // Failed until a retry schedules it again or a Catch moves on (then the exit says "caught").
      run.status = 'FAILED';
      run.cause = d?.cause as string | undefined;
      const attempt = run.attempts.at(-1);
      if (attempt && attempt.outcome === 'RUNNING') {
        attempt.outcome = 'FAILED';
        attempt.endedAt = event.timestamp;
        attempt.error = run.error;
        attempt.cause = run.cause;
      }
    }
  }

  /** The event belongs to `run`; what follows it runs in `next` (default: the run's own thread). */
  private bind(event: HistoryEvent, run: StateRun, next?: Thread | Fork): void {
    this.runOfEvent.set(event.id, run);
    this.after.set(event.id, next ?? this.threadOfRun.get(run) ?? this.root);
    if (run.eventIds.at(-1) !== event.id) run.eventIds.push(event.id);
  }

  /** The thread a state entered right after event `prev` runs in: a new branch right after ParallelStateStarted. */
  private enteredThread(prev: number): Thread {
    const at = this.after.get(prev) ?? this.root;
    if (at.kind === 'thread') return at;
    const branch: Thread = { kind: 'thread', container: at.container, iteration: at.container.iteration };
    at.branches.push(branch);
    return branch;
  }

  /**
   * The thread of an event that follows `prev`. Right after ParallelStateStarted (an EvaluationFailed
   * follows what its state's Entered followed), the branch whose state is `stateName`.
   */
  private threadAfter(prev: number, stateName?: string): Thread {
    const at = this.after.get(prev) ?? this.root;
    if (at.kind === 'thread') return at;
    return at.branches.find((b) => b.current?.open && b.current.name === stateName) ?? { kind: 'thread' };
  }

  /**
   * The open run an event following `prev` closes or continues: the run of `prev`'s thread, or the
   * Parallel or Map it runs inside (a branch's or iteration's last event is followed by the
   * container's own events), walking out one container at a time.
   */
  private owner(prev: number, matches: (run: StateRun) => boolean): StateRun | undefined {
    let run: StateRun | undefined = this.runOfEvent.get(prev) ?? this.threadAfter(prev).current;
    while (run && !(run.open && matches(run))) run = run.parent;
    return run;
  }

  private noteChild(output: string | undefined): void {
    if (!output || !output.includes(':execution:')) return;
    const match = /"ExecutionArn"\s*:\s*"(arn:[^"]+:execution:[^"]+)"/.exec(output);
    if (match && !this.summary.childExecutionArns.includes(match[1])) this.summary.childExecutionArns.push(match[1]);
  }

  /** The runs of one iteration (and the states outside any Map), or all of them. */
  runsIn(iterationId?: string): StateRun[] {
    if (iterationId === undefined) return this.runs;
    return this.runs.filter(
      (run) =>
        !run.iteration ||
        run.iteration.id === iterationId ||
        run.iteration.id.startsWith(`${iterationId}/`) ||
        iterationId.startsWith(`${run.iteration.id}/`),
    );
  }

  /**
   * Each state's status: its latest run within one iteration; across iterations the most severe
   * (a failed iteration shows the state failed; otherwise one still running shows it in progress).
   */
  statuses(iterationId?: string): Map<string, StateStatus> {
    const latest = new Map<string, StateRun>();
    for (const run of this.runsIn(iterationId)) latest.set(`${run.iteration?.id ?? ''}|${run.name}`, run);
    const out = new Map<string, StateStatus>();
    for (const run of latest.values()) {
      const current = out.get(run.name);
      if (current === undefined || severity[run.status] > severity[current]) out.set(run.name, run.status);
    }
    return out;
  }

  /** Iterations of a Map state, by index. */
  iterationsOf(mapName: string): Iteration[] {
    return this.iterations.filter((iteration) => iteration.mapName === mapName).sort((a, b) => a.index - b.index);
  }

  latestRun(name: string, iterationId?: string): StateRun | undefined {
    const runs = this.runsIn(iterationId);
    for (let i = runs.length - 1; i >= 0; i--) if (runs[i].name === name) return runs[i];
    return undefined;
  }
}
