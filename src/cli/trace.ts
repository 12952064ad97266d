/**
 * `stepwise run --trace`: the execution as a readable timeline, one line per thing that happened,
 * as it happens:
 *
 *   +0.000s  ▶ ProcessItems (Map)  input [{"sku":"A"},{"sku":"B"}]
 *   +0.001s    [ProcessItems #0] ▶ Reserve (Task)  input {"sku":"A"}
 *   +0.004s    [ProcessItems #0] ✗ Reserve failed  OutOfStock: try later
 *   +2.004s    [ProcessItems #0] ↻ Reserve retry 1 after 2.000s
 *
 * Times are relative to the start (in the run's own time: a fake clock's Waits show their length
 * though they took none). Map iterations and Parallel branches are indented under their state and
 * labelled, since they run at once and their lines interleave. A failure followed by the same task
 * scheduled again is a retry; followed by the state's exit, a Catch, shown with its target.
 */
import { styleText } from 'node:util';
import type { HistoryEvent } from '../vocabulary/history-events.js';
import { detailsFieldOf } from '../vocabulary/history-events.js';
import type { Frame } from '../interpreter/types.js';

/** Longest input/output shown in full; longer ones are cut with "…". */
const MAX_PAYLOAD = 160;

type Style = 'dim' | 'bold' | 'green' | 'red' | 'yellow' | 'cyan';

/** What the timeline keeps of a frame (the top level, a Map iteration or a Parallel branch). */
interface TracedFrame {
  depth: number;
  label: string;
  /** The state the frame is in and its type, from its last StateEntered. */
  stateName?: string;
  stateType?: string;
  /** A failure of the current state not yet retried or caught: when it happened. */
  failedAt?: number;
  failedError?: string;
  retries: number;
  /** The Map or Parallel state's frame this iteration or branch belongs to. */
  parent?: TracedFrame;
  /** The last error a child (iteration or branch) failed with: what a failed Map or Parallel is caught for. */
  childError?: string;
  /** The current state exited after a failure: a Catch, whose target the next state entered is. */
  caught?: { stateName: string; error: string };
}

interface Details {
  name?: string;
  input?: string;
  output?: string;
  error?: string;
  cause?: string;
  index?: number;
}

const FAILURES = new Set<string>([
  'ActivityFailed',
  'ActivityScheduleFailed',
  'ActivityTimedOut',
  'EvaluationFailed',
  'LambdaFunctionFailed',
  'LambdaFunctionScheduleFailed',
  'LambdaFunctionStartFailed',
  'LambdaFunctionTimedOut',
  'MapStateFailed',
  'ParallelStateFailed',
  'TaskFailed',
  'TaskStartFailed',
  'TaskSubmitFailed',
  'TaskTimedOut',
]);

/** The events that begin an attempt of a state: after a failure, a retry. */
const ATTEMPTS = new Set<string>([
  'ActivityScheduled',
  'LambdaFunctionScheduled',
  'MapStateStarted',
  'ParallelStateStarted',
  'TaskScheduled',
]);

/** How an execution that did not succeed ended, by its last event. */
const EXECUTION_ENDINGS: Partial<Record<string, string>> = {
  ExecutionFailed: 'failed',
  ExecutionTimedOut: 'timed out',
  ExecutionAborted: 'aborted',
};

/** The events that end an attempt well: a failure seen before them was tolerated, not caught. */
const SUCCESSES = new Set<string>([
  'ActivitySucceeded',
  'LambdaFunctionSucceeded',
  'MapStateSucceeded',
  'ParallelStateSucceeded',
  'TaskSucceeded',
]);

export class Trace {
  private readonly frames = new Map<string, TracedFrame>();
  private start: number | undefined;

  constructor(
    private readonly write: (line: string) => void,
    private readonly colour: boolean,
  ) {}

  /** RunOptions.onEvent: one event, with the frame that recorded it (null: the execution). */
  readonly onEvent = (event: HistoryEvent, frame: Readonly<Frame> | null): void => {
    this.start ??= event.timestamp;
    const details = detailsOf(event);
    if (frame === null) {
      this.execution(event, details);
      return;
    }
    this.state(event, details, this.traced(frame, event));
  };

  private execution(event: HistoryEvent, d: Details): void {
    if (event.type === 'ExecutionStarted') {
      this.line(event, undefined, `${this.paint('bold', 'execution started')}${this.payload('input', d.input)}`);
    } else if (event.type === 'ExecutionSucceeded') {
      this.line(event, undefined, `${this.paint('green', '✓ execution succeeded')}${this.payload('output', d.output)}`);
    } else if (event.type in EXECUTION_ENDINGS) {
      const what = EXECUTION_ENDINGS[event.type] ?? '';
      this.line(event, undefined, `${this.paint('red', `✗ execution ${what}`)}${this.failure(d)}`);
    }
  }

