/**
 * Signals for frames that wait: a timer came due (a Wait, a Retry backoff, a task's timeout or
 * heartbeat), or a task (or a Map Run) answered. A signal the frame no longer waits for changes nothing.
 */
import { transition } from './outcome.js';
import type { StepContext } from './step-context.js';
import { answerTask, processState, taskTimedOut, type TaskSignal } from './states/index.js';
import { assertNever } from '../vocabulary/states-errors.js';

export async function onTimer(run: StepContext, frameId: string, timerId: string): Promise<void> {
  const frame = run.frame(frameId);
  const phase = frame.phase;
  switch (phase.kind) {
    case 'wait':
      if (phase.timerId !== timerId) return;
      run.unwait(timerId);
      await run.advance(frameId, async () => transition(run.current(frame), phase.then));
      return;
    case 'retryBackoff':
      if (phase.timerId !== timerId) return;
      run.unwait(timerId);
      frame.phase = { kind: 'ready' };
      await run.advance(frameId, () => processState(run, run.frame(frameId), { retry: true }));
      return;
    case 'task':
      if (phase.timeoutTimerId === timerId || phase.heartbeatTimerId === timerId) {
        await run.advance(frameId, async () => taskTimedOut(run, frame, phase.heartbeatTimerId === timerId));
      }
      return;
    case 'start':
    case 'ready':
    case 'parallel':
    case 'map':
    case 'done':
      // Waits on no timer: a late timer (cancelled, or of a state left since) changes nothing.
      return;
    default:
      assertNever(phase, 'frame phase');
  }
}

export async function onTask(run: StepContext, frameId: string, signal: TaskSignal): Promise<void> {
  const answer = answerTask(run, run.frame(frameId), signal);
  if (answer) await run.advance(frameId, answer);
}
