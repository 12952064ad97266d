/**
 * Parallel: runs each branch in a child frame of the same execution and gathers their outputs;
 * the first branch that fails stops the others.
 */
import { isJsonObject } from '../../json.js';
import { CompileError } from '../compile-fields.js';
import type { ParallelState } from '../compiled.js';
import { abortChildren, newChild, removeId } from '../frames.js';
import { joinChild } from '../links.js';
import type { Outcome } from '../outcome.js';
import { finishWithResult } from '../pipeline/index.js';
import { jsonataArguments } from '../pipeline/jsonata.js';
import { effectiveInput } from '../pipeline/jsonpath.js';
import type { StepContext } from '../step-context.js';
import type { Frame } from '../types.js';
import type { StateBehaviour } from './behaviour.js';

export const parallel: StateBehaviour<ParallelState> = {
  compile(base, { raw, address, pointer, list }) {
    const branches = Array.isArray(raw.Branches) ? raw.Branches : [];
    return {
      ...base,
      type: 'Parallel',
      branches: branches.map((branch, i) => {
        if (!isJsonObject(branch)) throw new CompileError(`${pointer}/Branches/${i}`, 'A branch must be an object');
        return list(branch, `${address}/branch/${i}`, `${pointer}/Branches/${i}`);
      }),
    };
  },

  run: (run, frame, state) => startParallel(run, frame, state),

  childFinished(run, parent, state, child, outcome) {
    if (parent.phase.kind !== 'parallel') return;
    const parentId = parent.id;
    // `parent` is this step's own copy (StepContext.frame), so its phase arrays may be updated in place.
    const phase = parent.phase;
    removeId(phase.children, child.id);
    // The Parallel goes on from the last event of the branch that failed, or that ended last.
    joinChild(parent, child);
    if (!outcome.ok) {
      abortChildren(run, parent, false);
      parent.retained = { kind: 'parallel', results: phase.results, done: phase.done };
      parent.phase = { kind: 'ready' };
      return run.advance(parentId, () => ({ kind: 'error', error: outcome.error, cause: outcome.cause }));
    }
    phase.results[child.index] = outcome.output;
    phase.done[child.index] = true;
    phase.pending -= 1;
    if (phase.pending === 0) return run.advance(parentId, () => finishParallel(run, run.frame(parentId), state));
  },
};

async function startParallel(run: StepContext, frame: Frame, state: ParallelState): Promise<Outcome> {
  const input =
    state.queryLanguage === 'JSONata' ? await jsonataArguments(run, frame, state) : effectiveInput(run, frame, state);
  run.emit(frame, 'ParallelStateStarted');
  // A redriven Parallel keeps the branches that succeeded and reruns the others.
  const kept =
    frame.retained?.kind === 'parallel' && frame.retained.done.length === state.branches.length
      ? frame.retained
      : undefined;
  frame.retained = undefined;
  const results = kept ? [...kept.results] : state.branches.map(() => null);
  const done = kept ? [...kept.done] : state.branches.map(() => false);
  const children: string[] = [];
  state.branches.forEach((branch, i) => {
    if (!done[i]) children.push(newChild(run, frame, `${state.address}/branch/${i}`, branch, i, input, false).id);
  });
  frame.phase = { kind: 'parallel', results, done, pending: children.length, children };
  if (children.length === 0) return finishParallel(run, frame, state);
  return { kind: 'blocked' };
}

/** Every branch succeeded: their outputs, in branch order, are the state's result. */
export async function finishParallel(run: StepContext, frame: Frame, state: ParallelState): Promise<Outcome> {
  const results = frame.phase.kind === 'parallel' ? frame.phase.results : [];
  run.emit(frame, 'ParallelStateSucceeded');
  frame.phase = { kind: 'ready' };
  return finishWithResult(run, frame, state, results);
}
