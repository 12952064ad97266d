/** Pass: its input, or its Result, through the pipeline. */
import type { PassState } from '../compiled.js';
import { andThen, transition } from '../outcome.js';
import { finishWithResult, passThrough } from '../pipeline/index.js';
import { effectiveInput } from '../pipeline/jsonpath.js';
import type { StateBehaviour } from './behaviour.js';

export const pass: StateBehaviour<PassState> = {
  compile: (base, { raw }) => ({ ...base, type: 'Pass', result: raw.Result }),

  run(run, frame, state) {
    if (state.queryLanguage === 'JSONata')
      return andThen(passThrough(run, frame, state, frame.stateInput), (t) => transition(state, t));
    const effective = effectiveInput(run, frame, state);
    if (state.result !== undefined) run.inspector?.value('result', state.result);
    return finishWithResult(run, frame, state, state.result !== undefined ? state.result : effective);
  },
};
