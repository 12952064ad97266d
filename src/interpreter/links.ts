/**
 * Which event a history event follows (its `previousEventId`), as AWS links them: not the event
 * before it in the list, but the one it follows in its own thread (the top level, a Parallel
 * branch, a Map iteration). Each frame remembers the event its next one follows (`lastEventId`),
 * so the links survive a restart with the persisted execution state. The rules, as AWS's recorded
 * histories show them (the conformance corpus's `historyLinks`):
 *
 * - ExecutionStarted follows event 0, and so does the first state's `…StateEntered` (the top-level
 *   frame starts at 0). Execution-level events follow the top-level frame's last event.
 * - An event follows its frame's last event and becomes it, except the "closing" events below,
 *   which follow it and leave it as it was.
 * - A child frame starts where its parent is (`ParallelStateStarted`, `MapStateStarted`), or, for
 *   a Map iteration filling the slot a finished one left, at that iteration's last state event.
 * - MapIterationSucceeded follows the iteration's last event and becomes the Map's last event;
 *   MapIterationFailed follows it too, and the Map goes on from the iteration's last event (its
 *   MapStateFailed, or the retry's MapStateStarted, follows that). A Parallel goes on from the
 *   last event of the branch that ended last (or that failed).
 * - A Map iteration stopped by another's failure: its MapIterationAborted follows its last event
 *   (its TaskStateAborted, say) and closes, so the Map's MapStateFailed still follows the failure.
 * - MapStateSucceeded (and ParallelStateSucceeded, MapRunSucceeded) close: the state's
 *   `…StateExited` follows the same event they do. A distributed Map's MapStateSucceeded follows
 *   its MapRunSucceeded, and its exit the MapRunStarted.
 * - EvaluationFailed follows the event the state's `…StateEntered` followed, except in a Wait
 *   state, where it follows the `…StateEntered`.
 *
 * The recordings hold no Task states, no successful Parallel, no aborted iteration, no redrive
 * and only Maps of MaxConcurrency 1; for those the rules above are extended by analogy: a Task's
 * events chain like any others, ParallelStateSucceeded closes like MapStateSucceeded,
 * MapIterationAborted like MapIterationFailed, an iteration filling a freed slot follows the
 * iteration that freed it, and a redriven run goes on from its ExecutionRedriven.
 */
import type { HistoryEventType } from '../vocabulary/history-events.js';
import type { StepContext } from './step-context.js';
import type { ExecutionState, Frame } from './types.js';
import { ROOT_FRAME } from './types.js';

/** Events that follow their frame's last event without becoming it. */
const CLOSING = new Set<HistoryEventType>([
  'MapStateSucceeded',
  'ParallelStateSucceeded',
  'MapRunSucceeded',
  'MapIterationAborted',
]);

/**
 * The previousEventId of event `id` of `type`, written by `frame` (null: the execution), and the
 * frame's link moved on. `after`, when given, is the event it follows instead of the frame's last.
 */
export function linkEvent(
  state: ExecutionState,
  frame: Frame | null,
  type: HistoryEventType,
  id: number,
  after?: number,
): number {
  if (frame === null) {
    const root = state.frames[ROOT_FRAME];
    return after ?? (root ? lastOf(root, id) : id - 1);
  }
  const previous = after ?? lastOf(frame, id);
  if (type.endsWith('StateEntered')) frame.enteredAfterEventId = previous;
  if (!CLOSING.has(type)) frame.lastEventId = id;
  return previous;
}

/**
 * The frame's last event. A frame stored before frames carried it (an execution running across
 * the upgrade) has none: its next event follows the one before it, as all events did then.
 */
function lastOf(frame: Frame, id: number): number {
  return (frame.lastEventId as number | undefined) ?? id - 1;
}

/** Records the EvaluationFailed of the frame's current state (see the rules above for what it follows). */
export function emitEvaluationFailed(run: StepContext, frame: Frame, failure: { error: string; cause?: string }): void {
  const after =
    run.current(frame).type === 'Wait' ? frame.lastEventId : (frame.enteredAfterEventId as number | undefined);
  run.emit(
    frame,
    'EvaluationFailed',
    () => ({ error: failure.error, cause: failure.cause, state: frame.stateName }),
    after,
  );
}

/**
 * A child frame ended: its parent goes on from the child's last event, or from `closingId` (the
 * MapIterationSucceeded that closed it). Isolated children (a distributed Map's) write no events.
 */
export function joinChild(parent: Frame, child: Frame, closingId?: number): void {
  if (child.isolated) return;
  parent.lastEventId = closingId ?? child.lastEventId;
}