  private state(event: HistoryEvent, d: Details, f: TracedFrame): void {
    const type = event.type;
    if (type.endsWith('StateEntered')) {
      if (f.caught) {
        const { stateName, error } = f.caught;
        this.line(event, f, `${this.paint('cyan', '↪')} ${this.name(stateName)} caught ${error} → ${d.name ?? '?'}`);
        f.caught = undefined;
      }
      f.stateName = d.name;
      f.stateType = type.slice(0, -'StateEntered'.length);
      f.childError = undefined;
      f.failedAt = undefined;
      f.retries = 0;
      this.line(event, f, `▶ ${this.name(d.name)} (${f.stateType})${this.payload('input', d.input)}`);
    } else if (type.endsWith('StateExited')) {
      if (f.failedAt !== undefined) {
        // Exited after a failure with no success since: a Catch took it; shown with the next state.
        f.caught = { stateName: d.name ?? '?', error: f.failedError ?? 'an error' };
        f.failedAt = undefined;
        return;
      }
      this.line(event, f, `${this.paint('green', '◀')} ${this.name(d.name)}${this.payload('output', d.output)}`);
    } else if (FAILURES.has(type)) {
      f.failedAt = event.timestamp;
      f.failedError = d.error ?? f.childError ?? type;
      if (f.parent && d.error !== undefined) f.parent.childError = d.error;
      const what = type.endsWith('TimedOut') ? 'timed out' : 'failed';
      this.line(event, f, `${this.paint('red', '✗')} ${this.name(f.stateName)} ${what}${this.failure(d)}`);
    } else if (ATTEMPTS.has(type) && f.failedAt !== undefined) {
      this.retry(event, f);
    } else if (type === 'MapIterationFailed' || type === 'MapIterationAborted') {
      // Recorded by the Map's frame: a failed iteration fails the Map (unless tolerated).
      if (type === 'MapIterationFailed') {
        f.failedAt = event.timestamp;
        f.failedError = f.childError ?? 'a failed iteration';
      }
      const what = type === 'MapIterationFailed' ? 'failed' : 'aborted';
      const iteration = `${d.name ?? f.stateName ?? '?'} #${d.index ?? '?'}`;
      this.line(event, f, `${this.paint('red', '✗')} ${this.name(iteration)} ${what}${this.failure(d)}`);
    } else if (SUCCESSES.has(type)) {
      // A Map within its tolerated failures, or a task, succeeded after all: no Catch follows.
      f.failedAt = undefined;
    }
  }

  /** The frame's failed state runs again: a Retry, after its backoff. */
  private retry(event: HistoryEvent, f: TracedFrame): void {
    f.retries += 1;
    const after = ((event.timestamp - (f.failedAt ?? event.timestamp)) / 1000).toFixed(3);
    f.failedAt = undefined;
    f.failedError = undefined;
    this.line(event, f, `${this.paint('yellow', '↻')} ${this.name(f.stateName)} retry ${f.retries} after ${after}s`);
  }

  /** The timeline's record of a frame, made the first time the frame records an event. */
  private traced(frame: Readonly<Frame>, event: HistoryEvent): TracedFrame {
    let traced = this.frames.get(frame.id);
    if (traced) return traced;
    const parent = frame.parentId !== undefined ? this.frames.get(frame.parentId) : undefined;
    if (!parent) traced = { depth: 0, label: '', retries: 0 };
    else {
      // New iterations or branches of a Map or Parallel state that had failed: it is being retried.
      if (parent.failedAt !== undefined) this.retry(event, parent);
      const owner = parent.stateName ?? '?';
      const label = parent.stateType === 'Parallel' ? `${owner} branch ${frame.index}` : `${owner} #${frame.index}`;
      traced = { depth: parent.depth + 1, label, retries: 0, parent };
    }
    this.frames.set(frame.id, traced);
    return traced;
  }

  private line(event: HistoryEvent, frame: TracedFrame | undefined, text: string): void {
    const seconds = ((event.timestamp - (this.start ?? event.timestamp)) / 1000).toFixed(3);
    const time = this.paint('dim', `+${seconds}s`.padStart(10));
    const indent = '  '.repeat(frame?.depth ?? 0);
    const label = frame && frame.label !== '' ? `${this.paint('dim', `[${frame.label}]`)} ` : '';
    this.write(`${time}  ${indent}${label}${text}\n`);
  }

  private name(name: string | undefined): string {
    return this.paint('bold', name ?? '?');
  }

  private payload(what: string, json: string | undefined): string {
    if (json === undefined) return '';
    const shown = json.length > MAX_PAYLOAD ? `${json.slice(0, MAX_PAYLOAD - 1)}…` : json;
    return `  ${this.paint('dim', what)} ${shown}`;
  }

  private failure(d: Details): string {
    if (d.error === undefined && d.cause === undefined) return '';
    const cause = d.cause !== undefined && d.cause !== '' ? `: ${oneLine(readableCause(d.cause))}` : '';
    return `  ${d.error ?? ''}${cause}`;
  }

  private paint(style: Style, text: string): string {
    // Whether to colour is decided here (CliIO.colour), not by styleText's look at process.stdout.
    return this.colour ? styleText(style, text, { validateStream: false }) : text;
  }
}

function detailsOf(event: HistoryEvent): Details {
  const field = detailsFieldOf[event.type];
  if (field === null) return {};
  const value: unknown = event[field];
  return typeof value === 'object' && value !== null ? (value as Details) : {};
}

function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > MAX_PAYLOAD ? `${flat.slice(0, MAX_PAYLOAD - 1)}…` : flat;
}

/** A Lambda function's error cause is its error document: its errorMessage is what a reader wants. */
function readableCause(cause: string): string {
  if (!cause.startsWith('{')) return cause;
  try {
    const document = JSON.parse(cause) as { errorMessage?: unknown };
    return typeof document.errorMessage === 'string' ? document.errorMessage : cause;
  } catch {
    return cause;
  }
}
