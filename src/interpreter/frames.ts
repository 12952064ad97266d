/**
 * Child frames (Parallel branches, Map iterations): creating them, stopping them, and the copy a
 * step makes of a frame's phase before changing it.
 */
import type { Json } from '../json.js';
import type { StateList } from './compiled.js';
import type { StepContext } from './step-context.js';
import type { Frame, FramePhase } from './types.js';
import { assertNever } from '../vocabulary/states-errors.js';

/**
 * A new child frame of `parent`, queued to enter the first state of `start`. Its first event
 * follows `after` (default: the parent's last event).
 */
export function newChild(
  run: StepContext,
  parent: Frame,
  list: string,
  start: StateList,
  index: number,
  input: Json,
  isolated: boolean,
  mapItem?: Frame['mapItem'],
  after: number = parent.lastEventId,
): Frame {
  const child: Frame = {
    id: run.nextId('frame'),
    parentId: parent.id,
    index,
    list,
    variables: {},
    isolated,
    stateName: start.startAt,
    stateInput: input,
    enteredEventId: 0,
    enteredTime: 0,
    lastEventId: after,
    enteredAfterEventId: after,
    retryAttempts: [],
    retryCount: 0,
    phase: { kind: 'start' },
    mapItem,
  };
  run.addFrame(child);
  run.schedule(child.id);
  return child;
}

/**
 * Stops every child of a frame (recursively): their tasks and timers are cancelled and, when
 * `record` or the child is mid-state, the Aborted events AWS writes are recorded.
 */
export function abortChildren(run: StepContext, frame: Frame, record: boolean): void {
  const phase = frame.phase;
  const childIds = phase.kind === 'parallel' ? phase.children : phase.kind === 'map' ? phase.running : [];
  for (const id of childIds) {
    // The step's own copy: its abort events move its link (see links.ts).
    const child = run.state.frames[id] ? run.frame(id) : undefined;
    if (!child) continue;
    // The child's own state is aborted here, once; the recursion only reaches its descendants.
    abortChildren(run, child, false);
    abortFrameState(run, child);
    // It follows the iteration's last event (its abort, if any), as MapIterationFailed does.
    if (phase.kind === 'map' && !phase.distributed)
      run.emit(frame, 'MapIterationAborted', () => ({ name: frame.stateName, index: child.index }), child.lastEventId);
    run.removeFrame(id);
  }
  if (record) abortFrameState(run, frame);
}

function abortFrameState(run: StepContext, frame: Frame): void {
  const phase = frame.phase;
  switch (phase.kind) {
    case 'task':
      run.unwait(phase.taskId);
      run.commands.push({ kind: 'cancelTask', taskId: phase.taskId });
      run.cancelTimer(phase.timeoutTimerId);
      run.cancelTimer(phase.heartbeatTimerId);
      run.emit(frame, 'TaskStateAborted');
      break;
    case 'wait':
      run.cancelTimer(phase.timerId);
      run.emit(frame, 'WaitStateAborted');
      break;
    case 'retryBackoff':
      run.cancelTimer(phase.timerId);
      break;
    case 'parallel':
      run.emit(frame, 'ParallelStateAborted');
      break;
    case 'map':
      if (phase.taskId !== undefined) {
        run.unwait(phase.taskId);
        run.commands.push({ kind: 'cancelTask', taskId: phase.taskId });
      }
      if (phase.distributed) run.emit(frame, 'MapRunAborted');
      run.emit(frame, 'MapStateAborted');
      break;
    case 'start':
    case 'ready':
    case 'done':
      break;
    default:
      assertNever(phase, 'frame phase');
  }
}

/** The arrays a step mutates in place (children's results, running children) get their own copy. */
export function clonePhase(phase: FramePhase): FramePhase {
  switch (phase.kind) {
    case 'map':
      return { ...phase, results: [...phase.results], done: [...phase.done], running: [...phase.running] };
    case 'parallel':
      return { ...phase, results: [...phase.results], done: [...phase.done], children: [...phase.children] };
    case 'start':
    case 'ready':
    case 'task':
    case 'wait':
    case 'retryBackoff':
    case 'done':
      // Nothing in these is mutated in place: the frame's copy shares them.
      return phase;
    default:
      return assertNever(phase, 'frame phase');
  }
}

/** Removes `id` from a list of frame ids (a phase's own copy, see clonePhase). */
export function removeId(ids: string[], id: string): void {
  const i = ids.indexOf(id);
  // Iterations mostly finish in the order they started: the first one, which shift takes in O(1).
  if (i === 0) ids.shift();
  else if (i > 0) ids.splice(i, 1);
}
